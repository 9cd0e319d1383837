"""Review dates: when an entry was last reviewed, when it is due, and what is overdue."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from catalog.reviews import add_months, due_for_review, is_overdue, review_due_at, stale_at

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def entry(reviewed: datetime | None = None, created: datetime = datetime(2024, 1, 10, tzinfo=UTC),
          months: int = 12, status: str = "published", title: str = "x") -> SimpleNamespace:
    return SimpleNamespace(reviewed_at=reviewed, created_at=created, review_interval_months=months,
                           status=status, title=title)


@pytest.mark.parametrize(("start", "months", "expected"), [
    (datetime(2026, 1, 31, 9, 30), 1, datetime(2026, 2, 28, 9, 30)),
    (datetime(2024, 1, 31), 1, datetime(2024, 2, 29)),
    (datetime(2025, 11, 15), 3, datetime(2026, 2, 15)),
    (datetime(2025, 3, 31), 12, datetime(2026, 3, 31)),
    (datetime(2025, 12, 1), 60, datetime(2030, 12, 1)),
])
def test_add_months_keeps_the_day_where_the_month_has_it(start, months, expected):
    assert add_months(start, months) == expected


def test_due_counts_from_the_last_review_and_a_never_reviewed_entry_is_due_now():
    reviewed = entry(reviewed=datetime(2026, 3, 1, tzinfo=UTC), months=6)
    assert review_due_at(reviewed) == stale_at(reviewed) == datetime(2026, 9, 1, tzinfo=UTC)
    # Never reviewed: due for the owners from its creation; readers are told it may be out
    # of date only once the interval has passed since then.
    new = entry(created=datetime(2026, 6, 1, tzinfo=UTC))
    assert review_due_at(new) == datetime(2026, 6, 1, tzinfo=UTC)
    assert stale_at(new) == datetime(2027, 6, 1, tzinfo=UTC)
    assert not is_overdue(new, NOW)
    assert due_for_review([new], NOW) == [(new, False)]


def test_overdue_and_retired_entries():
    assert is_overdue(entry(), NOW)
    assert not is_overdue(entry(reviewed=datetime(2026, 1, 1, tzinfo=UTC)), NOW)
    assert not is_overdue(entry(status="retired"), NOW)  # nobody reads a retired standard


def test_due_for_review_lists_overdue_and_soon_due_soonest_first():
    overdue = entry(title="overdue")
    soon = entry(reviewed=datetime(2025, 7, 1, tzinfo=UTC), title="soon")
    later = entry(reviewed=datetime(2026, 5, 1, tzinfo=UTC), title="later")
    retired = entry(status="retired", title="retired")
    due = due_for_review([later, soon, retired, overdue], NOW)
    assert [(item.title, late) for item, late in due] == [("overdue", True), ("soon", False)]
