"""How catalog text becomes index terms: German and English analysis, exact words, prefixes.

German words are folded (ä/ae -> a, ö/oe -> o, ü/ue -> u, ß -> ss) before the Snowball
stemmer sees them, so "Schlüssel" and "Schluessel" become the same term; German compounds are
split against the catalog's own words (see compounds.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache

from whoosh.analysis import (
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.analysis.acore import Token
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists

from .compounds import Vocabulary

# A word, with inner hyphens, dots, slashes or apostrophes kept: e-mail, s/4hana, o'neil.
WORD = r"\w+(?:[-./'’]\w+)*"
WORD_RE = re.compile(WORD)
JOINERS = re.compile(r"[-./'’]")

# The vocabulary that German compounds are split against while analysing (index or query).
current_vocabulary: ContextVar[Vocabulary | None] = ContextVar("current_vocabulary",
                                                                 default=None)

_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "œ": "oe"})
# ae/oe/ue as spellings of ä/ö/ü, except after q (Quelle) or a vowel (neue, Steuer).
_SPELLED_UMLAUT = re.compile(r"(?<![aeiouyq])([aou])e")


@lru_cache(maxsize=100_000)
def fold_accents(word: str) -> str:
    """Lowercase word without accents: "café" -> "cafe", "Straße" -> "strasse"."""
    word = word.lower().translate(_UMLAUTS)
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """German folding: "Schlüssel" and "Schluessel" both become "schlussel"."""
    return _SPELLED_UMLAUT.sub(r"\1", fold_accents(word))


_stem_de = lru_cache(maxsize=200_000)(stemmer_for_language("de"))
_stem_en = lru_cache(maxsize=200_000)(stemmer_for_language("en"))


def stem(word: str, language: str) -> str:
    """The stem of an already folded word in "de" or "en"."""
    return _stem_de(word) if language == "de" else _stem_en(word)


_EXTRA_STOPS = {
    "de": {"bitte", "brauche", "brauchen", "benotige", "mochte", "gern", "gerne", "hallo"},
    "en": {"please", "need", "want", "would", "like", "hello", "hi", "im"},
}
STOPWORDS = {
    "de": frozenset({fold(w) for w in stoplists["de"]} | _EXTRA_STOPS["de"]),
    "en": frozenset({fold_accents(w) for w in stoplists["en"]} | _EXTRA_STOPS["en"]),
}
# Every stop word in German folding, as the query builder compares them.
ALL_STOPWORDS = frozenset({fold(w) for w in STOPWORDS["de"] | STOPWORDS["en"]})
# Words of questions and requests that say what someone wants to do, not what about: they
# still match, but an offering is not ranked by whether it has them ("Wie beantrage ich
# Elternzeit?", "how do I get a parking space"). Most question words are stop words already.
QUESTION_WORDS = frozenset(fold(w) for w in (
    "wie", "was", "wo", "wann", "warum", "wer", "wen", "wem", "welche", "welcher", "welches",
    "woher", "wohin", "wozu", "kann", "könnte", "können", "ich", "mir", "mich", "man",
    "beantrage", "bekomme", "bekommt", "bekommen", "kriege", "kriegt", "muss", "müssen",
    "soll", "sollte", "darf", "dürfen", "gibt", "finde", "finden", "melde", "stelle",
    "erhalte", "erhalten", "hätte", "möchte", "will", "wollen", "mein", "meine", "meinen",
    "how", "do", "does", "did", "i", "can", "could", "where", "get", "got", "what", "who",
    "when", "which", "why", "my", "me", "should", "may", "might", "must", "is", "are",
    "find", "make", "there", "someone", "somebody",
))


class TermFilter(Filter):
    """Everything a word goes through, in one step: lowercase, fold, drop stop words, split
    joined words and (German, while indexing) compounds, stem.

    "e-mail" becomes "email", "e" and "mail"; "Benutzerverwaltung" also "benutzer" and
    "verwaltung"; all at the word's position. Results are cached per word, since most words
    of a catalog recur.
    """

    def __init__(self, language: str | None = None, stem: bool = False, stop: bool = False,
                 compounds: bool = False) -> None:
        # language None: German folding without stemming (exact words, prefixes).
        self.language = language
        self.stem = stem
        self.stop = stop
        self.compounds = compounds

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        vocabulary = current_vocabulary.get() if self.compounds else None
        key = (self.language, self.stem, self.stop, vocabulary.serial if vocabulary else 0)
        position = None
        for t in tokens:
            terms = _terms_of(key, t.text, t.mode == "query", self, vocabulary)
            if not terms:
                continue
            if t.positions:  # stop words leave no gap, so phrases match across them
                position = t.pos if position is None else position + 1
                t.pos = position
            for text in terms:
                t.text = text
                yield t

    def terms(self, word: str, query: bool, vocabulary: Vocabulary | None) -> tuple[str, ...]:
        """What one word of text becomes (nothing if it is a stop word)."""
        folded = fold(word) if self.language != "en" else fold_accents(word)
        if self.stop and (len(folded) < 2 or folded in STOPWORDS[self.language or "de"]):
            return ()
        # Exact words keep a stop word only if it is written like an acronym: "IT", not "it".
        if self.language is None and not query and folded in ALL_STOPWORDS \
                and not (word.isupper() and len(word) > 1):
            return ()
        parts = [p for p in JOINERS.split(folded) if p]
        merged = "".join(parts)
        terms = [merged]
        if not query:
            if len(parts) > 1:
                terms += parts
            if vocabulary is not None:
                terms += [p for t in list(terms) if len(t) >= 8 for p in vocabulary.split(t)]
        if self.stem and self.language:
            terms = [stem(t, self.language) for t in terms]
        return tuple(dict.fromkeys(terms))


_term_cache: dict[tuple, tuple[str, ...]] = {}


def _terms_of(key: tuple, word: str, query: bool, term_filter: TermFilter,
              vocabulary: Vocabulary | None) -> tuple[str, ...]:
    cache_key = (key, query, word)
    found = _term_cache.get(cache_key)
    if found is None:
        if len(_term_cache) > 300_000:  # bounded: queries bring new words all the time
            _term_cache.clear()
        found = _term_cache[cache_key] = term_filter.terms(word, query, vocabulary)
    return found


def _words() -> RegexTokenizer:
    return RegexTokenizer(WORD)


def language_analyzer(language: str) -> CompositeAnalyzer:
    """Analysis of text in one language: fold, drop stop words, split compounds, stem."""
    return _words() | TermFilter(language, stem=True, stop=True, compounds=language == "de")


def exact_analyzer() -> CompositeAnalyzer:
    """Whole words, folded but not stemmed: product names, acronyms, the compound vocabulary."""
    return _words() | TermFilter()


def prefix_analyzer() -> CompositeAnalyzer:
    """Edge n-grams of folded words, so "lapt" finds "Laptop" while typing."""
    return _words() | TermFilter() | NgramFilter(minsize=2, maxsize=15, at="start")


def spelling_analyzer() -> CompositeAnalyzer:
    """Words as written, only lowercased: what "did you mean" may propose."""
    return (RegexTokenizer(r"[^\W\d_]{3,}") | LowercaseFilter()
            | StopFilter(stoplist=ALL_STOPWORDS, renumber=False))


def vocabulary_words(text: str) -> set[str]:
    """The folded words of a text that compounds may be split into (no stop words)."""
    words: set[str] = set()
    for word in set(WORD_RE.findall(text)):
        for part in JOINERS.split(fold(word)):
            if len(part) >= 4 and part.isalpha() and part not in ALL_STOPWORDS:
                words.add(part)
    return words
