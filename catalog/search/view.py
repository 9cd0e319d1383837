"""An open searcher of one index state, and what every search needs from it, read once.

Per document: its offering id, department and audiences, so totals, facets and filters are
counted in memory instead of asking Whoosh per match; per term: its inverse document
frequency. A view is replaced (never changed) when the index changes.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import FileIndex
from whoosh.matching import FilterMatcher, Matcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from ..models import AUDIENCES
from .compounds import Vocabulary
from .memo import QueryMemo
from .schema import META_ID
from .sync import IndexState, read_state


@dataclass(frozen=True)
class SegmentFacts:
    """Per document of one segment: offering id (0 for none), department, audiences."""

    ids: list[int]
    departments: list[str]
    department_names: list[str]
    audiences: list[frozenset[str]]


# Segments never change once written, so what was read from one is kept (a few at most).
_facts: OrderedDict[tuple[str, str], SegmentFacts] = OrderedDict()
_facts_lock = threading.Lock()


def _read_facts(reader: IndexReader) -> SegmentFacts:
    size = reader.doc_count_all()

    def column(fieldname: str) -> list[str]:
        values = reader.column_reader(fieldname, translate=True)
        return [values[n] for n in range(size)]

    return SegmentFacts(
        ids=[int(i) if i and i != META_ID else 0 for i in column("id")],
        departments=column("department"),
        department_names=column("department_name"),
        audiences=[frozenset(a.split(",")) if a else frozenset(AUDIENCES)
                   for a in column("audiences")],
    )


def segment_facts(location: str, reader: IndexReader) -> SegmentFacts:
    """The facts of a segment of the index at `location`, read once per process."""
    key = (location, reader.segment().segment_id())
    with _facts_lock:
        if key in _facts:
            _facts.move_to_end(key)
            return _facts[key]
    facts = _read_facts(reader)
    with _facts_lock:
        _facts[key] = facts
        while len(_facts) > 32:
            _facts.popitem(last=False)
    return facts


class IndexView:
    """A searcher plus per-document facts and term statistics for one index state."""

    def __init__(self, ix: FileIndex, searcher: Searcher) -> None:
        self.ix = ix
        self.searcher = searcher
        self.reader = reader = searcher.reader()
        self.state: IndexState = read_state(reader)
        self.vocabulary = Vocabulary(lambda word: ("exact", word) in reader)
        self.segments = list(reader.leaf_readers())
        ids: list[int] = []
        departments: list[str] = []
        audiences: list[frozenset[str]] = []
        names: list[str] = []
        for segment, _ in self.segments:
            facts = segment_facts(str(getattr(ix.storage, "folder", id(ix))), segment)
            ids += facts.ids
            departments += facts.departments
            audiences += facts.audiences
            names += facts.department_names
        self.size = size = reader.doc_count_all()
        live = set(reader.all_doc_ids())
        self.deleted = frozenset(range(size)) - live
        # As arrays, for a query's matches (scoring.Matches) to be filtered, counted and
        # ranked in C: per document its offering id (0 for none or deleted), whether it is an
        # offering, and its (department, audiences) pair as a small number (there are few).
        self.offering_array = np.array(ids, dtype=np.int64)
        self.offering_array[list(self.deleted)] = 0
        self.is_offering = self.offering_array != 0
        pairs: dict[tuple[str, frozenset[str]], int] = {}
        self.facet_group = np.array(
            [pairs.setdefault(pair, len(pairs))
             for pair in zip(departments, audiences, strict=True)], dtype=np.int64)
        self.facet_groups = list(pairs)
        # Department names by slug, as of this index state (for the facets).
        self.department_names = dict(zip(departments, names, strict=True))
        self.department_names.pop("", None)
        self.doc_count = max(1, len(live) - 1)  # the meta document is no offering
        self._idf: dict[tuple[str, str], float] = {}
        # Word clauses and clause scores of earlier queries on this state (see memo.py).
        self.memo = QueryMemo()
        # Whether this view reflected the database when last handed out (set by SearchIndex).
        self.current = False
        # Identifies this state of the index (for caches): its directory and commit.
        self.key = (str(getattr(ix.storage, "folder", id(ix))), reader.generation())

    def idf(self, fieldname: str, text: str) -> float:
        """BM25's inverse document frequency of a term."""
        key = (fieldname, text)
        if key not in self._idf:
            df = self.reader.doc_frequency(fieldname, text)
            self._idf[key] = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        return self._idf[key]

    def postings(self, fieldname: str, text: str) -> Iterator[tuple[int, Sequence[int],
                                                                    Sequence[float] | None]]:
        """(document offset, ids, term frequencies) per block of the term's postings; the
        frequencies are None when all are 1."""
        for reader, offset in self.segments:
            if (fieldname, text) not in reader:
                continue
            matcher: Matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):  # deletions: we drop them ourselves
                matcher = matcher.child
            yield from ((offset, ids, weights) for ids, weights in _blocks(matcher))

    def positions(self, fieldname: str, text: str, docs: set[int]) -> dict[int, list[int]]:
        """Positions of the term in each of these documents that contains it."""
        decode = self.reader.schema[fieldname].format.decode_positions
        found: dict[int, list[int]] = {}
        for reader, offset in self.segments:
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            local = {d - offset for d in docs} if offset else docs
            for ids, values in _blocks(matcher, values=True):
                wanted = local.intersection(ids)  # most blocks hold none of the documents
                if wanted:
                    for index, doc in enumerate(ids):
                        if doc in wanted:
                            found[offset + doc] = decode(values[index])
        return found

    def close(self) -> None:
        self.searcher.close()


def _blocks(matcher: Matcher, values: bool = False) -> Iterator[tuple[Sequence[int],
                                                                       Sequence[Any] | None]]:
    """Whole blocks of postings (ids with term frequencies, or with encoded values) at once:
    far fewer Python calls than a posting at a time."""
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            # The block's arrays, read as Whoosh's own id(), weight() and value() read them.
            matcher._read_ids()
            if values:
                matcher._read_values()
                yield matcher._ids, matcher._values
            elif matcher._data[1] is None:  # Whoosh leaves out weights that are all 1
                yield matcher._ids, None
            else:
                matcher._read_weights()
                yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids: list[int] = []
    found: list[Any] = []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.value() if values else matcher.weight())
        matcher.next()
    yield ids, found
