"""Approvals before a department starts: who must approve, in which order, and what follows.

An offering's `approval` lists the steps, in order: `manager` (the requester's manager, from
the people directory, single sign-on or `users create --manager`) and `department` (the
department's approvers, else its owners). Such a request is sent as `awaiting_approval`: it is
not in the department's queue and no commitment clock runs. Only the first undecided step is
asked at a time. The last approval moves the request to `new` and starts the clocks from that
moment; a rejection (with its reason) ends the request as `cancelled`. Approvers who have not
decided are reminded once per business day of the department's calendar.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import outbox
from ..errors import Conflict, PermissionDenied, ValidationError
from ..messages import _
from ..models import (
    Offering,
    RequestApproval,
    RequestEvent,
    ServiceRequest,
    User,
    utcnow,
)
from ..permissions import approves, approves_anything, department_approvers
from ..request_clock import start_clocks
from ..text_input import clean_text

AWAITING = "awaiting_approval"
DECISIONS = ("approve", "reject")
MAX_COMMENT = 10_000


def manager_of(requester: User) -> User | None:
    """The requester's manager if the portal knows an active one (never themself)."""
    manager = requester.manager
    if manager is None or not manager.active or manager.id == requester.id:
        return None
    return manager


def plan(offering: Offering, requester: User) -> list[RequestApproval]:
    """The approval steps a request of this person needs (none: the department starts now).

    Raises Conflict when the offering asks for a manager the portal does not know.
    """
    steps: list[RequestApproval] = []
    for index, kind in enumerate(offering.approval or []):
        if kind == "manager":
            manager = manager_of(requester)
            if manager is None:
                raise Conflict(_(
                    "This service needs your manager's approval, but the portal does not know"
                    " who your manager is. Please ask your administrator to record your manager,"
                    " or ask %(department)s.", department=offering.department.name))
            steps.append(RequestApproval(step=index, kind=kind, approver=manager))
        else:
            steps.append(RequestApproval(step=index, kind=kind))
    return steps


def begin(session: Session, request: ServiceRequest, steps: list[RequestApproval],
          now: datetime) -> None:
    """Attach the steps to a request just sent and ask the first one."""
    for step in steps:
        step.created_at = now
        request.approvals.append(step)
    _ask(session, request, steps[0], now)


def current_step(request: ServiceRequest) -> RequestApproval | None:
    """The step that waits for a decision now (None: nothing waits)."""
    if request.status != AWAITING:
        return None
    return next((step for step in request.approvals if step.state == "pending"), None)


def deciders(request: ServiceRequest, step: RequestApproval) -> list[User]:
    """The people who may decide the step."""
    if step.kind == "manager":
        return [step.approver] if step.approver is not None else []
    return [person for person in department_approvers(request.department)
            if person.id != request.requester_id and person.active]


def decide(session: Session, request: ServiceRequest, actor: User, decision: object,
           comment: object = "", now: datetime | None = None) -> RequestApproval:
    """The actor approves or rejects the step that waits; a rejection needs its reason."""
    step = current_step(request)
    if step is None:
        raise Conflict(_("This request does not wait for an approval."))
    if not approves(actor, step):
        raise PermissionDenied(_("You cannot decide this approval."))
    if decision not in DECISIONS:
        raise ValidationError(_("Please correct the marked fields."),
                              {"decision": _("Choose approve or reject.")})
    text = clean_text(comment, "comment", limit=MAX_COMMENT)
    if decision == "reject" and not text:
        raise ValidationError(_("Please correct the marked fields."), {"comment": _(
            "Please give the reason for rejecting: the requester reads it.")})
    now = now or utcnow()
    step.decided_by, step.decided_at, step.comment = actor, now, text
    request.updated_at = now
    if decision == "reject":
        step.state = "rejected"
        _reject(session, request, step, actor, text, now)
    else:
        step.state = "approved"
        request.events.append(RequestEvent(kind="approved", actor=actor, body=text,
                                           created_at=now))
        following = current_step(request)
        if following is not None:
            _ask(session, request, following, now)
        else:
            _start(session, request, actor, now)
    session.flush()
    return step


