"""Adherence figures on built request histories whose answers were worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalog import adherence
from catalog.submission import submit_request
from catalog.workflow import add_comment, change_status
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row
from tests.request_fixtures import berlin

NOW = berlin(2026, 3, 2, 12, 0)  # a Monday


@pytest.fixture
def service(session, it_dept):  # noqa: F811
    offering = factories.make_offering(session, it_dept, slug="help", title="Help")
    session.commit()
    return offering


def test_shares_medians_and_percentiles_match_hand_computed_values(session, it_dept, service,
                                                                   employee):  # noqa: F811
    # Ten resolved normal requests 1..10 days ago: first responses took 10, 20, .. 100 minutes
    # (target 240: all kept); resolutions took 200, 400, .. 2000 (target 1620: 8 of 10 kept).
    rows = [request_row(it_dept, service, employee, NOW - timedelta(days=day),
                        first_response=10 * day, resolution=200 * day) for day in range(1, 11)]
    insert_requests(session, rows)

    record = adherence.record_for(session, "department", it_dept.id, now=NOW)
    month = record.windows[30].overall
    assert month.requests == 10
    assert month.first_response_met == 1.0
    assert month.resolution_met == pytest.approx(0.8)
    # Nearest rank: median = 5th of 10, 90th percentile = 9th of 10.
    assert (month.median_first_response, month.p90_first_response) == (50, 90)
    assert (month.median_resolution, month.p90_resolution) == (1000, 1800)
    assert record.windows[30].by_priority["normal"].resolution_met == pytest.approx(0.8)


def test_open_overdue_requests_count_as_missed_and_open_ones_not_yet_due_do_not(
        session, it_dept, service, employee):  # noqa: F811
    kept = [request_row(it_dept, service, employee, NOW - timedelta(days=2 + d),
                        first_response=60, resolution=600) for d in range(5)]
    overdue = request_row(it_dept, service, employee, NOW - timedelta(days=10), status="new",
                          first_response=None, resolution=None,
                          first_response_due=NOW - timedelta(days=9),
                          resolution_due=NOW - timedelta(days=5))
    not_due = request_row(it_dept, service, employee, NOW - timedelta(hours=1), status="new",
                          first_response=None, resolution=None,
                          first_response_due=NOW + timedelta(hours=3),
                          resolution_due=NOW + timedelta(days=3))
    # Waiting on the requester: the resolution clock stands still. Past due when the wait
    # began counts as missed; a wait that began before the due time does not.
    waited_late = request_row(it_dept, service, employee, NOW - timedelta(days=20),
                              status="waiting", first_response=30, resolution=None,
                              resolution_due=NOW - timedelta(days=15),
                              paused_at=NOW - timedelta(days=14))
    waited_in_time = request_row(it_dept, service, employee, NOW - timedelta(days=20),
                                 status="waiting", first_response=30, resolution=None,
                                 resolution_due=NOW - timedelta(days=15),
                                 paused_at=NOW - timedelta(days=18))
    insert_requests(session, [*kept, overdue, not_due, waited_late, waited_in_time])

    month = adherence.record_for(session, "department", it_dept.id, now=NOW).windows[30].overall
    assert month.requests == 9  # every request created in the window, open ones included
    # First response: 5 kept + 2 waiting (answered in 30) kept; the overdue one missed = 7/8.
    assert (month.first_response_kept, month.first_response_known) == (7, 8)
    # Resolution: 5 kept; the overdue one and the one that was late when it began waiting missed.
    assert (month.resolution_kept, month.resolution_known) == (5, 7)
    assert month.resolution_met == pytest.approx(5 / 7)
    # Medians are over measured times only: 60 x5 and 30 x2 -> ranks 4 of 7 = 60.
    assert month.median_first_response == 60


def test_too_few_outcomes_give_no_share_and_windows_hold_only_their_days(
        session, it_dept, service, employee):  # noqa: F811
    rows = [request_row(it_dept, service, employee, NOW - timedelta(days=d), resolution=9999)
            for d in (1, 2, 3, 40, 50, 60, 70, 80)]
    insert_requests(session, rows)
    record = adherence.record_for(session, "department", it_dept.id, now=NOW)
    assert record.windows[30].overall.requests == 3
    assert record.windows[30].overall.resolution_met is None  # 3 < 5 measured: no share
    assert record.windows[30].overall.median_resolution is None
    assert record.windows[90].overall.requests == 8
    assert record.windows[90].overall.resolution_met == 0.0
    assert record.as_json()["90"]["resolution_met"] == 0.0
    assert record.as_json()["30"]["first_response_met"] is None


def test_priorities_are_measured_separately(session, it_dept, service, employee):  # noqa: F811
    rows = [request_row(it_dept, service, employee, NOW - timedelta(days=d), priority="high",
                        targets=(60, 540), first_response=90, resolution=500)
            for d in range(1, 6)]
    rows += [request_row(it_dept, service, employee, NOW - timedelta(days=d),
                         first_response=90, resolution=500) for d in range(1, 6)]
    insert_requests(session, rows)
    window = adherence.record_for(session, "department", it_dept.id, now=NOW).windows[30]
    assert window.by_priority["high"].first_response_met == 0.0  # 90 > 60
    assert window.by_priority["normal"].first_response_met == 1.0  # 90 <= 240
    assert window.overall.first_response_met == 0.5
    assert window.by_priority["high"].median_first_response == 90


def test_weekly_shares_pool_outcomes_of_requests_created_that_week(
        session, it_dept, service, employee):  # noqa: F811
    rows = [request_row(it_dept, service, employee, NOW - timedelta(days=1),
                        resolution=100 if n else 5000) for n in range(2)]
    rows.append(request_row(it_dept, service, employee, NOW - timedelta(days=12 * 7 + 3)))
    insert_requests(session, rows)
    weeks = adherence.record_for(session, "department", it_dept.id, now=NOW).weeks
    assert len(weeks) == 13
    # Newest week: 2 first responses kept + 1 of 2 resolutions kept = 3 of 4.
    assert (weeks[-1].kept, weeks[-1].known) == (3, 4)
    assert (weeks[0].kept, weeks[0].known) == (2, 2)
    assert all(week.known == 0 for week in weeks[1:-1])


def test_measured_times_leave_out_holidays_nights_and_waiting(
        session, it_dept, service, employee, agent, store):  # noqa: F811
    # Mon 5 Jan 2026 16:00; Tue 6 Jan is Epiphany (a Bavarian holiday); answer Wed 09:00:
    # 60 minutes on Monday + 60 on Wednesday = 120 business minutes.
    holiday = submit_request(session, service, employee, priority="normal", values={},
                             store=store, now=berlin(2026, 1, 5, 16, 0))
    add_comment(session, holiday, agent, "Looking into it", now=berlin(2026, 1, 7, 9, 0))
    assert holiday.first_response_business_minutes == 120

    # Mon 12 Jan 09:00; waiting from 10:00 until the requester answers Tue 10:00 (540 minutes
    # paused); resolved Wed 10:00: 480 + 540 + 120 elapsed - 540 paused = 600.
    paused = submit_request(session, service, employee, priority="normal", values={},
                            store=store, now=berlin(2026, 1, 12, 9, 0))
    change_status(session, paused, agent, "waiting", "Which model?",
                  now=berlin(2026, 1, 12, 10, 0))
    add_comment(session, paused, employee, "The small one", now=berlin(2026, 1, 13, 10, 0))
    change_status(session, paused, agent, "resolved", "Done", now=berlin(2026, 1, 14, 10, 0))
    assert paused.first_response_business_minutes == 60
    assert paused.resolution_business_minutes == 600

    # Reopened and resolved again: measured again, without the time it stood resolved.
    change_status(session, paused, agent, "in_progress", now=berlin(2026, 1, 15, 10, 0))
    assert paused.resolution_business_minutes is None
    change_status(session, paused, agent, "resolved", "Done", now=berlin(2026, 1, 15, 11, 0))
    assert paused.resolution_business_minutes == 660
    session.commit()


def test_offerings_have_their_own_record(session, it_dept, service, employee):  # noqa: F811
    other = factories.make_offering(session, it_dept, slug="other", title="Other")
    session.commit()
    rows = [request_row(it_dept, service, employee, NOW - timedelta(days=d)) for d in range(6)]
    rows.append(request_row(it_dept, other, employee, NOW - timedelta(days=1)))
    insert_requests(session, rows)
    found = adherence.records(session, "offering", [service.id, other.id], now=NOW)
    assert found[service.id].windows[30].overall.requests == 6
    assert found[other.id].windows[30].overall.requests == 1
    assert found[other.id].windows[30].overall.first_response_met is None


def test_priorities_are_listed_from_low_to_critical():
    from catalog.commitments.record import WindowRecord

    window = WindowRecord(days=30)
    for priority in ("normal", "critical", "high", "low"):
        window.measure(priority)
    assert [p for p, _ in window.priorities_in_order()] == ["low", "normal", "high", "critical"]
    assert list(window.as_json()["by_priority"]) == ["low", "normal", "high", "critical"]
