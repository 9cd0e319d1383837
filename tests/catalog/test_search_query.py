"""What someone types becomes plain words and phrases; nothing reaches Whoosh's query syntax."""

from __future__ import annotations

import pytest

from catalog.search import criteria, parse_query
from catalog.search.compounds import Vocabulary
from catalog.search.query import MAX_LENGTH, MAX_TERMS
from catalog.search.text import fold, language_analyzer


def test_words_and_phrases():
    parsed = parse_query('Laptop "Antrag auf Urlaub" kaputt')
    assert parsed.words == ("Laptop", "kaputt")
    assert parsed.phrases == (("Antrag", "auf", "Urlaub"),)
    assert parsed.prefix == "kaputt"


def test_the_last_word_is_a_prefix_only_while_typing_it():
    assert parse_query("new lapt").prefix == "lapt"
    assert parse_query("new lapt ").prefix is None
    assert parse_query('"meeting room"').prefix is None


@pytest.mark.parametrize("text", ["NOT OR server", "server AND OR NOT", "title:laptop",
                                  "server~9", "laptop^100", "[a TO z]", "*ung", "lap*"])
def test_operators_fields_ranges_boosts_and_wildcards_are_just_words(text):
    parsed = parse_query(text)
    assert all(word.isalnum() for word in parsed.words)
    assert not parsed.phrases


@pytest.mark.parametrize("text", ["**", "*", "(((", ")", "~", '"', '""', "  ", "", None])
def test_symbols_alone_are_an_empty_query(text):
    assert parse_query(text).empty


def test_unbalanced_quotes_and_parentheses():
    assert parse_query('"meeting room').words == ("meeting", "room")
    assert parse_query('(meeting (room').words == ("meeting", "room")
    assert parse_query('a "b c" "d e').phrases == (("b", "c"),)


def test_control_characters_are_dropped():
    parsed = parse_query("lap\x00top\x1b[31m\u200bkaputt\u202e")
    assert "\x00" not in parsed.text and "\u202e" not in parsed.text
    assert parsed.words == ("lap", "top", "31m", "kaputt")


def test_length_and_number_of_terms_are_capped():
    assert len(parse_query("x" * 10_000).text) <= MAX_LENGTH
    parsed = parse_query(" ".join(f"w{n}" for n in range(50)))
    assert len(parsed.words) == MAX_TERMS
    assert parse_query("(" * 3000).empty


def test_criteria_from_odd_input_never_fail():
    odd = criteria(text=None, department=["x"], audience="martians", page="abc", per_page="-5")
    assert (odd.text, odd.department, odd.audience, odd.page, odd.per_page) == \
        ("", None, None, 1, 1)
    assert criteria(page="999999999999").page == 10_000
    assert criteria(per_page=1000).per_page == 50


@pytest.mark.parametrize(("spelled", "written"), [
    ("Schluessel", "Schlüssel"), ("Buero", "Büro"), ("Gebaeude", "Gebäude"),
    ("Strasse", "Straße"), ("OEFFNUNGSZEITEN", "Öffnungszeiten"),
])
def test_spelled_umlauts_fold_like_the_real_ones(spelled, written):
    assert fold(spelled) == fold(written)


def test_ue_after_q_or_a_vowel_is_no_umlaut():
    assert fold("Quelle") == "quelle"
    assert fold("neue") == "neue"
    assert fold("Steuer") == "steuer"


def test_german_analysis_stems_and_drops_stop_words():
    analyzer = language_analyzer("de")
    terms = [t.text for t in analyzer("Die Anträge für Schlüssel", mode="query")]
    assert terms == ["antrag", "schlussel"]


def test_compounds_split_against_known_words():
    vocabulary = Vocabulary({fold(w) for w in ("Benutzer", "Verwaltung", "Urlaub", "Antrag",
                                               "Drucker", "Patrone", "Reise", "Kosten")})
    assert vocabulary.split("benutzerverwaltung") == ("benutzer", "verwaltung")
    assert vocabulary.split("urlaubsantrag") == ("urlaub", "antrag")      # linking "s"
    assert vocabulary.split("druckerpatronen") == ("drucker", "patronen")  # plural tail
    assert vocabulary.split("reisekostenantrag") == ("reise", "kosten", "antrag")
    assert vocabulary.split("verwaltung") == ()
    assert vocabulary.split("einstellungen") == ()


def test_indexing_emits_compound_parts_and_joined_words():
    from catalog.search.text import current_vocabulary

    analyzer = language_analyzer("de")
    token = current_vocabulary.set(Vocabulary({"benutzer", "verwaltung"}))
    try:
        terms = [t.text for t in analyzer("Benutzerverwaltung per E-Mail")]
    finally:
        current_vocabulary.reset(token)
    assert {"benutzerverwalt", "benutz", "verwalt", "email", "mail"} <= set(terms)
