"""Typos allowed by word length (Damerau: swapped letters are one edit), compounds corrected
part by part, ranking by how many content words an offering matches, and suggestions ranked
like search."""

from __future__ import annotations

import pytest

from catalog.revision import bump_catalog_revision
from catalog.search import SearchIndex, criteria, search, suggest
from catalog.search.fuzzy import damerau, edit_allowance
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories


@pytest.fixture
def zoo(session, make_department, make_offering):
    """Offerings of a made-up department, with words no other test catalog has."""
    department = make_department(slug="zoo", name="Tierpark")

    def add(slug: str, title: str, **values):
        return make_offering(department, slug=slug, title=title, language="de", **values)
    return add


@pytest.fixture
def index(session, tmp_path):
    made = SearchIndex(tmp_path / "search-index")
    yield made
    made.close()


def ranked(index, session, text: str) -> list[str]:
    results = search(index, session, criteria(text=text))
    session.rollback()
    return [hit.offering.slug for hit in results.hits]


def publish(session) -> None:
    bump_catalog_revision(session)
    session.commit()


@pytest.mark.parametrize(("length", "edits"), [(3, 0), (4, 1), (5, 1), (6, 2), (12, 2),
                                                (13, 3), (25, 3)])
def test_edit_allowance_grows_with_the_word(length, edits):
    assert edit_allowance(length) == edits


def test_swapped_letters_are_one_edit():
    assert damerau("urlaub", "urluab") == 1
    assert damerau("sprechstunde", "sprechstnude") == 1
    assert damerau("anfragen", "anfargenn") == 2
    assert damerau("kiwi", "kiwi") == 0


def test_long_words_may_have_two_typos_and_words_beyond_twelve_letters_three(
        index, session, zoo):
    zoo("hours", "Betriebsratssprechstunde anfragen")
    zoo("account", "Gleitzeitkontoauszug")
    publish(session)
    # A swap and a doubled letter in the plural: three Levenshtein edits, two Damerau edits.
    assert ranked(index, session, "Betriebsratssprechstnudenn") == ["hours"]
    assert ranked(index, session, "Gleitzeitkontoasuzug") == ["account"]
    # Three typos in a word of 24 letters still find it.
    assert ranked(index, session, "Betriebratssprechstnudee") == ["hours"]


def test_a_swap_in_a_six_letter_word_is_found_but_short_words_stay_strict(
        index, session, zoo):
    zoo("tickets", "Eintritt und Gutschein", keywords=["Gutschein", "Zebra", "Gnu"])
    publish(session)
    assert ranked(index, session, "Gutshcein") == ["tickets"]   # one swap, 9 letters
    assert ranked(index, session, "Zerba") == ["tickets"]       # one swap, 5 letters
    assert ranked(index, session, "Zerab") == []                # two edits in 5 letters: no
    assert ranked(index, session, "Gnu") == ["tickets"]
    assert ranked(index, session, "Gun") == []                  # 3 letters: only as typed


def test_a_compound_with_a_typo_in_one_part_finds_its_parts(index, session, zoo):
    zoo("feeding", "Antrag auf Fütterung", description="Für jedes Gehege einzeln.")
    zoo("other", "Gehege reinigen")
    publish(session)
    # Neither "Gehegefütterung" nor its typo is a word of the catalog: the parts are
    # "Gehege" (known) and "Fütternug" (corrected to "Fütterung").
    assert ranked(index, session, "Gehegefütternug")[:1] == ["feeding"]
    assert ranked(index, session, "Fütterungsantarg")[:1] == ["feeding"]


def test_an_offering_with_every_content_word_ranks_above_titles_with_some(
        index, session, zoo):
    zoo("title-two", "Zebrafink Futter bestellen")
    zoo("title-one", "Zebrafink Käfig")
    zoo("all-three", "Vogelbedarf",
        description="Futter, Käfig und Sitzstangen für Ihren Zebrafink.")
    publish(session)
    assert ranked(index, session, "Zebrafink Futter Käfig")[0] == "all-three"
    # Among offerings matching the same words, the title counts more than the body.
    assert ranked(index, session, "Zebrafink Futter")[:2] == ["title-two", "all-three"]


def test_question_words_do_not_count_as_content(index, session, zoo):
    zoo("finch", "Zebrafink abgeben")
    zoo("chatty", "Wo bekomme ich Vogelfutter?",
        description="Wie kann ich einen Zebrafink pflegen?")
    publish(session)
    assert ranked(index, session, "Wo bekomme ich einen Zebrafink")[0] == "finch"
    assert ranked(index, session, "How can I get a Zebrafink")[0] == "finch"


def test_question_words_stay_no_content_when_synonyms_take_the_content_word(index, session,
                                                                            zoo):
    from catalog.search.synonym_list import save_synonyms
    save_synonyms(session, "Zebrafink, Prachtfink\n")
    zoo("finch", "Zebrafink abgeben")
    zoo("chatty", "Wie und wo beantrage und bekomme ich Vogelfutter?")
    publish(session)
    # "Zebrafink" goes to the synonym clause; the question words left must not become
    # content words that outnumber it.
    assert ranked(index, session, "Wie und wo beantrage und bekomme ich einen Zebrafink")[0] \
        == "finch"


def test_suggestions_put_title_prefixes_first_then_the_most_requested(
        index, session, zoo, tmp_path):
    zoo("quiet", "Zebrafink abholen")
    wanted = zoo("wanted", "Zebrafink füttern")
    zoo("body-only", "Vogelpflege", keywords=["Futter"],
        description="Zebrafinkenfutter und mehr.")
    publish(session)
    # Title prefixes first; the body's "Zebrafinkenfutter" is no title or keyword word.
    assert {s.slug for s in suggest(index, session, "Zebraf")[:2]} == {"quiet", "wanted"}
    store = FileStore(tmp_path / "uploads", 1024 * 1024)
    requester = factories.make_user(session)
    for _ in range(2):
        submit_request(session, wanted, requester, priority="normal", values={}, store=store)
    session.commit()
    assert [s.slug for s in suggest(index, session, "Zebraf")] == ["wanted", "quiet"]


def test_suggestions_tolerate_a_typo_from_the_fourth_letter(index, session, zoo):
    zoo("finch", "Zebrafink abholen")
    zoo("zoo", "Zoo-Eintritt")
    publish(session)
    assert [s.slug for s in suggest(index, session, "Zerbaf")] == ["finch"]
    assert [s.slug for s in suggest(index, session, "Zre")] == []
