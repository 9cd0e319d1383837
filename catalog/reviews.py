"""Review dates: when an offering's service standard was last reviewed and when it is due again."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from .models import Offering, utcnow

# Owners see an entry in their "due for review" list this long before it is overdue.
DUE_SOON = timedelta(days=30)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the last day of a short month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class Reviewable(Protocol):
    """An offering, or a row of the columns that decide its review date."""

    status: str
    reviewed_at: datetime | None
    created_at: datetime
    review_interval_months: int


R = TypeVar("R", bound=Reviewable)


def review_due_at(offering: Reviewable) -> datetime:
    """When the next review is due: the interval after the last review; an entry never
    reviewed is due at once (from its creation), so owners see it in their list."""
    if offering.reviewed_at is None:
        return offering.created_at or utcnow()
    return stale_at(offering)


def stale_at(offering: Reviewable) -> datetime:
    """From when readers are told the entry may be out of date: the interval after the last
    review, or after creation for an entry never reviewed."""
    since = offering.reviewed_at or offering.created_at or utcnow()
    return add_months(since, offering.review_interval_months or 12)


def is_overdue(offering: Reviewable, now: datetime | None = None) -> bool:
    """True if a listed (not retired) offering has gone longer than its interval unreviewed."""
    if offering.status == "retired":
        return False
    return stale_at(offering) <= (now or utcnow())


def due_for_review(offerings: Iterable[Offering],
                   now: datetime | None = None) -> list[tuple[Offering, bool]]:
    """Offerings overdue or due within DUE_SOON, soonest first, each with "is it overdue"."""
    now = now or utcnow()
    due = [o for o in offerings if o.status != "retired" and review_due_at(o) <= now + DUE_SOON]
    return [(o, is_overdue(o, now)) for o in sorted(due, key=review_due_at)]


def set_reviewed(offering: Offering, when: datetime | None = None) -> None:
    """Note that the owner checked the service standard is still right (editing.mark_reviewed
    is the operation with permission and history)."""
    offering.reviewed_at = when or utcnow()
