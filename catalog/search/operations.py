"""The two things the portal asks of search: a page of results, and titles while typing."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta
from functools import partial
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.orm import (
    Session,
    instrumentation,
    joinedload,
    load_only,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from ..models import Department, Offering, ServiceRequest, utcnow
from ..prepared import Prepared
from ..revision import catalog_revision
from . import searching
from .cache import CachedAnswer, CachedHit, answer_key
from .deadline import Deadline
from .fallback import search_database
from .highlight import Matcher, ResultText, highlighted
from .index import IndexUnavailable, SearchIndex
from .memo import Memo
from .query import BuiltQuery, ParsedQuery, QueryBuilder, parse_query
from .results import Criteria, Hit, SearchResults, Suggestion
from .schema import ZONES, language_of, plain_parts
from .spelling import SuggestionCache
from .synonym_list import thesaurus_for
from .synonyms import Thesaurus, build_with_synonyms
from .view import IndexView

log = logging.getLogger(__name__)

# Fewer results than this and a spelling suggestion is worth computing.
FEW_RESULTS = 3
SUGGEST_ZONES = {"title": ZONES["title"], "keywords": ZONES["keywords"]}
# Offerings considered for search as you type (the best scored), ordered by tier and requests.
SUGGEST_POOL = 40
# Requests of this many days make an offering "most requested" (as on the home page).
POPULAR_DAYS = 90
_spelling = SuggestionCache()


def search(index: SearchIndex, session: Session, criteria: Criteria,
           spelling: bool = True, revision: int | None = None) -> SearchResults:
    """One page of published offerings matching the criteria, best first.

    Any text is fine; if the index cannot be used, a simpler database search answers.
    Answers are shared through the index's answer cache (see cache.py). `revision`: the
    catalog revision, where the caller has just read it (one statement fewer).
    """
    parsed = parse_query(criteria.text)
    if parsed.empty:
        return SearchResults(criteria=criteria, query=parsed.text)
    for attempt in (1, 2):
        try:
            with index.reading(session, revision) as view:
                # Only an index that reflects the database's revision may answer from cache.
                state = (view.key, view.state) if view.current else None
                key = answer_key(state, parsed, criteria, spelling) if state else None
                answer = index.answers.get(key) if key is not None else None
                rows = view.memo.rows if view.current else None
                if rows is not None and index.warm_up \
                        and not index.warming.asked(("rows", state)):
                    index.warming.ask(("rows", state),
                                      partial(warm_rows, index, view, session.get_bind()))
                if answer is None:
                    thesaurus = thesaurus_for(session, view if view.current else None)
                    built, raw, criteria, suggestion = _ask(view, parsed, criteria, spelling,
                                                            index.time_limit, thesaurus)
                    names, current = view.department_names, view.current
            break
        except IndexUnavailable:
            return search_database(session, parsed, criteria)
        except Exception as error:  # a damaged index shows itself as any kind of error
            if attempt == 2 or not index.repair_after(session, error):
                log.exception("search for %r failed; answering from the database", parsed.text)
                return search_database(session, parsed, criteria)
    if answer is not None:
        return _answered(session, answer, parsed.text, rows, state)
    results = SearchResults(criteria=criteria, query=parsed.text, total=raw.total,
                            facets=raw.facets, suggestion=suggestion, partial=raw.partial,
                            current=current, department_names=names, state=state)
    results.hits = _hits(session, raw.hits, built, rows)
    if key is not None and not raw.partial and len(results.hits) == len(raw.hits):
        index.answers.put(key, CachedAnswer(
            criteria=criteria, total=raw.total, facets=raw.facets, department_names=names,
            suggestion=suggestion, hits=tuple(
                CachedHit(h.offering.id, h.score, h.title, h.snippet) for h in results.hits)))
    return results


def _ask(view: IndexView, parsed: ParsedQuery, criteria: Criteria, spelling: bool,
         time_limit: float, thesaurus: Thesaurus | None = None,
         ) -> tuple[BuiltQuery, searching.RawResults, Criteria, str | None]:
    """Run the query on the view: (query, raw results, criteria as answered, suggestion).

    One deadline for all of it, typos' look-ups included; past it, the answer is partial."""
    deadline = Deadline(time_limit)
    builder = QueryBuilder(view.reader, view.vocabulary, memo=view.memo.words,
                           deadline=deadline)
    built = build_with_synonyms(builder, parsed, thesaurus)
    raw = _run(view, built, criteria, deadline)
    if raw.total and not raw.hits:  # past the last page: show the last one
        last_page = (raw.total - 1) // criteria.per_page + 1
        criteria = dataclasses.replace(criteria, page=last_page)
        raw = _run(view, built, criteria, deadline)
    suggestion = None
    if spelling and raw.total < FEW_RESULTS:
        suggestion = _spelling.get(view.reader, (view.key, parsed.text), parsed,
                                   set(built.unknown), deadline)
    raw.partial = raw.partial or deadline.passed
    return built, raw, criteria, suggestion


