"""What a search answers: hits on one page, the total, facet counts, a spelling suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import AUDIENCES, Offering
from ..pagination import Page
from .highlight import Segments

PER_PAGE_MAX = 50


@dataclass(frozen=True)
class Criteria:
    """A search as someone asked for it; every value already checked (see `criteria`)."""

    text: str = ""
    department: str | None = None
    audience: str | None = None
    page: int = 1
    per_page: int = 20


def criteria(text: object = "", department: object = None, audience: object = None,
             page: object = 1, per_page: object = 20) -> Criteria:
    """Criteria from untrusted input: odd values are ignored, never an error."""
    def number(value: object, default: int, highest: int) -> int:
        try:
            return min(max(int(str(value)), 1), highest)
        except (TypeError, ValueError):
            return default
    department = department if isinstance(department, str) and 0 < len(department) <= 80 \
        else None
    audience = audience if audience in AUDIENCES else None
    return Criteria(
        text=text if isinstance(text, str) else "",
        department=department,
        audience=audience,
        page=number(page, 1, 10_000),
        per_page=number(per_page, 20, PER_PAGE_MAX),
    )


@dataclass
class Hit:
    offering: Offering
    score: float
    title: Segments
    snippet: Segments


@dataclass
class Suggestion:
    """One entry of search as you type."""

    offering_id: int
    title: str
    department: str
    slug: str


@dataclass
class SearchResults:
    criteria: Criteria
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    # {"department": {slug: n}, "audience": {audience: n}}, counted over all matches.
    facets: dict[str, dict[str, int]] = field(
        default_factory=lambda: {"department": {}, "audience": {}})
    # Names of the departments by slug (for the facets).
    department_names: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None
    # The search ran out of time: what was found so far.
    partial: bool = False
    # The index could not be used; these come from a simpler search in the database.
    degraded: bool = False
    # The index reflected the database's latest catalog revision (else it is catching up).
    current: bool = True
    # The index state the hits were read from while it reflected the catalog revision (None
    # otherwise; every catalog revision makes a new state): what a page makes of a hit alone,
    # the same for every query, can be kept under it.
    state: object = None
    # The answer was kept from an earlier search of the same on this index state (a query
    # asked once is not worth keeping a whole page of: most are never asked again).
    asked_before: bool = False

    @property
    def pagination(self) -> Page[Hit]:
        """This page of hits for the shared pagination macro."""
        return Page(items=self.hits, total=self.total, page=self.criteria.page,
                    per_page=self.criteria.per_page)
