"""Scoring a query tree over whole posting lists, with the catalog's ranking rules.

Whoosh's matchers score one posting at a time through several layers of Python; for OR
queries over many fields that is too slow at 10,000 offerings. Here each term's postings are
read block by block into {document: score}, combined by OR (sum) and AND (intersection),
and the top-level clauses (one per query word or phrase) rank by coverage: a document matching
more of the query's content words ranks above one matching fewer, its score deciding among
equals. Term scores are BM25's saturation of the term
frequency times the inverse document frequency, times the zone's weight; phrases are checked
on the positions Whoosh stored.

Every search is bounded in time the way Whoosh's TimeLimitCollector bounds its collector loop:
a deadline checked as postings are read; when it passes, what was found so far is ranked and
the results say they are partial.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from whoosh.query import And, NullQuery, Or, Phrase, Query, Term

from .deadline import Deadline
from .view import IndexView

K1 = 1.2
# Where a summed score reaches half its weight under the coverage count (see clauses()).
SATURATION = 10.0
# What a match of a question word ("wie", "how") adds, relative to a content word's.
QUESTION_WEIGHT = 0.1

Scores = dict[int, float]


class Matches(NamedTuple):
    """Documents (ascending) with their scores, as arrays: a clause's and a whole query's.

    A query's clauses are combined with array arithmetic in C: a query of common words
    matches most of a large catalog, and a Python loop over its documents cost more than
    everything else a search does."""

    docs: np.ndarray  # int64
    scores: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.docs)


def clause_key(query: Query) -> object:
    """What a clause's scores are remembered under: equal for equal clauses, and cheap to
    hash and compare.

    Whoosh hashes and compares a query through its whole tree in Python at every look-up (a
    memo's look-up is two); a clause's key is worked out once and kept on it (clauses are not
    changed once built). A word's clause is shared by every query of the word, so the clause
    a new query combines anew (a word with its synonyms) is keyed by the keys of its words'."""
    key = query.__dict__.get("_scores_key")
    if key is None:
        if isinstance(query, (Or, And)):
            key = (type(query), query.boost, tuple(clause_key(q) for q in query.subqueries))
        elif isinstance(query, Term):
            key = (Term, query.fieldname, query.text, query.boost)
        else:
            return query  # (a phrase) as Whoosh compares it
        query._scores_key = key  # type: ignore[attr-defined]
    return key


def matches(scores: Scores) -> Matches:
    """A scores dict as arrays, documents ascending."""
    docs = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    order = np.argsort(docs, kind="stable")
    return Matches(docs[order], values[order])


class Evaluation:
    """Scores of one query tree against one index view."""

    def __init__(self, view: IndexView, deadline: Deadline) -> None:
        self.view = view
        self.deadline = deadline

    def clauses(self, clauses: list[Query], content: list[bool] | None = None) -> Matches:
        """Documents ranked first by how many content clauses they match, then by the sum of
        their clauses' scores.

        A document's score is the number of content clauses it matches plus its summed score
        squeezed below 1 (s / (s + SATURATION)): one that has every content word of the query,
        in whatever zone, ranks above one that has fewer; among equals the zones' weights
        decide. Clauses of question words ("wie", "how") add a little to the score only."""
        if len(clauses) == 1:
            return self.clause(clauses[0])
        parts = [self.clause(clause) for clause in clauses]
        # Clauses added after the builder's (synonyms) count as content.
        counted = [*(content or [])[:len(parts)], *[True] * len(parts)][:len(parts)]
        if not any(counted):
            counted = [True] * len(parts)
        size = self.view.size
        total = np.zeros(size)
        matched = np.zeros(size)
        seen = np.zeros(size, dtype=bool)
        for part, count in zip(parts, counted, strict=True):
            # A clause's documents are distinct, so indexed += adds once per document.
            total[part.docs] += part.scores if count else part.scores * QUESTION_WEIGHT
            if count:
                matched[part.docs] += 1
            seen[part.docs] = True
        docs = np.flatnonzero(seen)
        summed = total[docs]
        return Matches(docs, matched[docs] + summed / (summed + SATURATION))

    def clause(self, query: Query) -> Matches:
        """A top-level clause's scores, remembered per index view (never changed by callers).

        Scores cut short by the deadline are not kept."""
        memo = self.view.memo.scores
        key = clause_key(query)
        found = memo.get(key)
        if found is None:
            found = matches(self.scores(query))
            if not self.deadline.passed:
                memo.put(key, found, len(found))
        return found  # type: ignore[return-value]

    def scores(self, query: Query, factor: float = 1.0) -> Scores:
        if self.deadline.check():
            return {}
        factor *= query.boost
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text, factor)
        if isinstance(query, Or):
            return _sum([self.scores(q, factor) for q in query.subqueries])
        if isinstance(query, And):
            parts = [self.scores(q, factor) for q in query.subqueries]
            common = set(parts[0]).intersection(*parts[1:]) if parts else set()
            return {doc: sum(p[doc] for p in parts) for doc in common}
        if isinstance(query, Phrase):
            return self.phrase(query, factor)
        if query is NullQuery:
            return {}
        raise TypeError(f"cannot score {query!r}")

    def term(self, fieldname: str, text: str, factor: float) -> Scores:
        weight = factor * self.view.idf(fieldname, text) * (K1 + 1)
        once = weight / (1 + K1)
        scores: Scores = {}
        for offset, ids, tfs in self.view.postings(fieldname, text):
            docs = [offset + i for i in ids] if offset else ids
            if tfs is None:  # every frequency 1: the common case, done in C
                scores.update(dict.fromkeys(docs, once))
            else:
                scores.update(zip(docs, [once if tf == 1 else weight * tf / (tf + K1)
                                         for tf in tfs], strict=True))
            if self.deadline.check():
                break
        for doc in self.view.deleted.intersection(scores):
            del scores[doc]
        return scores

    def phrase(self, query: Phrase, factor: float) -> Scores:
        """Documents with the words one after the other (checked on the term positions)."""
        fieldname, words = query.fieldname, list(query.words)
        docs: set[int] | None = None
        for word in words:
            having: set[int] = set()
            for offset, ids, _ in self.view.postings(fieldname, word):
                having.update([offset + i for i in ids] if offset else ids)
            docs = having if docs is None else docs & having
            if not docs or self.deadline.check():
                return {}
        assert docs is not None
        docs -= self.view.deleted
        positions = [self.view.positions(fieldname, word, docs) for word in words]
        weight = factor * sum(self.view.idf(fieldname, w) for w in words)
        found: Scores = {}
        for doc in docs:
            starts = set(positions[0].get(doc, ()))
            for distance, later in enumerate(positions[1:], 1):
                starts &= {p - distance for p in later.get(doc, ())}
                if not starts:
                    break
            if starts:
                found[doc] = weight
        return found


def _sum(parts: list[Scores]) -> Scores:
    parts = sorted((p for p in parts if p), key=len, reverse=True)
    if not parts:
        return {}
    total = dict(parts[0])
    for part in parts[1:]:
        for doc, score in part.items():
            total[doc] = total.get(doc, 0.0) + score
    return total
