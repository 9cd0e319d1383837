"""Handing a request on: to a colleague, to another priority, to another department.

A priority change and a move are on the timeline with their reason (the requester reads it,
as they read the department and due times that change). A new priority keeps the clock's start
(creation, or the last approval) and counts both due times again under the commitment published
for it; adherence then judges the request by the priority in force at its end. A move gives the
request to the other department as new work: its offering, its commitment and a clock that starts
at the move; the first department's staff still read it (catalog.permissions), the requester side
keeps following it under the same reference.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .. import outbox, workflow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..messages import _
from ..models import OPEN_STATUSES, Department, Offering, RequestEvent, ServiceRequest, User, utcnow
from ..permissions import STAFF_ROLES, can
from ..request_clock import restart_targets
from ..submission import default_priority, priorities
from ..text_input import clean_text
from ..webhooks import events as webhook_events

REASON_LIMIT = 2000


def _check_open(request: ServiceRequest, actor: User, message: str) -> None:
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can do this."))
    if request.status not in OPEN_STATUSES:
        raise Conflict(message)


def _reason(reason: object) -> str:
    return clean_text(reason, "reason", required=True, limit=REASON_LIMIT)


def department_staff(request: ServiceRequest) -> list[User]:
    """Whom the request may be handed to: the department's agents and owners, by name."""
    people = {user.id: user for role in STAFF_ROLES
              for user in request.department.people(role) if user.is_active}
    return sorted(people.values(), key=lambda user: (user.name.casefold(), user.email))


def staff_by_email(request: ServiceRequest, email: object) -> User:
    """The colleague with this address; anyone else gets the same error, which names nobody."""
    wanted = email.strip().casefold() if isinstance(email, str) else ""
    found = next((user for user in department_staff(request)
                  if user.email.casefold() == wanted), None)
    if found is None:
        raise ValidationError(_("Please correct the marked fields."), {
            "email": _("Requests of %(department)s can only be assigned to its staff.",
                       department=request.department.name)})
    return found


def hand_over(session: Session, request: ServiceRequest, actor: User, email: object,
              now: datetime | None = None) -> RequestEvent | None:
    """Give the request to the colleague with this address ("" or None: to nobody)."""
    if not can(actor, "work_queue", request):
        raise PermissionDenied(_("Only the department's staff can assign requests."))
    assignee = None if email in (None, "") else staff_by_email(request, email)
    return workflow.assign(session, request, actor, assignee, now)


def change_priority(session: Session, request: ServiceRequest, actor: User, priority: object,
                    reason: object, now: datetime | None = None) -> RequestEvent:
    """Give an open request another priority, saying why; its due times follow."""
    _check_open(request, actor, _("Only an open request's priority can be changed."))
    offered = priorities(request.offering)
    if not isinstance(priority, str) or priority not in offered:
        raise ValidationError(_("Please correct the marked fields."),
                              {"priority": _("Choose one of the priorities listed.")})
    if priority == request.priority:
        raise ValidationError(_("Please correct the marked fields."),
                              {"priority": _("The request already has this priority.")})
    text = _reason(reason)
    now = now or utcnow()
    event = RequestEvent(kind="priority", actor=actor, body=text, created_at=now,
                         details={"old": request.priority, "new": priority})
    request.events.append(event)
    request.priority = priority
    first, resolution = _targets(request.offering, priority)
    restart_targets(request, request.department.calendar, first, resolution, now)
    request.updated_at = now
    webhook_events.request_priority_changed(session, request, event)
    session.flush()
    return event


def _targets(offering: Offering, priority: str) -> tuple[int | None, int | None]:
    found = {p: (first, resolution) for p, first, resolution in offering.targets()}
    return found.get(priority, (None, None))


def move_targets(session: Session, request: ServiceRequest) -> list[Offering]:
    """The published offerings of the other departments, open to the person it is for."""
    offerings = session.scalars(
        select(Offering).join(Department, Offering.department_id == Department.id)
        .where(Offering.status == "published", Offering.department_id != request.department_id)
        .options(joinedload(Offering.department))
        .order_by(Department.name, Offering.title))
    return [o for o in offerings if o.is_open_to(request.requester.audience)]


def move_request(session: Session, request: ServiceRequest, actor: User, offering_id: object,
                 reason: object, now: datetime | None = None) -> RequestEvent:
    """Give an open request to another department's offering, saying why."""
    _check_open(request, actor, _("Only an open request can be moved to another department."))
    offering = session.get(Offering, offering_id) if isinstance(offering_id, int) else None
    if offering is None or offering.status != "published" \
            or offering.department_id == request.department_id \
            or not offering.is_open_to(request.requester.audience):
        raise ValidationError(_("Please correct the marked fields."), {
            "offering": _("Choose one of the listed services of another department.")})
    text = _reason(reason)
    now = now or utcnow()
    before, before_offering = request.department, request.offering
    request.department, request.offering = offering.department, offering
    request.assignee = None
    # New work for the new department: its own first response, counted from now.
    request.clock_started_at = now
    request.first_response_at = None
    request.first_response_business_minutes = None
    if request.status != "new":
        workflow.move_to(request, actor, "new", now)
    if request.priority not in priorities(offering):
        request.priority = default_priority(offering)
    event = RequestEvent(kind="moved", actor=actor, body=text, created_at=now, details={
        "from_department_id": before.id, "from_department": before.name,
        "from_offering": before_offering.title, "to_department_id": offering.department_id,
        "to_department": offering.department.name, "to_offering": offering.title})
    request.events.append(event)
    first, resolution = _targets(offering, request.priority)
    restart_targets(request, offering.department.calendar, first, resolution, now)
    request.updated_at = now
    outbox.moved_in(session, request, event)
    webhook_events.request_moved(session, request, event, before, before_offering)
    session.flush()
    return event
