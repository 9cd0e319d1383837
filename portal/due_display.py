"""Due-time explanations in words, for pages and the API alike (the same text segment by
segment): "Fri 3 Jan, 16:30–17:00: 30 business minutes counted"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import get_locale, gettext, ngettext

from catalog.due_explanation import Explanation, RequestExplanations, Segment, explained
from catalog.due_explanation import request_explanations as _request_explanations
from catalog.models import Department, Offering, ServiceRequest
from catalog.submission import Due

from .display import format_time


@dataclass(frozen=True)
class ShownSegment:
    segment: Segment
    when: str
    reason: str


@dataclass(frozen=True)
class ShownExplanation:
    """An explanation with each segment's time range and reason in the reader's language."""

    explanation: Explanation
    summary: str
    segments: list[ShownSegment]
    timezone: str


def request_explanations(request: ServiceRequest) -> dict[str, ShownExplanation | None]:
    """The request's first-response and resolution explanations, ready to show."""
    found: RequestExplanations = _request_explanations(request, get_locale().language)
    department = request.department
    return {"first_response": shown(found.first_response, department),
            "resolution": shown(found.resolution, department)}


def next_deadline_explanations(items: list[ServiceRequest]) -> dict[int, ShownExplanation]:
    """For a queue page: per request, how its next due time (the one the row shows) comes
    about: the first response until it is given, then the resolution while the clock runs."""
    found = {}
    for item in items:
        if item.status not in ("new", "in_progress"):
            continue
        shown_ones = request_explanations(item)
        pending = shown_ones["first_response"] if item.first_response_at is None \
            else shown_ones["resolution"]
        if pending is not None:
            found[item.id] = pending
    return found


def preview_explanations(offering: Offering, dues: list[Due], at: datetime
                         ) -> dict[str, tuple[ShownExplanation, ShownExplanation]]:
    """For the request form: per priority, how "if sent now" due times come about."""
    department = offering.department
    calendar, language = department.calendar, get_locale().language
    return {due.priority: (shown(explained(calendar, at, due.first_response, [], language),
                                 department),
                           shown(explained(calendar, at, due.resolution, [], language),
                                 department))
            for due in dues}


def shown(explanation: Explanation | None, department: Department) -> ShownExplanation | None:
    if explanation is None:
        return None
    zone = department.calendar.zone
    segments = [ShownSegment(s, time_range(s.start.astimezone(zone), s.end.astimezone(zone)),
                             reason(s, department)) for s in explanation.segments]
    start = _day_and_time(explanation.start.astimezone(zone))
    if explanation.measured:
        summary = ngettext("%(num)d business minute measured from %(start)s:",
                           "%(num)d business minutes measured from %(start)s:",
                           explanation.minutes, start=start)
    else:
        summary = ngettext("%(num)d business minute counted from %(start)s:",
                           "%(num)d business minutes counted from %(start)s:",
                           explanation.minutes, start=start)
    return ShownExplanation(explanation, summary, segments, department.timezone)


def reason(segment: Segment, department: Department) -> str:
    """Why a stretch of time counts or does not, in the reader's language."""
    if segment.kind == "counted":
        return ngettext("%(num)d business minute counted", "%(num)d business minutes counted",
                        segment.minutes)
    if segment.kind == "closed":
        if segment.before_opening:
            return gettext("closed: opens at %(time)s", time=department.day_start)
        return gettext("closed: after %(time)s", time=department.day_end)
    if segment.kind == "weekend":
        return gettext("not a working day")
    if segment.kind == "holiday":
        return gettext("public holiday: %(name)s (%(region)s)", name=segment.holiday,
                       region=department.holiday_region)
    if segment.minutes:
        return ngettext(
            "paused while waiting on the requester: %(num)d business minute not counted",
            "paused while waiting on the requester: %(num)d business minutes not counted",
            segment.minutes)
    return gettext("paused while waiting on the requester")


def time_range(start: datetime, end: datetime) -> str:
    """"Fri 3 Jan, 16:30–17:00", "Fri 3 Jan, 17:00–24:00", "Sat 4 Jan – Sun 5 Jan",
    "Mon 6 Jan", or "Mon 23 Nov, 10:00 – Tue 24 Nov, 09:00" (local times given)."""
    last_day = (end - timedelta(microseconds=1)).date()
    whole_days = _is_midnight(start) and _is_midnight(end)
    if whole_days:
        if last_day == start.date():
            return _day(start)
        return f"{_day(start)} – {_day(end - timedelta(days=1))}"
    if start.date() == end.date() or (_is_midnight(end) and last_day == start.date()):
        closing = "24:00" if _is_midnight(end) else _time(end)
        return f"{_day(start)}, {_time(start)}–{closing}"
    return f"{_day_and_time(start)} – {_day_and_time(end)}"


def explanation_json(shown_explanation: ShownExplanation | None) -> list[dict[str, Any]] | None:
    """The API's form: segments with from, to, minutes, kind and the page's reason."""
    if shown_explanation is None:
        return None
    return [{"from": item.segment.start.isoformat(), "to": item.segment.end.isoformat(),
             "minutes": item.segment.minutes, "kind": item.segment.kind, "reason": item.reason}
            for item in shown_explanation.segments]


def _is_midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def _day(value: datetime) -> str:
    return format_time(value, "weekday_day", zone=value.tzinfo)


def _time(value: datetime) -> str:
    return format_time(value, "time", zone=value.tzinfo)


def _day_and_time(value: datetime) -> str:
    return format_time(value, "due", zone=value.tzinfo)
