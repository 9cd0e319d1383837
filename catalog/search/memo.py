"""What one index state has worked out for earlier queries, kept for the next ones.

A query never asked before is usually made of words asked before. Per index view (one state
of the index; a new catalog revision gives a new view and so an empty memo) this remembers,
per word, its clause (its terms, compound parts, fuzzy candidates and prefix) and, per
clause, the scores of the documents it matches. A new query of known words then costs only
combining those scores. Bounded by the number of remembered document scores, least recently
used dropped first; incomplete scores (the search ran out of time) are never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

# Document scores kept per index view (about 20 MB at most: one dict entry per score).
DEFAULT_WEIGHT = 200_000
# Words (their clauses and candidates) kept per index view.
DEFAULT_WORDS = 20_000
# Entries kept per index view for result pages: offerings with the start of their bodies, and
# their departments (about 3.5 KB an offering, 4.4 KB once the words of all its texts were
# needed: measured with tracemalloc, see operations.page_offerings; about 1.6 KB more for its
# last highlighting, see highlight.ResultText): a catalog of 10,000 offerings is kept whole
# once its pages were shown, in about 60 MB per process.
DEFAULT_ROWS = 20_000

T = TypeVar("T")


class Memo:
    """A bounded, thread-safe least-recently-used map; each entry has a weight."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.weight = 0
        self._entries: OrderedDict[object, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            return self._found(key)

    def get_each(self, keys: Sequence[Hashable]) -> list[object | None]:
        """`get` of each key, in order (one lock for a page of results)."""
        with self._lock:
            return [self._found(key) for key in keys]

    def _found(self, key: Hashable) -> object | None:
        """The value of the key, now the most recently used (the lock held)."""
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found[0]

    def put(self, key: object, value: object, weight: int = 1) -> None:
        weight = max(1, weight)
        if weight > self.limit:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self._entries[key] = (value, weight)
            self.weight += weight
            while self.weight > self.limit:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.weight -= dropped

    def remember(self, key: object, compute: Callable[[], T],
                 weigh: Callable[[T], int] = lambda _: 1) -> T:
        """The value for the key, computed and kept if it was not known."""
        found = self.get(key)
        if found is None:
            found = compute()
            self.put(key, found, weigh(found))
        return found  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def values(self) -> list[object]:
        """What is kept now, least recently used first (a copy)."""
        with self._lock:
            return [value for value, _ in self._entries.values()]

    def __len__(self) -> int:
        return len(self._entries)


class QueryMemo:
    """What an index view remembers: word clauses and candidates, clause scores, and the
    offerings that result pages showed."""

    def __init__(self, score_limit: int = DEFAULT_WEIGHT, words: int = DEFAULT_WORDS,
                 rows: int = DEFAULT_ROWS) -> None:
        self.words = Memo(words)
        self.scores = Memo(score_limit)
        self.rows = Memo(rows)

    def clear(self) -> None:
        self.words.clear()
        self.scores.clear()
        self.rows.clear()
