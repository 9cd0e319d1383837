"""The index is a cache of the database: it records the catalog revision it reflects, catches up
by comparing each offering's stamp, and is rebuilt into a new directory when needed."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import select, update

from catalog.catalog_file import import_catalog
from catalog.models import Department, Offering
from catalog.revision import bump_catalog_revision, catalog_revision
from catalog.search import SearchIndex, criteria, search, store
from catalog.slugs import rename_department
from tests.search_fixtures import die_while_writing, load_search_catalog, one_offering_file


@pytest.fixture
def index(session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index", lock_timeout=0.5, search_lock_wait=0.05)
    yield index
    index.wait()
    index.close()


def found(index, session, text: str, **filters) -> list[str]:
    results = search(index, session, criteria(text=text, **filters))
    session.rollback()
    return [hit.offering.slug for hit in results.hits]


def leave_id(session) -> int:
    return session.scalar(select(Offering.id).where(Offering.slug == "leave"))


def recorded_revision(root: Path) -> int:
    from catalog.search.sync import read_state

    with store.open_current(root).searcher() as searcher:
        return read_state(searcher.reader()).revision


def test_first_search_builds_the_index_at_the_catalog_revision(index, session):
    assert not (index.root / store.CURRENT).exists()
    assert found(index, session, "Urlaub") == ["leave"]
    assert recorded_revision(index.root) == catalog_revision(session)


def test_a_committed_change_is_indexed_by_catch_up(index, session):
    found(index, session, "Urlaub")
    import_catalog(session, one_offering_file("hr", "Personalabteilung", "leave",
                                              "Antrag auf Freizeitausgleich"))
    session.commit()
    assert index.catch_up(session)
    assert recorded_revision(index.root) == catalog_revision(session)
    assert found(index, session, "Freizeitausgleich") == ["leave"]
    assert "leave" not in found(index, session, "Urlaub")


def test_retired_and_draft_offerings_leave_the_index(index, session):
    assert found(index, session, "parking") == ["parking"]
    import_catalog(session, one_offering_file("facilities", "Facilities", "parking",
                                              "Parking space", status="retired"))
    session.commit()
    index.catch_up(session)
    assert found(index, session, "parking") == []


def test_department_renames_reach_every_offering_of_it(index, session):
    found(index, session, "Urlaub")
    hr = session.scalar(select(Department).where(Department.slug == "hr"))
    rename_department(session, hr, "people")
    hr.name = "People and Culture"
    session.commit()
    index.catch_up(session)
    results = search(index, session, criteria(text="Culture"))
    assert {h.offering.slug for h in results.hits} == {"leave", "payslip", "parental-leave"}
    assert results.facets["department"] == {"people": 3}
    assert results.department_names["people"] == "People and Culture"


def test_a_change_that_skipped_the_revision_needs_a_rebuild(index, session):
    found(index, session, "Urlaub")
    # Written behind the catalog's back: no revision bump, so no host notices by itself.
    session.execute(update(Offering).where(Offering.slug == "parking")
                    .values(title="Bicycle garage", version=Offering.version + 1))
    session.commit()
    assert found(index, session, "bicycle") == []
    assert index.rebuild(session) == 17
    assert found(index, session, "bicycle") == ["parking"]


def test_a_rebuild_swaps_in_a_new_generation_while_the_old_one_answers(index, session):
    found(index, session, "Urlaub")
    old = store.current_path(index.root)
    with store.open_current(index.root).searcher() as elsewhere:  # another process, say
        index.rebuild(session)
        new = store.current_path(index.root)
        assert new != old and old.exists()  # kept for readers still using it
        assert elsewhere.document(id=str(leave_id(session)))["slug"] == "leave"
    index.rebuild(session)
    generations = sorted(p.name for p in index.root.iterdir() if p.name.startswith("gen-"))
    assert len(generations) == 2 and not old.exists()
    assert found(index, session, "Urlaub") == ["leave"]


@pytest.mark.slow
def test_a_writer_killed_before_committing_loses_nothing(index, session):
    found(index, session, "Urlaub")
    child = multiprocessing.get_context("spawn").Process(
        target=die_while_writing, args=(str(index.root),))
    child.start()
    child.join(60)
    assert child.exitcode == 1
    import_catalog(session, one_offering_file("it", "IT-Service", "vpn",
                                              "VPN for globetrotters"))
    session.commit()
    assert index.catch_up(session)  # the dead process's lock went with it
    assert found(index, session, "globetrotters") == ["vpn"]
    assert found(index, session, "half written") == []


@pytest.mark.slow
def test_a_large_catalog_is_rebuilt_in_the_background_while_the_database_answers(
        session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index", sync_rebuild_limit=0)
    try:
        results = search(index, session, criteria(text="Parking"))
        assert results.degraded and [h.offering.slug for h in results.hits] == ["parking"]
        index.wait(120)
        results = search(index, session, criteria(text="Parking"))
        assert not results.degraded and [h.offering.slug for h in results.hits] == ["parking"]
    finally:
        index.close()


def test_only_published_offerings_count_towards_the_rebuild(index, session):
    published = session.scalars(select(Offering).where(Offering.status == "published")).all()
    assert index.rebuild(session) == len(published)
    bump_catalog_revision(session)
    session.commit()
    assert index.catch_up(session)
