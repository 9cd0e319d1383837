"""Snippets: a short piece of an offering's text with the words that matched marked."""

from __future__ import annotations

from collections.abc import Iterable

from .compounds import MIN_PART
from .query import BuiltQuery
from .text import WORD_RE, fold, stem

# (text, matched) pieces; templates mark the matched ones, so no HTML is built here. Tuples:
# kept answers made of them are left alone by the garbage collector (see cache.py).
Segments = tuple[tuple[str, bool], ...]
SNIPPET_LENGTH = 180
# Only the start of a long text is looked through for a match.
SCAN_LENGTH = 800


class Matcher:
    """Tells whether a word of an offering's text is one the query looked for."""

    def __init__(self, built: BuiltQuery, language: str) -> None:
        self.language = language
        self.words = built.words
        self.stems = built.stems[language]
        self.prefixes = tuple(built.prefixes)
        # A compound that contains a word of the query: "Verwaltung" in "Benutzerverwaltung".
        self.inner = tuple(s for s in self.stems if len(s) > MIN_PART)
        # Words judged so far and those of them that match: each word once per page (a page
        # looks through about 700), and a text without a match costs only set operations.
        self._judged: set[str] = set()
        self._matching: set[str] = set()

    def _matches(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.words or stem(folded, self.language) in self.stems:
            return True
        if self.prefixes and folded.startswith(self.prefixes):
            return True
        return len(folded) >= 2 * MIN_PART and any(s in folded for s in self.inner)

    def _wanted(self, text: str, start: int, end: int) -> set[str]:
        """The words of text[start:end] that the query looked for."""
        words = set(WORD_RE.findall(text, start, end))
        unknown = words - self._judged
        if unknown:
            self._judged |= unknown
            self._matching.update(word for word in unknown if self._matches(word))
        return words & self._matching

    def spans(self, text: str, start: int = 0, end: int | None = None,
              ) -> list[tuple[int, int]]:
        """Where the words the query looked for are in text[start:end]."""
        end = len(text) if end is None else end
        wanted = self._wanted(text, start, end)
        if not wanted:
            return []
        return [match.span() for match in WORD_RE.finditer(text, start, end)
                if match.group() in wanted]


def segments(text: str, found: list[tuple[int, int]], start: int = 0,
             end: int | None = None) -> Segments:
    """The text between start and end cut into plain and matched pieces."""
    end = len(text) if end is None else end
    pieces: list[tuple[str, bool]] = []
    position = start
    for a, b in found:
        if a > position:
            pieces.append((text[position:a], False))
        pieces.append((text[a:b], True))
        position = b
    if position < end:
        pieces.append((text[position:end], False))
    return tuple(pieces)


def highlight_all(text: str, matcher: Matcher) -> Segments:
    return segments(text, matcher.spans(text))


def scanned_parts(body_parts: Iterable[str]) -> tuple[str, ...]:
    """What a snippet looks through of a body: its first SCAN_LENGTH characters, part by part,
    on one line each (the same for every query: callers may keep it)."""
    parts = []
    scanned = 0
    for part in body_parts:
        text = part[:SCAN_LENGTH - scanned].replace("\n", " ")
        parts.append(text)
        scanned += len(text)
        if scanned >= SCAN_LENGTH:
            break
    return tuple(parts)


def snippet(summary: str, scanned: Iterable[str], matcher: Matcher) -> Segments:
    """The summary if it has a match (or the body has none), else the body around a match.

    `scanned`: the body's `scanned_parts`, looked through part by part.
    """
    found = matcher.spans(summary)
    if found:
        return segments(summary, found)
    for text in scanned:
        found = matcher.spans(text)
        if found:
            return _window(text, found[0], matcher)
    return segments(summary, [])


def _window(body: str, first: tuple[int, int], matcher: Matcher) -> Segments:
    """About SNIPPET_LENGTH characters around the first match, cut at word boundaries."""
    start = max(0, first[0] - SNIPPET_LENGTH // 4)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first[0] else start
    end = min(len(body), start + SNIPPET_LENGTH)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > first[1] else end
    pieces = segments(body, matcher.spans(body, start, end), start, end)
    before = (("… ", False),) if start > 0 else ()
    after = ((" …", False),) if end < len(body) else ()
    return before + pieces + after
