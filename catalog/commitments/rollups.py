"""Adherence rollups: closed facts per department, offering, priority and day of creation.

A request contributes to the rollup row of the day it was created: 1 request, and each fact
that no longer depends on the clock (a first response or resolution given, met or not; a
first response missed before the request was cancelled); its measured minutes go to the
histograms of the dyadic spans holding that day, per department and per offering (bucketed and
exact, see catalog.commitments.histograms; a request's offering is one of its department's).
What still depends on the clock (an unanswered request turning late) is read from the open
requests by catalog.commitments.adherence.

`install()` keeps the rollups right in the transaction that changes a request: after every
flush, the contribution a changed request had before is taken out and the one it has now is
put in (so reopening a resolved request takes its resolution back out). Bulk inserts that
bypass the ORM call `rebuild()` for the departments they wrote; `flask --app portal rollups
rebuild` recomputes everything (migration of existing data, repair).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, event, func, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import AdherenceDay, AdherenceHistogram, Offering, ServiceRequest
from .histograms import histogram_rows

FIELDS = ("department_id", "offering_id", "priority", "status", "created_at",
          "first_response_minutes", "first_response_business_minutes", "first_response_at",
          "first_response_due", "paused_at", "resolution_minutes",
          "resolution_business_minutes")
COUNTS = ("requests", "first_response_known", "first_response_kept", "resolution_known",
          "resolution_kept")
DayKey = tuple[int, int, str, date]
HistogramKey = tuple[Any, ...]  # adherence_histogram's primary key
HISTOGRAM_KEY = ("scope", "exact", "node", "key", "measure", "priority", "value")


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of a moment (naive moments are UTC already)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


@dataclass
class Deltas:
    """Changes to rollup rows, summed up before they are written."""

    days: defaultdict[DayKey, list[int]]
    histogram: defaultdict[HistogramKey, int]

    @classmethod
    def empty(cls) -> Deltas:
        return cls(defaultdict(lambda: [0] * len(COUNTS)), defaultdict(int))

    def add(self, values: Mapping[str, Any], sign: int = 1) -> None:
        """Add (sign 1) or take out (sign -1) one request's contribution."""
        key: DayKey = (values["department_id"], values["offering_id"], values["priority"],
                       utc_day(values["created_at"]))
        row = self.days[key]
        for index, n in enumerate(closed_counts(values)):
            row[index] += sign * n
        scopes = (("department", key[0]), ("offering", key[1]))
        for measure in ("first_response", "resolution"):
            minutes = values[f"{measure}_business_minutes"]
            if minutes is not None:
                for row in histogram_rows(scopes, key[2], key[3], measure, int(minutes)):
                    self.histogram[row] += sign

    def write(self, connection: Connection, fresh: bool = False) -> None:
        """Upsert the non-zero changes (added to what the rows hold; `fresh`: no rows yet)."""
        days = [dict(zip(("department_id", "offering_id", "priority", "day"), key, strict=True))
                | dict(zip(COUNTS, row, strict=True))
                for key, row in self.days.items() if any(row)]
        histogram = [dict(zip(HISTOGRAM_KEY, key, strict=True)) | {"count": n}
                     for key, n in self.histogram.items() if n]
        for model, rows, columns in ((AdherenceDay, days, COUNTS),
                                     (AdherenceHistogram, histogram, ("count",))):
            for start in range(0, len(rows), 1000):
                connection.execute(model.__table__.insert() if fresh else
                                   _upsert(connection, model, columns), rows[start:start + 1000])


def closed_counts(v: Mapping[str, Any]) -> tuple[int, int, int, int, int]:
    """(requests, first response known, kept, resolution known, kept) that no clock changes.

    The same conditions as catalog.commitments.full_scan.outcomes, without the part that
    depends on now (see catalog.commitments.adherence.open_outcomes).
    """
    fr_target, fr_taken = v["first_response_minutes"], v["first_response_business_minutes"]
    res_target, res_taken = v["resolution_minutes"], v["resolution_business_minutes"]
    cancelled = v["status"] == "cancelled"
    due, paused = v["first_response_due"], v["paused_at"]
    missed_before_cancel = (v["first_response_at"] is None and cancelled and paused is not None
                            and due is not None and due < paused)
    fr_known = fr_target is not None and (fr_taken is not None or missed_before_cancel)
    fr_kept = fr_target is not None and fr_taken is not None and fr_taken <= fr_target
    res_known = res_target is not None and not cancelled and res_taken is not None
    res_kept = res_known and res_taken <= res_target
    return 1, int(fr_known), int(fr_kept), int(res_known), int(bool(res_kept))


