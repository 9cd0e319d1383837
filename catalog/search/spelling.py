""""Did you mean ...": corrections from the catalog's own words, computed only when a search
finds little, within the search's deadline, and remembered, because looking through the word
list is slow."""

from __future__ import annotations

import threading
from collections import OrderedDict

from whoosh.reading import IndexReader

from .deadline import Deadline
from .fuzzy import edit_allowance, nearby_terms
from .query import ParsedQuery, exact_form
from .text import ALL_STOPWORDS

CACHE_SIZE = 2000


def correct_word(reader: IndexReader, word: str, deadline: Deadline | None = None) -> str | None:
    """The most frequent catalog word closest to an unknown word; None if it is known (or
    none was found before the deadline)."""
    lowered = word.lower()
    if not lowered.isalpha() or len(lowered) < 4 or exact_form(word) in ALL_STOPWORDS:
        return None
    if ("exact", exact_form(word)) in reader or ("spelling", lowered) in reader:
        return None
    found = {w: d for w, d in nearby_terms(reader, "spelling", lowered,
                                           edit_allowance(len(lowered)), deadline).items()
             if w.isalpha()}
    if found:
        closest = min(found.values())
        best = max((w for w, d in found.items() if d == closest),
                   key=lambda w: (reader.doc_frequency("spelling", w), w))
        return best.capitalize() if word[:1].isupper() else best
    return None


def did_you_mean(reader: IndexReader, parsed: ParsedQuery, unknown: set[str],
                 deadline: Deadline | None = None) -> str | None:
    """The query with unknown words corrected, or None if there is nothing to correct."""
    changed = False
    corrected: list[str] = []
    for word in parsed.words:
        better = correct_word(reader, word, deadline) if word in unknown else None
        corrected.append(better or word)
        changed = changed or better is not None
    for phrase in parsed.phrases:
        fixed = [correct_word(reader, w, deadline) or w for w in phrase]
        changed = changed or fixed != list(phrase)
        corrected.append('"' + " ".join(fixed) + '"')
    return " ".join(corrected) if changed else None


class SuggestionCache:
    """The last few thousand corrections, per index state."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader: IndexReader, key: tuple, parsed: ParsedQuery,
            unknown: set[str], deadline: Deadline | None = None) -> str | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        suggestion = did_you_mean(reader, parsed, unknown, deadline)
        if deadline is not None and deadline.passed:
            return suggestion  # perhaps not all corrected: not kept
        with self._lock:
            self._entries[key] = suggestion
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return suggestion
