"""Following a request to its end: comments, status changes, cancelling, assigning.

The department's staff may move an open request to any status directly; a resolved or closed
one can be reopened (and a resolved one closed); a cancelled one stays cancelled. The first
comment or status change by the department's staff is the first response.

The requester (the person it is for, or whoever sent it for them) may add information while
it is open and reopen it, with a reason, for some days after it was resolved. Neither resets
the measured history: the first response and the first resolution stay measured as they were.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
    return user is not None and user.id not in request.requester_side_ids \
        and can(user, "work_queue", request)


def next_statuses(request: ServiceRequest) -> list[str]:
    """The statuses the department's staff may move the request to now (a request awaiting
    approval is decided by its approvers, and none goes back to awaiting approval)."""
    if request.status in OPEN_STATUSES:
        return [s for s in REQUEST_STATUSES if s not in (request.status, "awaiting_approval")]
    if request.status == "resolved":
        return [*OPEN_STATUSES, "closed"]
    if request.status == "closed":
        return list(OPEN_STATUSES)
    return []


def status_choices(request: ServiceRequest) -> list[str]:
    """The options of a status control: the current status first (submitting it unchanged
    changes nothing), then those the staff may move the request to; none if it cannot move."""
    reachable = next_statuses(request)
    return [request.status, *reachable] if reachable else []


def _record_first_response(request: ServiceRequest, actor: User, at: datetime) -> bool:
    staff = is_staff(actor, request)
    # Before the last approval no clock runs: nothing can be a first response yet.
    if staff and request.first_response_at is None and request.status != "awaiting_approval":
        request.first_response_at = at
        record_first_response(request, at)
    return staff


def check_may_comment(request: ServiceRequest, actor: User) -> None:
    """PermissionDenied unless the actor may write on the request; Conflict once it is over."""
    if not can(actor, "comment_request", request):
        raise PermissionDenied(_("Only the requester and the department can write here."))
    if request.status in ("closed", "cancelled"):
        raise Conflict(_("This request is %(status)s; please open a new request instead.",
                         status=request.status))


def add_comment(session: Session, request: ServiceRequest, actor: User, body: object,
                now: datetime | None = None) -> RequestEvent:
    """A comment from the requester or the department; the other side is told by mail.

    A reply from the requester to a request waiting on them sets it in progress again.
    """
    check_may_comment(request, actor)
    text = clean_text(body, "body", required=True, limit=MAX_TEXT)
    now = now or utcnow()
    staff = _record_first_response(request, actor, now)
    event = RequestEvent(kind="comment", actor=actor, body=text, created_at=now)
    request.events.append(event)
    request.updated_at = now
    if request.status == "waiting" and actor.id in request.requester_side_ids:
        moved = _move(request, actor, "in_progress", "", now)
        webhook_events.request_status_changed(session, request, moved)
    outbox.comment_added(session, request, event, by_staff=staff)
    webhook_events.request_commented(session, request, event, by_staff=staff)
    session.flush()
    return event


def change_status(session: Session, request: ServiceRequest, actor: User, status: object,
                  note: object = "", now: datetime | None = None) -> RequestEvent | None:
    """Staff move the request to another status, with a note to the requester (required
    when resolving: it is what the requester reads). Its current status changes nothing
    (None): a status control that starts on it is safe to submit unchanged."""
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can change the status."))
    if not isinstance(status, str) or status not in REQUEST_STATUSES:
        raise ValidationError(_("Please correct the marked fields."),
                              {"status": _("Choose one of the listed statuses.")})
    if status == request.status:
        return None
    if status not in next_statuses(request):
        raise Conflict(_("A %(old)s request cannot be moved to %(new)s.", old=request.status,
                         new=status))
    text = clean_text(note, "note", limit=MAX_TEXT)
    if status == "resolved" and not text:
        message = _("Say how the request was resolved: the requester reads this note.")
        raise ValidationError(message, {"note": message})
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
    if request.status not in (*OPEN_STATUSES, "awaiting_approval"):
        raise Conflict(_("Only a request that is not resolved yet can be cancelled."))
    text = clean_text(reason, "reason", limit=MAX_TEXT)
    now = now or utcnow()
    event = _move(request, actor, "cancelled", text, now)
    outbox.status_changed(session, request, event, by_staff=is_staff(actor, request))
    webhook_events.request_status_changed(session, request, event)
    session.flush()
    return event


def add_information(session: Session, request: ServiceRequest, actor: User, body: object,
                    now: datetime | None = None) -> RequestEvent:
    """The requester adds to an open request what the department should know; it is told.

    A request waiting on the requester is in progress again; nothing measured changes.
    """
    if not can(actor, "add_information", request):
        raise PermissionDenied(_("Only the requester can add information to a request."))
    if request.status not in OPEN_STATUSES:
        raise Conflict(_("Information can only be added while the request is open."))
    text = clean_text(body, "body", required=True, limit=MAX_TEXT)
    now = now or utcnow()
    event = RequestEvent(kind="information", actor=actor, body=text, created_at=now)
    request.events.append(event)
    request.updated_at = now
    if request.status == "waiting":
        _move(request, actor, "in_progress", "", now)
    outbox.comment_added(session, request, event, by_staff=False)
    session.flush()
    return event


def last_resolved_at(request: ServiceRequest) -> datetime | None:
    """When the request was last set to resolved (its timeline), else its resolution time."""
    times = [e.created_at for e in request.events
             if e.kind == "status" and e.new_status == "resolved"]
    return max(times) if times else request.resolved_at


def reopen_until(request: ServiceRequest, reopen_days: int) -> datetime | None:
    """Until when the requester may reopen the request; None if it is not resolved."""
    resolved = last_resolved_at(request)
    if request.status != "resolved" or resolved is None:
        return None
    return resolved + timedelta(days=reopen_days)


def may_reopen(user: User | None, request: ServiceRequest, reopen_days: int,
               now: datetime | None = None) -> bool:
    """True if the user is the requester and the reopening window is still open."""
    until = reopen_until(request, reopen_days)
    return until is not None and (now or utcnow()) <= until \
        and can(user, "reopen_request", request)


def reopen_request(session: Session, request: ServiceRequest, actor: User, reason: object,
                   reopen_days: int, now: datetime | None = None) -> RequestEvent:
    """The requester reopens a resolved request within `reopen_days`, saying why.

    It is in progress again and its resolution clock runs on; the first response and the
    first resolution stay measured as they were (adherence counts them as before), and the
    reopening is on the timeline with its reason.
    """
    if not can(actor, "reopen_request", request):
        raise PermissionDenied(_("Only the requester can reopen a request."))
    if request.status != "resolved":
        raise Conflict(_("Only a resolved request can be reopened."))
    now = now or utcnow()
    until = reopen_until(request, reopen_days)
    if until is None or now > until:
        raise Conflict(_("A request can be reopened up to %(days)d days after it was"
                         " resolved; please send a new request instead.", days=reopen_days))
    text = clean_text(reason, "reason", required=True, limit=MAX_TEXT)
    event = _move(request, actor, "in_progress", text, now, keep_measures=True)
    outbox.status_changed(session, request, event, by_staff=False)
    session.flush()
    return event


def assign(session: Session, request: ServiceRequest, actor: User, assignee: User | None,
           now: datetime | None = None) -> RequestEvent | None:
    """Give the request to someone of the department's staff (None: nobody); no-op if same.

    A colleague it is handed to (not someone who takes it) is told by mail."""
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
    if assignee is not None and assignee.id != actor.id:
        outbox.handed_over(session, request, assignee, actor)
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


def move_to(request: ServiceRequest, actor: User, status: str, now: datetime) -> RequestEvent:
    """Change the status, on the timeline and its clocks, without telling anyone (a request
    moved to another department starts there as new)."""
    return _move(request, actor, status, "", now)


def _move(request: ServiceRequest, actor: User, status: str, note: str,
          now: datetime, keep_measures: bool = False) -> RequestEvent:
    """Change the status and its clocks; `keep_measures` keeps a measured resolution when a
    requester reopens, and a later resolution then does not replace it."""
    old = request.status
    event = RequestEvent(kind="status", actor=actor, body=note, old_status=old,
                         new_status=status, created_at=now)
    request.events.append(event)
    request.status = status
    request.updated_at = now
    if status in ("resolved", "closed") and request.resolved_at is None:
        request.resolved_at = now
        record_resolution(request, now)
    elif status in OPEN_STATUSES and old in ("resolved", "closed") and not keep_measures:
        request.resolved_at = None
        record_resolution(request, None)
    if status in PAUSED_STATUSES:
        pause_clock(request, now)
    elif old in PAUSED_STATUSES:
        resume_clock(request, request.department.calendar)
    return event
