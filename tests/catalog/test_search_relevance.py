"""Relevance on a catalog written for these tests: each kind of query names what must rank first
(or in the top three), in German and English."""

from __future__ import annotations

import pytest

from catalog.revision import bump_catalog_revision
from catalog.search import SearchIndex, criteria, search
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def index(session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index")
    yield index
    index.close()


def ranked(index, session, text: str, **filters) -> list[str]:
    results = search(index, session, criteria(text=text, **filters))
    session.rollback()
    return [hit.offering.slug for hit in results.hits]


def first(index, session, text: str) -> str | None:
    return next(iter(ranked(index, session, text)), None)


EXACT_WORDS = {
    "Parental leave": "parental-leave",
    "VPN": "vpn",
    "SAP": "sap-roles",
    "Gehaltsabrechnung": "payslip",
}


def test_exact_words(index, session):
    assert {q: first(index, session, q) for q in EXACT_WORDS} == EXACT_WORDS


GERMAN_INFLECTIONS = {
    "Schlüssels": "keys",           # genitive
    "Umzüge": "office-move",        # plural with umlaut; the title says "Büroumzug"
    "Abrechnungen": "payslip",
    "Rollen": "sap-roles",
}


def test_german_inflections(index, session):
    assert {q: first(index, session, q) for q in GERMAN_INFLECTIONS} == GERMAN_INFLECTIONS


GERMAN_COMPOUNDS = {
    "Verwaltung": "user-admin",          # finds "Benutzerverwaltung"
    "Urlaubsantrag": "leave",            # finds "Antrag auf Urlaub"
    "Reisekosten": "travel-claim-de",    # inside "Reisekostenabrechnung" (2nd: the keyword)
    "Büroschlüssel": "keys",             # "Schlüssel für Büro"
}


def test_german_compounds(index, session):
    missed = [q for q, e in GERMAN_COMPOUNDS.items() if e not in ranked(index, session, q)[:2]]
    assert missed == []


SPELLED_UMLAUTS = {
    "Schluessel": "keys",
    "Bueroumzug": "office-move",
    "Gebaeude Reinigung": "cleaning",
    "Strasse": None,   # folds like "Straße": no offering has it, and nothing breaks
}


def test_spelled_umlauts(index, session):
    assert {q: first(index, session, q) for q in SPELLED_UMLAUTS} == SPELLED_UMLAUTS


TYPOS = {
    "pasword": "reset-password",               # one letter missing (5+ letters: 1 edit)
    "Gehaltsabrechnnug": "payslip",            # two letters swapped (8+ letters: 2 edits)
    "Elternzeti": "parental-leave",
    "meeting rom": "meeting-rooms",
}


def test_typos(index, session):
    assert {q: first(index, session, q) for q in TYPOS} == TYPOS


def test_short_words_are_not_fuzzed(index, session):
    # "vpm" is one edit from "vpn", but three letters are too few to guess from.
    assert ranked(index, session, "vpm") == []


ENGLISH_FORMS = {
    "laptops": "new-laptop",
    "booking meeting rooms": "meeting-rooms",
    "printers": "printer-toner",
    "expenses": "travel-expenses",
}


def test_english_forms(index, session):
    assert {q: first(index, session, q) for q in ENGLISH_FORMS} == ENGLISH_FORMS


KEYWORDS = {
    "AnyConnect": "vpn",
    "Elternzeit": "parental-leave",
    "cartridge": "printer-toner",
    "Parkplatz": "parking",
}


def test_keywords(index, session):
    assert {q: first(index, session, q) for q in KEYWORDS} == KEYWORDS


DESCRIPTION_WORDS = {
    "authenticator": "reset-password",
    "Ersatzgerät": "laptop-repair",
    "encryption": "new-laptop",
}


def test_description_words(index, session):
    assert {q: first(index, session, q) for q in DESCRIPTION_WORDS} == DESCRIPTION_WORDS


PREFIX_OF_THE_LAST_WORD = {
    "Urla": "leave",
    "meet": "meeting-rooms",
    "parki": "parking",
    "Gehaltsab": "payslip",
    "new lapt": "new-laptop",
}


def test_prefix_of_the_last_word(index, session):
    assert {q: first(index, session, q) for q in PREFIX_OF_THE_LAST_WORD} == PREFIX_OF_THE_LAST_WORD


def test_title_beats_keywords_beats_summary_beats_body(session, tmp_path, make_department,
                                                      make_offering):
    department = make_department(slug="zoo", name="Zoo")
    for slug, values in [
        ("in-body", {"title": "Vogelpflege", "description": "Futter für den Zebrafink."}),
        ("in-summary", {"title": "Tierarzt", "summary": "Auch für den Zebrafink."}),
        ("in-keywords", {"title": "Käfige", "keywords": ["Zebrafink", "Käfig"]}),
        ("in-title", {"title": "Zebrafink abholen"}),
    ]:
        make_offering(department, slug=slug, language="de", **values)
    bump_catalog_revision(session)
    session.commit()
    index = SearchIndex(tmp_path / "zones")
    assert ranked(index, session, "Zebrafink") == ["in-title", "in-keywords", "in-summary",
                                                   "in-body"]


def test_more_matching_words_rank_higher(index, session):
    assert first(index, session, "mein Laptop ist kaputt") == "laptop-repair"
    assert first(index, session, "laptop new") == "new-laptop"


def test_phrases_in_quotes(index, session):
    assert first(index, session, '"Antrag auf Urlaub"') == "leave"
    assert first(index, session, '"meeting room"') == "meeting-rooms"
    # The same words in another order are no phrase.
    assert ranked(index, session, '"room meeting"') == []


def test_department_name_is_part_of_each_offering(index, session):
    assert set(ranked(index, session, "Personalabteilung")) == {"leave", "payslip",
                                                                 "parental-leave"}


def test_drafts_and_retired_offerings_are_not_found(index, session):
    assert ranked(index, session, "Zeppelin") == []
    assert ranked(index, session, "fax machine") == []


def test_offerings_closed_to_some_audiences_stay_findable(index, session):
    results = search(index, session, criteria(text="Urlaub"))
    leave = next(h.offering for h in results.hits if h.offering.slug == "leave")
    assert not leave.is_open_to("temporary")
    assert ranked(index, session, "Urlaub", audience="temporary") == []
    assert ranked(index, session, "Urlaub", audience="employee")[0] == "leave"
