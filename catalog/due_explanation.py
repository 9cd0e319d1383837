"""The arithmetic behind a due time (or a measured time), as segments people can check.

From the clock's start to the due time, every stretch of time is one segment: counted (working
hours), closed (a working day outside its hours), weekend (a weekday the department does not
work), holiday (a public holiday of its region, named) or paused (the request was waiting on
its requester). Segments run without gaps from start to end; the counted minutes add up to the
target. The same calendar code that computes due times (`catalog.clock`) splits the time, so
the explanation cannot disagree with the due time it explains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays as holidays_lib

from .clock import (
    EXTRA_CATEGORIES,
    WEEKDAYS,
    BusinessCalendar,
    Pause,
    as_utc,
    holiday_dates,
    merge_pauses,
)
from .models import ServiceRequest
from .request_clock import pauses_of

_MINUTE = timedelta(minutes=1)
KINDS = ("counted", "closed", "weekend", "holiday", "paused")
# The holiday names' languages as the `holidays` package spells them, by page language.
HOLIDAY_LANGUAGES = {"de": "de", "en": "en_US"}


@dataclass(frozen=True)
class Segment:
    """One stretch of time. `minutes`: business minutes counted (counted), or business
    minutes the pause kept from counting (paused); 0 for closed, weekend and holiday.
    `holiday`: the public holiday's name; `before_opening`: a closed stretch before the
    day's opening hours (else after them); `weekday`: the local weekday (mon…sun)."""

    start: datetime
    end: datetime
    kind: str
    minutes: int = 0
    holiday: str | None = None
    before_opening: bool = False
    weekday: str = ""
    # Paused: the working time within it (what it kept from counting).
    held: timedelta = timedelta()


def explain(calendar: BusinessCalendar, start: datetime, end: datetime,
            pauses: Iterable[Pause] = (), language: str = "en") -> list[Segment]:
    """Segments from `start` to `end` (a due time, or when a response or resolution came).

    Pauses still running at `end` are cut there; holiday names are in `language`.
    """
    start_utc, end_utc = as_utc(start), as_utc(end)
    if end_utc <= start_utc:
        return []
    paused = merge_pauses(pauses, start_utc, end_utc)
    segments: list[Segment] = []
    for piece in _day_pieces(calendar, start_utc, end_utc, language):
        segments.extend(_split_by_pauses(piece, paused))
    return _with_minutes(_merged(segments))


def counted_minutes(segments: Iterable[Segment]) -> int:
    """The business minutes the segments count (what the target or the measure adds up to)."""
    return sum(segment.minutes for segment in segments if segment.kind == "counted")


def _day_pieces(calendar: BusinessCalendar, start: datetime, end: datetime,
                language: str) -> list[Segment]:
    """The local days between start and end, each cut into closed, counted and closed."""
    zone = calendar.zone
    pieces: list[Segment] = []
    day = start.astimezone(zone).date()
    while True:
        day_start = _local_midnight(day, zone)
        day_end = _local_midnight(day + timedelta(days=1), zone)
        weekday = WEEKDAYS[day.weekday()]
        if day_start >= end:
            break
        holiday = _holiday_name(calendar.holidays, day, language)
        if weekday not in calendar.days:
            parts = [(day_start, day_end, "weekend", None, False)]
        elif holiday is not None:
            parts = [(day_start, day_end, "holiday", holiday, False)]
        else:
            opens, closes = calendar.opening_hours(day)
            parts = [(day_start, opens, "closed", None, True), (opens, closes, "counted", None,
                                                                 False),
                     (closes, day_end, "closed", None, False)]
        for begins, ends, kind, name, before in parts:
            begins, ends = max(begins, start), min(ends, end)
            if begins < ends:
                pieces.append(Segment(begins, ends, kind, 0, name, before, weekday))
        day += timedelta(days=1)
    return pieces


def _split_by_pauses(piece: Segment,
                     pauses: list[tuple[datetime, datetime]]) -> list[Segment]:
    """The piece with its paused parts as paused segments (counted time they held back)."""
    result: list[Segment] = []
    cursor = piece.start
    for pause_start, pause_end in pauses:
        begins, ends = max(pause_start, piece.start), min(pause_end, piece.end)
        if begins >= ends:
            continue
        if cursor < begins:
            result.append(_part(piece, cursor, begins))
        # What the pause held back: working time only (a paused night holds nothing back).
        held = ends - begins if piece.kind == "counted" else timedelta()
        result.append(Segment(begins, ends, "paused", weekday=piece.weekday, held=held))
        cursor = ends
    if cursor < piece.end:
        result.append(_part(piece, cursor, piece.end))
    return result


def _part(piece: Segment, start: datetime, end: datetime) -> Segment:
    return replace(piece, start=start, end=end)


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbours of the same kind become one: a weekend, a long pause, a day's counted hours
    split only by midnight in another zone. A closed stretch keeps its own day's facts."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and _joinable(merged[-1], segment):
            merged[-1] = replace(merged[-1], end=segment.end, held=merged[-1].held + segment.held)
        else:
            merged.append(segment)
    return merged


