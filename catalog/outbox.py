"""Who is told what about a request: notifications written to the outbox in the caller's
transaction, so a change and its mail are stored together or not at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import OutboxMessage, RequestEvent, ServiceRequest, User
from .translations import localized

EXCERPT = 2000


def enqueue(session: Session, kind: str, to_address: str, request: ServiceRequest | None,
            data: dict[str, Any], recipient: User | None = None) -> OutboxMessage:
    """Add one message to the outbox; `send-mail` renders and delivers it."""
    message = OutboxMessage(kind=kind, to_address=to_address, recipient=recipient,
                            request=request, data=data)
    session.add(message)
    return message


def _about(request: ServiceRequest, locale: str | None = None) -> dict[str, Any]:
    """What every message about a request mentions, as it is now; the offering's title and
    the department's name in the recipient's language where the entry has it."""
    return {
        "ref": request.ref,
        # Mail without a recipient's language is written in English (portal/mail.py).
        "offering": str(localized(request.offering, "title", locale or "en")),
        "department": str(localized(request.department, "name", locale or "en")),
        "requester": request.requester.name,
        "submitted_by": request.submitted_by.name if request.submitted_by else None,
        "status": request.status,
        "first_response_due": _iso(request.first_response_due),
        "resolution_due": _iso(request.resolution_due),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _tell_requester(session: Session, kind: str, request: ServiceRequest,
                    extra: dict[str, Any]) -> None:
    """The person the request is for and, if someone else sent it, the sender too."""
    people = [request.requester]
    if request.submitted_by is not None and request.submitted_by is not request.requester:
        people.append(request.submitted_by)
    for person in people:
        enqueue(session, kind, person.email, request,
                {**_about(request, person.locale), **extra, "greet": person.name,
                 "timezone": person.timezone, "locale": person.locale}, recipient=person)


def _tell_department(session: Session, kind: str, request: ServiceRequest,
                     extra: dict[str, Any]) -> None:
    """The person working on it if someone is, else the department's contact (else owners)."""
    department = request.department
    if request.assignee is not None:
        people = [request.assignee]
    elif department.contact_email:
        enqueue(session, kind, department.contact_email, request,
                {**_about(request), **extra, "timezone": department.timezone, "locale": None})
        return
    else:
        people = department.people("owner")
    for person in people:
        enqueue(session, kind, person.email, request,
                {**_about(request, person.locale), **extra,
                 "timezone": person.timezone or department.timezone, "locale": person.locale},
                recipient=person)


def request_submitted(session: Session, request: ServiceRequest) -> None:
    """The requester hears it arrived; the department, once it is theirs (approved if needed)."""
    if request.status == "awaiting_approval":
        _tell_requester(session, "submitted", request, {"awaiting_approval": True})
        return
    _tell_requester(session, "submitted", request, {})
    _tell_department(session, "new_request", request, {})


def approval_asked(session: Session, request: ServiceRequest, approver: User,
                   reminder: bool) -> None:
    """An approver is asked (or reminded) to approve or reject a request."""
    enqueue(session, "approval_reminder" if reminder else "approval_asked", approver.email,
            request, {**_about(request, approver.locale), "timezone": approver.timezone,
                      "locale": approver.locale}, recipient=approver)


def request_approved(session: Session, request: ServiceRequest) -> None:
    """The last approval: the requester learns the due times, the department gets the work."""
    _tell_requester(session, "approved", request, {})
    _tell_department(session, "new_request", request, {})


def approval_rejected(session: Session, request: ServiceRequest, approver: User,
                      reason: str) -> None:
    _tell_requester(session, "rejected", request,
                    {"author": approver.name, "body": reason[:EXCERPT]})


def comment_added(session: Session, request: ServiceRequest, event: RequestEvent,
                  by_staff: bool) -> None:
    """The other side of the conversation hears about a comment."""
    extra = {"author": event.actor.name if event.actor else "", "body": event.body[:EXCERPT]}
    if by_staff:
        _tell_requester(session, "comment", request, extra)
    else:
        _tell_department(session, "requester_comment", request, extra)


def status_changed(session: Session, request: ServiceRequest, event: RequestEvent,
                   by_staff: bool) -> None:
    extra = {"old_status": event.old_status, "new_status": event.new_status,
             "author": event.actor.name if event.actor else "", "body": event.body[:EXCERPT]}
    if by_staff:
        _tell_requester(session, "status", request, extra)
    else:
        _tell_department(session, "requester_status", request, extra)


def follow_up_opened(session: Session, request: ServiceRequest, rating: int,
                     comment: str) -> None:
    """A poor rating: the department must answer it."""
    _tell_department(session, "follow_up", request,
                     {"rating": rating, "body": comment[:EXCERPT]})


def follow_up_answered(session: Session, request: ServiceRequest, author: str,
                       answer: str) -> None:
    _tell_requester(session, "follow_up_answered", request,
                    {"author": author, "body": answer[:EXCERPT]})


def thanks_sent(session: Session, request: ServiceRequest, recipient: User | None,
                message: str) -> None:
    """The person thanked hears of it; thanks to the whole department go to its contact."""
    extra = {"body": message[:EXCERPT]}
    if recipient is None:
        _tell_department(session, "thanks", request, extra)
    else:
        enqueue(session, "thanks", recipient.email, request,
                {**_about(request, recipient.locale), **extra, "timezone": recipient.timezone,
                 "locale": recipient.locale}, recipient=recipient)


def handed_over(session: Session, request: ServiceRequest, assignee: User,
                actor: User) -> None:
    """A colleague hears that a request is now theirs, and from whom."""
    enqueue(session, "handed_over", assignee.email, request,
            {**_about(request), "author": actor.name, "priority": request.priority,
             "timezone": assignee.timezone or request.department.timezone,
             "locale": assignee.locale}, recipient=assignee)


def moved_in(session: Session, request: ServiceRequest, event: RequestEvent) -> None:
    """The department a request was moved to hears of it as of new work, with the reason."""
    details = event.details or {}
    _tell_department(session, "moved_in", request, {
        "author": event.actor.name if event.actor else "",
        "from_department": details.get("from_department", ""), "body": event.body[:EXCERPT]})


def due_alert(session: Session, request: ServiceRequest, kind: str,
              people: list[User]) -> None:
    """A target nearly used up (`…_warning`, to whoever works it) or missed (`…_breach`, to
    the owners); `kind` is one of `models.ALERT_KINDS`."""
    department = request.department
    for person in people:
        enqueue(session, "due_alert", person.email, request,
                {**_about(request), "alert": kind, "assignee": request.assignee.name
                 if request.assignee else None,
                 "timezone": person.timezone or department.timezone, "locale": person.locale},
                recipient=person)


def due_digest(session: Session, person: User, day: Any, items: list[dict[str, Any]],
               timezone: str) -> None:
    """An agent's daily digest: the requests due today, each `{ref, offering, target, due}`."""
    enqueue(session, "due_digest", person.email, None,
            {"greet": person.name, "day": day.isoformat(), "items": items,
             "timezone": timezone, "locale": person.locale}, recipient=person)
