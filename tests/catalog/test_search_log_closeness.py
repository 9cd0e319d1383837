"""Which queries plausibly belong to a department: close to its offerings' words by stem,
a typo or two, or a compound part; and the log's rows hold nothing about the person."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from catalog.models import SearchLogEntry
from catalog.search_log import (
    DepartmentWords,
    close_words,
    normalised_query,
    purge_search_log,
    record_opening,
    record_search,
)


def hr_words() -> DepartmentWords:
    words = DepartmentWords()
    words.add(1, "Antrag auf Urlaub")
    words.add(2, "Fragen zur Gehaltsabrechnung")
    words.add(3, "Parental leave")
    return words


def test_close_by_stem_typo_and_compound_part():
    words = hr_words()
    assert close_words("Urlaube", words) == ["urlaub"]                 # same stem
    assert close_words("Gehaltsabrechnnug", words) == ["gehaltsabrechnung"]  # two letters off
    assert close_words("Urlaubsplanung", words) == ["urlaub"]          # starts with a word
    assert close_words("Ferienantrag", words) == ["antrag"]            # ends with a word
    assert close_words("parental", words) == ["parental"]
    assert close_words("Laptop kaputt", words) == []
    assert close_words("auf zur", words) == []                          # stop words only


def test_a_search_is_logged_normalised_on_the_hour_and_opened_once(session, make_department,
                                                                   make_offering):
    offering = make_offering(make_department())
    at = datetime(2026, 11, 28, 14, 37, 12, tzinfo=UTC)
    entry = record_search(session, "  Urlaub\tBEANTRAGEN ", "de", 3, "page", now=at)
    assert record_search(session, "   ", "de", 0, "page") is None
    row = session.scalar(select(SearchLogEntry).where(SearchLogEntry.token == entry))
    assert (row.query, row.searched_at) == ("urlaub beantragen",
                                           datetime(2026, 11, 28, 14, tzinfo=UTC))
    assert record_opening(session, entry, offering.id)
    assert not record_opening(session, entry, offering.id)  # the first opened counts
    assert normalised_query("x" * 500) == "x" * 200
    assert purge_search_log(session, 30, now=datetime(2027, 1, 1, tzinfo=UTC)) == 1
    assert purge_search_log(session, 0) == 0
