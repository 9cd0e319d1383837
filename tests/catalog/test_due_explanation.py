"""Hand-worked explanations of due times: every stretch from the clock's start to the due time,
counted or not and why; the counted minutes add up to the target exactly."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from catalog.clock import BusinessCalendar
from catalog.due_explanation import Segment, counted_minutes, explain

BERLIN = ZoneInfo("Europe/Berlin")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


def plain(segments: list[Segment]) -> list[tuple[str, str, str, int, str | None]]:
    """(from, to, kind, minutes, holiday) with local wall-clock times."""
    fmt = "%a %d %b %H:%M"
    return [(s.start.astimezone(BERLIN).strftime(fmt), s.end.astimezone(BERLIN).strftime(fmt),
             s.kind, s.minutes, s.holiday) for s in segments]


def check(calendar: BusinessCalendar, start: datetime, minutes: int, pauses=()) -> list[Segment]:
    due = calendar.due_at(start, minutes, pauses)
    segments = explain(calendar, start, due, pauses, language="de")
    assert counted_minutes(segments) == minutes  # exactly the target
    assert segments[0].start == start and segments[-1].end == due  # from start to due
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))  # no gaps
    return segments


def test_friday_evening_before_a_bavarian_holiday():
    bavaria = BusinessCalendar("Europe/Berlin", holidays="DE-BY")
    segments = check(bavaria, at(2025, 1, 3, 16, 30), 240)
    assert plain(segments) == [
        ("Fri 03 Jan 16:30", "Fri 03 Jan 17:00", "counted", 30, None),
        ("Fri 03 Jan 17:00", "Sat 04 Jan 00:00", "closed", 0, None),
        ("Sat 04 Jan 00:00", "Mon 06 Jan 00:00", "weekend", 0, None),
        ("Mon 06 Jan 00:00", "Tue 07 Jan 00:00", "holiday", 0, "Heilige Drei Könige"),
        ("Tue 07 Jan 00:00", "Tue 07 Jan 08:00", "closed", 0, None),
        ("Tue 07 Jan 08:00", "Tue 07 Jan 11:30", "counted", 210, None),
    ]
    assert segments[4].before_opening and not segments[1].before_opening


def test_north_rhine_westphalia_works_on_epiphany():
    nrw = BusinessCalendar("Europe/Berlin", holidays="DE-NW")
    assert [s.kind for s in check(nrw, at(2025, 1, 3, 16, 30), 240)] == [
        "counted", "closed", "weekend", "closed", "counted"]
    assert nrw.due_at(at(2025, 1, 3, 16, 30), 240) == at(2025, 1, 6, 11, 30)


def test_holiday_names_in_english():
    bavaria = BusinessCalendar("Europe/Berlin", holidays="DE-BY")
    start = at(2025, 1, 3, 16, 30)
    names = [s.holiday for s in explain(bavaria, start, bavaria.due_at(start, 240),
                                        language="en") if s.holiday]
    assert names == ["Epiphany"]


def test_across_the_change_to_summer_time_the_lost_hour_is_not_counted():
    # Open every day from midnight to noon; on 29 March 2026 02:00-03:00 does not exist.
    always = BusinessCalendar("Europe/Berlin", days=("mon", "tue", "wed", "thu", "fri", "sat",
                                                     "sun"), start=time(0, 0), end=time(12, 0))
    segments = check(always, at(2026, 3, 28, 11, 0), 180)
    assert plain(segments) == [
        ("Sat 28 Mar 11:00", "Sat 28 Mar 12:00", "counted", 60, None),
        ("Sat 28 Mar 12:00", "Sun 29 Mar 00:00", "closed", 0, None),
        ("Sun 29 Mar 00:00", "Sun 29 Mar 03:00", "counted", 120, None),  # 3 wall hours, 2 real
    ]


def test_a_pause_while_waiting_is_shown_with_the_working_time_it_held_back():
    plain_week = BusinessCalendar("Europe/Berlin")
    pauses = [(at(2026, 11, 23, 10, 0), at(2026, 11, 24, 9, 0))]  # Monday 10:00 to Tuesday 9:00
    segments = check(plain_week, at(2026, 11, 23, 9, 0), 240, pauses)
    assert plain(segments) == [
        ("Mon 23 Nov 09:00", "Mon 23 Nov 10:00", "counted", 60, None),
        ("Mon 23 Nov 10:00", "Tue 24 Nov 09:00", "paused", 480, None),  # 7 h Mon + 1 h Tue
        ("Tue 24 Nov 09:00", "Tue 24 Nov 12:00", "counted", 180, None),
    ]


def test_a_start_at_seconds_past_the_minute_still_adds_up():
    plain_week = BusinessCalendar("Europe/Berlin")
    start = at(2026, 11, 27, 16, 30, 30)  # a Friday, half a minute past
    segments = check(plain_week, start, 240)
    assert [s.minutes for s in segments if s.kind == "counted"] == [30, 210]
    assert segments[-1].end == at(2026, 11, 30, 11, 30, 30)


def test_a_clock_started_by_an_approval_counts_from_the_approval():
    plain_week = BusinessCalendar("Europe/Berlin")
    approved = at(2026, 11, 24, 14, 15)
    segments = check(plain_week, approved, 120)
    assert plain(segments) == [("Tue 24 Nov 14:15", "Tue 24 Nov 16:15", "counted", 120, None)]


def test_measured_time_is_explained_as_it_is_measured():
    plain_week = BusinessCalendar("Europe/Berlin")
    start, answered = at(2026, 11, 27, 16, 59, 50), at(2026, 11, 30, 8, 0, 20)
    segments = explain(plain_week, start, answered)
    measured = plain_week.business_minutes_between(start, answered)
    assert counted_minutes(segments) == 1 == -(-measured // 1)  # 10 s + 20 s, rounded up
    assert explain(plain_week, answered, start) == []
    assert sum((s.end - s.start for s in segments), timedelta()) == answered - start
