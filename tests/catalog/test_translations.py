"""Bilingual entries: the other language's texts kept through the catalog file, found by search
in either language, and read in the reader's language with a fallback to the entry's own."""

from __future__ import annotations

import copy

import pytest

from catalog import history
from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.search import SearchIndex, criteria, search
from catalog.translations import localized, localized_field

MOVE = {
    "slug": "desk-move", "title": "Desk or team move", "language": "en",
    "summary": "Move a desk or a whole team.", "description": "We **move** your desk.",
    "keywords": ["relocation"],
    "service_standard": {"included": "Boxes", "not_included": "", "prerequisites": "",
                         "process": "We plan it with you"},
    "priorities": {"hints": {"high": "A team cannot work"}},
    "translations": {"de": {
        "title": "Arbeitsplatz- oder Teamumzug",
        "summary": "Einen Arbeitsplatz oder ein ganzes Team umziehen.",
        "description": "Wir **ziehen** Ihren Arbeitsplatz um.",
        "keywords": ["Umzug", "Büro"],
        "service_standard": {"included": "Umzugskisten"},
        "priorities": {"hints": {"high": "Ein Team kann nicht arbeiten"}},
    }},
    "form": [
        {"name": "room", "label": "New room", "type": "text", "help": "e.g. B2.14",
         "pattern": "^[A-Z][0-9]", "pattern_message": "Building letter, then floor",
         "translations": {"de": {"label": "Neuer Raum", "help": "z. B. B2.14",
                                 "pattern_message": "Gebäudebuchstabe, dann Etage"}}},
        {"name": "size", "label": "Size", "type": "select", "choices": ["Desk", "Team"],
         "translations": {"de": {"label": "Umfang", "choices": ["Arbeitsplatz", "Team"]}}},
    ],
}
HOLIDAY = {"slug": "leave", "title": "Urlaub beantragen", "language": "de",
           "summary": "Urlaubstage einreichen.",
           "translations": {"en": {"title": "Request holiday"}}}
CATALOG = {"departments": [{
    "slug": "facilities", "name": "Facilities", "language": "en",
    "translations": {"de": {"name": "Gebäudemanagement"}},
    "offerings": [MOVE, HOLIDAY, {"slug": "parking", "title": "Parking space",
                                  "language": "en", "summary": "A place for your car."}],
}]}


@pytest.fixture
def catalog(session):
    import_catalog(session, copy.deepcopy(CATALOG))
    session.commit()


def test_export_then_import_then_export_keeps_every_translation(session, catalog):
    first = dump_yaml(export_catalog(session))
    exported = export_catalog(session)
    [department] = exported["departments"]
    move = next(o for o in department["offerings"] if o["slug"] == "desk-move")
    assert move["translations"]["de"]["title"] == "Arbeitsplatz- oder Teamumzug"
    assert move["translations"]["de"]["service_standard"] == {"included": "Umzugskisten"}
    assert move["form"][1]["translations"]["de"]["choices"] == ["Arbeitsplatz", "Team"]
    assert department["translations"] == {"de": {"name": "Gebäudemanagement"}}
    import_catalog(session, load_yaml(first))
    session.commit()
    assert dump_yaml(export_catalog(session)) == first


def test_a_file_without_translations_imports_as_before_and_exports_none(session):
    plain = copy.deepcopy(CATALOG)
    department = plain["departments"][0]
    del department["translations"]
    department["offerings"] = [{k: v for k, v in MOVE.items() if k not in ("translations",
                                                                            "form")}]
    import_catalog(session, plain)
    session.commit()
    [exported] = export_catalog(session)["departments"]
    assert "translations" not in exported and "translations" not in exported["offerings"][0]


def test_translation_problems_are_reported_with_their_paths(session):
    bad = copy.deepcopy(CATALOG)
    offerings = bad["departments"][0]["offerings"]
    offerings[0]["translations"]["fr"] = {"title": "Déménagement"}
    offerings[0]["translations"]["de"]["subtitle"] = "?"
    offerings[0]["form"][1]["translations"]["de"]["choices"] = ["Nur eins"]
    offerings[1]["translations"] = {"de": {"title": "Doppelt"}}
    with pytest.raises(CatalogFileError) as raised:
        import_catalog(session, bad)
    paths = {path for path, _message in raised.value.problems.items}
    assert {"departments[0].offerings[0].translations.fr",
            "departments[0].offerings[0].translations.de.subtitle",
            "departments[0].offerings[0].form[1].translations.de.choices",
            "departments[0].offerings[1].translations.de"} <= paths


def test_a_reader_gets_their_language_and_else_the_entry_s_own(session, catalog):
    from catalog.models import Department, Offering

    move = session.query(Offering).filter_by(slug="desk-move").one()
    leave = session.query(Offering).filter_by(slug="leave").one()
    assert (localized(move, "title", "de").value, localized(move, "title", "de").lang) == (
        "Arbeitsplatz- oder Teamumzug", "de")
    assert localized(move, "title", "en").value == "Desk or team move"
    assert localized(leave, "title", "en").value == "Request holiday"
    # No German "what is not included" and no English summary: the other language, marked.
    assert localized(move, "process", "de").value == "We plan it with you"
    assert localized(move, "process", "de").lang == "en"
    assert localized(leave, "summary", "en").lang == "de"
    facilities = session.query(Department).one()
    assert localized(facilities, "name", "de").value == "Gebäudemanagement"
    size = localized_field(move.form[1], "en", "de")
    assert size["label"] == "Umfang" and size["choice_labels"] == ["Arbeitsplatz", "Team"]
    assert size["choices"] == ["Desk", "Team"]  # what is stored stays the choice


def test_a_change_of_only_the_german_title_records_exactly_that_field(session, catalog):
    from catalog.models import Offering

    move = session.query(Offering).filter_by(slug="desk-move").one()
    before = history.offering_snapshot(move)
    after = copy.deepcopy(before)
    after["translations"]["de"]["title"] = "Umzug eines Arbeitsplatzes oder Teams"
    assert history.changed_keys(before, after, "offering") == ["title.de"]


@pytest.fixture
def index(session, catalog, tmp_path):
    index = SearchIndex(tmp_path / "search-index", lock_timeout=0.5, search_lock_wait=0.05)
    yield index
    index.wait()
    index.close()


@pytest.mark.parametrize("query", ["team move", "Teamumzug", "Umzug", "relocation", "holiday",
                                   "Urlaub"])
def test_either_language_finds_a_bilingual_offering(session, index, query):
    results = search(index, session, criteria(text=query))
    session.rollback()
    slugs = [hit.offering.slug for hit in results.hits]
    assert slugs and slugs[0] == ("leave" if query in ("holiday", "Urlaub") else "desk-move")
