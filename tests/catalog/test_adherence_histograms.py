"""Medians and 90th percentiles read a bounded number of histogram rows: the buckets of the
windows' dyadic spans and the exact minutes of the buckets that hold them, whatever the number
of requests in the window or the length of the history."""

from __future__ import annotations

import random
from datetime import date, timedelta

from catalog import adherence
from catalog.commitments import full_scan, histograms
from catalog.models import utcnow
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row

VALUES = [5 + 97 * n for n in range(25)]  # 25 distinct minute values, 5 … 2333


def test_buckets_and_spans_partition_minutes_and_days():
    previous = histograms.bucket(-3)
    for minutes in range(-3, 70_000):
        number = histograms.bucket(minutes)
        low, high = histograms.bounds(number)
        assert low <= minutes <= high and number in (previous, previous + 1)
        previous = number
    rng, start = random.Random(4), date(2026, 1, 1)
    for _ in range(300):
        first = start + timedelta(days=rng.randint(0, 500))
        last = first + timedelta(days=rng.randint(-1, 120))
        nodes = histograms.cover(first, last)
        assert len(nodes) <= 2 * histograms.LEVELS
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            assert len(set(histograms.day_nodes(day)) & set(nodes)) == 1
        outside = [first - timedelta(days=1), last + timedelta(days=1)]
        assert not any(set(histograms.day_nodes(day)) & set(nodes) for day in outside)


def _rows(session, department, offering, requester, now, numbers, *, days_ago=1):
    """Requests of a fixed pattern: number n repeats the day, minutes and priority of n % 1000."""
    rows = []
    for n in numbers:
        pattern = n % 1000
        created = now - timedelta(days=days_ago + pattern % 60, minutes=pattern % 600)
        rows.append(request_row(
            department, offering, requester, created, priority=("normal", "high")[pattern % 2],
            first_response=VALUES[pattern % 25] // 10, resolution=VALUES[(pattern * 7) % 25]))
    insert_requests(session, rows)


def test_rows_read_for_a_record_do_not_grow_with_requests_or_history(session, monkeypatch):
    requester = factories.make_user(session)
    department = factories.make_department(session, slug="it", code="IT")
    offering = factories.make_offering(session, department, slug="o0")
    session.commit()
    read = [0]
    fetch = histograms.fetch

    def counting(session, statement):
        rows = fetch(session, statement)
        read[0] += len(rows)
        return rows
    monkeypatch.setattr(histograms, "fetch", counting)
    now = utcnow()

    def measured(total):
        read[0] = 0
        for by, key in (("department", department.id), ("offering", offering.id)):
            found = adherence.records(session, by, [key], now=now)
            assert found == full_scan.records(session, by, [key], now=now)
            assert found[key].windows[90].overall.resolution_measured == total
        return read[0]

    _rows(session, department, offering, requester, now, range(1000))
    small = measured(1000)
    _rows(session, department, offering, requester, now, range(1000, 5000))
    large = measured(5000)
    # A year of older history with other minutes, outside both windows.
    rng = random.Random(9)
    insert_requests(session, [request_row(
        department, offering, requester, now - timedelta(days=rng.randint(120, 480)),
        resolution=rng.randint(1, 5000)) for _ in range(3000)])
    with_history = measured(5000)
    assert 0 < small == large == with_history, (small, large, with_history)
    # Well under the 5,000 requests summarised; how many depends on how the windows fall on
    # the dyadic spans of the calendar (772 to 1,220 over two months of days tried).
    assert small < 2000
