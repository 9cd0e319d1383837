"""Pages of a long list: one count query and one query for the items, whatever the list's size."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        result: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if result and result[-1] is not None and number - result[-1] > 1:
                result.append(None)
            result.append(number)
        return result


def clamp_page(value: Any) -> int:
    """A page number from user input: anything odd becomes page 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)


def paginate(session: Session, query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run the query for one page; a page past the end shows the last page."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, ceil(total / per_page))
    page = min(clamp_page(page), pages)
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)
