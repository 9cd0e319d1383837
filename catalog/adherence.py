"""How well departments keep their published commitments, measured from the requests.

Everything is computed by aggregate queries, a fixed number of them however many requests
there are. Definitions (the same on every page and in the API):

- A window of N days holds the requests *created* in the last N days, open ones included.
- First response is *kept* when it came within the target (`first_response_business_minutes <=
  first_response_minutes`); resolution likewise, with the time the request waited on its
  requester left out. Only requests with a published target count.
- An outcome is *known* once the request was answered (resolved), or when it is still not
  answered (resolved) and already past due: such a request counts as missed. The resolution
  clock of a request waiting on its requester stands still, so it is past due only if it was
  so when the wait began. Cancelled requests count only for a first response given or missed
  before they were cancelled.
- Shares are kept / known, or None when fewer than MIN_MEASURED outcomes are known.
- Median and 90th percentile use the nearest-rank definition over the measured business
  minutes of the answered (resolved) requests: the value at rank ceil(p/100 * n) in ascending
  order; None when fewer than MIN_MEASURED were measured. SQL returns a histogram (minutes,
  how many) per group, a few thousand rows at most, from which the rank is picked.
- The weekly chart pools first-response and resolution outcomes of the requests created in
  each of the last WEEKS weeks (the newest week ends now).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from .models import ServiceRequest, utcnow

WINDOWS = (30, 90)
WEEKS = 13
MIN_MEASURED = 5

R = ServiceRequest


def _cutoff_for_first_response(now: datetime) -> ColumnElement[Any]:
    # A cancelled request cannot become late after it was cancelled (paused_at marks that).
    return case((R.status == "cancelled", func.coalesce(R.paused_at, now)), else_=now)


def _outcomes(now: datetime) -> dict[str, ColumnElement[bool]]:
    """The SQL conditions: first response / resolution outcome known and kept."""
    open_status = R.status.in_(("new", "in_progress", "waiting"))
    fr_known = and_(R.first_response_minutes.is_not(None), or_(
        R.first_response_business_minutes.is_not(None),
        and_(R.first_response_at.is_(None),
             R.first_response_due < _cutoff_for_first_response(now)),
    ))
    fr_kept = and_(R.first_response_minutes.is_not(None),
                   R.first_response_business_minutes <= R.first_response_minutes)
    res_known = and_(R.resolution_minutes.is_not(None), R.status != "cancelled", or_(
        R.resolution_business_minutes.is_not(None),
        and_(open_status, R.resolution_due < func.coalesce(R.paused_at, now)),
    ))
    res_kept = and_(R.resolution_minutes.is_not(None), R.status != "cancelled",
                    R.resolution_business_minutes <= R.resolution_minutes)
    return {"fr_known": fr_known, "fr_kept": fr_kept, "res_known": res_known,
            "res_kept": res_kept}


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


@dataclass
class Measure:
    """One group of requests (a department or offering, all or one priority) in one window."""

    requests: int = 0
    first_response_known: int = 0
    first_response_kept: int = 0
    resolution_known: int = 0
    resolution_kept: int = 0
    first_response_measured: int = 0
    median_first_response: int | None = None
    p90_first_response: int | None = None
    resolution_measured: int = 0
    median_resolution: int | None = None
    p90_resolution: int | None = None

    @property
    def first_response_met(self) -> float | None:
        return _share(self.first_response_kept, self.first_response_known)

    @property
    def resolution_met(self) -> float | None:
        return _share(self.resolution_kept, self.resolution_known)

    def as_json(self) -> dict[str, Any]:
        """The fields of the API's adherence object (without `by_priority`)."""
        return {
            "requests": self.requests,
            "first_response_met": self.first_response_met,
            "resolution_met": self.resolution_met,
            "median_first_response_minutes": self.median_first_response,
            "p90_first_response_minutes": self.p90_first_response,
            "median_resolution_minutes": self.median_resolution,
            "p90_resolution_minutes": self.p90_resolution,
        }


def _share(kept: int, known: int) -> float | None:
    return kept / known if known >= MIN_MEASURED else None


@dataclass
class WindowRecord:
    days: int
    overall: Measure = field(default_factory=Measure)
    by_priority: dict[str, Measure] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**self.overall.as_json(),
                "by_priority": {p: m.as_json() for p, m in self.by_priority.items()}}


@dataclass(frozen=True)
class Week:
    """One bar of the weekly chart: outcomes known and kept for requests created that week."""

    start: datetime
    known: int
    kept: int

    @property
    def share(self) -> float | None:
        return self.kept / self.known if self.known else None


@dataclass
class Record:
    """A department's or offering's record: one WindowRecord per window, and the weeks."""

    windows: dict[int, WindowRecord]
    weeks: list[Week]

    def as_json(self) -> dict[str, Any]:
        return {str(days): window.as_json() for days, window in self.windows.items()}


def _group_column(by: str) -> Any:
    if by == "department":
        return R.department_id
    if by == "offering":
        return R.offering_id
    raise ValueError(f"cannot group adherence by {by!r}")


