"""Whether a query's words are close to a department's words: the same stem, a word one or
two letters off, or one a compound part of the other ("Urlaubsplanung" and "Urlaub",
"Ferienantrag" and "Antrag"). Cheap string tests, no search index needed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..search.text import ALL_STOPWORDS, WORD_RE, fold, stem

# Shortest word compared at all, and shortest part that counts as a compound part.
MIN_WORD = 3
MIN_PART = 4


@dataclass
class DepartmentWords:
    """A department's words (titles, keywords, summaries of its published offerings): per
    folded word, the offerings that use it and the word as written."""

    offerings: dict[str, set[int]] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    stems: dict[str, set[str]] = field(default_factory=dict)
    # The offerings' keywords, as queries are logged (see recording.normalised_query).
    keywords: set[str] = field(default_factory=set)

    def add(self, offering_id: int, text: str) -> None:
        for word in WORD_RE.findall(text or ""):
            folded = fold(word)
            if len(folded) < MIN_WORD or folded in ALL_STOPWORDS or folded.isdigit():
                continue
            self.offerings.setdefault(folded, set()).add(offering_id)
            self.written.setdefault(folded, word)
            for language in ("de", "en"):
                self.stems.setdefault(stem(folded, language), set()).add(folded)


def query_words(query: str) -> list[str]:
    return [w for w in (fold(w) for w in WORD_RE.findall(query))
            if len(w) >= MIN_WORD and w not in ALL_STOPWORDS and not w.isdigit()]


def close_words(query: str, words: DepartmentWords) -> list[str]:
    """The department's words (folded) that some word of the query is close to."""
    found: list[str] = []
    for word in query_words(query):
        for candidate in _close_to(word, words):
            if candidate not in found:
                found.append(candidate)
    return found


def _close_to(word: str, words: DepartmentWords) -> Iterable[str]:
    if word in words.offerings:
        yield word
        return
    for language in ("de", "en"):
        yield from sorted(words.stems.get(stem(word, language), ()))
    limit = 2 if len(word) >= 8 else 1 if len(word) >= 5 else 0
    for candidate in words.offerings:
        if _compound_part(word, candidate) or _few_edits_away(word, candidate, limit):
            yield candidate


def _compound_part(word: str, other: str) -> bool:
    shorter, longer = sorted((word, other), key=len)
    return len(shorter) >= MIN_PART and (longer.startswith(shorter) or longer.endswith(shorter))


def _few_edits_away(word: str, other: str, limit: int) -> bool:
    return bool(limit) and abs(len(word) - len(other)) <= limit \
        and edit_distance(word, other, limit) <= limit


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed the limit."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
