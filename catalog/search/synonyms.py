"""The shared synonym list, and queries that also look for the synonyms of what was typed.

The list is text: one group per line, its words and phrases separated by commas, `#` starts
a comment. Words are compared folded (case, accents and umlaut spellings do not matter). A
query's words are matched against the list longest first, so "annual leave" matches as a
whole before "leave" alone could. A matched word or phrase keeps its own clause (with
typos, compounds and the prefix of a word still being typed) and gains the group's other
terms as alternatives with a lower weight, in the same clause: a document that has only a
synonym ranks below one that has the word typed, and the clause counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from whoosh.query import Or, Query

from .query import BuiltQuery, ParsedQuery, QueryBuilder
from .text import QUESTION_WORDS, WORD_RE, fold

SHIPPED_FILE = Path(__file__).with_name("synonyms.txt")
# A synonym counts this much of the word typed.
SYNONYM_BOOST = 0.5
# Longest phrase matched in a query, in words.
MAX_PHRASE = 4
MAX_TERM = 80

Term = tuple[str, ...]


def term_words(text: str) -> Term:
    """The folded words of a term: its identity in the list."""
    return tuple(fold(w) for w in WORD_RE.findall(text))


def parse_groups(text: str) -> list[list[str]]:
    """The groups of a synonym list: each a list of at least two distinct terms as written."""
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        terms: list[str] = []
        seen: set[Term] = set()
        for raw in line.split(","):
            term = " ".join(raw.split())[:MAX_TERM]
            key = term_words(term)
            if key and key not in seen:
                seen.add(key)
                terms.append(term)
        if len(terms) >= 2:
            groups.append(terms)
    return groups


def format_groups(groups: list[list[str]]) -> str:
    return "".join(", ".join(group) + "\n" for group in groups)


@dataclass
class Thesaurus:
    """Per term (folded words), the other terms of its groups as written."""

    alternatives: dict[Term, list[str]] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> Thesaurus:
        thesaurus = cls()
        for group in parse_groups(text):
            for term in group:
                others = thesaurus.alternatives.setdefault(term_words(term), [])
                others.extend(t for t in group if term_words(t) != term_words(term)
                              and t not in others)
        return thesaurus

    def matches(self, words: tuple[str, ...]) -> list[tuple[int, int, list[str]]]:
        """(start, length, alternatives) of the terms found in the words, longest first,
        left to right, never overlapping."""
        folded = [fold(w) for w in words]
        found = []
        start = 0
        while start < len(folded):
            for length in range(min(MAX_PHRASE, len(folded) - start), 0, -1):
                others = self.alternatives.get(tuple(folded[start:start + length]))
                if others:
                    found.append((start, length, others))
                    start += length
                    break
            else:
                start += 1
        return found

    def __bool__(self) -> bool:
        return bool(self.alternatives)


def build_with_synonyms(builder: QueryBuilder, parsed: ParsedQuery,
                        thesaurus: Thesaurus | None) -> BuiltQuery:
    """The query's clauses as QueryBuilder.build makes them, with synonyms as alternatives."""
    matches = thesaurus.matches(parsed.words) if thesaurus else []
    if not matches:
        return builder.build(parsed)
    # A phrase's words stay words of their own too (each counts for coverage); a single word
    # is replaced by the choice of itself or its synonyms.
    matched = {start for start, length, _ in matches if length == 1}
    last = len(parsed.words) - 1
    rest = tuple(w for i, w in enumerate(parsed.words) if i not in matched)
    taken = [parsed.words[i] for i in matched]
    built = builder.build(ParsedQuery(
        text=parsed.text, words=rest, phrases=parsed.phrases,
        prefix=parsed.prefix if last not in matched else None),
        content_elsewhere=any(fold(w) not in QUESTION_WORDS for w in taken))
    for start, length, others in matches:
        words = parsed.words[start:start + length]
        content = True  # a question word ("how") with synonyms stays no content word
        if length == 1:
            prefix = parsed.prefix if start == last else None
            own = builder.build(ParsedQuery(text=words[0], words=words, prefix=prefix))
            _merge(built, own)
            options = list(own.clauses)
            content = fold(words[0]) not in QUESTION_WORDS
        else:
            phrase = builder.remembered_phrase(words, built)
            options = [phrase] if phrase is not None else []
        # A synonym's words are marked in results only where the words typed are not found.
        seen = BuiltQuery()
        alternatives = [clause for clause in (_term_clause(builder, t, seen) for t in others)
                        if clause is not None]
        if not options:
            _merge(built, seen)
        if alternatives:
            options.append(Or(alternatives, boost=SYNONYM_BOOST))
        if options:
            built.content = [*built.content[:len(built.clauses)],
                             *[True] * (len(built.clauses) - len(built.content)), content]
            built.clauses.append(options[0] if len(options) == 1 else Or(options))
    return built


def _term_clause(builder: QueryBuilder, term: str, built: BuiltQuery) -> Query | None:
    """A synonym's clause: the word as typed in the list (no typos), or the phrase. A word's
    clause is remembered per index state, like the words typed (a group's words are looked up
    in every zone of both languages: most of a query's cost when it has synonyms)."""
    words = tuple(WORD_RE.findall(term))
    if len(words) == 1:
        return builder.remembered(words[0], built, fuzzy=False)
    return builder.remembered_phrase(words, built)


def _merge(built: BuiltQuery, part: BuiltQuery) -> None:
    for language, stems in part.stems.items():
        built.stems[language].update(stems)
    built.words.update(part.words)
    built.prefixes.update(part.prefixes)
    built.unknown.extend(part.unknown)


def shipped_text() -> str:
    """The list that ships with the portal."""
    return SHIPPED_FILE.read_text(encoding="utf-8")
