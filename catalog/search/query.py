"""Turning what someone typed into Whoosh queries, without ever using Whoosh's query syntax.

Any text is a valid query: control characters are dropped, length and number of terms are
capped, quotes make phrases and everything else is a plain word. Each word becomes a clause
(its terms in every zone and language), and offerings are ranked by how many of the content
clauses they match (see scoring.py; question words like "wie" or "how" are no content); a
word that matches nothing is looked up as a typo of the index's words (more edits for longer
words, swapped letters as one edit, see fuzzy.py), and a compound with a typo in one part is
corrected part by part; the last word also matches as a prefix while someone is still typing
it, from its fourth letter on also with a typo.

Fuzzy look-ups are the costly part (a walk through the index's words): only the first
FUZZY_WORDS unknown words of a query get them, each keeps at most FUZZY_CANDIDATES of
SCAN_LIMIT similar words, and they stop when the search's deadline passes (the answer then
says it is partial).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh.query import And, Or, Phrase, Query, Term
from whoosh.reading import IndexReader

from .compounds import MIN_PART, Vocabulary
from .deadline import Deadline
from .fuzzy import best_terms, correct_compound, edit_allowance, nearby_terms
from .memo import Memo
from .schema import EXACT_BOOST, LANGUAGES, ZONES
from .text import ALL_STOPWORDS, JOINERS, QUESTION_WORDS, WORD_RE, fold, language_analyzer

MAX_LENGTH = 200
MAX_TERMS = 12
MAX_WORD = 40
PREFIX_BOOST = 3.0
FUZZY_BOOST = 0.6
# Unknown words of one query looked up with fuzzy terms; later ones match only as typed.
FUZZY_WORDS = 6
# Similar words used per unknown word (the most frequent), of at most fuzzy.SCAN_LIMIT found.
FUZZY_CANDIDATES = 4
# Words still being typed are corrected from this many letters on, by at most PREFIX_EDITS.
FUZZY_PREFIX_FROM = 4
PREFIX_EDITS = 2
COMPOUND_BOOST = 0.8
# German endings the stemmer may leave on a word (dative plural "-n", "-en"), and how
# much the catalog's word without them counts.
INFLECTIONS = ("en", "n")
INFLECTION_BOOST = 0.8
BORROWED_BOOST = 0.5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_ANALYZERS = {language: language_analyzer(language) for language in LANGUAGES}


@dataclass(frozen=True)
class ParsedQuery:
    """A query reduced to plain words and quoted phrases."""

    text: str
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    # The last word, when the text ends in it (the person may still be typing it).
    prefix: str | None = None

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def clean_text(raw: str | None) -> str:
    """The query text without control or format characters, at most MAX_LENGTH long."""
    text = unicodedata.normalize("NFC", raw or "")[: MAX_LENGTH * 4]
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_LENGTH].strip()


def parse_query(raw: str | None) -> ParsedQuery:
    """Words and phrases of the text; anything that is not a word is ignored."""
    text = clean_text(raw)
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    budget = MAX_TERMS
    pieces = text.split('"')
    # Odd pieces were inside quotes; an unbalanced last quote just opens nothing.
    closed = len(pieces) - (1 if len(pieces) % 2 == 0 else 0)
    for index, piece in enumerate(pieces):
        found = [w for w in WORD_RE.findall(piece) if len(w) <= MAX_WORD][:budget]
        budget -= len(found)
        if index % 2 == 1 and index < closed and len(found) > 1:
            phrases.append(tuple(found))
        else:
            words.extend(found)
    prefix = None
    # A space after the last word means it is finished; so does a closing quote.
    still_typing = not (raw or "")[:MAX_LENGTH * 4].endswith((" ", "\t", "\n", '"'))
    if words and still_typing and text.endswith(words[-1]):
        prefix = words[-1]
    return ParsedQuery(text=text, words=tuple(words), phrases=tuple(phrases), prefix=prefix)


@dataclass
class BuiltQuery:
    """The query's clauses (one per word or phrase) and the terms it looks for."""

    clauses: list[Query] = field(default_factory=list)
    stems: dict[str, set[str]] = field(default_factory=lambda: {lang: set() for lang in LANGUAGES})
    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    # Words of the query not found as typed (for "did you mean").
    unknown: list[str] = field(default_factory=list)
    # Per clause: whether it is a content word of the query (question words like "wie" or
    # "how" are not), for ranking by how many content words an offering matches.
    content: list[bool] = field(default_factory=list)


def exact_form(word: str) -> str:
    """The word as the exact and prefix fields hold it: folded, joiners removed."""
    return JOINERS.sub("", fold(word))


def analyze(word: str, language: str) -> list[str]:
    """The query terms of one word in one language (stop words give none)."""
    return [t.text for t in _ANALYZERS[language](word, mode="query")]


