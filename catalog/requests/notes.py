"""Internal notes: what the department's staff write on a request for each other.

The requester never reads them: not on the page, in the API, in an e-mail, a webhook or their
data export. Every timeline a person reads goes through `visible_events`; whatever is told to
the requester side reads `requester_events`. A note is no first response, changes no status,
and nobody is told of it by mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..errors import PermissionDenied
from ..messages import _
from ..models import RequestEvent, ServiceRequest, User, utcnow
from ..text_input import clean_text
from ..workflow import MAX_TEXT, is_staff

NOTE = "note"


def sees_notes(user: User | None, request: ServiceRequest) -> bool:
    """The department's staff (not the one who asked, even if they work there) read notes."""
    return is_staff(user, request)


def add_note(session: Session, request: ServiceRequest, actor: User, body: object,
             now: datetime | None = None) -> RequestEvent:
    """Staff write an internal note; the requester side never sees it and is not told."""
    if not sees_notes(actor, request):
        raise PermissionDenied(_("Only the department's staff can write internal notes."))
    text = clean_text(body, "body", required=True, limit=MAX_TEXT)
    # Not `updated_at`: a change the requester could see would tell them a note was written.
    event = RequestEvent(kind=NOTE, actor=actor, body=text, created_at=now or utcnow())
    request.events.append(event)
    session.flush()
    return event


def requester_events(request: ServiceRequest) -> list[RequestEvent]:
    """The timeline without internal notes: what the requester side may read."""
    return [event for event in request.events if event.kind != NOTE]


def notes_of(request: ServiceRequest) -> list[RequestEvent]:
    return [event for event in request.events if event.kind == NOTE]


def visible_events(request: ServiceRequest, viewer: User | None) -> list[RequestEvent]:
    """The timeline as this person may read it: notes only for the department's staff."""
    return list(request.events) if sees_notes(viewer, request) else requester_events(request)