def _ask(session: Session, request: ServiceRequest, step: RequestApproval,
         now: datetime) -> None:
    step.asked_at = now
    # The person asked, for a manager step (None: the department's approvers).
    request.events.append(RequestEvent(kind="approval_asked", assignee=step.approver,
                                       created_at=now))
    for person in deciders(request, step):
        outbox.approval_asked(session, request, person, reminder=False)


def _reject(session: Session, request: ServiceRequest, step: RequestApproval, actor: User,
            reason: str, now: datetime) -> None:
    # Later steps were never asked: they did not happen.
    for later in [s for s in request.approvals if s.state == "pending"]:
        request.approvals.remove(later)
    request.events.append(RequestEvent(kind="rejected", actor=actor, body=reason,
                                       created_at=now))
    request.events.append(RequestEvent(kind="status", actor=actor, body=reason,
                                       old_status=AWAITING, new_status="cancelled",
                                       created_at=now))
    request.status = "cancelled"
    request.paused_at = now
    outbox.approval_rejected(session, request, actor, reason)


def _start(session: Session, request: ServiceRequest, actor: User, now: datetime) -> None:
    """The last approval: the request becomes the department's work; its clocks start now."""
    request.events.append(RequestEvent(kind="status", actor=actor, old_status=AWAITING,
                                       new_status="new", created_at=now))
    request.status = "new"
    request.clock_started_at = now
    targets = {p: (first, res) for p, first, res in request.offering.targets()}
    first, resolution = targets.get(request.priority, (None, None))
    start_clocks(request, request.department.calendar, first, resolution)
    outbox.request_approved(session, request)


def waiting_for(session: Session, user: User) -> list[ServiceRequest]:
    """Requests whose current approval step the user may decide, the longest waiting first."""
    departments = [r.department for r in user.roles if r.role in ("approver", "owner")]
    department_ids = [d.id for d in departments
                      if any(p.id == user.id for p in department_approvers(d))]
    candidates = session.scalars(
        select(ServiceRequest)
        .join(RequestApproval, RequestApproval.request_id == ServiceRequest.id)
        .where(ServiceRequest.status == AWAITING, RequestApproval.state == "pending",
               RequestApproval.asked_at.is_not(None),
               ServiceRequest.requester_id != user.id,
               or_(RequestApproval.approver_id == user.id,
                   (RequestApproval.kind == "department")
                   & ServiceRequest.department_id.in_(department_ids)))
        .options(selectinload(ServiceRequest.approvals).joinedload(RequestApproval.approver),
                 selectinload(ServiceRequest.approvals).joinedload(RequestApproval.decided_by),
                 joinedload(ServiceRequest.offering), joinedload(ServiceRequest.requester),
                 joinedload(ServiceRequest.department))
        .order_by(RequestApproval.asked_at, ServiceRequest.id)
    ).unique().all()
    return [request for request in candidates
            if (step := current_step(request)) is not None and approves(user, step)]


def may_approve_anything(user: User) -> bool:
    """Whether the header links to the approvals page: the user is someone's manager or
    approves for a department (from what the account loads with it)."""
    return approves_anything(bool(getattr(user, "has_reports", False)),
                             (role.role for role in getattr(user, "roles", [])))


def remind(session: Session, now: datetime | None = None) -> int:
    """Remind the deciders of every step asked at least one business day ago (by the
    department's calendar) and not reminded in the last business day; returns how many
    steps were reminded. Run by the worker; running it again the same day sends nothing."""
    now = now or utcnow()
    steps = session.scalars(
        select(RequestApproval).join(RequestApproval.request)
        .where(ServiceRequest.status == AWAITING, RequestApproval.state == "pending",
               RequestApproval.asked_at.is_not(None))
        .order_by(RequestApproval.id)
    ).all()
    reminded = 0
    for step in steps:
        request = step.request
        department = request.department
        since = step.reminded_at or step.asked_at
        waited = department.calendar.business_minutes_between(since, now)
        if waited < department.day_minutes:
            continue
        step.reminded_at = now
        request.events.append(RequestEvent(kind="approval_reminder", assignee=step.approver,
                                           created_at=now))
        for person in deciders(request, step):
            outbox.approval_asked(session, request, person, reminder=True)
        reminded += 1
    session.flush()
    return reminded

