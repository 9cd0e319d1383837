"""Events for webhooks, written as delivery rows in the caller's transaction.

Privacy by default: an event names the request by its reference and says what happened (status,
offering, department); never the requester, a comment's text or a rating's comment. A receiver
that needs more asks the JSON API with a token that may see it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import (
    Department,
    Feedback,
    Offering,
    RequestEvent,
    ServiceRequest,
    Webhook,
    WebhookDelivery,
    utcnow,
)


def publish(session: Session, event_types: tuple[str, ...], department: Department,
            data: dict[str, Any], now: datetime | None = None,
            also: Department | None = None) -> None:
    """For each event, one delivery to each active hook of the department (and of `also`, or
    of all) that wants it. An event has one id: the same for every hook, and on every
    attempt."""
    ids = {department.id} | ({also.id} if also is not None else set())
    hooks = list(session.scalars(select(Webhook).where(
        Webhook.active.is_(True),
        or_(Webhook.department_id.is_(None), Webhook.department_id.in_(ids)))))
    now = now or utcnow()
    for event_type in event_types:
        event_id = str(uuid.uuid4())
        for hook in hooks:
            if event_type in hook.events:
                session.add(WebhookDelivery(webhook=hook, event_id=event_id,
                                            event_type=event_type, occurred_at=now,
                                            next_attempt_at=now, data=data))


def _department(department: Department) -> dict[str, str]:
    return {"slug": department.slug, "name": department.name}


def _request(request: ServiceRequest) -> dict[str, Any]:
    """What every request event says: no person, no answer, no comment."""
    return {
        "ref": request.ref,
        "status": request.status,
        "priority": request.priority,
        "department": _department(request.department),
        "offering": {"id": request.offering_id, "slug": request.offering.slug,
                     "title": request.offering.title},
        "path": f"/requests/{request.ref}",
    }


def request_created(session: Session, request: ServiceRequest) -> None:
    publish(session, ("request.created",), request.department, _request(request),
            request.created_at)


def request_status_changed(session: Session, request: ServiceRequest,
                           event: RequestEvent) -> None:
    """A status change; reaching "resolved" is also its own event."""
    resolved = ("request.resolved",) if event.new_status == "resolved" else ()
    publish(session, ("request.status_changed", *resolved), request.department,
            {**_request(request), "old_status": event.old_status}, event.created_at)


def request_commented(session: Session, request: ServiceRequest, event: RequestEvent,
                      by_staff: bool) -> None:
    """A comment on the request's conversation (which both sides read); not its text."""
    publish(session, ("request.commented",), request.department,
            {**_request(request), "by": "department" if by_staff else "requester"},
            event.created_at)


def request_priority_changed(session: Session, request: ServiceRequest,
                             event: RequestEvent) -> None:
    """A new priority (its due times followed); not the reason given, which may name people."""
    publish(session, ("request.priority_changed",), request.department,
            {**_request(request), "old_priority": (event.details or {}).get("old")},
            event.created_at)


def request_moved(session: Session, request: ServiceRequest, event: RequestEvent,
                  before: Department, before_offering: Offering) -> None:
    """A request given to another department's offering: told to the hooks of the department
    it left and of the one it went to (a hook of all departments hears it once)."""
    publish(session, ("request.moved",), request.department, {
        **_request(request), "from_department": _department(before),
        "from_offering": {"id": before_offering.id, "slug": before_offering.slug,
                          "title": before_offering.title},
    }, event.created_at, also=before)


def feedback_given(session: Session, feedback: Feedback) -> None:
    """A rating given or changed; its comment stays in the portal."""
    request = feedback.request
    publish(session, ("feedback.given",), request.department,
            {**_request(request), "rating": feedback.rating}, feedback.updated_at)


def offering_saved(session: Session, offering: Offering, action: str) -> None:
    """A published offering, or a change to one that readers see (drafts tell nobody)."""
    if offering.status == "published" and action in ("published", "restored", "created"):
        event_type = "offering.published"
    elif offering.status != "draft" and action != "reviewed":
        event_type = "offering.changed"
    else:
        return
    publish(session, (event_type,), offering.department, {
        "department": _department(offering.department),
        "offering": {"id": offering.id, "slug": offering.slug, "title": offering.title},
        "status": offering.status, "action": action, "path": f"/o/{offering.id}",
    })
