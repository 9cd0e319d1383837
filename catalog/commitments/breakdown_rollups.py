"""Breakdown rollups: per department, offering and day of creation, the requests that went back
and forth or were cancelled by their requester, and the ended stays at each waited status.

A request's contribution depends on its department, offering, creation time, requester and
submitter and on its status changes (ordered by time, then id), exactly as
catalog.commitments.breakdowns counts them from the requests: flags on the row of the day it
was created (`breakdown_day`), and each stay at a status of WAITED_STATUSES, from the previous
change (or the creation) to the change that ended it, in the bucket of its minutes
(`wait_day`). Requests are never deleted and status changes are only ever added, so a request
changes its contribution when a status change is added to it or when it moves to another
department or offering.

`install()` keeps the rows right in the transaction that does that: after every flush, the
requests with new status changes or a new department or offering are read with their status
changes (one statement), and what each contributed before (its former department and
offering, its changes without the new ones) is taken out and what it contributes now is put
in. Bulk inserts that bypass the ORM call `rebuild()`; `flask --app portal rollups rebuild`
recomputes everything, with the adherence rollups.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, and_, delete, event, func, inspect, select
from sqlalchemy.orm import Session

from ..clock import as_utc
from ..models import OPEN_STATUSES, BreakdownDay, RequestEvent, ServiceRequest, WaitDay
from .rollups import _upsert, utc_day

R, E = ServiceRequest, RequestEvent
WAITED_STATUSES = ("awaiting_approval", "new", "in_progress", "waiting")
REQUEST_FIELDS = ("department_id", "offering_id", "created_at", "requester_id",
                  "submitted_by_id")
MOVED = ("department_id", "offering_id")
DayKey = tuple[int, int, date]
WaitKey = tuple[int, int, date, str, int]


@dataclass(frozen=True)
class Change:
    """One status change of a request, as the rollups need it."""

    id: int
    created_at: datetime
    old_status: str | None
    new_status: str | None
    actor_id: int | None


def bucket(minutes: float) -> int:
    """The nearest whole minute, in whole minutes below 2 hours, quarter hours below 2 days,
    then whole hours (the buckets of breakdowns._status_moves)."""
    whole = math.floor(minutes + 0.5)
    if whole < 120:
        return whole
    return whole // 15 * 15 if whole < 2880 else whole // 60 * 60


@dataclass
class Deltas:
    """Changes to rollup rows, summed up before they are written."""

    days: defaultdict[DayKey, list[int]]
    waits: defaultdict[WaitKey, list[float]]

    @classmethod
    def empty(cls) -> Deltas:
        return cls(defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0.0]))

    def add(self, request: Mapping[str, Any], changes: Sequence[Change], sign: int = 1) -> None:
        """Add (sign 1) or take out (sign -1) one request's contribution (its status changes
        in order of time, then id, as the database orders them for the pages)."""
        if not changes:
            return
        day = utc_day(request["created_at"])
        key: DayKey = (request["department_id"], request["offering_id"], day)
        waits = sum(c.new_status == "waiting" for c in changes)
        reopens = sum(c.old_status in ("resolved", "closed") and c.new_status in OPEN_STATUSES
                      for c in changes)
        mine = {request["requester_id"], request["submitted_by_id"]} - {None}
        cancels = sum(c.new_status == "cancelled" and c.actor_id in mine for c in changes)
        flags = (int(reopens >= 1 or waits >= 2), int(cancels >= 1))
        if any(flags):
            row = self.days[key]
            row[0] += sign * flags[0]
            row[1] += sign * flags[1]
        entered = as_utc(request["created_at"])
        for change in changes:
            at = as_utc(change.created_at)
            if change.old_status in WAITED_STATUSES:
                minutes = (at - entered).total_seconds() / 60
                stay = self.waits[(*key, change.old_status, bucket(minutes))]
                stay[0] += sign
                stay[1] += sign * minutes
            entered = at

    def write(self, connection: Connection, fresh: bool = False) -> None:
        """Upsert the non-zero changes (added to what the rows hold; `fresh`: no rows yet)."""
        days = [{"department_id": k[0], "offering_id": k[1], "day": k[2],
                 "back_and_forth": v[0], "cancelled": v[1]}
                for k, v in self.days.items() if any(v)]
        waits = [{"department_id": k[0], "offering_id": k[1], "day": k[2], "status": k[3],
                  "bucket": k[4], "stays": int(v[0]), "minutes": v[1]}
                 for k, v in self.waits.items() if v[0] or v[1]]
        for model, rows, columns in ((BreakdownDay, days, ("back_and_forth", "cancelled")),
                                     (WaitDay, waits, ("stays", "minutes"))):
            for start in range(0, len(rows), 1000):
                connection.execute(model.__table__.insert() if fresh else
                                   _upsert(connection, model, columns), rows[start:start + 1000])


def _history_select() -> Any:
    """Requests with their status changes (none: one row of NULLs), in each request's order."""
    return (select(R.id, *(getattr(R, name) for name in REQUEST_FIELDS),
                   E.id, E.created_at, E.old_status, E.new_status, E.actor_id)
            .join(E, and_(E.request_id == R.id, E.kind == "status"), isouter=True)
            .order_by(R.id, E.created_at, E.id))


