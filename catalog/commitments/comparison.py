"""The comparison of every department at the top of /commitments: one row each, sortable.

- Requests, shares on time and medians are those of the COMPARE_DAYS window of the record
  (the same numbers as in each department's own record below).
- Rating: the mean of all ratings the department received.
- Trend: the share of commitments kept (first responses and resolutions pooled) over the last
  TREND_WEEKS weeks against the TREND_WEEKS weeks before them. "up" or "down" when it moved by
  at least TREND_STEP, else "steady"; None when either half has fewer than MIN_MEASURED known
  outcomes.
- Sorting never mixes unknown values in: rows without a value come last in either order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .record import MIN_MEASURED, Week

if TYPE_CHECKING:
    from ..models import Department
    from ..public_record import DepartmentRecord

COMPARE_DAYS = 90
TREND_WEEKS = 4
TREND_STEP = 0.05
TREND_ORDER = {"down": 0, "steady": 1, "up": 2}


@dataclass(frozen=True)
class ComparisonRow:
    department: Department
    requests: int
    first_response_met: float | None
    resolution_met: float | None
    median_first_response: int | None
    median_resolution: int | None
    rating: float | None
    ratings: int
    trend: str | None


SORTS: dict[str, Callable[[ComparisonRow], Any]] = {
    "name": lambda row: row.department.name.casefold(),
    "requests": lambda row: row.requests,
    "first_response": lambda row: row.first_response_met,
    "resolution": lambda row: row.resolution_met,
    "median_first_response": lambda row: row.median_first_response,
    "median_resolution": lambda row: row.median_resolution,
    "rating": lambda row: row.rating,
    "trend": lambda row: None if row.trend is None else TREND_ORDER[row.trend],
}


def parse_sort(sort: str | None, order: str | None) -> tuple[str, bool]:
    """The column to sort by and whether descending; unknown values give the default
    (by name, A to Z)."""
    column = sort if sort in SORTS else "name"
    return column, order == "desc"


def trend(weeks: list[Week], span: int = TREND_WEEKS) -> str | None:
    """Whether the share kept rose, fell or held over the last `span` weeks against the
    `span` weeks before them."""
    if len(weeks) < 2 * span:
        return None
    before, recent = weeks[-2 * span:-span], weeks[-span:]
    shares = []
    for half in (before, recent):
        known = sum(week.known for week in half)
        if known < MIN_MEASURED:
            return None
        shares.append(sum(week.kept for week in half) / known)
    change = shares[1] - shares[0]
    if change >= TREND_STEP:
        return "up"
    if change <= -TREND_STEP:
        return "down"
    return "steady"


def comparison(entries: Iterable[DepartmentRecord], sort: str = "name",
               descending: bool = False) -> list[ComparisonRow]:
    """One row per department, sorted by `sort` (a key of SORTS); unknown values last."""
    rows = []
    for entry in entries:
        window = entry.record.windows[COMPARE_DAYS].overall
        rows.append(ComparisonRow(
            department=entry.department, requests=window.requests,
            first_response_met=window.first_response_met,
            resolution_met=window.resolution_met,
            median_first_response=window.median_first_response,
            median_resolution=window.median_resolution,
            rating=entry.ratings.average, ratings=entry.ratings.count,
            trend=trend(entry.record.weeks)))
    key = SORTS[sort]
    known = sorted((row for row in rows if key(row) is not None), key=key, reverse=descending)
    return known + [row for row in rows if key(row) is None]