def records(session: Session, by: str = "department", ids: Iterable[int] | None = None,
            now: datetime | None = None, windows: tuple[int, ...] = WINDOWS,
            weeks: int = WEEKS) -> dict[int, Record]:
    """Records per department (or offering) id: 3 queries in all."""
    now = now or utcnow()
    group = _group_column(by)
    wanted = None if ids is None else sorted(set(ids))
    found: dict[int, Record] = defaultdict(lambda: _empty_record(now, windows, weeks))
    if wanted is not None:
        for key in wanted:
            found[key]
        if not wanted:
            return {}
    _fill_counts(session, found, group, wanted, now, windows, weeks)
    for metric in ("first_response", "resolution"):
        _fill_percentiles(session, found, group, wanted, now, windows, metric)
    return dict(found)


def record_for(session: Session, by: str, key: int, now: datetime | None = None) -> Record:
    """The record of one department (by="department") or offering (by="offering")."""
    return records(session, by, [key], now)[key]


def empty_record(now: datetime | None = None, windows: tuple[int, ...] = WINDOWS,
                 weeks: int = WEEKS) -> Record:
    """The record of a department or offering without any request in the windows."""
    return _empty_record(now or utcnow(), windows, weeks)


def _empty_record(now: datetime, windows: tuple[int, ...], weeks: int) -> Record:
    return Record(windows={days: WindowRecord(days) for days in windows},
                  weeks=[Week(start, 0, 0) for start in _week_starts(now, weeks)])


def _week_starts(now: datetime, weeks: int) -> list[datetime]:
    return [now - timedelta(weeks=weeks - index) for index in range(weeks)]


def _scope(statement: Any, group: Any, wanted: list[int] | None, since: datetime,
           now: datetime) -> Any:
    statement = statement.where(R.created_at >= since, R.created_at <= now)
    return statement if wanted is None else statement.where(group.in_(wanted))


def _fill_counts(session: Session, found: dict[int, Record], group: Any,
                 wanted: list[int] | None, now: datetime, windows: tuple[int, ...],
                 weeks: int) -> None:
    """Counts per window and per week from one scan, grouped by time segment.

    The segments are cut at every window start and every week start, so each window and
    each week is a whole number of segments, summed up here.
    """
    week_starts = _week_starts(now, weeks)
    cuts = sorted({now - timedelta(days=days) for days in windows} | set(week_starts))
    segment = case(*((R.created_at >= cut, index) for index, cut in
                     reversed(list(enumerate(cuts)))), else_=-1)
    outcome = _outcomes(now)
    names = ("fr_known", "fr_kept", "res_known", "res_kept")
    statement = _scope(select(group, R.priority, segment, func.count(),
                              *(_count(outcome[name]) for name in names)),
                       group, wanted, cuts[0], now)
    for key, priority, index, requests, *values in session.execute(
            statement.group_by(group, R.priority, segment)):
        if index < 0:
            continue
        begins = cuts[index]
        fr_known, fr_kept, res_known, res_kept = (int(v or 0) for v in values)
        record = found[key]
        for days in windows:
            if begins < now - timedelta(days=days):
                continue
            window = record.windows[days]
            for measure in (window.overall, window.by_priority.setdefault(priority, Measure())):
                measure.requests += int(requests)
                measure.first_response_known += fr_known
                measure.first_response_kept += fr_kept
                measure.resolution_known += res_known
                measure.resolution_kept += res_kept
        if begins >= week_starts[0]:
            week = max(i for i, start in enumerate(week_starts) if start <= begins)
            old = record.weeks[week]
            record.weeks[week] = Week(old.start, old.known + fr_known + res_known,
                                      old.kept + fr_kept + res_kept)


def nearest_rank(histogram: list[tuple[int, int]], percent: int) -> int | None:
    """The value at rank ceil(percent/100 * n) of sorted (value, how many) pairs."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    rank, seen = (total * percent + 99) // 100, 0
    for value, n in histogram:
        seen += n
        if seen >= rank:
            return value
    return histogram[-1][0]


def _fill_percentiles(session: Session, found: dict[int, Record], group: Any,
                      wanted: list[int] | None, now: datetime, windows: tuple[int, ...],
                      metric: str) -> None:
    """Medians and 90th percentiles from one histogram query (value, count) per window.

    Grouping by the measured minutes leaves at most a few thousand rows however many
    requests there are; the nearest rank is then picked from the sorted histogram.
    """
    minutes = getattr(R, f"{metric}_business_minutes")
    counts = [_count(R.created_at >= now - timedelta(days=days)) for days in windows]
    statement = _scope(select(group, R.priority, minutes, *counts).where(minutes.is_not(None)),
                       group, wanted, now - timedelta(days=max(windows)), now)
    histograms: dict[tuple[int, int, str | None], list[tuple[int, int]]] = defaultdict(list)
    for key, priority, value, *per_window in session.execute(
            statement.group_by(group, R.priority, minutes).order_by(minutes)):
        for days, n in zip(windows, per_window, strict=True):
            if n:
                histograms[(key, days, priority)].append((int(value), int(n)))
                histograms[(key, days, None)].append((int(value), int(n)))
    for (key, days, priority), histogram in histograms.items():
        window = found[key].windows[days]
        measure = window.overall if priority is None else \
            window.by_priority.setdefault(priority, Measure())
        measured = sum(n for _, n in histogram)
        setattr(measure, f"{metric}_measured", measured)
        if measured >= MIN_MEASURED:
            setattr(measure, f"median_{metric}", nearest_rank(histogram, 50))
            setattr(measure, f"p90_{metric}", nearest_rank(histogram, 90))
