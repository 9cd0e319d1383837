"""Reading ahead what result pages show (catalog/search/warming.py): after the first search of
an index state, every published offering is kept for later pages without reading it while
they wait, never one of a later catalog revision than the state's."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import event, select, update

from catalog.models import Offering
from catalog.revision import bump_catalog_revision
from catalog.search import SearchIndex, criteria, search
from catalog.search.operations import kept_offerings, warm_rows
from catalog.search.warming import Warming
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def index(session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index", warm_up=True)
    yield index
    assert index.warming.wait(30)
    index.close()


@pytest.fixture
def offering_reads(engine):
    """Statements that read offerings, counted while the test runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if "FROM offering" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def published_ids(session) -> set[int]:
    return set(session.scalars(select(Offering.id).where(Offering.status == "published")))


def test_after_a_first_search_every_published_offering_is_kept(index, session,
                                                                offering_reads):
    first = search(index, session, criteria(text="Urlaub"))
    session.rollback()
    assert index.warming.wait(30)
    assert {o.id for o in kept_offerings(index, first.state)} == published_ids(session)
    session.rollback()
    offering_reads.clear()
    later = search(index, session, criteria(text="parking laptop toner"))
    assert {hit.offering.slug for hit in later.hits} >= {"parking", "new-laptop",
                                                          "printer-toner"}
    assert offering_reads == []  # the page's offerings were all read ahead
    assert later.hits[0].offering.department.name  # with their departments


def test_nothing_is_read_ahead_when_warming_is_off(session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index")
    found = search(index, session, criteria(text="Urlaub"))
    session.rollback()
    assert index.warming.wait(5)
    assert [o.slug for o in kept_offerings(index, found.state)] == ["leave"]
    index.close()


def test_rows_of_a_later_catalog_revision_are_never_kept(index, session, engine):
    found = search(index, session, criteria(text="Urlaub"))
    session.rollback()
    assert index.warming.wait(30)
    with index.reading(session) as view:
        view.memo.rows.clear()
    session.rollback()
    # The catalog moves on (as another host's edit would) before the view catches up.
    session.execute(update(Offering).where(Offering.slug == "parking")
                    .values(title="Parking for bicycles"))
    bump_catalog_revision(session)
    session.commit()
    assert list(warm_rows(index, view, engine)) == []  # stopped at the first chunk
    assert kept_offerings(index, found.state) == []


def test_each_job_runs_once_and_a_failing_one_stops_no_other(caplog):
    warming = Warming()
    ran: list[str] = []
    go_on = threading.Event()

    def job(name: str):
        def steps():
            go_on.wait(10)
            if name == "broken":
                raise RuntimeError("unreadable")
            ran.append(name)
            yield
        return steps

    with caplog.at_level(logging.WARNING, logger="catalog.search.warming"):
        assert warming.ask("a", job("a"))
        assert warming.ask("broken", job("broken"))
        assert warming.ask("b", job("b"))
        assert not warming.ask("a", job("a again"))
        assert warming.asked("a") and not warming.asked("c")
        go_on.set()
        assert warming.wait(10)
    assert ran == ["a", "b"]
    assert "warming the search caches failed" in caplog.text
