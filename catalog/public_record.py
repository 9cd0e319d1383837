"""What the public pages show of a department's or offering's record: adherence, ratings,
follow-ups and thanks, gathered in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from . import adherence, feedback, recognition
from .commitments import comparison
from .models import Department, Offering, utcnow


@dataclass
class DepartmentRecord:
    department: Department
    record: adherence.Record
    ratings: feedback.RatingSummary
    follow_ups: feedback.FollowUpSummary
    thanks: list[recognition.PublicThanks] = field(default_factory=list)
    # Published offerings with commitments of their own (for all or some priorities).
    own_commitments: list[Offering] = field(default_factory=list)


def commitments_overview(session: Session, now: datetime | None = None) -> list[DepartmentRecord]:
    """Every department by name with its record, for /commitments (8 queries in all)."""
    now = now or utcnow()
    departments = list(session.scalars(
        select(Department).options(selectinload(Department.commitments))
        .order_by(Department.name)))
    records = adherence.records(session, "department", now=now)
    ratings = feedback.rating_summaries(session)
    follow_ups = feedback.follow_up_summaries(session)
    own: dict[int, list[Offering]] = {}
    for offering in session.scalars(
            select(Offering).where(Offering.status == "published", or_(
                Offering.first_response_minutes.is_not(None),
                Offering.priority_targets.is_not(None))).order_by(Offering.title)):
        own.setdefault(offering.department_id, []).append(offering)
    return [DepartmentRecord(d, records.get(d.id) or adherence.empty_record(now),
                             ratings.get(d.id, feedback.RatingSummary()),
                             follow_ups.get(d.id, feedback.FollowUpSummary()),
                             own_commitments=own.get(d.id, []))
            for d in departments]


@dataclass
class CommitmentsPage:
    """/commitments: the comparison of every department, then each department's record."""

    comparison: list[comparison.ComparisonRow]
    departments: list[DepartmentRecord]


def commitments_page(session: Session, sort: str = "name", descending: bool = False,
                     now: datetime | None = None) -> CommitmentsPage:
    """Every department's record, and the comparison table sorted as asked."""
    departments = commitments_overview(session, now)
    return CommitmentsPage(comparison.comparison(departments, sort, descending), departments)


def department_record(session: Session, department: Department,
                      now: datetime | None = None) -> DepartmentRecord:
    """One department's record with its recent thanks, for its own page."""
    ids = [department.id]
    return DepartmentRecord(
        department,
        adherence.records(session, "department", ids, now)[department.id],
        feedback.rating_summaries(session, "department", ids).get(
            department.id, feedback.RatingSummary()),
        feedback.follow_up_summaries(session, ids).get(department.id,
                                                       feedback.FollowUpSummary()),
        recognition.recent_thanks(session, department),
    )


@dataclass
class OfferingRecord:
    offering: Offering
    record: adherence.Record
    ratings: feedback.RatingSummary


def offering_record(session: Session, offering: Offering,
                    now: datetime | None = None) -> OfferingRecord:
    ids = [offering.id]
    return OfferingRecord(
        offering, adherence.records(session, "offering", ids, now)[offering.id],
        feedback.rating_summaries(session, "offering", ids).get(offering.id,
                                                                 feedback.RatingSummary()))