def _upsert(connection: Connection, model: Any, columns: tuple[str, ...]) -> Any:
    table = model.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in columns})


def _values(request: ServiceRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in FIELDS}


def _committed_values(session: Session, request: ServiceRequest) -> dict[str, Any] | None:
    """The request's columns as the database holds them before this flush."""
    state = inspect(request)
    values: dict[str, Any] = {}
    for name in FIELDS:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        elif not history.added and name not in state.unloaded:
            values[name] = getattr(request, name)
        else:  # set without being loaded first: ask the database
            with session.no_autoflush:
                row = session.execute(select(*(getattr(ServiceRequest, f) for f in FIELDS))
                                      .where(ServiceRequest.id == request.id)).one_or_none()
            return None if row is None else dict(row._mapping)
    return values


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    before = session.info.setdefault("adherence_before", {})
    for item in (*session.dirty, *session.deleted):
        if isinstance(item, ServiceRequest) and item.id is not None and id(item) not in before:
            before[id(item)] = _committed_values(session, item)


def _after_flush(session: Session, _context: Any) -> None:
    before = session.info.pop("adherence_before", {})
    deltas = Deltas.empty()
    for item in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(item, ServiceRequest):
            continue
        old = before.get(id(item))
        if old is not None:
            deltas.add(old, -1)
        if item not in session.deleted:
            deltas.add(_values(item))
    if deltas.days or deltas.histogram:
        deltas.write(session.connection())


def install() -> None:
    """Keep the rollups up to date in every session's flush (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def rebuild(session: Session, department_ids: Iterable[int] | None = None,
            progress: Callable[[int, int], None] | None = None, batch: int = 5000) -> int:
    """Recompute the rollups of these departments (all: None) from their requests.

    Returns the number of requests read; `progress(done, total)` is called after each batch.
    """
    wanted = None if department_ids is None else sorted(set(department_ids))
    if wanted == []:
        return 0
    connection = session.connection()
    rebuilt = _rebuild(connection, wanted, progress, batch)
    session.expire_all()
    return rebuilt


def _rebuild(connection: Connection, wanted: list[int] | None,
             progress: Callable[[int, int], None] | None, batch: int) -> int:
    requests = ServiceRequest.__table__
    statement = delete(AdherenceDay)
    histogram = delete(AdherenceHistogram)
    if wanted is not None:
        statement = statement.where(AdherenceDay.department_id.in_(wanted))
        H = AdherenceHistogram
        offerings = select(Offering.id).where(Offering.department_id.in_(wanted))
        histogram = histogram.where(or_(
            and_(H.scope == "department", H.key.in_(wanted)),
            and_(H.scope == "offering", H.key.in_(offerings))))
    connection.execute(statement)
    connection.execute(histogram)
    scope = select(func.count()).select_from(requests)
    rows = select(*(requests.c[name] for name in FIELDS)).order_by(requests.c.id)
    if wanted is not None:
        scope = scope.where(requests.c.department_id.in_(wanted))
        rows = rows.where(requests.c.department_id.in_(wanted))
    total = connection.execute(scope).scalar_one()
    deltas, done = Deltas.empty(), 0
    for row in connection.execute(rows.execution_options(yield_per=batch)):
        deltas.add(row._mapping)
        done += 1
        if progress and done % batch == 0:
            progress(done, total)
    deltas.write(connection, fresh=wanted is None)  # everything was deleted: plain inserts
    if connection.dialect.name == "postgresql":  # fresh statistics: a bulk write skews plans
        connection.exec_driver_sql("ANALYZE adherence_day, adherence_histogram")
    if progress:
        progress(done, total)
    return done
