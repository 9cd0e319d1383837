"""Lists of requests: a department's queue and a requester's own, with their commitment state.

A request still open is *breached* once a commitment is missed (no first response by its due
time, a late first response, or not resolved by its due time), *at risk* once three quarters
of a target's business time are spent, else *on track*. While the resolution clock stands
still, it is judged at the moment it stopped. The state is one SQL expression, so the same
definition sorts, filters and labels every list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .models import (
    OPEN_STATUSES,
    Department,
    RequestApproval,
    RequestEvent,
    ServiceRequest,
    User,
    utcnow,
)
from .models.base import UTCDateTime
from .pagination import Page, paginate

STATES = ("on_track", "at_risk", "breached")
REFERENCE = re.compile(r"^[A-Z0-9]{1,10}-\d{4}-\d{1,12}\Z")
STATUS_FILTERS = ("open", "all", "new", "in_progress", "waiting", "resolved", "closed",
                  "cancelled", "awaiting_approval")
ASSIGNEE_FILTERS = ("anyone", "me", "unassigned")


@dataclass(frozen=True)
class QueueFilters:
    state: str | None = None
    status: str = "open"
    assignee: str = "anyone"
    priority: str | None = None


def _at(now: datetime) -> ColumnElement[datetime]:
    return literal(now, UTCDateTime())


def next_due() -> ColumnElement[datetime]:
    """The deadline that matters next: the first response until it is given, then resolution."""
    r = ServiceRequest
    return case((r.first_response_at.is_(None), r.first_response_due), else_=r.resolution_due)


def state_expression(now: datetime) -> ColumnElement[str | None]:
    """'breached', 'at_risk', 'on_track' for open requests, NULL for the others."""
    r = ServiceRequest
    clock = func.coalesce(r.paused_at, _at(now))  # the resolution clock, stopped or running
    breached = or_(
        and_(r.first_response_at.is_(None), r.first_response_due < _at(now)),
        r.first_response_at > r.first_response_due,
        r.resolution_due < clock,
    )
    at_risk = or_(
        and_(r.first_response_at.is_(None), r.first_response_risk_at <= _at(now)),
        r.resolution_risk_at <= clock,
    )
    return case(
        (r.status.not_in(OPEN_STATUSES), None),
        (breached, "breached"),
        (at_risk, "at_risk"),
        else_="on_track",
    )


def states_of(session: Session, requests: list[ServiceRequest],
              now: datetime | None = None) -> dict[int, str | None]:
    """The state of each request, by id, in one query."""
    if not requests:
        return {}
    rows = session.execute(
        select(ServiceRequest.id, state_expression(now or utcnow()))
        .where(ServiceRequest.id.in_([r.id for r in requests]))
    )
    return {request_id: state for request_id, state in rows}


def _status_filter(query: Select[Any], status: str | None) -> Select[Any]:
    if status in (None, "", "open"):
        return query.where(ServiceRequest.status.in_(OPEN_STATUSES))
    if status == "all" or status not in STATUS_FILTERS:
        return query
    return query.where(ServiceRequest.status == status)


def department_queue(session: Session, departments: list[Department], user: User,
                     filters: QueueFilters, page: int = 1, per_page: int = 20,
                     now: datetime | None = None) -> Page[ServiceRequest]:
    """Requests of the departments, the next deadline first (none last), filtered."""
    now = now or utcnow()
    query = (
        select(ServiceRequest)
        .where(ServiceRequest.department_id.in_([d.id for d in departments]))
        .options(joinedload(ServiceRequest.offering), joinedload(ServiceRequest.requester),
                 joinedload(ServiceRequest.assignee),
                 # The status events: each row explains its next due time, pauses included.
                 selectinload(ServiceRequest.events))
        .order_by(next_due().is_(None), next_due(), ServiceRequest.id)
    )
    query = _status_filter(query, filters.status)
    if filters.state in STATES:
        query = query.where(state_expression(now) == filters.state)
    if filters.assignee == "me":
        query = query.where(ServiceRequest.assignee_id == user.id)
    elif filters.assignee == "unassigned":
        query = query.where(ServiceRequest.assignee_id.is_(None))
    if filters.priority:
        query = query.where(ServiceRequest.priority == filters.priority)
    return paginate(session, query, page, per_page)


def state_counts(session: Session, departments: list[Department],
                 now: datetime | None = None) -> dict[str, int]:
    """How many open requests of the departments are on track, at risk and breached."""
    state = state_expression(now or utcnow())
    rows = session.execute(
        select(state, func.count())
        .where(ServiceRequest.department_id.in_([d.id for d in departments]),
               ServiceRequest.status.in_(OPEN_STATUSES))
        .group_by(state)
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update({name: n for name, n in rows if name})
    return counts


def my_requests(session: Session, user: User, status: str | None = "all", page: int = 1,
                per_page: int = 20) -> Page[ServiceRequest]:
    """The user's own requests (for them, or sent by them for someone else), newest first."""
    query = (
        select(ServiceRequest)
        .where(or_(ServiceRequest.requester_id == user.id,
                   ServiceRequest.submitted_by_id == user.id))
        .options(joinedload(ServiceRequest.offering), joinedload(ServiceRequest.department),
                 joinedload(ServiceRequest.requester), joinedload(ServiceRequest.submitted_by))
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
    )
    if status == "open":  # for the requester a request awaiting approval is open too
        query = query.where(ServiceRequest.status.in_((*OPEN_STATUSES, "awaiting_approval")))
        return paginate(session, query, page, per_page)
    return paginate(session, _status_filter(query, status), page, per_page)


def find_request(session: Session, ref: str) -> ServiceRequest | None:
    """The request with that reference, with what its page shows, or None."""
    if not REFERENCE.match(ref or ""):
        return None  # e.g. a NUL byte, which PostgreSQL would refuse to even compare
    return session.scalar(
        select(ServiceRequest).where(ServiceRequest.ref == ref).options(
            joinedload(ServiceRequest.offering), joinedload(ServiceRequest.requester),
            joinedload(ServiceRequest.submitted_by), joinedload(ServiceRequest.assignee),
            selectinload(ServiceRequest.events).joinedload(RequestEvent.actor),
            selectinload(ServiceRequest.events).joinedload(RequestEvent.assignee),
            selectinload(ServiceRequest.attachments),
            selectinload(ServiceRequest.approvals).joinedload(RequestApproval.approver),
            selectinload(ServiceRequest.approvals).joinedload(RequestApproval.decided_by),
        )
    )
