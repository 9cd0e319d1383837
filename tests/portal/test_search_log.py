"""Searches are logged without the person; owners see the queries that found nothing close to
their offerings, and one action makes the same query find the offering at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, select

from catalog.models import (
    Department,
    DepartmentRole,
    Offering,
    OfferingRevision,
    SearchLogEntry,
    User,
)
from portal.extensions import db
from tests.search_fixtures import load_search_catalog

ROOT = Path(__file__).resolve().parents[2]


def owner_of(session, make_user, slug: str, **values) -> User:
    user = make_user(**values)
    department = session.scalar(select(Department).where(Department.slug == slug))
    department.roles.append(DepartmentRole(user=user, role="owner"))
    session.commit()
    return user


def result_slugs(client, query: str) -> list[str]:
    return [r["offering"] for r in client.get(f"/api/v1/search?q={query}").get_json()["results"]]


def test_a_signed_in_search_is_logged_without_the_person(client, auth, session, engine,
                                                         make_user):
    load_search_catalog(session)
    auth.login(make_user(email="nosy@example.com", name="Nora Nosy"))
    assert client.get("/search?q=Parking%20  SPACE").status_code == 200

    columns = {c["name"] for c in inspect(engine).get_columns("search_log")}
    assert columns == {"id", "token", "searched_at", "query", "language", "source", "results",
                       "opened_offering_id"}
    entry = session.scalars(select(SearchLogEntry)).one()
    assert (entry.query, entry.language, entry.source, entry.results) == \
        ("parking space", "en", "page", 1)
    assert (entry.searched_at.minute, entry.searched_at.second) == (0, 0)
    row = " ".join(str(v) for v in vars(entry).values())
    assert "nosy" not in row.lower() and "Nora" not in row


def test_a_cached_results_page_is_logged_too_and_its_links_name_its_own_entry(client, session):
    load_search_catalog(session)
    first = client.get("/search?q=parking").get_data(as_text=True)
    again = client.get("/search?q=parking").get_data(as_text=True)
    ids = [int(re.search(r'href="/facilities/parking\?from_search=(\d+)"|'
                         r'href="/departments/facilities/parking\?from_search=(\d+)"', html)
               .group(2)) for html in (first, again)]
    entries = session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.id)).all()
    assert [e.token for e in entries] == ids and ids[0] != ids[1]
    assert "from-search" not in again and "search-results:" not in again

    client.get(f"/departments/facilities/parking?from_search={ids[1]}")
    session.expire_all()
    parking = session.scalar(select(Offering.id).where(Offering.slug == "parking"))
    assert [e.opened_offering_id for e in entries] == [None, parking]


def test_searches_are_gathered_and_written_together(make_app, session):
    """With SEARCH_LOG_WRITE_SECONDS, a search costs no write of its own: the searches of the
    last seconds are written in one go, openings included (also one noted before its search
    was written, as when another process answered the search)."""
    load_search_catalog(session)
    app = make_app(SEARCH_LOG_WRITE_SECONDS=3600)
    client = app.test_client()
    first = client.get("/search?q=parking").get_data(as_text=True)
    token = re.search(r'parking\?from_search=(\d+)"', first).group(1)
    client.get(f"/departments/facilities/parking?from_search={token}")
    client.get("/api/v1/search?q=zeppelinflug")
    assert session.scalars(select(SearchLogEntry)).all() == []  # gathered, not written
    log = app.extensions["search_log"]
    elsewhere = log.entries.pop(0)  # as if another process had it and writes it later
    with app.app_context():
        log.write(db.engine)
    session.expire_all()
    assert [e.query for e in session.scalars(select(SearchLogEntry))] == ["zeppelinflug"]
    assert len(log.openings) == 1  # still waiting for its search
    log.entries.append(elsewhere)
    with app.app_context():
        log.write(db.engine)
    session.expire_all()
    parking = session.scalar(select(Offering.id).where(Offering.slug == "parking"))
    entries = session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.query)).all()
    assert [(e.query, e.opened_offering_id) for e in entries] == [
        ("parking", parking), ("zeppelinflug", None)]
    assert log.openings == []


def test_searches_gathered_when_the_process_ends_are_written(session, database_url, tmp_path):
    load_search_catalog(session)
    script = ("from portal import create_app\n"
              "create_app().test_client().get('/api/v1/search?q=parking')\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120, env={
        **os.environ, "PYTHONPATH": str(ROOT), "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(tmp_path / "other"), "PORTAL_SECRET_KEY": "test",
        "PORTAL_SEARCH_LOG_WRITE_SECONDS": "3600"})
    session.expire_all()
    assert [e.query for e in session.scalars(select(SearchLogEntry))] == ["parking"]


def test_api_searches_are_logged_and_return_their_log_id(client, session):
    load_search_catalog(session)
    answer = client.get("/api/v1/search?q=zeppelinflug").get_json()
    entry = session.scalar(select(SearchLogEntry).where(
        SearchLogEntry.token == answer["search_id"]))
    assert (entry.query, entry.source, entry.results) == ("zeppelinflug", "api", 0)
    assert client.get("/api/v1/suggest?q=park").status_code == 200
    assert len(session.scalars(select(SearchLogEntry)).all()) == 1  # suggestions are not


def test_a_query_that_found_nothing_shows_for_its_owner_and_a_synonym_makes_it_find(
        client, auth, session, make_user):
    load_search_catalog(session)
    assert result_slugs(client, "Ferienantrag") == []
    hr_owner = owner_of(session, make_user, "hr")
    it_owner = owner_of(session, make_user, "it")

    auth.login(it_owner)
    assert 'row">ferienantrag<' not in client.get("/manage/it/searches").get_data(as_text=True)
    auth.login(hr_owner)
    assert 'href="/manage/hr/searches"' in client.get("/manage/").get_data(as_text=True)
    html = client.get("/manage/hr/searches").get_data(as_text=True)
    assert "<th scope=\"row\">ferienantrag<br>" in html
    assert '<td data-label="Searches">1</td>' in html  # named on a phone, where rows are cards
    assert client.get("/manage/it/searches").status_code == 403

    response = client.post("/manage/hr/searches", data={
        "query": "ferienantrag", "action": "synonym", "synonym_of": "Urlaub"})
    assert response.status_code == 302
    assert result_slugs(client, "Ferienantrag")[:1] == ["leave"]
    after = client.get("/manage/hr/searches").get_data(as_text=True)
    assert "now finds what" in after and 'row">ferienantrag<' not in after  # acted on


def test_adding_a_query_as_keyword_edits_the_offering_with_history(client, auth, session,
                                                                   make_user):
    load_search_catalog(session)
    assert result_slugs(client, "Geldrückgabe") == []
    owner = auth.login(owner_of(session, make_user, "finance"))
    offering = session.scalar(select(Offering).where(Offering.slug == "travel-expenses"))
    html = client.get("/manage/finance/searches").get_data(as_text=True)
    assert 'row">geldrückgabe<' not in html  # not close to any word of finance's offerings
    client.get("/api/v1/search?q=Reisekostenerstattung")
    assert 'row">reisekostenerstattung<' in client.get("/manage/finance/searches").get_data(
        as_text=True)
    response = client.post("/manage/finance/searches", data={
        "query": "reisekostenerstattung", "action": "keyword", "offering": str(offering.id)})
    assert response.status_code == 302
    after = client.get("/manage/finance/searches").get_data(as_text=True)
    assert "is now a keyword of" in after and 'row">reisekostenerstattung<' not in after
    session.expire_all()
    assert "reisekostenerstattung" in session.get(Offering, offering.id).keywords
    assert result_slugs(client, "Reisekostenerstattung")[:1] == ["travel-expenses"]
    revision = session.scalars(select(OfferingRevision).where(
        OfferingRevision.offering_id == offering.id).order_by(OfferingRevision.number.desc())
    ).first()
    assert revision.author_id == owner.id


def test_the_worker_purges_entries_older_than_the_setting(app, runner, session):
    from datetime import UTC, datetime, timedelta

    from catalog.search_log import record_search
    now = datetime.now(UTC)
    old = record_search(session, "old query", "en", 0, "page", now=now - timedelta(days=181))
    recent = record_search(session, "recent query", "en", 0, "api", now=now - timedelta(days=2))
    session.commit()
    app.config["SEARCH_LOG_DAYS"] = 180
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert old is not None
    assert [e.token for e in session.scalars(select(SearchLogEntry))] == [recent]


def test_only_admins_edit_the_synonym_list_and_a_change_applies_at_once(
        client, auth, session, make_user):
    load_search_catalog(session)
    assert result_slugs(client, "Blechkiste") == []
    auth.login(owner_of(session, make_user, "facilities"))
    assert client.get("/manage/synonyms").status_code == 403
    auth.login(make_user(is_admin=True))
    page = client.get("/manage/synonyms").get_data(as_text=True)
    assert "annual leave" in page and "Reisekostenabrechnung" in page
    response = client.post("/manage/synonyms", data={
        "synonyms": "# ours\nBlechkiste, parking space\n"})
    assert response.status_code == 302
    assert result_slugs(client, "Blechkiste") == ["parking"]
    assert client.get("/manage/synonyms").get_data(as_text=True).count("# ours") == 1
    german = client.get("/manage/synonyms", headers={"accept-language": "de"})
    assert "Synonyme für die Suche" in german.get_data(as_text=True)
