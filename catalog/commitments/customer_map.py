"""The internal customer map: which departments request services from which.

A request's customer is its requester's home department (`User.department_id`, from the people
directory or the sign-in claims), or "not known". Figures are those of the requests created in
the window (the record's definitions: `catalog.commitments.record`), gathered in aggregate SQL
only: a fixed number of statements however many requests there are. Departments only, never
people: an edge is a pair of departments. The customers of a confidential department are shown
only to whoever works its queue (its staff and admins); everyone else sees none of its incoming
edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import Department, Feedback, ServiceRequest, User, utcnow
from ..permissions import can
from .columns import count_of
from .full_scan import outcomes
from .record import MIN_MEASURED, Measure, share
from .windows import DEFAULT_DAYS

TOP = 3  # top customers and suppliers named per department

R = ServiceRequest


@dataclass
class Edge(Measure):
    """Requests from one customer (None: home department not known) to one supplier, with
    the record's counts (`requests`, `first_response_known`, ...) and the ratings."""

    customer: Department | None = field(default=None, kw_only=True)
    supplier: Department = field(kw_only=True)
    ratings: int = 0
    rating_total: int = 0

    @property
    def kept(self) -> float | None:
        """First responses and resolutions on time together (the map's colour), however few
        (the table shows every share with its counts)."""
        return share(self.first_response_kept + self.resolution_kept,
                     self.first_response_known + self.resolution_known, 1)

    @property
    def mean_rating(self) -> float | None:
        return self.rating_total / self.ratings if self.ratings else None

    @property
    def shown_rating(self) -> float | None:
        """The mean rating where it can be shown: from MIN_MEASURED ratings on, since the map
        is public and a small customer department's single rating would be one person's."""
        return self.mean_rating if self.ratings >= MIN_MEASURED else None



@dataclass
class DepartmentLinks:
    """A department's top internal customers and top suppliers (departments only)."""

    department: Department
    customers: list[Edge] = field(default_factory=list)
    suppliers: list[Edge] = field(default_factory=list)
    # A confidential department whose customers the reader may not see.
    customers_hidden: bool = False


@dataclass
class CustomerMap:
    days: int
    # Every department on the map, by name; `edges` by volume, largest first.
    departments: list[Department]
    edges: list[Edge]
    # Confidential departments whose customers this reader may not see.
    hidden: list[Department] = field(default_factory=list)

    @property
    def customers(self) -> list[Department | None]:
        """The requesting side, by name; None (not known) last."""
        found = {edge.customer.id: edge.customer for edge in self.edges
                 if edge.customer is not None}
        named: list[Department | None] = sorted(found.values(), key=lambda d: d.name.lower())
        return named + ([None] if any(e.customer is None for e in self.edges) else [])

    @property
    def suppliers(self) -> list[Department]:
        found = {edge.supplier.id: edge.supplier for edge in self.edges}
        return sorted(found.values(), key=lambda d: d.name.lower())

    def links(self, department: Department, top: int = TOP) -> DepartmentLinks:
        return links_of(department, self.edges, top, department in self.hidden)


def links_of(department: Department, edges: Iterable[Edge], top: int = TOP,
             customers_hidden: bool = False) -> DepartmentLinks:
    """Its biggest customers and suppliers among the edges (other departments, not "not known")."""
    edges = list(edges)
    customers = [e for e in edges if e.supplier.id == department.id and e.customer is not None
                 and e.customer.id != department.id]
    suppliers = [e for e in edges if e.customer is not None and e.customer.id == department.id
                 and e.supplier.id != department.id]
    return DepartmentLinks(department, _biggest(customers, top), _biggest(suppliers, top),
                           customers_hidden)


def _biggest(edges: list[Edge], top: int) -> list[Edge]:
    return sorted(edges, key=lambda e: (-e.requests, _name(e.customer), e.supplier.name))[:top]


def _name(department: Department | None) -> str:
    return department.name.lower() if department is not None else "\uffff"



def customer_map(session: Session, reader: User | None, days: int = DEFAULT_DAYS,
                 now: datetime | None = None) -> CustomerMap:
    """The whole map as this reader may see it: 4 statements."""
    departments = _departments(session)
    edges, hidden = _edges(session, departments, reader, days, now or utcnow())
    on_map = {e.supplier.id for e in edges} | {e.customer.id for e in edges if e.customer}
    return CustomerMap(days, [d for d in departments.values() if d.id in on_map], edges,
                       hidden)


def department_links(session: Session, department: Department, reader: User | None,
                     days: int = DEFAULT_DAYS, now: datetime | None = None) -> DepartmentLinks:
    """One department's top customers and suppliers, for its page: 4 statements."""
    edges, hidden = _edges(session, _departments(session), reader, days, now or utcnow(),
                           department.id)
    return links_of(department, edges, customers_hidden=any(d.id == department.id
                                                            for d in hidden))


def _departments(session: Session) -> dict[int, Department]:
    return {d.id: d for d in session.scalars(
        select(Department).options(selectinload(Department.roles))
        .order_by(Department.name))}


def _may_see_customers(reader: User | None, department: Department) -> bool:
    return not department.confidential or can(reader, "work_queue", department)


def _edges(session: Session, departments: dict[int, Department], reader: User | None,
           days: int, now: datetime, around: int | None = None
           ) -> tuple[list[Edge], list[Department]]:
    """The edges of requests created in the last `days` days (those touching `around` only)."""
    hidden = [d for d in departments.values() if not _may_see_customers(reader, d)]
    visible = [d.id for d in departments.values() if d not in hidden]
    scope: list[ColumnElement[bool]] = [
        R.created_at >= now - timedelta(days=days), R.created_at <= now,
        R.department_id.in_(visible)]
    if around is not None:
        scope.append(or_(R.department_id == around, User.department_id == around))
    outcome = outcomes(now)
    found: dict[tuple[int | None, int], Edge] = {}
    for customer, supplier, n, *counts in session.execute(
            select(User.department_id, R.department_id, func.count(),
                   *(count_of(outcome[name])
                     for name in ("fr_known", "fr_kept", "res_known", "res_kept")))
            .join(User, User.id == R.requester_id).where(*scope)
            .group_by(User.department_id, R.department_id)):
        home = departments.get(customer)
        key = (home.id if home else None, supplier)
        # setdefault: a home department deleted meanwhile makes "not known" appear twice.
        found.setdefault(key, Edge(customer=home, supplier=departments[supplier])).add_counts(
            int(n), *(int(c or 0) for c in counts))
    for customer, supplier, n, total in session.execute(
            select(User.department_id, R.department_id, func.count(Feedback.id),
                   func.sum(Feedback.rating))
            .select_from(Feedback).join(R, R.id == Feedback.request_id)
            .join(User, User.id == R.requester_id).where(*scope)
            .group_by(User.department_id, R.department_id)):
        edge = found.get((customer if customer in departments else None, supplier))
        if edge is not None:
            edge.ratings += int(n)
            edge.rating_total += int(total or 0)
    edges = sorted(found.values(),
                   key=lambda e: (-e.requests, _name(e.customer), e.supplier.name.lower()))
    return edges, hidden

