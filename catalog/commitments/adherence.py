"""Records of keeping commitments, from the rollups: cost independent of the history's size.

A record sums segments of creation time cut at every window and week start (see
`record.segment_cuts`). The rollups (catalog.commitments.rollups) hold whole UTC days, and
every cut falls at the same time of day as `now`; so a day is given to the segment that holds
its cut time ("anchor"), and the part of each cut's day on the wrong side of the cut (the
shorter part: before the cut in the morning, after it in the afternoon) is read from the
requests and moved over. What depends on the clock (unanswered requests turning late) comes
from the requests that are still unanswered, bounded by the queue. Medians and 90th
percentiles come from bucket counts and the exact minutes of one bucket each
(catalog.commitments.histograms). Six queries in all; catalog.commitments.full_scan computes
the same from the requests alone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, not_, or_, select, union_all
from sqlalchemy.orm import Session

from ..models import OPEN_STATUSES, AdherenceDay, ServiceRequest, utcnow
from .columns import count_of, group_column
from .histograms import percentile_histograms
from .record import MEASURES, WEEKS, WINDOWS, Record, add_segment, segment_cuts
from .record import empty_record as _empty_record

R = ServiceRequest
Counts = list[int]


def open_outcomes(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """First response / resolution known (missed) at `now` for lack of an answer.

    The part of full_scan.outcomes that rollups.closed_counts leaves out.
    """
    fr = and_(R.first_response_minutes.is_not(None),
              R.first_response_business_minutes.is_(None), R.first_response_at.is_(None),
              not_(and_(R.status == "cancelled", R.paused_at.is_not(None))),
              R.first_response_due < now)
    res = and_(R.resolution_minutes.is_not(None), R.resolution_business_minutes.is_(None),
               R.status.in_(OPEN_STATUSES),
               R.resolution_due < func.coalesce(R.paused_at, now))
    return fr, res


def closed_outcomes() -> dict[str, ColumnElement[bool]]:
    """rollups.closed_counts in SQL: the outcomes no clock changes any more."""
    fr_missed_before_cancel = and_(
        R.first_response_at.is_(None), R.status == "cancelled", R.paused_at.is_not(None),
        R.first_response_due < R.paused_at)
    return {
        "fr_known": and_(R.first_response_minutes.is_not(None), or_(
            R.first_response_business_minutes.is_not(None), fr_missed_before_cancel)),
        "fr_kept": and_(R.first_response_minutes.is_not(None),
                        R.first_response_business_minutes <= R.first_response_minutes),
        "res_known": and_(R.resolution_minutes.is_not(None), R.status != "cancelled",
                          R.resolution_business_minutes.is_not(None)),
        "res_kept": and_(R.resolution_minutes.is_not(None), R.status != "cancelled",
                         R.resolution_business_minutes <= R.resolution_minutes),
    }


def may_turn_late() -> ColumnElement[bool]:
    """The requests open_outcomes can count: the queue and a few unanswered others (indexed)."""
    return or_(R.status.in_(OPEN_STATUSES), and_(R.first_response_at.is_(None), or_(
        R.status.in_(("resolved", "closed")),
        and_(R.status == "cancelled", R.paused_at.is_(None)))))


class _Plan:
    """Where the segments and the cut days lie for one `now`."""

    def __init__(self, now: datetime, windows: tuple[int, ...], weeks: int) -> None:
        self.now = now.astimezone(UTC)
        self.cuts = [c.astimezone(UTC) for c in segment_cuts(now, windows, weeks)] + [self.now]
        self.last = len(self.cuts) - 1  # the segment index of "after now": not counted
        self.clock = self.now.timetz()
        # The shorter part of each cut's day is read from the requests.
        self.afternoon = self.clock >= time(12, tzinfo=UTC)
        self.window_first = {days: self.cuts.index(self.now - timedelta(days=days))
                             for days in windows}

    def day_segment(self, day: date) -> int:
        """The segment a whole rollup day is given to (-1 or `last`: none)."""
        anchor = datetime.combine(day, self.clock)
        cut_count = bisect_left(self.cuts, anchor) if self.afternoon else \
            bisect_right(self.cuts, anchor)
        return cut_count - 1

    def move(self, cut: int) -> tuple[int, int]:
        """(from, to): the segments the part of cut `cut`'s day read from the requests moves."""
        return (cut - 1, cut) if self.afternoon else (cut, cut - 1)

    def slice_bounds(self, cut: int) -> ColumnElement[bool]:
        """The requests created in the part of the cut's day that is moved."""
        at = self.cuts[cut]
        start = datetime.combine(at.date(), time(0, tzinfo=UTC))
        if self.afternoon:
            lower = R.created_at > at if cut == self.last else R.created_at >= at
            return and_(lower, R.created_at < start + timedelta(days=1))
        upper = R.created_at <= at if cut == self.last else R.created_at < at
        return and_(R.created_at >= start, upper)

    def counted(self, segment: int) -> bool:
        return 0 <= segment < self.last

    def in_window(self, segment: int, days: int) -> bool:
        return self.window_first[days] <= segment < self.last

    def window_days(self, days: int) -> tuple[date, date]:
        """The rollup days wholly given to the window's segments."""
        first, last = self.cuts[self.window_first[days]].date(), self.now.date()
        return (first + timedelta(days=1), last) if self.afternoon else \
            (first, last - timedelta(days=1))


