"""Splitting German compounds against the catalog's own words.

"Benutzerverwaltung" is indexed with "benutzer" and "verwaltung" when the catalog uses those
words elsewhere, so "Verwaltung" finds it; a query for "Urlaubsantrag" also looks for
"urlaub" and "antrag", so it finds "Antrag auf Urlaub". The words are folded (see text.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

MIN_PART = 4
MIN_WORD = 2 * MIN_PART
# Linking elements between the parts (Fugenelemente), longest first: Urlaub-s-antrag.
LINKS = ("es", "en", "er", "s", "n", "e", "")
# Inflection endings a part may carry that its dictionary form lacks: Patrone-n.
ENDINGS = ("en", "es", "er", "n", "e", "s")
MAX_PARTS = 3
_serials = itertools.count(1)


class Vocabulary:
    """The words compounds may be split into, with a cache of the splits made so far."""

    def __init__(self, contains: Callable[[str], bool] | Iterable[str]) -> None:
        if callable(contains):
            self._contains = contains
        else:
            words = frozenset(w for w in contains if len(w) >= MIN_PART)
            self._contains = words.__contains__
        self._splits: dict[str, tuple[str, ...]] = {}
        # Tells vocabularies apart in caches of analysed words.
        self.serial = next(_serials)

    def known(self, word: str) -> bool:
        """True if the word, or the word without an inflection ending, is in the vocabulary."""
        if len(word) < MIN_PART:
            return False
        if self._contains(word):
            return True
        return any(word.endswith(e) and len(word) - len(e) >= MIN_PART
                   and self._contains(word[:-len(e)]) for e in ENDINGS)

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a compound (empty if it is not one we can tell)."""
        if len(word) < MIN_WORD or not word.isalpha():
            return ()
        if word not in self._splits:
            if len(self._splits) > 50_000:  # bounded: a query may bring new words every time
                self._splits.clear()
            self._splits[word] = self._split(word, MAX_PARTS)
        return self._splits[word]

    def _split(self, word: str, max_parts: int) -> tuple[str, ...]:
        # Prefer the longest known head: "Benutzerverwaltung" -> benutzer + verwaltung.
        for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:end], word[end:]
            base = self._head_base(head)
            if base is None:
                continue
            if self.known(tail):
                return (base, tail)
            if max_parts > 2 and len(tail) >= MIN_WORD:
                rest = self._split(tail, max_parts - 1)
                if rest:
                    return (base, *rest)
        # An unknown head before a known word of some length: Benutzer + Verwaltung.
        for start in range(MIN_PART + 1, len(word) - MIN_PART):
            tail = word[start:]
            if len(tail) > MIN_PART and self.known(tail):
                head = self._strip_link(word[:start])
                if len(head) > MIN_PART:
                    return (head, tail)
        return ()

    @staticmethod
    def _strip_link(head: str) -> str:
        return head[:-1] if head.endswith("s") and len(head) > MIN_PART + 1 else head

    def _head_base(self, head: str) -> str | None:
        """The head without its linking element, if that is a known word."""
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            base = head[:-len(link)] if link else head
            if len(base) >= MIN_PART and self._contains(base):
                return base
        return None