class QueryBuilder:
    """Builds queries against one reader, asking it which terms exist."""

    def __init__(self, reader: IndexReader, vocabulary: Vocabulary,
                 zones: dict[str, float] | None = None, memo: Memo | None = None,
                 deadline: Deadline | None = None) -> None:
        self.reader = reader
        self.vocabulary = vocabulary
        self.zones = zones or ZONES
        # Clauses of words seen before on this reader (see memo.py); None: work them out.
        self.memo = memo
        # The search's deadline: fuzzy look-ups stop when it passes.
        self.deadline = deadline or Deadline.none()
        self._zones_key = tuple(self.zones.items())

    def build(self, parsed: ParsedQuery, fuzzy: bool = True,
              content_elsewhere: bool = False) -> BuiltQuery:
        """The query's clauses. `content_elsewhere`: the query has content words that are not
        among `parsed.words` (the synonyms take them), so question words stay no content."""
        built = BuiltQuery()
        words = [w for w in parsed.words if fold(w) not in ALL_STOPWORDS]
        only_stopwords = not words
        only_questions = not content_elsewhere and all(fold(w) in QUESTION_WORDS for w in words)
        clauses: list[Query] = []
        content: list[bool] = []
        for index, word in enumerate(parsed.words):
            is_prefix = parsed.prefix is not None and index == len(parsed.words) - 1
            stop = fold(word) in ALL_STOPWORDS and not only_stopwords
            # A word still being typed is no typo: its prefix finds what it will become.
            typing = is_prefix and self._has_prefix(exact_form(word))
            # Only the first FUZZY_WORDS unknown words are looked up as typos.
            fuzzy_left = fuzzy and not typing and len(built.unknown) < FUZZY_WORDS
            clause = None if stop else self.remembered(word, built, fuzzy_left)
            if is_prefix:
                clause = self._with_prefix(clause, word, built, fuzzy_left)
            if clause is not None:
                clauses.append(clause)
                content.append(only_questions or fold(word) not in QUESTION_WORDS)
        for phrase in parsed.phrases:
            clause = self.remembered_phrase(phrase, built)
            if clause is not None:
                clauses.append(clause)
                content.append(True)
        built.clauses = clauses
        built.content = content
        return built

    def remembered(self, word: str, built: BuiltQuery, fuzzy: bool) -> Query | None:
        """The word's clause, from the memo if the word was seen before on this reader."""
        return self._remembered((self._zones_key, word, fuzzy), built,
                                lambda part: self.word_clause(word, part, fuzzy=fuzzy))

    def remembered_phrase(self, phrase: tuple[str, ...], built: BuiltQuery) -> Query | None:
        """The phrase's clause, from the memo if it was asked before on this reader (a
        synonym list's phrases come with every query of their group's words)."""
        return self._remembered((self._zones_key, phrase), built,
                                lambda part: self.phrase_clause(phrase, part))

    def _remembered(self, key: tuple[object, ...], built: BuiltQuery,
                    make: Callable[[BuiltQuery], Query | None]) -> Query | None:
        if self.memo is None:
            return make(built)
        found = self.memo.get(key)
        if found is None:
            part = BuiltQuery()
            found = make(part), part
            if not self.deadline.passed:  # a clause cut short by the deadline is not kept
                self.memo.put(key, found)
        clause, part = found  # type: ignore[misc]
        for language, stems in part.stems.items():
            built.stems[language].update(stems)
        built.words.update(part.words)
        built.prefixes.update(part.prefixes)
        built.unknown.extend(part.unknown)
        return clause

    def _terms(self, word: str, built: BuiltQuery, boost: float = 1.0) -> list[Query]:
        """Term queries of a word in every zone and language, for terms the index has."""
        stems = {language: analyze(word, language) for language in LANGUAGES}
        # German text borrows English words ("Laptops"): English stems count there too.
        borrowed = [s for s in stems["en"] if s not in stems["de"]]
        wanted = [(language, text, boost) for language in LANGUAGES for text in stems[language]]
        wanted += [("de", text, boost * BORROWED_BOOST) for text in borrowed]
        terms: list[Query] = []
        for language, text, factor in wanted:
            built.stems[language].add(text)
            for zone, weight in self.zones.items():
                name = f"{zone}_{language}"
                if (name, text) in self.reader:
                    terms.append(Term(name, text, boost=weight * factor))
        exact = exact_form(word)
        built.words.add(exact)
        if ("exact", exact) in self.reader:
            terms.append(Term("exact", exact, boost=EXACT_BOOST * boost))
        return terms

    def word_clause(self, word: str, built: BuiltQuery, fuzzy: bool = True) -> Query | None:
        terms = self._terms(word, built)
        base = self._inflection_base(word)
        if base:
            terms += self._terms(base, built, boost=INFLECTION_BOOST)
        parts = self.vocabulary.split(fold(word)) if len(word) >= 8 else ()
        if parts:
            subclauses = [self.word_clause(part, built, fuzzy=False) for part in parts]
            if all(subclauses):
                terms.append(And(subclauses, boost=COMPOUND_BOOST))
        if not terms and fuzzy:
            built.unknown.append(word)
            terms = self._fuzzy(word, built)
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else Or(terms)

    def _inflection_base(self, word: str) -> str | None:
        """The catalog's word that a German inflected form ends on, when the stemmer leaves
        the ending ("Schlüsseln" -> "schlussel"): None if there is none or it stems alike."""
        exact = exact_form(word)
        if len(exact) < MIN_PART + 2 or not exact.isalpha() or ("exact", exact) in self.reader:
            return None
        stems = set(analyze(word, "de"))
        for ending in INFLECTIONS:
            base = exact[:-len(ending)]
            if exact.endswith(ending) and len(base) >= MIN_PART \
                    and ("exact", base) in self.reader and not stems & set(analyze(base, "de")):
                return base
        return None

    def corrections(self, word: str, fieldname: str = "exact",
                    most: int | None = None) -> list[str]:
        """Words of the index a folded word may have been meant as: the closest (within the
        edits its length allows, see fuzzy.py), the most frequent among equally close."""
        allowed = edit_allowance(len(word))
        if most is not None:
            allowed = min(allowed, most)
        if not allowed or self.deadline.check():
            return []
        found = {w: d for w, d in nearby_terms(self.reader, fieldname, word, allowed,
                                               self.deadline).items()
                 if w.isalpha()}
        if not found:
            return []
        closest = min(found.values())
        found = {w: d for w, d in found.items() if d == closest}
        ranked = best_terms(found, lambda w: self.reader.doc_frequency(fieldname, w),
                            FUZZY_CANDIDATES)
        return [w for w, _ in ranked]

    def _fuzzy(self, word: str, built: BuiltQuery) -> list[Query]:
        """Words of the index a few edits away (more for longer words, see fuzzy.py); if there
        are none, a compound with a typo in one part corrected part by part."""
        exact = exact_form(word)
        terms: list[Query] = []
        for candidate in self.corrections(exact):
            found = self._terms(candidate, built, boost=FUZZY_BOOST)
            if found:
                terms.append(Or(found) if len(found) > 1 else found[0])
        if not terms and len(exact) >= 2 * MIN_PART and not self.deadline.check():
            parts = correct_compound(exact, self.vocabulary.known, self.corrections)
            subclauses = [self.word_clause(part, built, fuzzy=False) for part in parts]
            if parts and all(subclauses):
                terms.append(And(subclauses, boost=COMPOUND_BOOST * FUZZY_BOOST))
        return terms

    def _has_prefix(self, prefix: str) -> bool:
        """Whether a title or keyword word begins with this (remembered per reader: the
        index's look-up costs as much as building the rest of a query of known words)."""
        if self.memo is None:
            return ("prefix", prefix) in self.reader
        return self.memo.remember(("prefix", prefix),
                                  lambda: ("prefix", prefix) in self.reader)

    def _with_prefix(self, clause: Query | None, word: str, built: BuiltQuery,
                     fuzzy: bool = True) -> Query | None:
        """The clause, or-ed with the beginnings of title and keyword words this word may be
        (as typed; from the FUZZY_PREFIX_FROM-th letter on also with a typo)."""
        prefix = exact_form(word)
        if len(prefix) < 2:
            return clause
        if self._has_prefix(prefix):
            built.prefixes.add(prefix)
            term: Query = Term("prefix", prefix, boost=PREFIX_BOOST)
        elif fuzzy and clause is None and len(prefix) >= FUZZY_PREFIX_FROM:
            near = self.corrections(prefix, "prefix", PREFIX_EDITS)
            if not near:
                return clause
            built.prefixes.update(near)
            found = [Term("prefix", p, boost=PREFIX_BOOST * FUZZY_BOOST) for p in near]
            term = found[0] if len(found) == 1 else Or(found)
        else:
            return clause
        return term if clause is None else Or([clause, term])

    def phrase_clause(self, phrase: tuple[str, ...], built: BuiltQuery) -> Query | None:
        """The words in this order, in any zone with positions, in either language."""
        options: list[Query] = []
        for language in LANGUAGES:
            stems = [t for w in phrase for t in analyze(w, language)[:1]]
            built.stems[language].update(stems)
            if len(stems) < 2:
                continue
            for zone, weight in self.zones.items():
                name = f"{zone}_{language}"
                if zone != "keywords" and all((name, s) in self.reader for s in stems):
                    options.append(Phrase(name, stems, boost=weight * 1.5))
        built.words.update(exact_form(w) for w in phrase if fold(w) not in ALL_STOPWORDS)
        if not options:
            return None
        return options[0] if len(options) == 1 else Or(options)