def _joinable(last: Segment, segment: Segment) -> bool:
    if last.end != segment.start or last.kind != segment.kind:
        return False
    return segment.kind in ("weekend", "paused", "counted") or (
        segment.kind == "holiday" and last.holiday == segment.holiday)


def _with_minutes(segments: list[Segment]) -> list[Segment]:
    """Whole minutes for the counted and paused segments whose sums are exact.

    A clock that starts at 16:30:30 counts 29.5 minutes on Friday and 210.5 on Tuesday; each
    segment gets the difference of the running total rounded up (30, then 240 - 30 = 210), so
    the counted minutes add up to the target, and to a measured time as catalog.measured_time
    rounds it (up). A paused segment over working hours tells the working time it held back.
    """
    result: list[Segment] = []
    counted = held = timedelta()
    for segment in segments:
        length = segment.end - segment.start
        if segment.kind == "counted":
            minutes = _ceil_minutes(counted + length) - _ceil_minutes(counted)
            counted += length
        elif segment.kind == "paused":
            minutes = _ceil_minutes(held + segment.held) - _ceil_minutes(held)
            held += segment.held
        else:
            minutes = 0
        result.append(replace(segment, minutes=minutes))
    return result


def _ceil_minutes(duration: timedelta) -> int:
    return -(-duration // _MINUTE)


def _local_midnight(day: date, zone) -> datetime:  # noqa: ANN001 (a ZoneInfo)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _holiday_name(region: str | None, day: date, language: str) -> str | None:
    if region is None:
        return None
    return _holiday_names(region, day.year, HOLIDAY_LANGUAGES.get(language, "en_US")).get(day)


@lru_cache(maxsize=256)
def _holiday_names(region: str, year: int, language: str) -> dict[date, str]:
    """The region's holidays of a year by date, named in `language` where the package can
    (as catalog.clock counts them: public ones and, for DE-BY, Assumption Day)."""
    country, _, subdivision = region.partition("-")
    categories = ("public", *EXTRA_CATEGORIES.get(region, ()))
    try:
        table = holidays_lib.country_holidays(country, subdiv=subdivision or None,
                                              years=[year - 1, year, year + 1],
                                              categories=categories, language=language)
    except (NotImplementedError, ValueError):  # a language the country has no names in
        table = holidays_lib.country_holidays(country, subdiv=subdivision or None,
                                              years=[year - 1, year, year + 1],
                                              categories=categories)
    counted = holiday_dates(region, year)
    return {day: name for day, name in table.items() if day in counted}


@dataclass(frozen=True)
class Explanation:
    """How one due time (or one measured time) of a request comes about."""

    start: datetime
    end: datetime
    # The business minutes the segments count: the target, or the measured time.
    minutes: int
    segments: list[Segment]
    measured: bool = False


@dataclass(frozen=True)
class RequestExplanations:
    first_response: Explanation | None
    resolution: Explanation | None


def clock_start(request: ServiceRequest) -> datetime:
    """When the request's commitment clock started: its submission, or its last approval."""
    return request.clock_start


def request_explanations(request: ServiceRequest, language: str = "en") -> RequestExplanations:
    """The due times of an open request explained; for a response or resolution that came,
    how its business time was measured (the figure adherence compares with the target)."""
    calendar = request.department.calendar
    if request.clock_started_at is None and request.status == "awaiting_approval":
        return RequestExplanations(None, None)  # nothing runs before the last approval
    start = clock_start(request)
    first = resolution = None
    if request.first_response_at is not None:
        first = explained(calendar, start, request.first_response_at, [], language, True)
    elif request.first_response_due is not None and request.first_response_minutes is not None:
        first = explained(calendar, start, request.first_response_due, [], language, False)
    # Ended pauses only: while the request waits, the resolution clock stands still and the
    # explanation shows the due time as it was when the clock last ran.
    pauses = [pause for pause in pauses_of(request) if pause[1] is not None]
    if request.resolved_at is not None and request.status in ("resolved", "closed"):
        resolution = explained(calendar, start, request.resolved_at, pauses_of(request),
                                language, True)
    elif (request.resolution_due is not None and request.resolution_minutes is not None
          and request.status not in ("cancelled",)):
        resolution = explained(calendar, start, request.resolution_due, pauses, language, False)
    return RequestExplanations(first, resolution)


def explained(calendar: BusinessCalendar, start: datetime, end: datetime,
              pauses: list[Pause], language: str, measured: bool = False) -> Explanation:
    """The explanation of the time from `start` to `end` (a due time, or when it came)."""
    segments = explain(calendar, start, end, pauses, language)
    return Explanation(start, end, counted_minutes(segments), segments, measured)
