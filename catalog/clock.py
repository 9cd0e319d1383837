"""Business-time "commitment clock": due times and elapsed time in working hours.

A department's calendar (time zone, working weekdays, daily hours, public-holiday
region) decides which instants count. Each local working day's opening hours are
turned into real (UTC) instants before any arithmetic, so daylight-saving changes
neither add nor remove working time that did not happen on the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Searching further than this for working time means the calendar (or the
# target) is unusable; failing loudly beats looping until the end of time.
MAX_SEARCH_DAYS = 3 * 366

_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)

Pause = tuple[datetime, datetime | None]


@lru_cache(maxsize=1)
def _supported_regions() -> dict[str, frozenset[str]]:
    return {
        country: frozenset(subdivisions)
        for country, subdivisions in holidays_lib.list_supported_countries().items()
    }


def holiday_region_is_known(region: str) -> bool:
    """Tell whether ``region`` ("CC" or "CC-SUB") is a region of the holidays package."""
    if not isinstance(region, str):
        return False
    country, dash, subdivision = region.partition("-")
    subdivisions = _supported_regions().get(country)
    if subdivisions is None:
        return False
    return not dash or subdivision in subdivisions


# Holidays that the `holidays` package files under another category but that most people of the
# region get off: Assumption Day (15 Aug) is kept in the large majority of Bavaria's municipalities,
# Munich and Augsburg included, so a Bavarian department's clock does not run that day.
EXTRA_CATEGORIES = {"DE-BY": ("catholic",)}


@lru_cache(maxsize=512)
def holiday_dates(region: str, year: int) -> frozenset[date]:
    # Building a holidays table is slow compared with a set lookup, hence the
    # cache. Neighbouring years are included because an "observed" day can be
    # filed under the year of the holiday it replaces (e.g. 31 Dec for 1 Jan).
    country, _, subdivision = region.partition("-")
    years = range(max(year - 1, date.min.year), min(year + 1, date.max.year) + 1)
    categories = ("public", *EXTRA_CATEGORIES.get(region, ()))
    table = holidays_lib.country_holidays(
        country, subdiv=subdivision or None, years=years, categories=categories
    )
    return frozenset(day for day in table if day.year == year)


def as_utc(value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)  # naive input is UTC by contract
    return value.astimezone(UTC)


def _minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class BusinessCalendar:
    """A department's working time: time zone, weekdays, daily hours, public holidays."""

    timezone: str = "UTC"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: time = time(8, 0)
    end: time = time(17, 0)
    holidays: str | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if isinstance(self.days, str):
            raise ValueError(f"days must be a sequence of weekday names, not {self.days!r}")
        names = {str(day).strip().lower() for day in self.days}
        unknown = sorted(names - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday name(s) {unknown}; use {', '.join(WEEKDAYS)}")
        if not names:
            raise ValueError("a business calendar needs at least one working day")
        # Canonical order keeps equal calendars equal (and hashable if a list came in).
        object.__setattr__(self, "days", tuple(day for day in WEEKDAYS if day in names))
        for label, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"{label} must be a naive datetime.time, got {value!r}")
            if value.second or value.microsecond:
                raise ValueError(f"{label} must be a whole minute, got {value.isoformat()}")
        if self.start >= self.end:
            raise ValueError(
                f"start {self.start:%H:%M} must be before end {self.end:%H:%M}"
                " (overnight hours are not supported)"
            )
        if self.holidays is not None and not holiday_region_is_known(self.holidays):
            raise ValueError(
                f"unknown public-holiday region {self.holidays!r}; expected 'CC' or"
                " 'CC-SUB' as known to the holidays package, e.g. 'DE-BY' or 'GB'"
            )

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone (ZoneInfo instances are cached by zoneinfo)."""
        return ZoneInfo(self.timezone)

    @property
    def day_minutes(self) -> int:
        """Length of one working day in minutes, i.e. what a target of ``1d`` means."""
        return _minute_of_day(self.end) - _minute_of_day(self.start)

    def is_working_day(self, day: date) -> bool:
        """Tell whether a local date is a working weekday and not a public holiday."""
        if isinstance(day, datetime):
            day = as_utc(day).astimezone(self.zone).date()
        if WEEKDAYS[day.weekday()] not in self.days:
            return False
        return self.holidays is None or day not in holiday_dates(self.holidays, day.year)

    def is_open(self, at: datetime) -> bool:
        """Tell whether the instant lies in working hours (opening inclusive, closing not)."""
        at_utc = as_utc(at)
        return next(self._intervals(at_utc, at_utc + _TICK), None) is not None

    def next_opening(self, at: datetime) -> datetime:
        """Return ``at`` if open, else the next opening, in the calendar's zone."""
        at_utc = as_utc(at)
        first = next(self._intervals(at_utc, at_utc + MAX_SEARCH_DAYS * _ONE_DAY), None)
        if first is None:
            raise ValueError(f"no working time within {MAX_SEARCH_DAYS} days after {at}")
        return first[0].astimezone(self.zone)

    def due_at(self, start: datetime, minutes: int, pauses: Iterable[Pause] = ()) -> datetime:
        """When ``minutes`` business minutes from ``start`` run out, in the calendar zone.

        Paused time (e.g. a request waiting on its requester) does not count; every pause
        must have ended, because while the clock stands still nothing can be due.
        """
        if minutes < 0:
            raise ValueError(f"target must not be negative, got {minutes} minutes")
        start_utc = as_utc(start)
        remaining = timedelta(minutes=minutes)
        horizon = start_utc + MAX_SEARCH_DAYS * _ONE_DAY
        pauses = list(pauses)
        if any(pause_end is None for _, pause_end in pauses):
            raise ValueError("nothing is due while the clock is paused")
        merged = merge_pauses(pauses, start_utc, horizon)
        for opens, closes in _without(self._intervals(start_utc, horizon), merged):
            available = closes - opens
            # "<=" makes a target that runs out exactly at closing due at closing.
            if remaining <= available:
                return (opens + remaining).astimezone(self.zone)
            remaining -= available
        raise ValueError(
            f"a target of {minutes} business minutes is not reached within"
            f" {MAX_SEARCH_DAYS} days after {start}"
        )

    def business_minutes_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[Pause] = (),
    ) -> float:
        """Business minutes from ``start`` to ``end`` minus paused time; 0 if end <= start."""
        start_utc, end_utc = as_utc(start), as_utc(end)
        if end_utc <= start_utc:
            return 0.0
        # Merged pauses are disjoint, so their working time can simply be subtracted.
        worked = self._working_time(start_utc, end_utc)
        for pause_start, pause_end in merge_pauses(pauses, start_utc, end_utc):
            worked -= self._working_time(pause_start, pause_end)
        return worked.total_seconds() / 60

    def _working_time(self, since: datetime, until: datetime) -> timedelta:
        return sum((c - o for o, c in self._intervals(since, until)), timedelta())

    def opening_hours(self, day: date) -> tuple[datetime, datetime]:
        # Combine in local time, then convert: on DST days the wall-clock hours
        # map to the real instants. A wall time in a DST gap resolves forward.
        zone = self.zone
        opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def _intervals(self, since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield working intervals clipped to [since, until), as UTC instants, in order."""
        zone = self.zone
        # One spare day on each side: around DST folds near midnight an instant's
        # local date can differ from the date whose hours contain it.
        day = since.astimezone(zone).date() - _ONE_DAY
        last = until.astimezone(zone).date() + _ONE_DAY
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self.opening_hours(day)
                opens, closes = max(opens, since), min(closes, until)
                if opens < closes:
                    yield opens, closes
            day += _ONE_DAY


def _without(
    intervals: Iterable[tuple[datetime, datetime]], pauses: list[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the parts of sorted intervals that lie outside sorted, disjoint pauses."""
    for opens, closes in intervals:
        for pause_start, pause_end in pauses:
            if pause_end <= opens or pause_start >= closes:
                continue
            if pause_start > opens:
                yield opens, pause_start
            opens = max(opens, pause_end)
            if opens >= closes:
                break
        if opens < closes:
            yield opens, closes


def merge_pauses(
    pauses: Iterable[Pause], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Clip pauses to [start, end] and merge overlaps into sorted disjoint intervals."""
    clipped: list[tuple[datetime, datetime]] = []
    for pause_start, pause_end in pauses:
        begins = as_utc(pause_start)
        ends = end if pause_end is None else as_utc(pause_end)
        if pause_end is not None and ends < begins:
            raise ValueError(f"pause ends before it starts: {pause_start} .. {pause_end}")
        begins, ends = max(begins, start), min(ends, end)
        if begins < ends:
            clipped.append((begins, ends))
    clipped.sort()
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in clipped:
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged
