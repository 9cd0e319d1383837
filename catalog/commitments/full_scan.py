"""Records computed from the requests alone, every request of the window read.

The reference the rollups (catalog.commitments.adherence) must agree with: tests compare the
two on random histories, and the commitments benchmark times both. Its cost grows with the
number of requests in the windows; pages use the rollups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..models import ServiceRequest, utcnow
from .columns import count_of, group_column
from .record import (
    MEASURES,
    WEEKS,
    WINDOWS,
    Record,
    add_segment,
    empty_record,
    segment_cuts,
)

R = ServiceRequest


def outcomes(now: datetime) -> dict[str, ColumnElement[bool]]:
    """The SQL conditions: first response / resolution outcome known and kept."""
    open_status = R.status.in_(("new", "in_progress", "waiting"))
    # A cancelled request cannot become late after it was cancelled (paused_at marks that).
    cutoff = case((R.status == "cancelled", func.coalesce(R.paused_at, now)), else_=now)
    fr_known = and_(R.first_response_minutes.is_not(None), or_(
        R.first_response_business_minutes.is_not(None),
        and_(R.first_response_at.is_(None), R.first_response_due < cutoff),
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


def records(session: Session, by: str = "department", ids: Iterable[int] | None = None,
            now: datetime | None = None, windows: tuple[int, ...] = WINDOWS,
            weeks: int = WEEKS) -> dict[int, Record]:
    """Records per department (or offering) id from the requests: 3 queries in all."""
    now = now or utcnow()
    group = group_column(by)
    wanted = None if ids is None else sorted(set(ids))
    found: dict[int, Record] = defaultdict(lambda: empty_record(now, windows, weeks))
    if wanted is not None:
        for key in wanted:
            found[key]
        if not wanted:
            return {}
    cuts = segment_cuts(now, windows, weeks)
    segment = case(*((R.created_at >= cut, index) for index, cut in
                     reversed(list(enumerate(cuts)))), else_=-1)
    outcome = outcomes(now)
    names = ("fr_known", "fr_kept", "res_known", "res_kept")
    statement = _scope(select(group, R.priority, segment, func.count(),
                              *(count_of(outcome[name]) for name in names)),
                       group, wanted, cuts[0], now)
    for key, priority, index, *values in session.execute(
            statement.group_by(group, R.priority, segment)):
        if index >= 0:
            add_segment(found[key], cuts[index], now, priority,
                        tuple(int(v or 0) for v in values))  # type: ignore[arg-type]
    for metric in MEASURES:
        _fill_percentiles(session, found, group, wanted, now, windows, metric)
    return dict(found)


def _scope(statement: Any, group: Any, wanted: list[int] | None, since: datetime,
           now: datetime) -> Any:
    statement = statement.where(R.created_at >= since, R.created_at <= now)
    return statement if wanted is None else statement.where(group.in_(wanted))


def _fill_percentiles(session: Session, found: dict[int, Record], group: Any,
                      wanted: list[int] | None, now: datetime, windows: tuple[int, ...],
                      metric: str) -> None:
    """Medians and 90th percentiles from one histogram query (value, count) per window."""
    minutes = getattr(R, f"{metric}_business_minutes")
    counts = [count_of(R.created_at >= now - timedelta(days=days)) for days in windows]
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
        found[key].windows[days].measure(priority).set_percentiles(metric, histogram)
