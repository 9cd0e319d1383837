"""Running one built query against an index view: top hits, exact total, facet counts."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

from ..models import AUDIENCES
from .deadline import Deadline
from .query import BuiltQuery
from .results import Criteria
from .scoring import Evaluation
from .view import IndexView


@dataclass
class RawHit:
    offering_id: int
    score: float
    docnum: int


@dataclass
class RawResults:
    hits: list[RawHit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(
        default_factory=lambda: {"department": {}, "audience": {}})
    partial: bool = False


def run(view: IndexView, built: BuiltQuery, criteria: Criteria, first: int, last: int,
        deadline: Deadline, facets: bool = True) -> RawResults:
    """Hits first..last (0-based, end exclusive), the total and the facet counts.

    Each facet counts the matches as filtered by the other facet, so a visitor who picked a
    department still sees how many results the other departments have. The deadline is the
    search's, started before its query was built.
    """
    if not built.clauses:
        return RawResults(partial=deadline.passed)
    scores = Evaluation(view, deadline).clauses(built.clauses, built.content)
    ids, departments, audiences = view.offering_ids, view.departments, view.audiences
    department, audience = criteria.department, criteria.audience
    # compress: documents that are offerings (not the meta document, not deleted), in C.
    matched = list(compress(scores, map(ids.__getitem__, scores)))
    raw = RawResults(partial=deadline.passed)
    if facets:
        raw.facets = _facets(view, matched, department, audience)
    wanted = matched
    if department:
        wanted = [d for d in wanted if departments[d] == department]
    if audience:
        wanted = [d for d in wanted if audience in audiences[d]]
    raw.total = len(wanted)
    # Ties keep the order the postings gave, which is the same for the same index.
    best = heapq.nlargest(last, wanted, key=scores.__getitem__)
    raw.hits = [RawHit(ids[d], scores[d], d) for d in best[first:last]]
    return raw


def suggestion_candidates(view: IndexView, built: BuiltQuery, pool: int,
                          deadline: Deadline) -> list[tuple[RawHit, tuple[int, ...]]]:
    """The best `pool` offerings for search as you type, each with its tier: whether a title
    or keyword word begins with what is being typed (1 first), then how many of the query's
    content words it matches. Callers order offerings of one tier by how often they are
    requested, then by score."""
    if not built.clauses:
        return []
    evaluation = Evaluation(view, deadline)
    scores = evaluation.clauses(built.clauses, built.content)
    prefixed: set[int] = set()
    for prefix in built.prefixes:
        prefixed.update(evaluation.term("prefix", prefix, 1.0))
    ids = view.offering_ids
    coverage = len(built.clauses) > 1  # then a score's whole part counts the content words

    def tier(doc: int) -> tuple[int, ...]:
        return (doc in prefixed, int(scores[doc]) if coverage else 0)

    matched = list(compress(scores, map(ids.__getitem__, scores)))
    best = heapq.nlargest(pool, matched, key=lambda d: (*tier(d), scores[d]))
    return [(RawHit(ids[d], scores[d], d), tier(d)) for d in best]


def _facets(view: IndexView, matched: list[int], department: str | None,
            audience: str | None) -> dict[str, dict[str, int]]:
    """Departments of the matches open to the audience, audiences of those in the department.

    The matches are counted once by (department, audiences) pair, in C; the few pairs are then
    spread to both facets."""
    by_department: Counter[str] = Counter()
    by_audience: Counter[str] = Counter()
    # Pairs in the order of their first match, so equal counts keep the matches' order.
    for group, n in Counter(map(view.facet_group.__getitem__, matched)).items():
        slug, members = view.facet_groups[group]
        if not audience or audience in members:
            by_department[slug] += n
        if not department or slug == department:
            for member in members:
                by_audience[member] += n
    return {"department": dict(by_department.most_common()),
            "audience": {a: by_audience[a] for a in AUDIENCES if by_audience[a]}}
