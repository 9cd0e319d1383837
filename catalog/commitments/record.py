"""The shape of a department's or offering's record of keeping its commitments.

Definitions (the same on every page and in the API):

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
  order; None when fewer than MIN_MEASURED were measured.
- The weekly chart pools first-response and resolution outcomes of the requests created in
  each of the last WEEKS weeks (the newest week ends now).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..models.departments import PRIORITIES

WINDOWS = (30, 90)
WEEKS = 13
MIN_MEASURED = 5
# The share on time that the weekly charts draw as their goal line: nine requests in ten.
ON_TIME_GOAL = 0.9
MEASURES = ("first_response", "resolution")


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
        return share(self.first_response_kept, self.first_response_known)

    @property
    def resolution_met(self) -> float | None:
        return share(self.resolution_kept, self.resolution_known)

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

    def add_counts(self, requests: int, fr_known: int, fr_kept: int, res_known: int,
                   res_kept: int) -> None:
        """Add one segment's counts."""
        self.requests += requests
        self.first_response_known += fr_known
        self.first_response_kept += fr_kept
        self.resolution_known += res_known
        self.resolution_kept += res_kept

    def set_percentiles(self, metric: str, histogram: list[tuple[int, int]]) -> None:
        """Measured count, median and p90 of one metric from its sorted histogram."""
        measured = sum(n for _, n in histogram)
        setattr(self, f"{metric}_measured", measured)
        if measured >= MIN_MEASURED:
            setattr(self, f"median_{metric}", nearest_rank(histogram, 50))
            setattr(self, f"p90_{metric}", nearest_rank(histogram, 90))


def share(kept: int, known: int, minimum: int = MIN_MEASURED) -> float | None:
    """kept / known, or None below `minimum` known outcomes (too few to tell)."""
    return kept / known if known >= minimum else None


@dataclass
class WindowRecord:
    days: int
    overall: Measure = field(default_factory=Measure)
    by_priority: dict[str, Measure] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**self.overall.as_json(),
                "by_priority": {p: m.as_json() for p, m in self.priorities_in_order()}}

    def priorities_in_order(self) -> list[tuple[str, Measure]]:
        """The measures per priority from low to critical, as people read priorities."""
        rank = {priority: number for number, priority in enumerate(PRIORITIES)}
        return sorted(self.by_priority.items(), key=lambda item: rank.get(item[0], len(rank)))

    def measure(self, priority: str | None) -> Measure:
        """The overall measure (priority None) or that of one priority."""
        return self.overall if priority is None else \
            self.by_priority.setdefault(priority, Measure())


@dataclass(frozen=True)
class Week:
    """One group of the weekly chart: first-response and resolution outcomes known and kept,
    for the requests created that week."""

    start: datetime
    first_response_known: int = 0
    first_response_kept: int = 0
    resolution_known: int = 0
    resolution_kept: int = 0

    @property
    def known(self) -> int:
        return self.first_response_known + self.resolution_known

    @property
    def kept(self) -> int:
        return self.first_response_kept + self.resolution_kept

    @property
    def share(self) -> float | None:
        return self.kept / self.known if self.known else None

    @property
    def first_response_share(self) -> float | None:
        return share(self.first_response_kept, self.first_response_known, 1)

    @property
    def resolution_share(self) -> float | None:
        return share(self.resolution_kept, self.resolution_known, 1)


@dataclass
class Record:
    """A department's or offering's record: one WindowRecord per window, and the weeks."""

    windows: dict[int, WindowRecord]
    weeks: list[Week]

    def as_json(self) -> dict[str, Any]:
        return {str(days): window.as_json() for days, window in self.windows.items()}


def empty_record(now: datetime, windows: tuple[int, ...] = WINDOWS,
                 weeks: int = WEEKS) -> Record:
    """The record of a department or offering without any request in the windows."""
    return Record(windows={days: WindowRecord(days) for days in windows},
                  weeks=[Week(start) for start in week_starts(now, weeks)])


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    """Where each of the last `weeks` weeks begins (the newest ends now)."""
    return [now - timedelta(weeks=weeks - index) for index in range(weeks)]


def segment_cuts(now: datetime, windows: tuple[int, ...], weeks: int) -> list[datetime]:
    """Every window start and week start, ascending: each window and week is whole segments."""
    return sorted({now - timedelta(days=days) for days in windows} | set(week_starts(now, weeks)))


def add_segment(record: Record, begins: datetime, now: datetime, priority: str,
                counts: tuple[int, int, int, int, int]) -> None:
    """Add the counts of requests created in the segment that begins at `begins`."""
    requests, fr_known, fr_kept, res_known, res_kept = counts
    for days, window in record.windows.items():
        if begins >= now - timedelta(days=days):
            for measure in (window.overall, window.measure(priority)):
                measure.add_counts(*counts)
    starts = [week.start for week in record.weeks]
    if starts and begins >= starts[0]:
        index = max(i for i, start in enumerate(starts) if start <= begins)
        old = record.weeks[index]
        record.weeks[index] = Week(old.start, old.first_response_known + fr_known,
                                   old.first_response_kept + fr_kept,
                                   old.resolution_known + res_known,
                                   old.resolution_kept + res_kept)


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
