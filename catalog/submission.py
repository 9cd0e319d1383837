"""Submitting a request: who may, what is checked, its reference, due times and first mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import outbox
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .messages import Message, _
from .models import Attachment, Offering, RequestEvent, ServiceRequest, User, utcnow
from .permissions import can
from .references import next_reference
from .request_clock import start_clocks
from .request_forms import clean_answers
from .requests import approvals
from .uploads import FileStore, FileTooLarge, StoredFile
from .webhooks import events as webhook_events

DEFAULT_PRIORITY = "normal"


@dataclass(frozen=True)
class Due:
    """When the department has committed to answer and to finish (None: no commitment)."""

    priority: str
    first_response: datetime | None
    resolution: datetime | None


def priorities(offering: Offering) -> list[str]:
    """The priorities a request can have: those the department publishes targets for."""
    return [priority for priority, _, _ in offering.targets()] or [DEFAULT_PRIORITY]


def may_set_any_priority(user: User | None, offering: Offering) -> bool:
    """The department's staff may give a request any priority, not only the employees' ones."""
    return can(user, "work_queue", offering)


def priorities_for(offering: Offering, user: User | None) -> list[str]:
    """The priorities this user may pick: all for staff, else those the owner allows."""
    offered = priorities(offering)
    allowed = offering.employee_priorities
    if allowed is None or may_set_any_priority(user, offering):
        return offered
    return [p for p in offered if p in allowed] or [default_priority(offering)]


def default_priority(offering: Offering, user: User | None = None) -> str:
    """Normal if offered (and allowed to the user), else the lowest one the user may pick."""
    choices = priorities(offering) if user is None else priorities_for(offering, user)
    return DEFAULT_PRIORITY if DEFAULT_PRIORITY in choices or not choices else choices[0]


def find_colleague(session: Session, email: object) -> User:
    """The active account with this e-mail, for whom a request is sent; a field error else."""
    text = email.strip().lower() if isinstance(email, str) else ""
    found = session.scalar(select(User).where(func.lower(User.email) == text)) \
        if text and len(text) <= 254 else None
    if found is None or not found.is_active:
        raise ValidationError(_("Please correct the marked fields."), {
            "on_behalf_of": _("Nobody with this e-mail address can receive requests in the"
                              " portal. Check the address, e.g. ann.meyer@example.com.")})
    return found


def due_if_submitted(offering: Offering, at: datetime) -> list[Due]:
    """For each priority, the due times a request submitted at `at` would get."""
    calendar = offering.department.calendar
    return [Due(priority, calendar.due_at(at, first), calendar.due_at(at, resolution))
            for priority, first, resolution in offering.targets()]


def for_whom(session: Session, sender: User, email: object) -> User:
    """Whom a request is for: the colleague with this e-mail, or the sender if it is blank."""
    if email is None or (isinstance(email, str) and not email.strip()):
        return sender
    return find_colleague(session, email)


def colleagues_to_suggest(session: Session, user: User) -> list[User]:
    """The people the user is manager of (people directory), for the "for whom" field."""
    return list(session.scalars(select(User).where(User.manager_id == user.id,
                                                   User.active.is_(True))
                                .order_by(User.name).limit(200)))


# An audience as a person of it is called ("This service is not offered to … (contractor)").
AUDIENCE_NAMES = {"employee": _("employee"), "temporary": _("temporary or agency worker"),
                  "contractor": _("contractor"), "shareholder": _("shareholder")}


def refusal(offering: Offering, user: User, sender: User | None = None) -> Message | None:
    """Why the published offering may not be requested for `user`, saying whom to ask.

    None if it may. `sender` is whoever sends the request for `user` (a manager for a new
    hire); the eligibility is always that of the person it is for.
    """
    department = offering.department
    if can(user, "request", offering):
        return None
    audience = AUDIENCE_NAMES.get(user.audience, user.audience)
    if sender is not None and sender.id != user.id:
        return _("This service is not offered to the group of users %(name)s belongs to"
                 " (%(audience)s), so it cannot be requested for them.", name=user.name,
                 audience=audience)
    if department.contact_email:
        return _("This service is not offered to your group of users (%(audience)s). If you"
                 " need it, ask %(department)s at %(email)s.", audience=audience,
                 department=department.name, email=department.contact_email)
    return _("This service is not offered to your group of users (%(audience)s). If you need"
             " it, ask %(department)s or your manager.", audience=audience,
             department=department.name)


def submit_request(session: Session, offering: Offering, requester: User, *, priority: Any,
                   values: Any, store: FileStore, now: datetime | None = None,
                   on_behalf_of: User | None = None) -> ServiceRequest:
    """Check and store a new request with its reference, due times, files and mail.

    `requester` sends it; with `on_behalf_of` it is for that colleague, whose eligibility
    counts and who follows it as the sender does. Files are written to `store` before the
    caller commits; if the commit fails, the caller calls `store.discard_written()` so that
    nothing of the request remains.
    """
    if offering.status == "draft":
        raise NotFound(_("There is no offering %(slug)s.", slug=offering.slug))
    if offering.status != "published":
        raise Conflict(_("This service has been retired and can no longer be requested."))
    sender = requester
    if on_behalf_of is not None and on_behalf_of.id != sender.id:
        requester = on_behalf_of
    reason = refusal(offering, requester, sender)
    if reason is not None:
        raise PermissionDenied(reason)
    steps = approvals.plan(offering, requester)
    targets = {p: (first, resolution) for p, first, resolution in offering.targets()}
    problems: dict[str, str] = {}
    if priority in (None, ""):
        priority = default_priority(offering, sender)
    if not isinstance(priority, str) or priority not in priorities(offering):
        problems["priority"] = _("Choose one of the priorities listed.")
    elif priority not in priorities_for(offering, sender):
        problems["priority"] = _("Only %(department)s can set this priority; please choose"
                                 " one of the priorities listed.",
                                 department=offering.department.name)
    now = now or utcnow()
    calendar = offering.department.calendar
    cleaned = clean_answers(offering.form, values, calendar=calendar,
                            today=now.astimezone(calendar.zone).date())
    problems.update(cleaned.problems)
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    stored: dict[str, list[StoredFile]] = {}
    for name, uploads in cleaned.files.items():
        try:
            stored[name] = [store.save(upload) for upload in
                            (uploads if isinstance(uploads, list) else [uploads])]
        except FileTooLarge:
            store.discard_written()
            limit = store.max_bytes // (1024 * 1024)
            raise ValidationError(_("Please correct the marked fields."), {
                name: _("This file is larger than %(limit)d MB.", limit=limit)}) from None
    department = offering.department
    answers = dict(cleaned.answers)
    for name, files in stored.items():
        several = isinstance(cleaned.files[name], list)
        answers[name] = [file.filename for file in files] if several else files[0].filename
    status = approvals.AWAITING if steps else "new"
    request = ServiceRequest(
        ref=next_reference(session, department, now),
        department=department, offering=offering, requester=requester,
        submitted_by=sender if sender.id != requester.id else None, priority=priority,
        status=status, answers=answers, form=list(offering.form), created_at=now,
        updated_at=now,
    )
    request.events.append(RequestEvent(kind="created", actor=sender, new_status=status,
                                       created_at=now))
    if not steps:  # else the clocks start with the last approval
        request.clock_started_at = now
        first, resolution = targets.get(priority, (None, None))
        start_clocks(request, department.calendar, first, resolution)
    for name, files in stored.items():
        for file in files:
            request.attachments.append(Attachment(
                field_name=name, filename=file.filename, stored_name=file.stored_name,
                content_type=file.content_type, size=file.size, created_at=now))
    session.add(request)
    outbox.request_submitted(session, request)
    if steps:
        approvals.begin(session, request, steps, now)
    webhook_events.request_created(session, request)
    session.flush()
    return request
