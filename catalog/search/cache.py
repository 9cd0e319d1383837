"""Answers to searches, remembered per index state, so a repeated query costs a lookup.

A search's answer depends only on the catalog (the index state, which changes with every
catalog revision this host indexes) and on what was asked: the query, the filters (department,
audience), the page and its size, and whether a spelling suggestion was wanted. It does not
depend on who asked, so everyone asking the same thing shares one entry: users of an audience
see the same results; what differs per person (e.g. "open to you") is added by the page.

An entry keeps the offering ids, scores and highlighted text of the page, never the database
rows: the rows are read fresh for every answer, in one query per page. Entries are keyed by the
index state, and a search first brings the index up to the database's catalog revision (an
edit on this or any other host bumps it), so an answer for an older catalog is never found
again; it ages out of the bounded (least recently used) cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .highlight import Segments
from .query import ParsedQuery
from .results import Criteria

# Answers kept per process (`memo.Memo`, one weight each; 0 keeps none).
DEFAULT_SIZE = 1000


class CachedHit(NamedTuple):
    """A hit of a kept answer, of plain values only: its title and snippet are tuples of
    strings, which the garbage collector stops tracking after one look (the hit itself, a
    tuple subclass, stays tracked: one object per hit of the thousands an answer cache holds)."""

    offering_id: int
    score: float
    title: Segments
    snippet: Segments


@dataclass(frozen=True)
class CachedAnswer:
    """A search's answer without database rows (see SearchResults for the fields)."""

    criteria: Criteria
    hits: tuple[CachedHit, ...]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None


AnswerKey = tuple[object, ...]


def answer_key(state: tuple[object, ...], parsed: ParsedQuery, criteria: Criteria,
               spelling: bool) -> AnswerKey:
    """What an answer depends on: the index state, the normalised query and the criteria.

    The query is the parsed one (control characters and extra spaces gone); case is kept,
    because a spelling suggestion keeps the case of what was typed.
    """
    return (state, parsed, criteria.department, criteria.audience, criteria.page,
            criteria.per_page, spelling)
