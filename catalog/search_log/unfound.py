"""The searches a department should look at: queries that found nothing, or whose results
nobody opened, with words close to the department's offerings; and turning such a query into
a keyword of one of its offerings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..catalog_file.exporter import offering_to_dict
from ..editing import require_editor, save_offering
from ..errors import CatalogError
from ..messages import _
from ..models import Department, Offering, SearchLogEntry, User
from ..search.synonym_list import synonym_text
from ..search.synonyms import Thesaurus, term_words
from .closeness import DepartmentWords, close_words
from .recording import normalised_query

# Queries looked at per page, most searched first (the rest are rarer still).
MAX_QUERIES = 500
MAX_KEYWORD = 100


@dataclass(frozen=True)
class SearchGap:
    """A query searched `count` times that found nothing (`found_nothing`) or whose results
    were never opened, with the department's words it is close to and the offering that uses
    most of them."""

    query: str
    count: int
    last_seen: datetime
    found_nothing: bool
    close: tuple[str, ...]
    offering_id: int | None


def department_words(session: Session, department: Department) -> DepartmentWords:
    words = DepartmentWords()
    rows = session.execute(select(Offering.id, Offering.title, Offering.summary,
                                  Offering.keywords).where(
        Offering.department_id == department.id, Offering.status == "published"))
    for offering_id, title, summary, keywords in rows:
        for text in (title, summary, *keywords):
            words.add(offering_id, text)
        words.keywords.update(normalised_query(k) for k in keywords)
    return words


def department_searches(session: Session, department: Department) -> list[SearchGap]:
    """The department's gaps, most searched first, then most recent."""
    opened = func.count(SearchLogEntry.opened_offering_id)
    rows = session.execute(
        select(SearchLogEntry.query, func.count(), func.max(SearchLogEntry.searched_at),
               func.max(SearchLogEntry.results))
        .group_by(SearchLogEntry.query)
        .having(opened == 0)
        .order_by(func.count().desc(), func.max(SearchLogEntry.searched_at).desc(),
                  SearchLogEntry.query)
        .limit(MAX_QUERIES))
    words = department_words(session, department)
    # Queries already acted on: a keyword of the department's, or a term of the synonym list.
    handled = words.keywords | {" ".join(term) for term in
                                Thesaurus.from_text(synonym_text(session)).alternatives}
    gaps = []
    for query, count, last_seen, most_results in rows:
        if query in handled or " ".join(term_words(query)) in handled:
            continue
        close = close_words(query, words)
        if close:
            gaps.append(SearchGap(query, count, last_seen, not most_results,
                                  tuple(words.written[w] for w in close),
                                  _best_offering(close, words)))
    return gaps


def _best_offering(close: list[str], words: DepartmentWords) -> int | None:
    uses: dict[int, int] = {}
    for word in close:
        for offering_id in words.offerings[word]:
            uses[offering_id] = uses.get(offering_id, 0) + 1
    return min(uses, key=lambda o: (-uses[o], o)) if uses else None


def keyword_targets(session: Session, department: Department) -> list[tuple[int, str]]:
    """(id, title) of the department's published offerings, by title: what a query can be
    made a keyword of."""
    return [(offering_id, title) for offering_id, title in session.execute(
        select(Offering.id, Offering.title).where(
            Offering.department_id == department.id, Offering.status == "published")
        .order_by(Offering.title, Offering.id))]


def add_query_as_keyword(session: Session, offering: Offering, query: str,
                         actor: User | None) -> Offering:
    """Add the query to the offering's keywords through the ordinary edit (with its history
    entry and catalog revision); nothing is written if it is already one."""
    require_editor(actor, offering.department)
    keyword = normalised_query(query)[:MAX_KEYWORD]
    if not keyword:
        raise CatalogError(_("There is no query to add."))
    data = offering_to_dict(offering)
    if keyword in {k.casefold() for k in data["keywords"]}:
        return offering
    data["keywords"] = [*data["keywords"], keyword]
    return save_offering(session, offering.department, data, actor, offering=offering,
                         expected_version=offering.version)