def _answered(session: Session, answer: CachedAnswer, query: str,
              rows: Memo | None, state: object) -> SearchResults:
    """Results from a cached answer, with the hits' offerings as of the index state."""
    found = page_offerings(session, [hit.offering_id for hit in answer.hits], rows)
    hits = [Hit(offering=found[h.offering_id].offering, score=h.score, title=h.title,
                snippet=h.snippet)
            for h in answer.hits if h.offering_id in found]
    return SearchResults(criteria=answer.criteria, query=query, hits=hits, total=answer.total,
                         facets=answer.facets, department_names=answer.department_names,
                         suggestion=answer.suggestion, state=state, asked_before=True)


def _run(view: IndexView, built: BuiltQuery, criteria: Criteria,
         deadline: Deadline) -> searching.RawResults:
    first = (criteria.page - 1) * criteria.per_page
    return searching.run(view, built, criteria, first, first + criteria.per_page, deadline)


# What a result shows (title, link, department, commitment, audience); the body text it is
# highlighted from comes beside it as columns, made into what snippets scan at once and kept
# instead of the (longer) body. Built once: a statement per page costs more than its query.
_SHOWN = (Offering.slug, Offering.title, Offering.status, Offering.language, Offering.summary,
          Offering.audience, Offering.first_response_minutes, Offering.resolution_minutes,
          Offering.priority_targets, Offering.version, Offering.translations)
_BODY = (Offering.description, Offering.included, Offering.not_included,
         Offering.prerequisites, Offering.process)
# One statement: a department has a handful of commitments (rows repeat per commitment).
_DEPARTMENT = joinedload(Offering.department).joinedload(Department.commitments)
_PAGE_ROWS = (select(Offering, *_BODY).where(Offering.id.in_(bindparam("ids", expanding=True)))
              .options(load_only(*_SHOWN), _DEPARTMENT))
# Where offerings are kept per index state, so are their departments: offerings come alone,
# as plain columns on the driver's cursor (catalog/prepared.py), made into detached offerings
# here (`_kept_rows`): the ORM's set-up for each statement, and the database session
# begun for it, cost more than the offerings of a page not shown before (about 320 against
# 60 µs, and 20 µs an offering against 18).
_KEPT = (Offering.id, Offering.department_id, *_SHOWN)
_KEPT_KEYS = tuple(column.key for column in _KEPT)
_MANAGER = instrumentation.manager_of_class(Offering)
_OFFERINGS_ALONE = Prepared(select(*_KEPT, *_BODY)
                            .where(Offering.id.in_(bindparam("ids", expanding=True))))
_DEPARTMENTS = (select(Department).where(Department.id.in_(bindparam("ids", expanding=True)))
                .options(joinedload(Department.commitments)))


class PageRow(NamedTuple):
    """A published offering as a result shows it (its body text not loaded), with what its
    highlighting looks through (the start of its body, not the whole)."""

    offering: Offering
    text: ResultText


