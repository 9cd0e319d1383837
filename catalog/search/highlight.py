"""Snippets: a short piece of an offering's text with the words that matched marked."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache

from .compounds import MIN_PART
from .query import BuiltQuery
from .text import WORD_RE, fold, stem

# (text, matched) pieces; templates mark the matched ones, so no HTML is built here. Tuples:
# kept answers made of them are left alone by the garbage collector (see cache.py).
Segments = tuple[tuple[str, bool], ...]
SNIPPET_LENGTH = 180
# What joins the parts of one word of WORD_RE: e-mail, s/4hana, o'neil.
_JOINERS = frozenset("-./'’")
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
        folded, stemmed = _folded_and_stem(word, self.language)
        if folded in self.words or stemmed in self.stems:
            return True
        if self.prefixes and folded.startswith(self.prefixes):
            return True
        if len(folded) >= 2 * MIN_PART:
            for inner in self.inner:  # a loop, not any(): most words are judged "no" here
                if inner in folded:
                    return True
        return False

    def wanted(self, words: Iterable[str]) -> frozenset[str]:
        """The words of these (a text's `distinct_words`) that the query looked for."""
        words = set(words)
        unknown = words - self._judged
        if unknown:
            self._judged |= unknown
            matches = self._matches
            self._matching.update([word for word in unknown if matches(word)])
        return frozenset(words & self._matching)


def spans(text: str, wanted: frozenset[str], start: int = 0, end: int | None = None,
          ) -> list[tuple[int, int]]:
    """Where the words in `wanted` (a `Matcher`'s answer for the text) are in text[start:end],
    in order: as `WORD_RE` cuts the text into words, found by looking for the few words
    wanted rather than going through all (a snippet has about 25 words, a query 1 or 2)."""
    end = len(text) if end is None else end
    found = []
    for word in wanted:
        at = text.find(word, start, end)
        while at >= 0:
            stop = at + len(word)
            if _starts_word(text, at) and _ends_word(text, stop):
                found.append((at, stop))
            at = text.find(word, at + 1, end)
    found.sort()
    return found


def _starts_word(text: str, at: int) -> bool:
    """Whether a word of WORD_RE starts here (not inside one: "mail" in "e-mail")."""
    if at == 0:
        return True
    before = text[at - 1]
    return not (_in_word(before) or (before in _JOINERS and at > 1 and _in_word(text[at - 2])))


def _ends_word(text: str, stop: int) -> bool:
    if stop == len(text):
        return True
    after = text[stop]
    return not (_in_word(after) or (after in _JOINERS and stop + 1 < len(text)
                                    and _in_word(text[stop + 1])))


def _in_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


@lru_cache(maxsize=200_000)
def _folded_and_stem(word: str, language: str) -> tuple[str, str]:
    folded = fold(word)
    return folded, stem(folded, language)


def distinct_words(text: str) -> tuple[str, ...]:
    """The words of a text, each once: what a result keeps to be highlighted without looking
    through its text for every query (interned: a catalog's texts share most words)."""
    return tuple(map(sys.intern, set(WORD_RE.findall(text))))


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


class ResultText:
    """What a result is highlighted from: its title, its summary and the start of its body
    (`scanned_parts`), each text's `distinct_words` worked out when first needed and kept
    (a kept result is highlighted for many queries; most never need its body), and its last
    highlighting with the words it marked (a new query mostly looks for words asked before:
    a result it finds then often shows what the last query finding it did; one kept, about
    1.6 KB: two would spare a tenth more of the work for another 0.9 KB)."""

    __slots__ = ("texts", "_words", "_shown")

    def __init__(self, title: str, summary: str, body_parts: Iterable[str]) -> None:
        self.texts = (title, summary, *scanned_parts(body_parts))
        self._words: list[tuple[str, ...] | None] = [None] * len(self.texts)
        self._shown: tuple[object, tuple[Segments, Segments]] | None = None

    def work_out(self) -> None:
        """Every text's distinct words now (reading ahead, see warming.py), not when a
        search first highlights them."""
        for n in range(len(self.texts)):
            self.words(n)

    def words(self, n: int) -> tuple[str, ...]:
        """The distinct words of the nth text (0 the title, 1 the summary, then the body)."""
        found = self._words[n]
        if found is None:  # two threads may both work it out: the same words
            found = self._words[n] = distinct_words(self.texts[n])
        return found


def highlighted(text: ResultText, matcher: Matcher) -> tuple[Segments, Segments]:
    """A result's title with its matches marked, and a snippet: the summary if it has a
    match (or the body has none), else the body around its first match (the body's parts
    looked through in turn)."""
    marked_title = matcher.wanted(text.words(0))
    n, wanted = _snippet_source(text, matcher)
    key = (marked_title, n, wanted)
    kept = text._shown  # read once: another thread may replace it
    if kept is not None and kept[0] == key:
        return kept[1]
    title = text.texts[0]
    found = (segments(title, spans(title, marked_title)),
             segments(text.texts[1], spans(text.texts[1], wanted)) if n == 1
             else _window(text.texts[n], wanted))
    text._shown = (key, found)
    return found


def _snippet_source(text: ResultText, matcher: Matcher) -> tuple[int, frozenset[str]]:
    """Which text a snippet shows (1 the summary, then the body's parts) and the words of it
    to mark: the first with a match, or the summary."""
    for n in range(1, len(text.texts)):
        wanted = matcher.wanted(text.words(n))
        if wanted:
            return n, wanted
    return 1, frozenset()


def _window(body: str, wanted: frozenset[str]) -> Segments:
    """About SNIPPET_LENGTH characters around the first match, cut at word boundaries."""
    first = spans(body, wanted)[0]
    start = max(0, first[0] - SNIPPET_LENGTH // 4)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first[0] else start
    end = min(len(body), start + SNIPPET_LENGTH)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > first[1] else end
    pieces = segments(body, spans(body, wanted, start, end), start, end)
    before = (("… ", False),) if start > 0 else ()
    after = ((" …", False),) if end < len(body) else ()
    return before + pieces + after
