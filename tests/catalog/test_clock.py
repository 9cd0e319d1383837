"""Tests for the business-time commitment clock (catalog.clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.clock import WEEKDAYS, BusinessCalendar, holiday_region_is_known

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

# Europe/Berlin, Mon-Fri 08:00-17:00, no public holidays: 9 h = 540 min a day.
OFFICE = BusinessCalendar(timezone="Europe/Berlin")
DAY = OFFICE.day_minutes


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


# July 2025: Mon 7, Tue 8, Wed 9, Thu 10, Fri 11, Sat 12, Sun 13, Mon 14.
@pytest.mark.parametrize(
    ("label", "start", "minutes", "expected"),
    [
        ("before opening", berlin(2025, 7, 8, 6, 30), 30, berlin(2025, 7, 8, 8, 30)),
        ("during hours", berlin(2025, 7, 8, 10), 240, berlin(2025, 7, 8, 14)),
        ("during hours, spills over", berlin(2025, 7, 8, 15), 240, berlin(2025, 7, 9, 10)),
        ("after closing", berlin(2025, 7, 8, 18), 30, berlin(2025, 7, 9, 8, 30)),
        ("exactly at closing", berlin(2025, 7, 8, 17), 30, berlin(2025, 7, 9, 8, 30)),
        ("exactly at opening", berlin(2025, 7, 8, 8), 30, berlin(2025, 7, 8, 8, 30)),
        ("runs out at closing", berlin(2025, 7, 8, 16), 60, berlin(2025, 7, 8, 17)),
        ("whole day from opening", berlin(2025, 7, 8, 8), DAY, berlin(2025, 7, 8, 17)),
        ("Friday evening", berlin(2025, 7, 11, 18), 60, berlin(2025, 7, 14, 9)),
        ("Friday afternoon", berlin(2025, 7, 11, 16, 30), 60, berlin(2025, 7, 14, 8, 30)),
        ("Saturday", berlin(2025, 7, 12, 12), 30, berlin(2025, 7, 14, 8, 30)),
        ("30 minutes", berlin(2025, 7, 9, 9), 30, berlin(2025, 7, 9, 9, 30)),
        ("4 hours", berlin(2025, 7, 9, 9), 4 * 60, berlin(2025, 7, 9, 13)),
        ("1 day", berlin(2025, 7, 8, 10), DAY, berlin(2025, 7, 9, 10)),
        ("1 day over the weekend", berlin(2025, 7, 11, 10), DAY, berlin(2025, 7, 14, 10)),
        ("3 days", berlin(2025, 7, 8, 10), 3 * DAY, berlin(2025, 7, 11, 10)),
        ("10 days", berlin(2025, 7, 8, 10), 10 * DAY, berlin(2025, 7, 22, 10)),
        ("zero target waits for opening", berlin(2025, 7, 8, 17), 0, berlin(2025, 7, 9, 8)),
        ("zero target while open", berlin(2025, 7, 8, 9), 0, berlin(2025, 7, 8, 9)),
        # March 30 / October 26 2025 are the DST changes in Europe/Berlin.
        ("into summer time", berlin(2025, 3, 28, 16), 120, berlin(2025, 3, 31, 9)),
        ("into winter time", berlin(2025, 10, 24, 16), 120, berlin(2025, 10, 27, 9)),
    ],
)
def test_due_at_table(label: str, start: datetime, minutes: int, expected: datetime) -> None:
    due = OFFICE.due_at(start, minutes)
    assert due == expected, label
    assert due.tzinfo == BERLIN


def test_due_at_daylight_saving_uses_real_instants() -> None:
    spring = OFFICE.due_at(berlin(2025, 3, 28, 16), 120)
    autumn = OFFICE.due_at(berlin(2025, 10, 24, 16), 120)
    assert spring.astimezone(UTC) == datetime(2025, 3, 31, 7, tzinfo=UTC)
    assert autumn.astimezone(UTC) == datetime(2025, 10, 27, 8, tzinfo=UTC)
    assert (spring.hour, autumn.hour) == (9, 9)


@pytest.mark.parametrize("sunday", [date(2025, 3, 30), date(2025, 10, 26)])
def test_working_day_on_dst_change_is_still_nine_hours(sunday: date) -> None:
    every_day = BusinessCalendar(timezone="Europe/Berlin", days=WEEKDAYS)
    opening = datetime.combine(sunday, time(8), tzinfo=BERLIN)
    midnight = datetime.combine(sunday, time(0), tzinfo=BERLIN)
    assert every_day.due_at(opening, 540) == datetime.combine(sunday, time(17), tzinfo=BERLIN)
    assert every_day.business_minutes_between(midnight, midnight + timedelta(days=1)) == 540


def test_input_in_another_zone_and_naive_input_is_utc() -> None:
    # 06:00 UTC is 08:00 in Berlin (summer time); naive means UTC.
    assert OFFICE.due_at(datetime(2025, 7, 8, 6, 0), 30) == berlin(2025, 7, 8, 8, 30)
    tokyo = datetime(2025, 7, 8, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 06:00 Berlin
    assert OFFICE.due_at(tokyo, 30) == berlin(2025, 7, 8, 8, 30)
    assert OFFICE.next_opening(datetime(2025, 7, 8, 7, 0)) == berlin(2025, 7, 8, 9)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # Saarland keeps Assumption Day (Fri 15 Aug 2025) statewide; NRW does not.
        ("DE-SL", berlin(2025, 8, 18, 9)),
        ("DE-NW", berlin(2025, 8, 15, 9)),
        # Most of Bavaria (Munich included) keeps it too, so the clock counts it there.
        ("DE-BY", berlin(2025, 8, 18, 9)),
        (None, berlin(2025, 8, 15, 9)),
    ],
)
def test_due_at_skips_public_holidays_of_the_region(region: str | None, expected: datetime) -> None:
    calendar = BusinessCalendar(timezone="Europe/Berlin", holidays=region)
    assert calendar.due_at(berlin(2025, 8, 14, 16), 120) == expected


@pytest.mark.parametrize(
    ("region", "expected"),
    # Epiphany, Mon 6 Jan 2025, is a public holiday in Bavaria but not in NRW.
    [("DE-BY", berlin(2025, 1, 7, 9)), ("DE-NW", berlin(2025, 1, 6, 9))],
)
def test_epiphany_in_bavaria(region: str, expected: datetime) -> None:
    calendar = BusinessCalendar(timezone="Europe/Berlin", holidays=region)
    assert calendar.due_at(berlin(2025, 1, 3, 16), 120) == expected


def test_is_working_day_and_is_open() -> None:
    bavaria = BusinessCalendar(timezone="Europe/Berlin", holidays="DE-BY")
    assert bavaria.is_working_day(date(2025, 1, 7))
    assert not bavaria.is_working_day(date(2025, 1, 6))  # Epiphany
    assert not bavaria.is_working_day(date(2025, 1, 4))  # Saturday
    assert not bavaria.is_working_day(date(2025, 12, 25))
    assert OFFICE.is_open(berlin(2025, 7, 8, 8))
    assert OFFICE.is_open(berlin(2025, 7, 8, 16, 59))
    assert not OFFICE.is_open(berlin(2025, 7, 8, 17))
    assert not OFFICE.is_open(berlin(2025, 7, 8, 7, 59))
    assert not OFFICE.is_open(berlin(2025, 7, 12, 10))
    assert OFFICE.next_opening(berlin(2025, 7, 8, 10)) == berlin(2025, 7, 8, 10)
    assert OFFICE.next_opening(berlin(2025, 7, 11, 17)) == berlin(2025, 7, 14, 8)


def test_weekend_working_calendar() -> None:
    # A shop help desk: Wed-Sun 10:00-18:00 in Dubai, closed Mon and Tue.
    shop = BusinessCalendar(
        timezone="Asia/Dubai",
        days=("sun", "wed", "sat", "thu", "fri"),
        start=time(10),
        end=time(18),
    )
    dubai = ZoneInfo("Asia/Dubai")
    assert shop.days == ("wed", "thu", "fri", "sat", "sun")
    assert shop.day_minutes == 480
    sat = datetime(2025, 7, 12, 17, tzinfo=dubai)
    assert shop.due_at(sat, 120) == datetime(2025, 7, 13, 11, tzinfo=dubai)
    sun = datetime(2025, 7, 13, 17, tzinfo=dubai)
    assert shop.due_at(sun, 120) == datetime(2025, 7, 16, 11, tzinfo=dubai)
    assert shop.business_minutes_between(sun, datetime(2025, 7, 16, 11, tzinfo=dubai)) == 120


def test_us_calendar_with_state_holidays() -> None:
    california = BusinessCalendar(timezone="America/Los_Angeles", holidays="US-CA")
    la = ZoneInfo("America/Los_Angeles")
    # Thu 3 Jul 2025 16:00 + 2h: Fri 4 Jul is Independence Day -> Mon 7 Jul 09:00.
    assert california.due_at(datetime(2025, 7, 3, 16, tzinfo=la), 120) == datetime(
        2025, 7, 7, 9, tzinfo=la
    )


@pytest.mark.parametrize(
    ("label", "calendar", "start", "end", "pauses", "expected"),
    [
        ("same day", OFFICE, berlin(2025, 7, 8, 9), berlin(2025, 7, 8, 12), [], 180),
        ("outside hours", OFFICE, berlin(2025, 7, 8, 18), berlin(2025, 7, 9, 7), [], 0),
        ("over weekend", OFFICE, berlin(2025, 7, 11, 16), berlin(2025, 7, 14, 9), [], 120),
        ("one week", OFFICE, berlin(2025, 7, 7), berlin(2025, 7, 14), [], 5 * DAY),
        ("end before start", OFFICE, berlin(2025, 7, 9), berlin(2025, 7, 8), [], 0),
        (
            "over a holiday",
            BusinessCalendar(timezone="Europe/Berlin", holidays="DE-SL"),
            berlin(2025, 8, 14, 16),
            berlin(2025, 8, 18, 9),
            [],
            120,
        ),
        (
            "no holiday in NRW",
            BusinessCalendar(timezone="Europe/Berlin", holidays="DE-NW"),
            berlin(2025, 8, 14, 16),
            berlin(2025, 8, 18, 9),
            [],
            60 + DAY + 60,
        ),
        (
            "pause in the middle",
            OFFICE,
            berlin(2025, 7, 8, 8),
            berlin(2025, 7, 8, 17),
            [(berlin(2025, 7, 8, 10), berlin(2025, 7, 8, 12))],
            DAY - 120,
        ),
        (
            "overlapping pauses",
            OFFICE,
            berlin(2025, 7, 8, 8),
            berlin(2025, 7, 8, 17),
            [
                (berlin(2025, 7, 8, 11), berlin(2025, 7, 8, 13)),
                (berlin(2025, 7, 8, 10), berlin(2025, 7, 8, 12)),
                (berlin(2025, 7, 8, 15), berlin(2025, 7, 8, 15, 30)),
            ],
            DAY - 180 - 30,
        ),
        (
            "open-ended pause",
            OFFICE,
            berlin(2025, 7, 8, 8),
            berlin(2025, 7, 9, 17),
            [(berlin(2025, 7, 9, 12), None)],
            DAY + 240,
        ),
        (
            "pause sticking out of the window and over the weekend",
            OFFICE,
            berlin(2025, 7, 11, 8),
            berlin(2025, 7, 14, 17),
            [
                (berlin(2025, 7, 10, 12), berlin(2025, 7, 11, 9)),
                (berlin(2025, 7, 11, 16), berlin(2025, 7, 14, 10)),
            ],
            2 * DAY - 60 - 60 - 120,
        ),
        (
            "pauses entirely outside",
            OFFICE,
            berlin(2025, 7, 8, 8),
            berlin(2025, 7, 8, 17),
            [(berlin(2025, 7, 1), berlin(2025, 7, 2)), (berlin(2025, 7, 9), None)],
            DAY,
        ),
    ],
)
def test_business_minutes_between_table(
    label: str,
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: list[tuple[datetime, datetime | None]],
    expected: float,
) -> None:
    assert calendar.business_minutes_between(start, end, pauses) == expected, label


def test_business_minutes_between_keeps_seconds() -> None:
    assert OFFICE.business_minutes_between(
        berlin(2025, 7, 8, 9), berlin(2025, 7, 8, 9) + timedelta(seconds=90)
    ) == pytest.approx(1.5)


def test_pause_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="pause ends before it starts"):
        OFFICE.business_minutes_between(
            berlin(2025, 7, 8),
            berlin(2025, 7, 9),
            [(berlin(2025, 7, 8, 12), berlin(2025, 7, 8, 10))],
        )


def test_thirteen_weeks_count_working_days_less_holidays() -> None:
    bavaria = BusinessCalendar(timezone="Europe/Berlin", holidays="DE-BY")
    # 13 weeks from Mon 6 Jan 2025 are 65 working days; Epiphany is the only holiday.
    measured = bavaria.business_minutes_between(berlin(2025, 1, 6), berlin(2025, 4, 7))
    assert measured == (65 - 1) * DAY  # Easter 2025 falls after 7 Apr


@pytest.mark.parametrize(
    ("region", "known"),
    [
        ("DE-BY", True),
        ("DE-NW", True),
        ("GB", True),
        ("US-CA", True),
        ("DE", True),
        ("DE-XX", False),
        ("XX", False),
        ("DE-", False),
        ("", False),
        ("de-by", False),
    ],
)
def test_holiday_region_is_known(region: str, known: bool) -> None:
    assert holiday_region_is_known(region) is known


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"timezone": ""}, "unknown time zone"),
        ({"days": ("mon", "funday")}, "unknown weekday"),
        ({"days": "mon"}, "sequence of weekday names"),
        ({"days": ()}, "at least one working day"),
        ({"start": time(17), "end": time(8)}, "must be before end"),
        ({"start": time(9), "end": time(9)}, "must be before end"),
        ({"start": time(8, 0, 30)}, "whole minute"),
        ({"holidays": "DE-XX"}, "unknown public-holiday region"),
        ({"holidays": "XX"}, "unknown public-holiday region"),
    ],
)
def test_construction_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


def test_construction_normalises_days_and_computes_day_minutes() -> None:
    calendar = BusinessCalendar(days=["Fri", "mon", "MON"], start=time(9, 30), end=time(12))  # type: ignore[arg-type]
    assert calendar.days == ("mon", "fri")
    assert calendar.day_minutes == 150
    assert calendar == BusinessCalendar(days=("mon", "fri"), start=time(9, 30), end=time(12))
    assert BusinessCalendar().day_minutes == 540


def test_negative_target_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        OFFICE.due_at(berlin(2025, 7, 8, 9), -1)


def test_unreachable_working_time_is_reported_not_looped() -> None:
    with pytest.raises(ValueError, match="not reached"):
        OFFICE.due_at(berlin(2025, 7, 8, 9), 10_000 * DAY)


CALENDARS = [
    OFFICE,
    BusinessCalendar(timezone="Europe/Berlin", holidays="DE-BY"),
    BusinessCalendar(
        timezone="America/New_York", holidays="US-NY", start=time(9), end=time(17, 30)
    ),
    BusinessCalendar(
        timezone="Asia/Dubai",
        days=("wed", "thu", "fri", "sat", "sun"),
        start=time(10),
        end=time(18),
    ),
    # Hours inside the DST switch window exercise gaps and folds of the wall clock.
    BusinessCalendar(timezone="Europe/Berlin", days=WEEKDAYS, start=time(2, 15), end=time(3, 45)),
    BusinessCalendar(
        timezone="Australia/Lord_Howe", days=("sat", "sun"), start=time(0), end=time(23, 59)
    ),
]

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    start=instants,
    minutes=st.integers(min_value=0, max_value=10 * 540),
    split=st.floats(min_value=0, max_value=1),
)
def test_due_at_and_business_minutes_between_are_inverse(
    calendar: BusinessCalendar, start: datetime, minutes: int, split: float
) -> None:
    due = calendar.due_at(start, minutes)
    assert due >= start
    assert due.tzinfo == calendar.zone
    assert calendar.business_minutes_between(start, due) == pytest.approx(minutes, abs=1e-6)
    # Measuring is additive over any intermediate instant.
    middle = start + (due - start) * split
    parts = calendar.business_minutes_between(start, middle) + calendar.business_minutes_between(
        middle, due
    )
    assert parts == pytest.approx(minutes, abs=1e-6)
    if minutes:
        # Nothing is due before its time: one second earlier the target is not yet spent.
        assert calendar.business_minutes_between(start, due - timedelta(seconds=1)) < minutes
        assert calendar.is_open(due - timedelta(microseconds=1))


# A hand-worked table for a department as the portal builds it: IT in Munich, Mon-Fri
# 07:30-18:00 (so "1d" is 10.5 h = 630 min), Bavarian public holidays. Targets are written as
# in the catalog file. Each expected time was worked out by hand from the calendar of 2025/26.
MUNICH_IT = dict(timezone="Europe/Berlin", work_days="mon,tue,wed,thu,fri", day_start="07:30",
                 day_end="18:00", holiday_region="DE-BY")


@pytest.mark.parametrize(
    ("case", "start", "target", "expected", "region"),
    [
        ("before opening", berlin(2025, 7, 7, 6), "30m", berlin(2025, 7, 7, 8), "DE-BY"),
        ("after closing: 4h from the next opening", berlin(2025, 7, 7, 19), "4h",
         berlin(2025, 7, 8, 11, 30), "DE-BY"),
        ("runs out exactly at closing", berlin(2025, 7, 8, 16), "2h", berlin(2025, 7, 8, 18),
         "DE-BY"),
        ("Friday evening waits for Monday", berlin(2025, 7, 11, 18, 30), "1h",
         berlin(2025, 7, 14, 8, 30), "DE-BY"),
        ("Sunday", berlin(2025, 7, 13, 12), "15m", berlin(2025, 7, 14, 7, 45), "DE-BY"),
        # Fri 15 Aug 2025, Assumption Day: a holiday in Bavaria, a working day in NRW.
        ("15 Aug in DE-BY", berlin(2025, 8, 14, 17), "2h", berlin(2025, 8, 18, 8, 30),
         "DE-BY"),
        ("15 Aug in DE-NW", berlin(2025, 8, 14, 17), "2h", berlin(2025, 8, 15, 8, 30),
         "DE-NW"),
        ("one day over the holiday", berlin(2025, 8, 14, 10), "1d", berlin(2025, 8, 18, 10),
         "DE-BY"),
        ("three days over a weekend", berlin(2025, 7, 9, 10), "3d", berlin(2025, 7, 14, 10),
         "DE-BY"),
        ("Christmas: 1 h on 24 Dec, then 25/26 Dec off", berlin(2025, 12, 24, 17), "3h",
         berlin(2025, 12, 29, 9, 30), "DE-BY"),
        ("Epiphany 2026 in Bavaria", berlin(2026, 1, 5, 17, 30), "1h",
         berlin(2026, 1, 7, 8), "DE-BY"),
        # Sun 30 Mar 2025 02:00 -> 03:00 and Sun 26 Oct 2025 03:00 -> 02:00 in Berlin.
        ("into summer time", berlin(2025, 3, 28, 17), "2h", berlin(2025, 3, 31, 8, 30), "DE-BY"),
        ("into winter time", berlin(2025, 10, 24, 17), "2h", berlin(2025, 10, 27, 8, 30),
         "DE-BY"),
        ("ten days", berlin(2025, 7, 1, 9), "10d", berlin(2025, 7, 15, 9), "DE-BY"),
    ],
)
def test_department_calendar_hand_worked_table(case, start, target, expected, region):
    from catalog.durations import parse_duration
    from catalog.models import Department

    department = Department(**{**MUNICH_IT, "holiday_region": region})
    calendar = department.calendar
    due = calendar.due_at(start, parse_duration(target, department.day_minutes))
    assert due == expected, case
    assert due.utcoffset() == expected.utcoffset(), case  # summer or winter time, as expected


def test_dst_cases_of_the_hand_worked_table_in_utc():
    calendar = BusinessCalendar(timezone="Europe/Berlin", start=time(7, 30), end=time(18))
    assert calendar.due_at(berlin(2025, 3, 28, 17), 120) == datetime(2025, 3, 31, 6, 30,
                                                                     tzinfo=UTC)
    assert calendar.due_at(berlin(2025, 10, 24, 17), 120) == datetime(2025, 10, 27, 7, 30,
                                                                      tzinfo=UTC)


# Pauses: a request waiting on its requester does not use up the department's time.
@pytest.mark.parametrize(
    ("label", "start", "minutes", "pauses", "expected"),
    [
        ("no pause", berlin(2025, 7, 8, 9), 240, [], berlin(2025, 7, 8, 13)),
        ("two hours paused", berlin(2025, 7, 8, 9), 240,
         [(berlin(2025, 7, 8, 10), berlin(2025, 7, 8, 12))], berlin(2025, 7, 8, 15)),
        ("paused overnight costs only working time", berlin(2025, 7, 8, 9), 240,
         [(berlin(2025, 7, 8, 12), berlin(2025, 7, 9, 9))], berlin(2025, 7, 9, 10)),
        ("paused over the weekend", berlin(2025, 7, 11, 15), 240,
         [(berlin(2025, 7, 11, 16), berlin(2025, 7, 14, 8, 30))], berlin(2025, 7, 14, 11, 30)),
        ("pause before the start is ignored", berlin(2025, 7, 8, 9), 60,
         [(berlin(2025, 7, 7, 9), berlin(2025, 7, 8, 9))], berlin(2025, 7, 8, 10)),
        ("pause after the due time changes nothing", berlin(2025, 7, 8, 9), 60,
         [(berlin(2025, 7, 8, 11), berlin(2025, 7, 8, 12))], berlin(2025, 7, 8, 10)),
        ("zero target paused at opening", berlin(2025, 7, 8, 7), 0,
         [(berlin(2025, 7, 8, 7, 30), berlin(2025, 7, 8, 9))], berlin(2025, 7, 8, 9)),
        ("overlapping pauses", berlin(2025, 7, 8, 8), 120,
         [(berlin(2025, 7, 8, 9), berlin(2025, 7, 8, 11)),
          (berlin(2025, 7, 8, 10), berlin(2025, 7, 8, 12))], berlin(2025, 7, 8, 13)),
    ],
)
def test_due_at_with_pauses_table(label, start, minutes, pauses, expected):
    assert OFFICE.due_at(start, minutes, pauses) == expected, label


def test_nothing_is_due_while_the_clock_is_paused():
    with pytest.raises(ValueError, match="paused"):
        OFFICE.due_at(berlin(2025, 7, 8, 9), 60, [(berlin(2025, 7, 8, 9, 30), None)])


pauses_strategy = st.lists(
    st.tuples(instants, st.integers(min_value=0, max_value=5 * 24 * 60)), max_size=4
).map(lambda items: [(begin, begin + timedelta(minutes=length)) for begin, length in items])


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=instants,
       minutes=st.integers(min_value=0, max_value=5 * 540), pauses=pauses_strategy)
def test_due_at_with_pauses_is_the_inverse_of_measuring_with_pauses(
    calendar: BusinessCalendar, start: datetime, minutes: int,
    pauses: list[tuple[datetime, datetime]],
) -> None:
    due = calendar.due_at(start, minutes, pauses)
    assert calendar.business_minutes_between(start, due, pauses) == pytest.approx(
        minutes, abs=1e-6)
    assert due >= calendar.due_at(start, minutes)  # pausing never makes anything due sooner