def _histories(rows: Iterable[Any]) -> Iterator[tuple[int, dict[str, Any], list[Change]]]:
    """(request id, its columns, its status changes) from `_history_select` rows."""
    for request_id, group in groupby(rows, key=lambda row: row[0]):
        request: dict[str, Any] | None = None
        changes: list[Change] = []
        for row in group:
            if request is None:
                request = dict(zip(REQUEST_FIELDS, row[1:6], strict=True))
            if row[6] is not None:
                changes.append(Change(*row[6:11]))
        assert request is not None
        yield request_id, request, changes


def _held(session: Session, request: ServiceRequest) -> dict[str, Any]:
    """The request's department and offering as the database holds them before this flush
    (changed through the relationships, the columns still hold the old ids until the flush)."""
    state = inspect(request)
    values: dict[str, Any] = {}
    for name in MOVED:
        history = state.attrs[name].history
        if history.deleted or history.unchanged:
            values[name] = (history.deleted or history.unchanged)[0]
        else:  # set without being loaded first: ask the database
            with session.no_autoflush:
                row = session.execute(select(R.department_id, R.offering_id)
                                      .where(R.id == request.id)).one()
            return dict(row._mapping)
    return values


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    before = session.info.setdefault("breakdown_before", {})
    for item in session.dirty:
        if isinstance(item, ServiceRequest) and item.id is not None and item.id not in before \
                and _moving(item):
            before[item.id] = (item, _held(session, item))


def _moving(request: ServiceRequest) -> bool:
    """Whether the request's department or offering was set (by id or by relationship)."""
    state = inspect(request)
    return any(state.attrs[name].history.has_changes()
               for name in (*MOVED, "department", "offering"))


def _after_flush(session: Session, _context: Any) -> None:
    before = session.info.pop("breakdown_before", {})
    moved = {request_id: held for request_id, (item, held) in before.items()
             if any(getattr(item, name) != held[name] for name in MOVED)}
    added: set[int] = set()
    touched = set(moved)
    for item in session.new:
        if isinstance(item, RequestEvent) and item.kind == "status":
            added.add(item.id)
            touched.add(item.request_id)
    if not touched:
        return
    connection = session.connection()
    deltas = Deltas.empty()
    rows = connection.execute(_history_select().where(R.id.in_(sorted(touched))))
    for request_id, request, changes in _histories(rows):
        deltas.add(request | moved.get(request_id, {}),
                   [c for c in changes if c.id not in added], -1)
        deltas.add(request, changes)
    deltas.write(connection)


def install() -> None:
    """Keep the breakdown rollups up to date in every session's flush (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def rebuild(session: Session, department_ids: Iterable[int] | None = None,
            progress: Callable[[int, int], None] | None = None, batch: int = 5000) -> int:
    """Recompute the breakdown rollups of these departments (all: None) from their requests
    and status changes, streaming. Returns the number of requests read."""
    wanted = None if department_ids is None else sorted(set(department_ids))
    if wanted == []:
        return 0
    connection = session.connection()
    days, waits = delete(BreakdownDay), delete(WaitDay)
    count = select(func.count()).select_from(R)
    rows = _history_select()
    if wanted is not None:
        days = days.where(BreakdownDay.department_id.in_(wanted))
        waits = waits.where(WaitDay.department_id.in_(wanted))
        count = count.where(R.department_id.in_(wanted))
        rows = rows.where(R.department_id.in_(wanted))
    connection.execute(days)
    connection.execute(waits)
    total = connection.execute(count).scalar_one()
    deltas, done = Deltas.empty(), 0
    for _request_id, request, changes in _histories(
            connection.execute(rows.execution_options(yield_per=batch))):
        deltas.add(request, changes)
        done += 1
        if progress and done % batch == 0:
            progress(done, total)
    deltas.write(connection, fresh=wanted is None)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE breakdown_day, wait_day")
    if progress:
        progress(done, total)
    session.expire_all()
    return done
