"""The index heals itself: deleted, corrupted, locked by another process, killed or out of disk
while an owner edits, searches keep answering, the edit is saved, and the next search (or
`reindex`) shows it. An edit is a catalog function, a commit, then catalog_changed()."""

from __future__ import annotations

import errno
import multiprocessing
import shutil

import pytest
from sqlalchemy import select

from catalog.catalog_file import import_catalog
from catalog.models import Offering
from catalog.search import store, sync
from catalog.slugs import rename_offering
from portal.extensions import db
from portal.indexing import catalog_changed, search_index
from tests.search_fixtures import hold_write_lock, load_search_catalog, one_offering_file


@pytest.fixture
def catalog(app, session):
    app.config["SEARCH_LOCK_TIMEOUT"] = 0.3   # an edit waits this long for another writer
    load_search_catalog(session)


@pytest.fixture
def index_root(app):
    return search_index_root(app)


def search_index_root(app):
    with app.app_context():
        return search_index().root


def found(client, text: str) -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": text})
    assert response.status_code == 200
    return [r["offering"] for r in response.get_json()["results"]]


def edit_title(app, slug: str, title: str) -> None:
    """An owner's edit: a catalog function, a commit, then catalog_changed()."""
    with app.app_context():
        import_catalog(db.session, one_offering_file(
            "facilities", "Gebäude und Zentrale Verwaltung", slug, title))
        db.session.commit()
        catalog_changed()


def saved_title(session, slug: str) -> str:
    session.expire_all()
    return session.scalar(select(Offering.title).where(Offering.slug == slug))


def test_deleted_index_directory(app, client, catalog, index_root, session):
    assert found(client, "parking") == ["parking"]
    shutil.rmtree(index_root)
    assert found(client, "parking") == ["parking"]       # still answering
    shutil.rmtree(index_root)                            # gone again while an owner edits
    edit_title(app, "parking", "Parking garage with chargers")
    assert saved_title(session, "parking") == "Parking garage with chargers"
    assert found(client, "chargers") == ["parking"]
    assert store.current_path(index_root).is_dir()


@pytest.mark.slow
def test_corrupted_segment_file(app, client, catalog, index_root, session):
    assert found(client, "parking") == ["parking"]
    for segment in store.current_path(index_root).glob("*.seg"):
        size = segment.stat().st_size
        segment.write_bytes(b"\x00garbage" * (size // 8 + 1))
    edit_title(app, "parking", "Parking garage with chargers")
    assert saved_title(session, "parking") == "Parking garage with chargers"
    assert found(client, "chargers") == ["parking"]
    assert found(client, "meeting") == ["meeting-rooms"]
    assert sync.probe(index_root)


def test_corrupted_index_in_a_fresh_process(app, client, catalog, index_root, session):
    assert found(client, "parking") == ["parking"]
    for segment in store.current_path(index_root).glob("*.seg"):
        segment.write_bytes(b"not an index")
    app.extensions.pop("search_index").close()   # as a newly started worker would
    assert found(client, "parking") == ["parking"]


@pytest.mark.slow
def test_write_lock_held_by_another_process_while_an_owner_edits(app, client, catalog,
                                                                 index_root, session, runner):
    assert found(client, "parking") == ["parking"]
    spawn = multiprocessing.get_context("spawn")
    locked, release = spawn.Event(), spawn.Event()
    holder = spawn.Process(target=hold_write_lock, args=(str(index_root), locked, release))
    holder.start()
    try:
        assert locked.wait(60)
        edit_title(app, "parking", "Parking garage with chargers")   # does not wait forever
        assert saved_title(session, "parking") == "Parking garage with chargers"
        assert found(client, "meeting") == ["meeting-rooms"]         # searches keep answering
        assert found(client, "chargers") == []                       # not indexed yet
        page = client.get("/search?q=parking")   # the page shows what the database says
        assert page.status_code == 200 and b"</mark> garage with chargers" in page.data
        assert b"No services match" in client.get("/search?q=chargers").data
    finally:
        release.set()
        holder.join(60)
    assert found(client, "chargers") == ["parking"]                  # the next search has it
    assert b"No services match" not in client.get("/search?q=chargers").data  # not cached


@pytest.mark.slow
def test_reindex_shows_the_edit_even_while_the_lock_is_held(app, client, catalog,
                                                             index_root, session, runner):
    assert found(client, "parking") == ["parking"]
    spawn = multiprocessing.get_context("spawn")
    locked, release = spawn.Event(), spawn.Event()
    holder = spawn.Process(target=hold_write_lock, args=(str(index_root), locked, release))
    holder.start()
    try:
        assert locked.wait(60)
        edit_title(app, "parking", "Parking garage with chargers")
        result = runner.invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        assert "Search index rebuilt: 17 published offerings" in result.output
        assert found(client, "chargers") == ["parking"]
    finally:
        release.set()
        holder.join(60)


def test_disk_full_while_indexing_an_edit(app, client, catalog, session, monkeypatch):
    assert found(client, "parking") == ["parking"]

    def no_space(*_, **__):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(sync, "catch_up", no_space)
        edit_title(app, "parking", "Parking garage with chargers")
        assert saved_title(session, "parking") == "Parking garage with chargers"
        assert found(client, "meeting") == ["meeting-rooms"]
    assert found(client, "chargers") == ["parking"]


def test_a_renamed_offering_is_found_at_its_new_address_at_once(app, client, catalog):
    assert found(client, "parking") == ["parking"]
    with app.app_context():
        offering = db.session.scalar(select(Offering).where(Offering.slug == "parking"))
        rename_offering(db.session, offering, "garage-parking")
        db.session.commit()
        catalog_changed()
    assert found(client, "parking") == ["garage-parking"]
    suggestions = client.get("/api/v1/suggest?q=parki").get_json()
    assert suggestions[0]["url"].endswith("/departments/facilities/garage-parking")
