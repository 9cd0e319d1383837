"""The two things the portal asks of search: a page of results, and titles while typing."""

from __future__ import annotations

import dataclasses
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Department, Offering
from . import searching
from .fallback import search_database
from .highlight import Matcher, highlight_all, snippet
from .index import IndexUnavailable, SearchIndex
from .query import BuiltQuery, ParsedQuery, QueryBuilder, parse_query
from .results import Criteria, Hit, SearchResults, Suggestion
from .schema import ZONES, body_parts, language_of
from .spelling import SuggestionCache
from .view import IndexView

log = logging.getLogger(__name__)

# Fewer results than this and a spelling suggestion is worth computing.
FEW_RESULTS = 3
SUGGEST_ZONES = {"title": ZONES["title"], "keywords": ZONES["keywords"]}
_spelling = SuggestionCache()


def search(index: SearchIndex, session: Session, criteria: Criteria,
           spelling: bool = True) -> SearchResults:
    """One page of published offerings matching the criteria, best first.

    Any text is fine; if the index cannot be used, a simpler database search answers.
    """
    parsed = parse_query(criteria.text)
    if parsed.empty:
        return SearchResults(criteria=criteria, query=parsed.text)
    for attempt in (1, 2):
        try:
            with index.reading(session) as view:
                built = QueryBuilder(view.reader, view.vocabulary).build(parsed)
                raw = _run(view, built, criteria, index.time_limit)
                if raw.total and not raw.hits:  # past the last page: show the last one
                    last_page = (raw.total - 1) // criteria.per_page + 1
                    criteria = dataclasses.replace(criteria, page=last_page)
                    raw = _run(view, built, criteria, index.time_limit)
                names, current = view.department_names, view.current
                suggestion = None
                if spelling and raw.total < FEW_RESULTS:
                    suggestion = _spelling.get(view.reader, (view.key, parsed.text), parsed,
                                               set(built.unknown))
            break
        except IndexUnavailable:
            return search_database(session, parsed, criteria)
        except Exception as error:  # a damaged index shows itself as any kind of error
            if attempt == 2 or not index.repair_after(session, error):
                log.exception("search for %r failed; answering from the database", parsed.text)
                return search_database(session, parsed, criteria)
    results = SearchResults(criteria=criteria, query=parsed.text, total=raw.total,
                            facets=raw.facets, suggestion=suggestion, partial=raw.partial,
                            current=current)
    results.hits = _hits(session, raw.hits, built)
    results.department_names = names
    return results


def _run(view: IndexView, built: BuiltQuery, criteria: Criteria,
         time_limit: float) -> searching.RawResults:
    first = (criteria.page - 1) * criteria.per_page
    return searching.run(view, built, criteria, first, first + criteria.per_page, time_limit)


def _hits(session: Session, raw_hits: list[searching.RawHit], built: BuiltQuery) -> list[Hit]:
    """The offerings of the hits, fresh from the database, with their text highlighted."""
    if not raw_hits:
        return []
    offerings = {o.id: o for o in session.scalars(
        select(Offering).where(Offering.id.in_([h.offering_id for h in raw_hits]))
        .options(joinedload(Offering.department).selectinload(Department.commitments)))}
    hits = []
    matchers: dict[str, Matcher] = {}
    for raw in raw_hits:
        offering = offerings.get(raw.offering_id)
        if offering is None or offering.status != "published":
            continue  # changed since the index saw it; the next catch-up drops it
        matcher = matchers.setdefault(language_of(offering), Matcher(built, language_of(offering)))
        hits.append(Hit(
            offering=offering,
            score=raw.score,
            title=highlight_all(offering.title, matcher),
            snippet=snippet(offering.summary or "", body_parts(offering), matcher),
        ))
    return hits


def suggest(index: SearchIndex, session: Session, text: str, limit: int = 8) -> list[Suggestion]:
    """Titles for search as you type: title and keyword matches, the last word as a prefix."""
    parsed: ParsedQuery = parse_query(text)
    if parsed.empty:
        return []
    try:
        with index.reading(session) as view:
            built = QueryBuilder(view.reader, view.vocabulary,
                                 zones=SUGGEST_ZONES).build(parsed)
            raw = searching.run(view, built, Criteria(), 0, limit, index.time_limit,
                                facets=False)
            stored = [view.searcher.stored_fields(hit.docnum) for hit in raw.hits]
    except Exception:  # typing ahead is a nicety: never an error
        log.info("suggestions for %r unavailable", parsed.text, exc_info=True)
        return []
    return [Suggestion(hit.offering_id, fields["title"], fields["department"], fields["slug"])
            for hit, fields in zip(raw.hits, stored, strict=True)]
