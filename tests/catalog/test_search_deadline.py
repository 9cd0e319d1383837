"""A search's fuzzy look-ups (typos, "did you mean") share its time limit and are capped per
query, so a query of many misspelt words cannot keep a worker busy for seconds."""

from __future__ import annotations

import random
import string
import time

import pytest

from catalog.search import SearchIndex, criteria, search
from catalog.search.query import FUZZY_WORDS
from tests import factories
from tests.search_fixtures import load_search_catalog

# The twelve look-ups below take about 60 ms without a limit (over a second when each walk
# sought through the term file), so they run out of this one.
LIMIT = 0.02
# Twelve long words the catalog does not have: each needs a look-up two edits wide.
TWELVE_TYPOS = ("Konfigurationsdatei Passwortrücksetung Benutzerverwaltng Reisekostenabrechnug "
                "Gehaltsabrechnnug Elternzeitantrg Parkplatzvergabbe Schlüsselverwaltnug "
                "Softwarelizenzz Druckerwartungg Dienstwagenbestelung Umzugsplanungg")


def many_words(count: int) -> str:
    """Made-up words with the typos' first letters: a catalog's worth of words to look
    through (fuzzy look-ups compare only words that start with the same letter)."""
    rnd = random.Random(7)
    return " ".join(rnd.choice("kpbrgesdu") + "".join(rnd.choices(string.ascii_lowercase,
                                                                  k=rnd.randint(7, 14)))
                    for _ in range(count))


@pytest.fixture
def index(session, tmp_path):
    load_search_catalog(session)
    department = factories.make_department(session, slug="glossary", name="Glossary")
    factories.make_offering(session, department, slug="glossary", title="Glossary",
                            description=many_words(4000))
    session.commit()
    index = SearchIndex(tmp_path / "search-index", time_limit=LIMIT)
    search(index, session, criteria(text="laptop"))  # built and opened before the clock runs
    yield index
    index.close()


def slugs(results) -> list[str]:
    return [hit.offering.slug for hit in results.hits]


def test_twelve_typos_answer_within_the_time_limit_and_say_they_are_partial(index, session):
    started = time.monotonic()
    results = search(index, session, criteria(text=TWELVE_TYPOS))
    took = time.monotonic() - started
    # Without the shared deadline the look-ups alone take about three times the limit here.
    assert took < LIMIT + 0.5
    assert results.partial


def test_a_partial_answer_is_not_remembered(index, session):
    assert search(index, session, criteria(text=TWELVE_TYPOS)).partial
    index.time_limit = 10.0
    again = search(index, session, criteria(text=TWELVE_TYPOS))
    assert not again.partial
    assert "payslip" in slugs(again)  # "Gehaltsabrechnnug", now looked up


def test_a_typo_still_finds_its_offering_in_time(index, session):
    index.time_limit = 2.0  # PORTAL_SEARCH_TIME_LIMIT's default
    results = search(index, session, criteria(text="Gehaltsabrechnnug"))
    assert slugs(results)[:1] == ["payslip"] and not results.partial


def test_only_the_first_unknown_words_are_looked_up_as_typos(index, session):
    index.time_limit = 10.0
    unknown = ["Xylophonbauer", "Zwergpudelzucht", "Quallenforschung", "Yachtbesatzung",
               "Zitronenfalter", "Xenonlampen", "Quittengelee"][:FUZZY_WORDS]
    first = search(index, session, criteria(text=" ".join(["Gehaltsabrechnnug", *unknown])))
    assert "payslip" in slugs(first)
    late = search(index, session, criteria(text=" ".join([*unknown, "Gehaltsabrechnnug"])))
    assert late.total == 0 and not late.partial

