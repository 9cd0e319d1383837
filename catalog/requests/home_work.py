"""What waits for a signed-in person on their home page.

Staff (agents and owners of a department) land on their work: the open requests assigned to
them and the unassigned ones of their departments, the next deadline first. Everyone sees their
own open requests and what waits for them: requests waiting on their answer, approvals to
decide and resolved requests to rate. A fixed number of statements, however much there is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, joinedload

from ..models import OPEN_STATUSES, Feedback, ServiceRequest, User, utcnow
from ..pagination import Page, paginate
from ..permissions import STAFF_ROLES
from ..queue import next_due, states_of
from . import approvals

SHOWN = 8  # rows per list (the first page); the rest are counted and one link away
FEEDBACK_DAYS = 30  # resolved requests are offered for rating this long on the home page


def _none() -> Page[ServiceRequest]:
    return Page(items=[], total=0, page=1, per_page=SHOWN)


@dataclass
class HomeWork:
    staff: bool = False
    mine: Page[ServiceRequest] = field(default_factory=_none)  # staff: mine, open
    unassigned: Page[ServiceRequest] = field(default_factory=_none)  # nobody's
    my_requests: Page[ServiceRequest] = field(default_factory=_none)  # mine, open
    waiting_on_me: list[ServiceRequest] = field(default_factory=list)
    approvals: list[ServiceRequest] = field(default_factory=list)
    to_rate: list[ServiceRequest] = field(default_factory=list)
    states: dict[int, str | None] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.mine.total or self.unassigned.total or self.my_requests.total
                    or self.approvals or self.to_rate)


def staff_department_ids(user: User) -> list[int]:
    """The departments whose queue the user works as an agent or owner."""
    return sorted({role.department_id for role in user.roles if role.role in STAFF_ROLES})


def _open_requests() -> Select:
    return (select(ServiceRequest)
            .where(ServiceRequest.status.in_(OPEN_STATUSES))
            .options(joinedload(ServiceRequest.offering), joinedload(ServiceRequest.department),
                     joinedload(ServiceRequest.requester))
            .order_by(next_due().is_(None), next_due(), ServiceRequest.id))


def home_work(session: Session, user: User, now: datetime | None = None) -> HomeWork:
    """Everything the home page lists for the user."""
    now = now or utcnow()
    work = HomeWork()
    departments = staff_department_ids(user)
    if departments:
        work.staff = True
        work.mine = paginate(session, _open_requests().where(
            ServiceRequest.assignee_id == user.id), 1, SHOWN)
        work.unassigned = paginate(session, _open_requests().where(
            ServiceRequest.department_id.in_(departments), ServiceRequest.assignee_id.is_(None)),
            1, SHOWN)
    asked = or_(ServiceRequest.requester_id == user.id, ServiceRequest.submitted_by_id == user.id)
    mine = (select(ServiceRequest)
            .where(asked, ServiceRequest.status.in_((*OPEN_STATUSES, "awaiting_approval")))
            .options(joinedload(ServiceRequest.offering), joinedload(ServiceRequest.department))
            # What waits on the requester first, then the next deadline.
            .order_by((ServiceRequest.status != "waiting"), next_due().is_(None), next_due(),
                      ServiceRequest.id))
    work.my_requests = paginate(session, mine, 1, SHOWN)
    work.waiting_on_me = [r for r in work.my_requests.items if r.status == "waiting"]
    work.approvals = approvals.waiting_for(session, user)[:SHOWN]
    work.to_rate = list(session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.status.in_(("resolved", "closed")),
               ServiceRequest.resolved_at >= now - timedelta(days=FEEDBACK_DAYS),
               ~exists().where(Feedback.request_id == ServiceRequest.id))
        .options(joinedload(ServiceRequest.offering))
        .order_by(ServiceRequest.resolved_at.desc(), ServiceRequest.id.desc())
        .limit(SHOWN)))
    listed = [*work.mine.items, *work.unassigned.items, *work.my_requests.items]
    work.states = states_of(session, listed, now)
    return work