def records(session: Session, by: str = "department", ids: Iterable[int] | None = None,
            now: datetime | None = None, windows: tuple[int, ...] = WINDOWS,
            weeks: int = WEEKS) -> dict[int, Record]:
    """Records per department (or offering) id: 6 queries in all."""
    now = now or utcnow()
    wanted = None if ids is None else sorted(set(ids))
    if wanted == []:
        return {}
    plan = _Plan(now, windows, weeks)
    segments: defaultdict[tuple[int, str, int], Counts] = defaultdict(lambda: [0] * 5)
    histograms: defaultdict[tuple[int, str, int, str], Counter[int]] = defaultdict(Counter)
    _rollup_counts(session, plan, by, wanted, segments)
    _slice_counts(session, plan, by, wanted, segments)
    _open_counts(session, plan, by, wanted, segments)
    _slice_minutes(session, plan, by, wanted, windows, histograms)
    found: dict[int, Record] = {key: _empty_record(now, windows, weeks) for key in wanted or ()}
    for (key, priority, segment), counts in sorted(segments.items(), key=lambda i: i[0][2]):
        if plan.counted(segment) and any(counts):
            record = found.setdefault(key, _empty_record(now, windows, weeks))
            add_segment(record, plan.cuts[segment], now, priority, tuple(counts))  # type: ignore[arg-type]
    _set_percentiles(session, plan, by, wanted, found, histograms, windows, weeks)
    return found


def record_for(session: Session, by: str, key: int, now: datetime | None = None) -> Record:
    """The record of one department (by="department") or offering (by="offering")."""
    return records(session, by, [key], now)[key]


def empty_record(now: datetime | None = None, windows: tuple[int, ...] = WINDOWS,
                 weeks: int = WEEKS) -> Record:
    """The record of a department or offering without any request in the windows."""
    return _empty_record(now or utcnow(), windows, weeks)


def _set_percentiles(session: Session, plan: _Plan, by: str, wanted: list[int] | None,
                     found: dict[int, Record], moved: dict[tuple[int, str, int, str], Counter[int]],
                     windows: tuple[int, ...], weeks: int) -> None:
    spans = {days: plan.window_days(days) for days in windows}
    for (key, priority, days, metric), histogram in percentile_histograms(
            session, by, wanted, spans, moved).items():  # type: ignore[arg-type]
        record = found.setdefault(key, _empty_record(plan.now, windows, weeks))
        record.windows[days].measure(priority).set_percentiles(metric, histogram)


def _rollup_group(model: Any, by: str) -> Any:
    """The rollup table's column of the same name as the request column `by` groups on."""
    return getattr(model, group_column(by).key)


