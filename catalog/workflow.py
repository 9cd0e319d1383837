"""Following a request to its end: comments, status changes, cancelling, assigning.

The department's staff may move an open request to any status directly; a resolved or closed
one can be reopened (and a resolved one closed); a cancelled one stays cancelled. The first
comment or status change by the department's staff is the first response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import outbox
from .errors import Conflict, PermissionDenied, ValidationError
from .measured_time import record_first_response, record_resolution
from .messages import _
from .models import OPEN_STATUSES, REQUEST_STATUSES, RequestEvent, ServiceRequest, User, utcnow
from .permissions import can, roles_in
from .request_clock import PAUSED_STATUSES, pause_clock, resume_clock
from .text_input import clean_text
from .webhooks import events as webhook_events

MAX_TEXT = 10_000


def is_staff(user: User | None, request: ServiceRequest) -> bool:
    """True if the user works the request's queue and is not the one who asked."""
    return user is not None and user.id != request.requester_id \
        and can(user, "work_queue", request)


def next_statuses(request: ServiceRequest) -> list[str]:
    """The statuses the department's staff may move the request to now."""
    if request.status in OPEN_STATUSES:
        return [s for s in REQUEST_STATUSES if s != request.status]
    if request.status == "resolved":
        return [*OPEN_STATUSES, "closed"]
    if request.status == "closed":
        return list(OPEN_STATUSES)
    return []


def _record_first_response(request: ServiceRequest, actor: User, at: datetime) -> bool:
    staff = is_staff(actor, request)
    if staff and request.first_response_at is None:
        request.first_response_at = at
        record_first_response(request, at)
    return staff


def add_comment(session: Session, request: ServiceRequest, actor: User, body: object,
                now: datetime | None = None) -> RequestEvent:
    """A comment from the requester or the department; the other side is told by mail.

    A reply from the requester to a request waiting on them sets it in progress again.
    """
    if not can(actor, "comment_request", request):
        raise PermissionDenied(_("Only the requester and the department can write here."))
    if request.status in ("closed", "cancelled"):
        raise Conflict(_("This request is %(status)s; please open a new request instead.",
                         status=request.status))
    text = clean_text(body, "body", required=True, limit=MAX_TEXT)
    now = now or utcnow()
    staff = _record_first_response(request, actor, now)
    event = RequestEvent(kind="comment", actor=actor, body=text, created_at=now)
    request.events.append(event)
    request.updated_at = now
    if request.status == "waiting" and actor.id == request.requester_id:
        moved = _move(request, actor, "in_progress", "", now)
        webhook_events.request_status_changed(session, request, moved)
    outbox.comment_added(session, request, event, by_staff=staff)
    webhook_events.request_commented(session, request, event, by_staff=staff)
    session.flush()
    return event


def change_status(session: Session, request: ServiceRequest, actor: User, status: object,
                  note: object = "", now: datetime | None = None) -> RequestEvent:
    """Staff move the request to another status, with an optional note to the requester."""
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can change the status."))
    if not isinstance(status, str) or status not in REQUEST_STATUSES:
        raise ValidationError(_("Please correct the marked fields."),
                              {"status": _("Choose one of the listed statuses.")})
    if status == request.status:
        raise ValidationError(_("Please correct the marked fields."),
                              {"status": _("The request is already in this status.")})
    if status not in next_statuses(request):
        raise Conflict(_("A %(old)s request cannot be moved to %(new)s.", old=request.status,
                         new=status))
    text = clean_text(note, "note", limit=MAX_TEXT)
    now = now or utcnow()
    staff = _record_first_response(request, actor, now)
    event = _move(request, actor, status, text, now)
    outbox.status_changed(session, request, event, by_staff=staff)
    webhook_events.request_status_changed(session, request, event)
    session.flush()
    return event


def cancel_request(session: Session, request: ServiceRequest, actor: User,
                   reason: object = "", now: datetime | None = None) -> RequestEvent:
    """The requester withdraws a request that is not resolved yet."""
    if not can(actor, "cancel_request", request):
        raise PermissionDenied(_("Only the requester can cancel a request."))
    if request.status not in OPEN_STATUSES:
        raise Conflict(_("Only a request that is not resolved yet can be cancelled."))
    text = clean_text(reason, "reason", limit=MAX_TEXT)
    now = now or utcnow()
    event = _move(request, actor, "cancelled", text, now)
    outbox.status_changed(session, request, event, by_staff=is_staff(actor, request))
    webhook_events.request_status_changed(session, request, event)
    session.flush()
    return event


def assign(session: Session, request: ServiceRequest, actor: User, assignee: User | None,
           now: datetime | None = None) -> RequestEvent | None:
    """Give the request to someone of the department's staff (None: nobody); no-op if same."""
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can assign requests."))
    if request.status not in OPEN_STATUSES:
        raise Conflict(_("Only open requests can be assigned."))
    if assignee is not None and not roles_in(assignee, request.department):
        raise _not_staff(request)
    if (assignee.id if assignee else None) == request.assignee_id:
        return None
    now = now or utcnow()
    request.assignee = assignee
    event = RequestEvent(kind="assigned", actor=actor, assignee=assignee, created_at=now)
    request.events.append(event)
    request.updated_at = now
    session.flush()
    return event


def staff_member(session: Session, request: ServiceRequest, user_id: int) -> User:
    """The user with this id if they work for the request's department. Anyone else and an id
    nobody has get the same error, which names nobody: ids cannot be used to look people up."""
    user = session.get(User, user_id)
    if user is None or not roles_in(user, request.department):
        raise _not_staff(request)
    return user


def _not_staff(request: ServiceRequest) -> ValidationError:
    return ValidationError(_("Please correct the marked fields."), {
        "assignee": _("Requests of %(department)s can only be assigned to its staff.",
                      department=request.department.name)})


def _move(request: ServiceRequest, actor: User, status: str, note: str,
          now: datetime) -> RequestEvent:
    old = request.status
    event = RequestEvent(kind="status", actor=actor, body=note, old_status=old,
                         new_status=status, created_at=now)
    request.events.append(event)
    request.status = status
    request.updated_at = now
    if status == "resolved" or (status == "closed" and request.resolved_at is None):
        request.resolved_at = now
        record_resolution(request, now)
    elif status in OPEN_STATUSES:
        request.resolved_at = None
        record_resolution(request, None)
    if status in PAUSED_STATUSES:
        pause_clock(request, now)
    elif old in PAUSED_STATUSES:
        resume_clock(request, request.department.calendar)
    return event
