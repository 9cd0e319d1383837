"""Breach warnings, escalations and the agents' daily digest, run by the worker.

A warning goes to whoever works the request (its assignee, else the department's agents) when
a configurable share of a target's business time is used up; the department's owners hear of
the breach. Each goes out once: it is recorded in `SentAlert`, whose unique key makes a second
worker, or the same one after a restart, skip it. Requests that wait on their requester,
are resolved, closed or cancelled get nothing. `now` is a parameter, so tests set the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import outbox
from ..models import (
    Department,
    DepartmentRole,
    SentAlert,
    SentDigest,
    ServiceRequest,
    User,
)
from ..permissions import STAFF_ROLES
from ..request_clock import pauses_of

# Only these statuses run a clock the department can still keep or miss.
RUNNING_STATUSES = ("new", "in_progress")


def warn_time(request: ServiceRequest, target: str, share: float) -> datetime | None:
    """When `share` of the target's business time is used, counted as its due time is."""
    minutes = getattr(request, f"{target}_minutes")
    if minutes is None or getattr(request, f"{target}_due") is None:
        return None
    pauses = pauses_of(request) if target == "resolution" else ()
    return request.department.calendar.due_at(request.clock_start, int(minutes * share),
                                              pauses)


def _pending_targets(request: ServiceRequest) -> Iterable[str]:
    if request.first_response_at is None:
        yield "first_response"
    yield "resolution"


def _running() -> ColumnElement[bool]:
    return and_(ServiceRequest.status.in_(RUNNING_STATUSES), ServiceRequest.paused_at.is_(None))


def _watched(session: Session) -> list[ServiceRequest]:
    """The requests whose clock runs, with what warnings, escalations and digests read."""
    return list(session.scalars(
        select(ServiceRequest).where(_running())
        .options(selectinload(ServiceRequest.events),
                 selectinload(ServiceRequest.department).selectinload(Department.roles),
                 joinedload(ServiceRequest.assignee), joinedload(ServiceRequest.offering))
        .order_by(ServiceRequest.id)
    ))


def _sent_before(session: Session) -> set[tuple[int, str]]:
    """(request id, kind) of the alerts sent for the running requests, in one statement."""
    return {(request_id, kind) for request_id, kind in session.execute(
        select(SentAlert.request_id, SentAlert.kind)
        .join(ServiceRequest, ServiceRequest.id == SentAlert.request_id)
        .where(_running()))}


def _first_time(session: Session, row: SentAlert | SentDigest, earlier: Select[Any]) -> bool:
    """Record `row`; False if `earlier` finds it recorded before (by this worker or another)."""
    if session.scalar(earlier) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker recorded it at the same moment
        return False
    return True


def _record_once(session: Session, request: ServiceRequest, kind: str, now: datetime) -> bool:
    return _first_time(session, SentAlert(request_id=request.id, kind=kind, sent_at=now),
                       select(SentAlert.id).where(SentAlert.request_id == request.id,
                                                  SentAlert.kind == kind))


def _active(people: Iterable[User]) -> list[User]:
    return [person for person in people if person.active]


def workers_of(request: ServiceRequest) -> list[User]:
    """Who is warned: the assignee, else the department's agents (else its owners)."""
    if request.assignee is not None and request.assignee.active:
        return [request.assignee]
    department = request.department
    return _active(department.people("agent")) or _active(department.people("owner"))


def send_alerts(session: Session, now: datetime, share: float = 0.75) -> int:
    """Queue every warning and escalation due at `now` not sent before; returns how many."""
    share = min(max(share, 0.0), 1.0)  # a share beyond the target would never warn
    sent = 0
    # Alerts sent on earlier runs are skipped without working out their time again.
    sent_before = _sent_before(session)
    for request in _watched(session):
        for target in _pending_targets(request):
            due = getattr(request, f"{target}_due")
            if due is None:
                continue
            kind = f"{target}_breach" if now >= due else f"{target}_warning"
            if (request.id, kind) in sent_before:
                continue
            if now >= due:
                people = _active(request.department.people("owner"))
            else:
                warn_at = warn_time(request, target, share)
                if warn_at is None or now < warn_at:
                    continue
                people = workers_of(request)
            if not _record_once(session, request, kind, now):
                continue
            outbox.due_alert(session, request, kind, people)
            sent += 1
    session.flush()
    return sent


# --- the daily digest ---------------------------------------------------------------------

def _zone(*names: str | None) -> ZoneInfo:
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _next_due(request: ServiceRequest) -> tuple[str, datetime] | None:
    if request.first_response_at is None and request.first_response_due is not None:
        return "first_response", request.first_response_due
    if request.resolution_due is not None:
        return "resolution", request.resolution_due
    return None


def digest_items(requests: Iterable[ServiceRequest], user: User, end_of_day: datetime
                 ) -> list[dict[str, Any]]:
    """The user's requests (assigned to them, or to no one) due before the day ends."""
    items = []
    for request in requests:
        if request.assignee_id not in (None, user.id):
            continue
        found = _next_due(request)
        if found is None or found[1] >= end_of_day:
            continue
        items.append({"ref": request.ref, "offering": request.offering.title,
                      "target": found[0], "due": found[1].isoformat()})
    return sorted(items, key=lambda item: item["due"])


def send_digests(session: Session, now: datetime, hour: int = 7) -> int:
    """Once a day per agent, from `hour` o'clock in their zone: what is due today."""
    roles = session.scalars(select(DepartmentRole)
                            .where(DepartmentRole.role.in_(STAFF_ROLES))).all()
    departments_of: dict[int, set[int]] = {}
    for role in roles:
        departments_of.setdefault(role.user_id, set()).add(role.department_id)
    if not departments_of:
        return 0
    running = _watched(session)
    sent = 0
    for user_id, department_ids in sorted(departments_of.items()):
        user = session.get(User, user_id)
        if user is None or not user.active:
            continue
        home = session.get(Department, min(department_ids))
        zone = _zone(user.timezone, home.timezone if home else None)
        local = now.astimezone(zone)
        if local.hour < hour:
            continue
        day = local.date()
        if not _digest_once(session, user, day, now):
            continue
        end_of_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        items = digest_items([r for r in running if r.department_id in department_ids], user,
                             end_of_day)
        if items:
            outbox.due_digest(session, user, day, items, zone.key)
            sent += 1
    session.flush()
    return sent


def _digest_once(session: Session, user: User, day: date, now: datetime) -> bool:
    return _first_time(session, SentDigest(user_id=user.id, day=day, sent_at=now),
                       select(SentDigest.id).where(SentDigest.user_id == user.id,
                                                   SentDigest.day == day))
