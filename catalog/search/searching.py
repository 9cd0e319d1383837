"""Running one built query against an index view: top hits, exact total, facet counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

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
    search's, started before its query was built. Among equal scores the document indexed
    first ranks first, so pages of one index state never overlap.
    """
    if not built.clauses:
        return RawResults(partial=deadline.passed)
    found = Evaluation(view, deadline).clauses(built.clauses, built.content)
    offerings = view.is_offering[found.docs]  # not the meta document, not deleted
    docs, scores = found.docs[offerings], found.scores[offerings]
    groups = view.facet_group[docs]
    department, audience = criteria.department, criteria.audience
    raw = RawResults(partial=deadline.passed)
    if facets:
        raw.facets = _facets(view, groups, department, audience)
    if department or audience:
        wanted = np.array([(not department or slug == department)
                           and (not audience or audience in members)
                           for slug, members in view.facet_groups], dtype=bool)[groups]
        docs, scores = docs[wanted], scores[wanted]
    raw.total = len(docs)
    best = _best(scores, last)[first:]
    ids = view.offering_array
    raw.hits = [RawHit(int(ids[d]), float(scores[i]), int(d))
                for i, d in zip(best, docs[best], strict=True)]
    return raw


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first; equal scores in the order given."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    # Only those from the k-th highest score on are sorted (ties with it included).
    kept = np.flatnonzero(scores >= np.partition(scores, n - k)[n - k]) if k < n \
        else np.arange(n)
    return kept[np.argsort(-scores[kept], kind="stable")][:k]


def suggestion_candidates(view: IndexView, built: BuiltQuery, pool: int,
                          deadline: Deadline) -> list[tuple[RawHit, tuple[int, ...]]]:
    """The best `pool` offerings for search as you type, each with its tier: whether a title
    or keyword word begins with what is being typed (1 first), then how many of the query's
    content words it matches. Callers order offerings of one tier by how often they are
    requested, then by score."""
    if not built.clauses:
        return []
    evaluation = Evaluation(view, deadline)
    found = evaluation.clauses(built.clauses, built.content)
    prefixed: set[int] = set()
    for prefix in built.prefixes:
        prefixed.update(evaluation.term("prefix", prefix, 1.0))
    offerings = view.is_offering[found.docs]
    docs, scores = found.docs[offerings], found.scores[offerings]
    if not len(docs):
        return []
    has_prefix = np.isin(docs, np.fromiter(prefixed, dtype=np.int64, count=len(prefixed)))
    coverage = len(built.clauses) > 1  # then a score's whole part counts the content words
    # By tier, then score: a score's whole part is its coverage, so lifting the prefixed
    # documents above every score ranks by (prefixed, coverage, score).
    best = _best(scores + has_prefix * (scores.max() + 1), pool)
    ids = view.offering_array
    return [(RawHit(int(ids[docs[i]]), float(scores[i]), int(docs[i])),
             (bool(has_prefix[i]), int(scores[i]) if coverage else 0)) for i in best]


def _facets(view: IndexView, groups: np.ndarray, department: str | None,
            audience: str | None) -> dict[str, dict[str, int]]:
    """Departments of the matches open to the audience, audiences of those in the department.

    The matches are counted by (department, audiences) pair, in C; the few pairs are then
    spread to both facets, in the order of their first match (so equal counts keep it)."""
    by_department: Counter[str] = Counter()
    by_audience: Counter[str] = Counter()
    size = len(view.facet_groups)
    counts = np.bincount(groups, minlength=size)
    # Each pair's first match: np.unique's return_index sorts the matches (0.4 ms for 5,000).
    first = np.full(size, len(groups))
    np.minimum.at(first, groups, np.arange(len(groups)))
    present = np.flatnonzero(counts)
    for group in present[np.argsort(first[present], kind="stable")]:
        slug, members = view.facet_groups[group]
        n = int(counts[group])
        if not audience or audience in members:
            by_department[slug] += n
        if not department or slug == department:
            for member in members:
                by_audience[member] += n
    return {"department": dict(by_department.most_common()),
            "audience": {a: by_audience[a] for a in AUDIENCES if by_audience[a]}}
