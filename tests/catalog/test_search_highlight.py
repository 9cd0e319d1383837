"""Highlighting: which words of a result are marked, and which piece of a body is shown."""

from __future__ import annotations

from catalog.search.highlight import Matcher, ResultText, highlighted, spans
from catalog.search.query import BuiltQuery
from catalog.search.schema import plain_text
from catalog.search.text import WORD_RE, fold, stem


def matcher(*words: str, prefixes: tuple[str, ...] = (), language: str = "de") -> Matcher:
    folded = {fold(word) for word in words}
    built = BuiltQuery(words=folded, prefixes=set(prefixes),
                       stems={"de": {stem(w, "de") for w in folded},
                              "en": {stem(w, "en") for w in folded}})
    return Matcher(built, language)


def marked(segments: tuple[tuple[str, bool], ...]) -> str:
    return "".join(f"[{text}]" if hit else text for text, hit in segments)


def snippet(text: ResultText, found: Matcher) -> tuple[tuple[str, bool], ...]:
    return highlighted(text, found)[1]


def highlight_all(title: str, found: Matcher) -> tuple[tuple[str, bool], ...]:
    """A result's title as the results page marks it."""
    return highlighted(ResultText(title, "", ()), found)[0]


def test_words_are_marked_as_typed_inflected_folded_and_inside_compounds():
    found = matcher("Schlüssel", "Verwaltung")
    assert marked(highlight_all("Schluessel und Schlüssels für die Benutzerverwaltung", found)) \
        == "[Schluessel] und [Schlüssels] für die [Benutzerverwaltung]"


def test_a_word_begun_is_marked_where_a_word_starts_with_it():
    found = matcher(prefixes=("park",))
    assert marked(highlight_all("Parkplatz im Park, nicht der Sparkurs", found)) == \
        "[Parkplatz] im [Park], nicht der Sparkurs"


def test_the_summary_is_the_snippet_when_it_has_a_match_else_the_body_around_the_first():
    found = matcher("Drucker")
    body = ["Einleitung ohne Treffer. " * 12,
            "Vorher etwas Text. " * 6 + "Wir richten den Drucker ein. " + "Danach mehr Text. " * 20]
    assert marked(snippet(ResultText("Drucker", "Drucker einrichten", body), found)) == \
        "[Drucker] einrichten"
    shown = marked(snippet(ResultText("Drucker", "Hilfe am Arbeitsplatz", body), found))
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "Wir richten den [Drucker] ein." in shown
    assert marked(snippet(ResultText("Drucker", "Hilfe am Arbeitsplatz", body),
                          matcher("Kaffee"))) == "Hilfe am Arbeitsplatz"


def test_a_kept_result_shows_for_each_query_the_words_that_query_looked_for():
    body = ["Vorher etwas Text. " * 6 + "Wir richten den Drucker im Büro ein. " + "Mehr. " * 30]
    kept = ResultText("Drucker und Scanner", "Hilfe am Arbeitsplatz", body)
    first = highlighted(kept, matcher("Drucker", "Kaffee"))
    # Another query with the same words found is the same highlighting (kept, not redone) ...
    assert highlighted(kept, matcher("Drucker", "Tee")) is first
    # ... and one with other words found is its own, as often as the queries alternate.
    for _ in range(3):
        assert marked(highlighted(kept, matcher("Scanner"))[0]) == "Drucker und [Scanner]"
        assert marked(highlighted(kept, matcher("Scanner"))[1]) == "Hilfe am Arbeitsplatz"
        title, shown = highlighted(kept, matcher("Büro", "Drucker"))
        assert marked(title) == "[Drucker] und Scanner"
        assert "Wir richten den [Drucker] im [Büro] ein." in marked(shown)
        assert highlighted(kept, matcher("Drucker", "Kaffee")) == first


def test_a_word_is_judged_once_per_page_whatever_text_it_is_in():
    found = matcher("Urlaub")
    judged = []
    original = found._matches
    found._matches = lambda word: judged.append(word) or original(word)  # type: ignore
    for text in ("Urlaub beantragen", "Urlaub und Urlaubs-Antrag", "Urlaub beantragen"):
        highlight_all(text, found)
    assert sorted(judged) == ["Urlaub", "Urlaubs-Antrag", "beantragen", "und"]


def test_a_snippet_reads_markdown_as_text_without_stray_spaces():
    assert plain_text("Log in at your new desk **the same day**. Ask _us_, or see `VPN`!") \
        == "Log in at your new desk the same day. Ask us, or see VPN!"
    assert plain_text("Between letters: snake_case, a**b") == "Between letters: snake case, a b"
    assert plain_text("See [the form](https://x.example/f) or https://example.com/a?b  now\t"
                      "please,\t\tthanks") == "See the form or now please, thanks"
    assert plain_text("No link [here] (or there)   at all") == "No link [here] (or there) at all"


def test_marked_words_are_whole_words_as_the_index_cuts_them():
    texts = ["E-Mail und Mail: die mail-Adresse, mail.", "s/4hana S/4HANA 4hana", "o'neil neil",
             "snake_case case _case case_", "Größe größe-Tabelle Größe.", "a-b a b-a b- -a",
             "Straße…Straße", "x.y x y..x", "2026 2026-11 11", "mail" * 3 + " mail"]
    for text in texts:
        words = set(WORD_RE.findall(text))
        for wanted in [*({w} for w in words), words, {"mail", "E-Mail", "case", "a", "b"}]:
            expected = [m.span() for m in WORD_RE.finditer(text) if m.group() in wanted]
            assert spans(text, frozenset(wanted)) == expected, (text, wanted)
            middle = len(text) // 2
            # Of a part of the text, the whole words that lie in it.
            assert spans(text, frozenset(wanted), 0, middle) == \
                [span for span in expected if span[1] <= middle]
