"""Thanks from requesters to a department or to the person who handled their request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from . import outbox
from .errors import Conflict, PermissionDenied
from .feedback import _comment
from .messages import _
from .models import Department, ServiceRequest, Thanks, User, utcnow
from .requests.notes import requester_events

MAX_MESSAGE = 500


def handler_of(request: ServiceRequest) -> User | None:
    """The person who handled the request: its assignee, else the last staff member to act."""
    if request.assignee is not None:
        return request.assignee
    # Internal notes do not count: their authors' names would tell the requester of them.
    for event in reversed(requester_events(request)):
        if event.actor is not None and event.actor_id != request.requester_id:
            return event.actor
    return None


def thanks_of(session: Session, request: ServiceRequest) -> Thanks | None:
    return session.scalar(select(Thanks).where(Thanks.request_id == request.id))


def send_thanks(session: Session, request: ServiceRequest, sender: User, message: object,
                to_person: bool = False, show_name: bool = False,
                now: datetime | None = None) -> Thanks:
    """Thank the department (or the person who handled it); once per request. The sender is
    named on public pages only if `show_name` (their consent) is true."""
    if sender.id != request.requester_id:
        raise PermissionDenied(_("Only the person who asked can send thanks for a request."))
    if request.status == "cancelled":
        raise Conflict(_("This request was cancelled."))
    if thanks_of(session, request) is not None:
        raise Conflict(_("You have already sent thanks for this request."))
    text = _comment(message, "message", MAX_MESSAGE)
    recipient = handler_of(request) if to_person else None
    thanks = Thanks(request=request, department_id=request.department_id, sender=sender,
                    recipient=recipient, message=text,
                    show_name=bool(show_name) and not request.department.confidential,
                    created_at=now or utcnow())
    session.add(thanks)
    outbox.thanks_sent(session, request, recipient, text)
    session.flush()
    return thanks


@dataclass(frozen=True)
class PublicThanks:
    """A thank-you as anyone may read it: a name only where that person consented."""

    message: str
    created_at: datetime
    sender_name: str | None  # None: "a colleague"
    to_person: bool  # thanks to one person rather than the whole team
    recipient_name: str | None  # None: the team, or a person who did not consent


def public_view(thanks: Thanks) -> PublicThanks:
    """The sender is named only if they ticked "show my name"; the person thanked only if
    they agreed (in their profile) to be named when thanked."""
    recipient = thanks.recipient
    return PublicThanks(
        message=thanks.message, created_at=thanks.created_at,
        sender_name=thanks.sender.name if thanks.show_name else None,
        to_person=recipient is not None,
        recipient_name=recipient.name if recipient is not None
        and recipient.show_name_when_thanked else None)


def recent_thanks(session: Session, department: Department,
                  limit: int = 5) -> list[PublicThanks]:
    """The department's latest thanks for its public page, newest first; none at all for a
    confidential department, whose requesters are never shown in public."""
    if department.confidential:
        return []
    return [public_view(thanks) for thanks in session.scalars(
        select(Thanks).where(Thanks.department_id == department.id)
        .options(joinedload(Thanks.sender), joinedload(Thanks.recipient))
        .order_by(Thanks.created_at.desc(), Thanks.id.desc()).limit(limit))]


@dataclass(frozen=True)
class Thanked:
    department: Department
    count: int


def most_thanked(session: Session, now: datetime | None = None, limit: int = 5) -> list[Thanked]:
    """The departments thanked most often this calendar month (UTC), most first."""
    now = now or utcnow()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    count = func.count(Thanks.id).label("n")
    rows = session.execute(
        select(Department, count).join(Thanks, Thanks.department_id == Department.id)
        .where(Thanks.created_at >= month_start, Thanks.created_at <= now)
        .group_by(Department.id).order_by(count.desc(), Department.name).limit(limit))
    return [Thanked(department, int(n)) for department, n in rows]