def _page_rows(session: Session, ids: list[int]) -> list[PageRow]:
    return [_row(offering, body) for offering, *body in session.execute(
        _PAGE_ROWS, {"ids": ids}).unique() if offering.status == "published"]


def _kept_rows(session: Session, ids: list[int]) -> list[PageRow]:
    """The published ones of these offerings as detached objects with `_KEPT` loaded (their
    department is set by the caller), as a query with `load_only(*_KEPT)` would give them."""
    rows = []
    size = len(_KEPT_KEYS)
    for values in _OFFERINGS_ALONE.rows(session, {"ids": ids}):
        offering = _MANAGER.new_instance()
        # As the ORM's loading fills an object's columns; made committed just below.
        instance_state(offering).dict.update(zip(_KEPT_KEYS, values[:size], strict=True))
        make_transient_to_detached(offering)
        if offering.status == "published":
            rows.append(_row(offering, values[size:]))
    return rows


def _row(offering: Offering, body: Sequence[str | None]) -> PageRow:
    return PageRow(offering, ResultText(offering.title, offering.summary or "",
                                        plain_parts(body)))


def page_offerings(session: Session, ids: list[int], rows: Memo | None) -> dict[int, PageRow]:
    """The published ones of these offerings, with what a result shows and its body text as
    snippets scan it.

    `rows` keeps them, and their departments with commitments, per index state while that
    state reflects the database's catalog revision (every change of an offering, its
    department or commitments makes a new one), so a result page reads from the database only
    offerings no page of this state showed yet. Kept rows are detached from the session, with
    everything a result reads loaded.
    """
    if rows is None:
        return {row.offering.id: row for row in _page_rows(session, ids)} if ids else {}
    found: dict[int, PageRow] = {}
    missing = []
    for offering_id, kept in zip(ids, rows.get_each(ids), strict=True):
        if kept is None:
            missing.append(offering_id)
        else:
            found[offering_id] = kept  # type: ignore[assignment]
    if missing:
        loaded, departments = _read_kept(session, missing, rows)
        _keep(rows, loaded, departments)
        found.update((row.offering.id, row) for row in loaded)
    return found


def _read_kept(session: Session, ids: list[int], rows: Memo,
               ) -> tuple[list[PageRow], list[Department]]:
    """The published ones of these offerings as `_kept_rows`, with their departments and
    commitments set (detached): those kept in `rows`, or read now (the second value: the
    departments read now, not yet kept)."""
    loaded = _kept_rows(session, ids)
    departments = {i: rows.get(("department", i)) for i in
                   {row.offering.department_id for row in loaded}}
    missing = [i for i, department in departments.items() if department is None]
    read = []
    if missing:
        for department in session.scalars(_DEPARTMENTS, {"ids": missing}).unique():
            for item in (department, *department.commitments):
                if item in session:  # expunging the department may have taken them along
                    session.expunge(item)
            departments[department.id] = department
            read.append(department)
    for row in loaded:
        set_committed_value(row.offering, "department", departments[row.offering.department_id])
    return loaded, read


def _keep(rows: Memo, loaded: list[PageRow], departments: list[Department]) -> None:
    for department in departments:
        rows.put(("department", department.id), department)
    for row in loaded:
        rows.put(row.offering.id, row)


# Offerings read ahead per statement (and database session) while warming up: a few ms.
WARM_CHUNK = 50