def _rollup_counts(session: Session, plan: _Plan, by: str, wanted: list[int] | None,
                   segments: defaultdict[tuple[int, str, int], Counts]) -> None:
    A = AdherenceDay
    group = _rollup_group(A, by)
    statement = select(group, A.priority, A.day, *(func.sum(getattr(A, name)) for name in (
        "requests", "first_response_known", "first_response_kept", "resolution_known",
        "resolution_kept"))).where(A.day >= plan.cuts[0].date() - timedelta(days=1),
                                   A.day <= plan.now.date() + timedelta(days=1))
    if wanted is not None:
        statement = statement.where(group.in_(wanted))
    for key, priority, day, *values in session.execute(
            statement.group_by(group, A.priority, A.day)):
        target = segments[(key, priority, plan.day_segment(_as_date(day)))]
        for index, value in enumerate(values):
            target[index] += int(value or 0)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _not_indexed(column: Any) -> Any:
    """The column in an expression, so that SQLite reads by time or status instead of by
    department: a department's whole history is the one thing these reads must not scan."""
    return column + 0


def _slice_case(plan: _Plan, cuts: Iterable[int]) -> tuple[Any, ColumnElement[bool]]:
    cuts = list(cuts)
    return (case(*((plan.slice_bounds(cut), cut) for cut in cuts), else_=-1),
            or_(*(plan.slice_bounds(cut) for cut in cuts)))


def _slice_counts(session: Session, plan: _Plan, by: str, wanted: list[int] | None,
                  segments: defaultdict[tuple[int, str, int], Counts]) -> None:
    """Move the part of each cut's day that the rollup day gives to the wrong segment."""
    group = group_column(by)
    closed = closed_outcomes()  # what is still open is counted by _open_counts
    names = ("fr_known", "fr_kept", "res_known", "res_kept")
    parts = []
    for cut in range(len(plan.cuts)):  # one indexed range scan per cut
        part = select(group, R.priority, literal(cut), func.count(),
                      *(count_of(closed[name]) for name in names)).where(plan.slice_bounds(cut))
        if wanted is not None:
            part = part.where(_not_indexed(group).in_(wanted))
        parts.append(part.group_by(group, R.priority))
    for key, priority, cut, *values in session.execute(union_all(*parts)):
        source, target = plan.move(cut)
        for index, value in enumerate(values):
            segments[(key, priority, source)][index] -= int(value or 0)
            segments[(key, priority, target)][index] += int(value or 0)


def _open_counts(session: Session, plan: _Plan, by: str, wanted: list[int] | None,
                 segments: defaultdict[tuple[int, str, int], Counts]) -> None:
    """Unanswered requests already past due, by their exact segment."""
    group = group_column(by)
    segment = case(*((R.created_at >= cut, index) for index, cut in
                     reversed(list(enumerate(plan.cuts[:-1])))), else_=-1)
    fr_open, res_open = open_outcomes(plan.now)
    statement = select(group, R.priority, segment, count_of(fr_open), count_of(res_open)).where(
        may_turn_late(), R.created_at >= plan.cuts[0], R.created_at <= plan.now)
    if wanted is not None:
        statement = statement.where(_not_indexed(group).in_(wanted))
    for key, priority, index, fr_known, res_known in session.execute(
            statement.group_by(group, R.priority, segment)):
        target = segments[(key, priority, index)]
        target[1] += int(fr_known or 0)
        target[3] += int(res_known or 0)


def _slice_minutes(session: Session, plan: _Plan, by: str, wanted: list[int] | None,
                   windows: tuple[int, ...],
                   histograms: defaultdict[tuple[int, str, int, str], Counter[int]]) -> None:
    """Measured minutes of the moved parts of the windows' first days and of today."""
    group = group_column(by)
    cuts = sorted({*plan.window_first.values(), plan.last})
    which, inside = _slice_case(plan, cuts)
    statement = select(group, R.priority, which, R.first_response_business_minutes,
                       R.resolution_business_minutes, func.count()).where(inside)
    if wanted is not None:
        statement = statement.where(_not_indexed(group).in_(wanted))
    for key, priority, cut, *taken, n in session.execute(statement.group_by(
            group, R.priority, which, R.first_response_business_minutes,
            R.resolution_business_minutes)):
        source, target = plan.move(cut)
        for days in windows:
            sign = int(plan.in_window(target, days)) - int(plan.in_window(source, days))
            for metric, minutes in zip(MEASURES, taken, strict=True):
                if sign and minutes is not None:
                    histograms[(key, priority, days, metric)][int(minutes)] += sign * int(n)
