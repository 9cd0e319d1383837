"""The comparison of departments on /commitments: trend arrows and sorting, computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from catalog.commitments import comparison
from catalog.commitments.record import Week, empty_record
from catalog.feedback import RatingSummary

NOW = datetime(2026, 11, 27, 12, 0)


def weeks(before: tuple[int, int, int, int], after: tuple[int, int, int, int]) -> list[Week]:
    """Eight weeks: four with the `before` counts, then four with the `after` counts (first
    responses known and kept, resolutions known and kept, per week)."""
    start = NOW - timedelta(weeks=8)
    return [Week(start + timedelta(weeks=index), *(before if index < 4 else after))
            for index in range(8)]


def test_trend_compares_the_last_four_weeks_with_the_four_before():
    assert comparison.trend(weeks((2, 2, 2, 1), (2, 2, 2, 2))) == "up"  # 75 % → 100 %
    assert comparison.trend(weeks((2, 2, 2, 2), (2, 2, 2, 1))) == "down"  # 100 % → 75 %
    # 32 of 32 → 31 of 32 kept: 3.1 points less is within the 5-point step: steady.
    steady = weeks((4, 4, 4, 4), (4, 4, 4, 4))
    steady[-1] = Week(NOW, 4, 4, 4, 3)
    assert comparison.trend(steady) == "steady"
    # 16 of 16 → 15 of 16: 6.25 points less: down.
    down = weeks((2, 2, 2, 2), (2, 2, 2, 2))
    down[-1] = Week(NOW, 2, 2, 2, 1)
    assert comparison.trend(down) == "down"


def test_trend_needs_enough_outcomes_in_both_halves():
    assert comparison.trend(weeks((1, 0, 0, 0), (2, 2, 2, 2))) is None  # 4 known before
    assert comparison.trend(weeks((2, 2, 2, 2), (0, 0, 0, 0))) is None  # none after
    assert comparison.trend(weeks((2, 2, 2, 2), (2, 2, 2, 2))[:4]) is None  # four weeks only


def entry(name: str, requests: int, kept: int, rating: float | None):
    record = empty_record(NOW)
    window = record.windows[comparison.COMPARE_DAYS].overall
    window.add_counts(requests, requests, kept, requests, kept)
    department = SimpleNamespace(name=name, slug=name.lower())
    return SimpleNamespace(department=department, record=record,
                           ratings=RatingSummary(count=1 if rating else 0, average=rating))


def test_sorting_puts_unknown_values_last_in_either_order():
    entries = [entry("Alpha", 10, 9, 4.0), entry("Beta", 2, 2, None), entry("Gamma", 10, 6, 2.5)]
    by_share = comparison.comparison(entries, "first_response", descending=True)
    # Alpha 90 %, Gamma 60 %; Beta has too few outcomes for a share: last.
    assert [row.department.name for row in by_share] == ["Alpha", "Gamma", "Beta"]
    ascending = comparison.comparison(entries, "first_response", descending=False)
    assert [row.department.name for row in ascending] == ["Gamma", "Alpha", "Beta"]
    by_rating = comparison.comparison(entries, "rating", descending=False)
    assert [row.department.name for row in by_rating] == ["Gamma", "Alpha", "Beta"]
    by_requests = comparison.comparison(entries, "requests", descending=True)
    assert [row.department.name for row in by_requests] == ["Alpha", "Gamma", "Beta"]


def test_unknown_sort_parameters_fall_back_to_names_a_to_z():
    assert comparison.parse_sort("drop table", "sideways") == ("name", False)
    assert comparison.parse_sort("median_resolution", "desc") == ("median_resolution", True)