def warm_rows(index: SearchIndex, view: IndexView, engine: Engine) -> Iterator[None]:
    """Read the published offerings (as many as the view keeps, in order of id) into the
    view's kept rows, with their texts' words, a chunk a step, as result pages would (see
    warming.py); stops once the index has another view open, or the catalog moved on from
    the view's revision (rows read since would be newer than it)."""
    rows, state = view.memo.rows, (view.key, view.state)
    with Session(engine) as session:
        ids = list(session.scalars(select(Offering.id).where(Offering.status == "published")
                                   .order_by(Offering.id).limit(rows.limit * 3 // 4)))
    for start in range(0, len(ids), WARM_CHUNK):
        if index.kept_rows(state) is not rows:
            return
        chunk = [i for i in ids[start:start + WARM_CHUNK] if rows.get(i) is None]
        with Session(engine) as session:
            # Read before the revision: rows of a later revision than the view's are never kept.
            loaded, departments = _read_kept(session, chunk, rows) if chunk else ([], [])
            if catalog_revision(session) != view.state.revision:
                return
        for row in loaded:
            row.text.work_out()
        _keep(rows, loaded, departments)
        yield


def kept_offerings(index: SearchIndex, state: object) -> list[Offering]:
    """The offerings kept for result pages of this index state (`SearchResults.state`), with
    their departments: what pages showed or warming read; none once the state is gone."""
    rows = index.kept_rows(state)
    return [] if rows is None else [row.offering for row in rows.values()
                                    if isinstance(row, PageRow)]


def _hits(session: Session, raw_hits: list[searching.RawHit], built: BuiltQuery,
          rows: Memo | None) -> list[Hit]:
    """The offerings of the hits on the page with their text highlighted (only these: the
    rest of the matches are never shown)."""
    found = page_offerings(session, [h.offering_id for h in raw_hits], rows)
    hits = []
    matchers: dict[str, Matcher] = {}
    for raw in raw_hits:
        row = found.get(raw.offering_id)
        if row is None:
            continue  # changed since the index saw it; the next catch-up drops it
        offering = row.offering
        language = language_of(offering)
        if language not in matchers:  # one per language and page, with its memo of words
            matchers[language] = Matcher(built, language)
        matcher = matchers[language]
        title, shown = highlighted(row.text, matcher)
        hits.append(Hit(offering=offering, score=raw.score, title=title, snippet=shown))
    return hits


def suggest(index: SearchIndex, session: Session, text: str, limit: int = 8,
            language: str | None = None) -> list[Suggestion]:
    """Titles for search as you type, ranked like search: offerings with a title or keyword
    word that begins with the last word typed (with a typo from its fourth letter on) first,
    then those matching more of the other words (or their synonyms); among equals the most
    requested lately first, then the best scored. Titles in `language` where the offering has
    one."""
    parsed: ParsedQuery = parse_query(text)
    if parsed.empty:
        return []
    try:
        with index.reading(session) as view:
            deadline = Deadline(index.time_limit)
            builder = QueryBuilder(view.reader, view.vocabulary, zones=SUGGEST_ZONES,
                                   memo=view.memo.words, deadline=deadline)
            # A whole word typed also suggests what its synonyms name ("holiday": Urlaub).
            built = build_with_synonyms(
                builder, parsed, thesaurus_for(session, view if view.current else None))
            found = searching.suggestion_candidates(view, built, SUGGEST_POOL, deadline)
            stored = {hit.docnum: view.searcher.stored_fields(hit.docnum) for hit, _ in found}
        requested = request_counts(session, [hit.offering_id for hit, _ in found])
    except Exception:  # typing ahead is a nicety: never an error
        log.info("suggestions for %r unavailable", parsed.text, exc_info=True)
        return []
    found.sort(key=lambda item: (item[1], requested.get(item[0].offering_id, 0),
                                 item[0].score), reverse=True)
    return [Suggestion(hit.offering_id,
                       (stored[hit.docnum].get("titles") or {}).get(language)
                       or stored[hit.docnum]["title"],
                       stored[hit.docnum]["department"], stored[hit.docnum]["slug"])
            for hit, _ in found[:limit]]


def request_counts(session: Session, offering_ids: list[int],
                   days: int = POPULAR_DAYS) -> dict[int, int]:
    """{offering id: requests made in the last `days` days} of these offerings (one query)."""
    if not offering_ids:
        return {}
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        select(ServiceRequest.offering_id, func.count())
        .where(ServiceRequest.offering_id.in_(offering_ids), ServiceRequest.created_at >= since)
        .group_by(ServiceRequest.offering_id))
    return {offering_id: n for offering_id, n in rows}
