"""Submitting a request: who may, what is checked, its reference, due times and first mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import outbox
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .messages import Message, _
from .models import Attachment, Offering, RequestEvent, ServiceRequest, User, utcnow
from .permissions import can
from .references import next_reference
from .request_clock import start_clocks
from .request_forms import clean_answers
from .uploads import FileStore, FileTooLarge
from .webhooks import events as webhook_events

DEFAULT_PRIORITY = "normal"


@dataclass(frozen=True)
class Due:
    """When the department has committed to answer and to finish (None: no commitment)."""

    priority: str
    first_response: datetime | None
    resolution: datetime | None


def priorities(offering: Offering) -> list[str]:
    """The priorities a requester may choose: those the department publishes targets for."""
    return [priority for priority, _, _ in offering.targets()]


def default_priority(offering: Offering) -> str:
    choices = priorities(offering)
    return DEFAULT_PRIORITY if DEFAULT_PRIORITY in choices or not choices else choices[0]


def due_if_submitted(offering: Offering, at: datetime) -> list[Due]:
    """For each priority, the due times a request submitted at `at` would get."""
    calendar = offering.department.calendar
    return [Due(priority, calendar.due_at(at, first), calendar.due_at(at, resolution))
            for priority, first, resolution in offering.targets()]


def refusal(offering: Offering, user: User) -> Message | None:
    """Why the user may not request the published offering, saying whom to ask; None if ok."""
    department = offering.department
    if can(user, "request", offering):
        return None
    if department.contact_email:
        return _("This service is not offered to your group of users (%(audience)s). If you"
                 " need it, ask %(department)s at %(email)s.", audience=user.audience,
                 department=department.name, email=department.contact_email)
    return _("This service is not offered to your group of users (%(audience)s). If you need"
             " it, ask %(department)s or your manager.", audience=user.audience,
             department=department.name)


def submit_request(session: Session, offering: Offering, requester: User, *, priority: Any,
                   values: Any, store: FileStore, now: datetime | None = None) -> ServiceRequest:
    """Check and store a new request with its reference, due times, files and mail.

    Files are written to `store` before the caller commits; if the commit fails, the caller
    calls `store.discard_written()` so that nothing of the request remains.
    """
    if offering.status == "draft":
        raise NotFound(_("There is no offering %(slug)s.", slug=offering.slug))
    if offering.status != "published":
        raise Conflict(_("This service has been retired and can no longer be requested."))
    reason = refusal(offering, requester)
    if reason is not None:
        raise PermissionDenied(reason)
    targets = {p: (first, resolution) for p, first, resolution in offering.targets()}
    problems: dict[str, str] = {}
    if priority in (None, ""):
        priority = default_priority(offering)
    if not isinstance(priority, str) or priority not in (targets or [DEFAULT_PRIORITY]):
        problems["priority"] = _("Choose one of the priorities listed.")
    cleaned = clean_answers(offering.form, values)
    problems.update(cleaned.problems)
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    stored = {}
    for name, upload in cleaned.files.items():
        try:
            stored[name] = store.save(upload)
        except FileTooLarge:
            store.discard_written()
            limit = store.max_bytes // (1024 * 1024)
            raise ValidationError(_("Please correct the marked fields."), {
                name: _("This file is larger than %(limit)d MB.", limit=limit)}) from None
    now = now or utcnow()
    department = offering.department
    answers = dict(cleaned.answers)
    for name, file in stored.items():
        answers[name] = file.filename
    request = ServiceRequest(
        ref=next_reference(session, department, now),
        department=department, offering=offering, requester=requester,
        priority=priority, status="new", answers=answers, form=list(offering.form),
        created_at=now, updated_at=now,
    )
    first, resolution = targets.get(priority, (None, None))
    start_clocks(request, department.calendar, first, resolution)
    request.events.append(RequestEvent(kind="created", actor=requester, new_status="new",
                                       created_at=now))
    for name, file in stored.items():
        request.attachments.append(Attachment(
            field_name=name, filename=file.filename, stored_name=file.stored_name,
            content_type=file.content_type, size=file.size, created_at=now))
    session.add(request)
    outbox.request_submitted(session, request)
    webhook_events.request_created(session, request)
    session.flush()
    return request
