"""Feedback on resolved requests, and the follow-up a poor rating makes the department answer.

The requester rates a resolved (or closed) request 1-5 with an optional comment: one rating per
request, which they may change for FEEDBACK_CHANGE_DAYS days after first giving it. A rating of
POOR_RATING or less opens a follow-up on the department's queue; an owner or agent answers it
and the requester sees the answer on the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from . import outbox
from .errors import Conflict, PermissionDenied, ValidationError
from .messages import _
from .models import Feedback, FollowUp, ServiceRequest, User, utcnow
from .numbers import whole_number
from .pagination import Page, paginate
from .permissions import can
from .text_input import clean_text
from .webhooks import events as webhook_events

FEEDBACK_CHANGE_DAYS = 14
POOR_RATING = 2
MAX_COMMENT = 2000


def may_rate(request: ServiceRequest, user: User | None) -> bool:
    """True if the user asked for the request and it has been resolved."""
    return (user is not None and getattr(user, "id", None) == request.requester_id
            and request.resolved_at is not None and request.status in ("resolved", "closed"))


def feedback_of(session: Session, request: ServiceRequest) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.request_id == request.id)
                          .options(joinedload(Feedback.follow_up)))


def may_change(feedback: Feedback, now: datetime | None = None) -> bool:
    return (now or utcnow()) <= feedback.created_at + timedelta(days=FEEDBACK_CHANGE_DAYS)


def _rating(value: object) -> int:
    if isinstance(value, str):
        value = whole_number(value.strip(), maximum=5)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(_("Please correct the marked fields."),
                              {"rating": _("Choose a rating from 1 to 5.")})
    return value


def _comment(value: object, field: str = "comment", limit: int = MAX_COMMENT,
             required: bool = False) -> str:
    return clean_text(value, field, required=required, limit=limit)


def give_feedback(session: Session, request: ServiceRequest, user: User, rating: object,
                  comment: object = "", now: datetime | None = None) -> Feedback:
    """Rate a resolved request, or change the rating within the allowed days."""
    if user.id != request.requester_id:
        raise PermissionDenied(_("Only the person who asked can rate this request."))
    if not may_rate(request, user):
        raise Conflict(_("You can rate a request once it has been resolved."))
    value, text = _rating(rating), _comment(comment)
    now = now or utcnow()
    feedback = feedback_of(session, request)
    if feedback is None:
        feedback = Feedback(request=request, department_id=request.department_id,
                            offering_id=request.offering_id, created_at=now)
        session.add(feedback)
    elif not may_change(feedback, now):
        raise Conflict(_("A rating can be changed for %(days)d days after it was given.",
                         days=FEEDBACK_CHANGE_DAYS))
    feedback.rating, feedback.comment, feedback.updated_at = value, text, now
    if value <= POOR_RATING and feedback.follow_up is None:
        feedback.follow_up = FollowUp(request=request, department_id=request.department_id,
                                      created_at=now)
        session.flush()
        outbox.follow_up_opened(session, request, value, text)
    webhook_events.feedback_given(session, feedback)
    session.flush()
    return feedback


def answer_follow_up(session: Session, follow_up: FollowUp, actor: User, answer: object,
                     now: datetime | None = None) -> FollowUp:
    """The department's answer to a poor rating; the requester is told by mail."""
    request = follow_up.request
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can answer a follow-up."))
    if follow_up.answered_at is not None:
        raise Conflict(_("This follow-up has already been answered."))
    text = _comment(answer, "answer", required=True)
    now = now or utcnow()
    follow_up.answer, follow_up.answered_at, follow_up.answered_by = text, now, actor
    follow_up.answer_business_minutes = ceil(
        request.department.calendar.business_minutes_between(follow_up.created_at, now))
    outbox.follow_up_answered(session, request, actor.name, text)
    session.flush()
    return follow_up


def find_follow_up(session: Session, follow_up_id: int) -> FollowUp | None:
    return session.get(FollowUp, follow_up_id)


def open_follow_ups(session: Session, department_id: int, limit: int = 50) -> list[FollowUp]:
    """Follow-ups of the department still to answer, oldest first."""
    return list(session.scalars(
        select(FollowUp).where(FollowUp.department_id == department_id,
                               FollowUp.answered_at.is_(None))
        .options(joinedload(FollowUp.feedback), joinedload(FollowUp.request))
        .order_by(FollowUp.created_at, FollowUp.id).limit(limit)))


def department_feedback(session: Session, department_id: int, page: int = 1,
                        per_page: int = 25) -> Page[Feedback]:
    """The department's ratings, newest first, for its staff."""
    statement = (select(Feedback).where(Feedback.department_id == department_id)
                 .options(joinedload(Feedback.follow_up), joinedload(Feedback.request))
                 .order_by(Feedback.updated_at.desc(), Feedback.id.desc()))
    return paginate(session, statement, page, per_page)


@dataclass(frozen=True)
class RatingSummary:
    count: int = 0
    average: float | None = None


@dataclass(frozen=True)
class FollowUpSummary:
    opened: int = 0
    answered: int = 0
    average_answer_minutes: float | None = None


def rating_summaries(session: Session, by: str = "department",
                     ids: list[int] | None = None) -> dict[int, RatingSummary]:
    """Number and average of ratings per department (or offering) id, in one query."""
    group = Feedback.department_id if by == "department" else Feedback.offering_id
    statement = select(group, func.count(Feedback.id), func.avg(Feedback.rating)).group_by(group)
    if ids is not None:
        statement = statement.where(group.in_(ids))
    return {key: RatingSummary(int(n), float(avg)) for key, n, avg in session.execute(statement)}


def follow_up_summaries(session: Session,
                        ids: list[int] | None = None) -> dict[int, FollowUpSummary]:
    """Follow-ups opened and answered per department, and the average business time taken."""
    answered = func.count(FollowUp.answered_at)
    statement = select(FollowUp.department_id, func.count(FollowUp.id), answered,
                       func.avg(FollowUp.answer_business_minutes)
                       ).group_by(FollowUp.department_id)
    if ids is not None:
        statement = statement.where(FollowUp.department_id.in_(ids))
    return {key: FollowUpSummary(int(n), int(done), float(avg) if avg is not None else None)
            for key, n, done, avg in session.execute(statement)}
