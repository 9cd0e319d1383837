"""Two portal processes editing and searching at the same time never lose an update in their
shared index: every edit is found right after it, and the index ends at the database's
revision with both last edits in it."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from catalog.revision import catalog_revision
from catalog.search import store
from catalog.search.sync import read_state
from tests.search_fixtures import edit_and_search, load_search_catalog

pytestmark = pytest.mark.slow  # two spawned processes editing and searching

ROUNDS = 12


def test_two_processes_editing_and_searching(app, client, session, database_url, tmp_path):
    load_search_catalog(session)
    assert client.get("/api/v1/search?q=parking").status_code == 200  # build the index
    instance = app.instance_path
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, ProcessPoolExecutor(2, mp_context=spawn) as pool:
        start = manager.Event()
        runs = [pool.submit(edit_and_search, database_url, instance, department, name, ROUNDS,
                            start)
                for department, name in (("it", "IT-Service"), ("hr", "Personalabteilung"))]
        start.set()
        problems = [problem for run in runs for problem in run.result(timeout=300)]
    assert problems == []

    # What the index holds now, read without letting a search catch anything up.
    session.expire_all()
    root = app.extensions["search_index"].root
    with store.open_current(root).searcher() as searcher:
        assert read_state(searcher.reader()).revision == catalog_revision(session)
        exact = searcher.reader()
        last = ROUNDS - 1
        for department in ("it", "hr"):
            assert (("exact", f"{department}word{last}") in exact), department
            assert searcher.document(id=str(moving_id(session, department)))["title"] == \
                f"Moving target {department}word{last}"


def moving_id(session, department: str) -> int:
    from sqlalchemy import select

    from catalog.models import Department, Offering
    return session.scalar(select(Offering.id).join(Department).where(
        Department.slug == department, Offering.slug == "moving"))
