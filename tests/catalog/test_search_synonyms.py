"""The shared synonym list at query time: workplace words a new employee would type find the
demo catalog's offerings, a change to the list takes effect at once."""

from __future__ import annotations

import pytest

from catalog.demo import load_demo_data
from catalog.revision import bump_catalog_revision
from catalog.search import SearchIndex, criteria, search, suggest
from catalog.search.synonym_list import add_synonym, save_synonyms, synonym_text
from catalog.search.synonyms import Thesaurus, parse_groups, shipped_text
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def index(tmp_path):
    index = SearchIndex(tmp_path / "search-index")
    yield index
    index.close()


def top(index, session, text: str, n: int = 3) -> list[str]:
    results = search(index, session, criteria(text=text))
    session.rollback()
    return [hit.offering.slug for hit in results.hits][:n]


def test_the_shipped_list_has_real_workplace_vocabulary_in_both_languages():
    groups = parse_groups(shipped_text())
    assert len(groups) >= 40
    holiday = next(g for g in groups if "holiday" in g)
    assert {"annual leave", "day off", "vacation", "Urlaub", "Urlaubsantrag"} <= set(holiday)


def test_phrases_match_as_a_whole_and_longest_first():
    thesaurus = Thesaurus.from_text("annual leave, Urlaub\nleave, Abwesenheit\n")
    assert thesaurus.matches(("Annual", "LEAVE", "form")) == [(0, 2, ["Urlaub"])]
    assert thesaurus.matches(("leave",)) == [(0, 1, ["Abwesenheit"])]
    assert thesaurus.matches(("annual",)) == []


NEW_EMPLOYEE = {
    "holiday request": "urlaubsantrag",
    "annual leave": "urlaubsantrag",
    "travel expenses": "reisekostenabrechnung",
}


@pytest.mark.slow  # loads the demo catalog
def test_a_new_employees_words_find_the_demo_offerings_in_the_top_three(index, session):
    load_demo_data(session)
    session.commit()
    found = {query: top(index, session, query) for query in NEW_EMPLOYEE}
    assert {query: wanted in found[query] for query, wanted in NEW_EMPLOYEE.items()} == \
        dict.fromkeys(NEW_EMPLOYEE, True), found
    # Without the list (and with the holiday offering's English title) not all of them do.
    save_synonyms(session, "# none\n")
    session.commit()
    found = {query: top(index, session, query) for query in NEW_EMPLOYEE}
    assert not all(wanted in found[query] for query, wanted in NEW_EMPLOYEE.items()), found


def test_suggestions_as_you_type_know_the_synonyms_too(index, session):
    load_search_catalog(session)
    # No title or keyword has "holiday" or "Spesen": the list says what they mean.
    assert [s.slug for s in suggest(index, session, "holiday")][:1] == ["leave"]
    assert "travel-claim-de" in [s.slug for s in suggest(index, session, "Spesen")][:2]
    assert [s.slug for s in suggest(index, session, "Urlaub")][:1] == ["leave"]  # as before


def test_the_word_typed_ranks_above_its_synonym(index, session):
    load_search_catalog(session)
    # "Urlaub" is typed in "leave"'s title; "vacation" is only its synonym.
    save_synonyms(session, "vacation, Urlaub\n")
    session.commit()
    assert top(index, session, "Urlaub", 1) == ["leave"]
    found = search(index, session, criteria(text="vacation Urlaub"))
    assert found.hits[0].offering.slug == "leave"


def test_buchen_typed_beside_english_words_finds_the_offering_to_book(
        index, session, make_department, make_offering):
    # German "buchen" is English "book": without the shipped list saying so, "buchen" matches
    # nothing here and the offering with more of "meeting room" ranks first.
    department = make_department(slug="facilities", name="Facilities")
    make_offering(department, slug="room-booking", language="en", title="Book a meeting room",
                  summary="Rooms for up to twelve people.")
    make_offering(department, slug="room-repair", language="en", title="Meeting room repairs",
                  summary="A broken meeting room projector, meeting room phone or blind.")
    bump_catalog_revision(session)
    session.commit()
    assert top(index, session, "buchen") == ["room-booking"]
    assert top(index, session, "meeting room buchen", 1) == ["room-booking"]


def test_no_shipped_synonym_reads_an_application_for_leave_as_software(
        index, session, make_department, make_offering):
    # "application" at work is a request as often as a program: the shipped list must not
    # make "Elternzeit application" find every software offering that mentions parental leave.
    hr = make_department(slug="hr", name="HR")
    make_offering(hr, slug="elternzeit", language="de", title="Elternzeit und Elterngeld",
                  summary="Elternzeit beantragen.")
    it = make_department(slug="it", name="IT")
    make_offering(it, slug="licence", language="de", title="Software bestellen",
                  summary="Lizenzen auch während der Elternzeit verlängern.")
    bump_catalog_revision(session)
    session.commit()
    assert top(index, session, "Elternzeit application", 1) == ["elternzeit"]


def test_a_synonym_added_is_found_at_once_on_a_warm_cache(index, session):
    load_search_catalog(session)
    assert top(index, session, "Ferienantrag") == []
    assert top(index, session, "Ferienantrag") == []  # now answered from the cache
    add_synonym(session, "Ferienantrag", "Urlaub")
    session.commit()
    assert top(index, session, "Ferienantrag", 1) == ["leave"]
    holiday = next(g for g in parse_groups(synonym_text(session)) if "Urlaub" in g)
    assert holiday[-1] == "Ferienantrag"
