"""Atom feeds of new, changed and retired offerings, read with a real feed parser."""

from __future__ import annotations

import feedparser
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from catalog import editing
from catalog.catalog_file import offering_to_dict
from catalog.models import Offering


@pytest.fixture
def catalog(make_user, make_department, make_offering):
    owner = make_user(email="owner@example.com")
    it = make_department(slug="it", name="IT", owners=[owner])
    hr = make_department(slug="hr", name="HR")
    laptop = make_offering(it, slug="laptop", title="New laptop", summary="A laptop for work")
    make_offering(it, slug="draft-idea", title="Secret idea", status="draft")
    make_offering(hr, slug="holiday", title="Holiday request", summary="Days off")
    return owner, it, laptop


def parse(client: FlaskClient, url: str, **headers: str) -> feedparser.FeedParserDict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def edit(session: Session, offering: Offering, owner, **changes) -> None:
    data = {**offering_to_dict(offering), **changes}
    editing.save_offering(session, offering.department, data, owner, offering=offering,
                          expected_version=offering.version)
    session.commit()


def test_the_catalog_feed_lists_published_offerings_with_absolute_permalinks(client, catalog):
    feed = parse(client, "/feeds/catalog.atom")
    titles = {entry.title for entry in feed.entries}
    assert titles == {"New: New laptop", "New: Holiday request"}  # never the draft
    laptop = catalog[2]
    entry = next(e for e in feed.entries if e.title.endswith("New laptop"))
    assert entry.id == f"http://127.0.0.1:5000/o/{laptop.id}"
    assert entry.link == f"http://127.0.0.1:5000/o/{laptop.id}"
    assert entry.summary == "A laptop for work"
    assert entry.updated_parsed and entry.published_parsed
    assert feed.feed.links[0].href.startswith("http://127.0.0.1:5000/")


def test_a_department_feed_holds_only_its_offerings(client, catalog):
    feed = parse(client, "/departments/it/feed.atom")
    assert [entry.title for entry in feed.entries] == ["New: New laptop"]
    assert feed.feed.title == "IT: new and changed services"
    assert client.get("/departments/nowhere/feed.atom").status_code == 404


def test_an_edit_updates_the_entry_and_says_what_changed(client, session, catalog):
    owner, _, laptop = catalog
    before = parse(client, "/feeds/catalog.atom").entries
    old = next(e for e in before if e.id.endswith(f"/o/{laptop.id}"))
    edit(session, laptop, owner, title="New laptop or tablet", description="Now tablets too.")
    after = parse(client, "/feeds/catalog.atom")
    entry = after.entries[0]  # newest first
    assert entry.id == old.id  # the same entry, updated
    assert entry.title == "Changed: New laptop or tablet"
    assert entry.summary.startswith("Changed: Title, Description.")
    assert entry.updated_parsed >= old.updated_parsed
    assert after.feed.updated == entry.updated


def test_a_retired_offering_says_so_and_names_its_replacement(client, session, catalog,
                                                              make_offering):
    owner, it, laptop = catalog
    make_offering(it, slug="tablet", title="Tablet")
    laptop = session.get(Offering, laptop.id)
    edit(session, laptop, owner, status="retired", replaced_by="tablet")
    entry = next(e for e in parse(client, "/feeds/catalog.atom").entries
                 if e.id.endswith(f"/o/{laptop.id}"))
    assert entry.title == "Retired: New laptop"
    assert entry.summary == "No longer offered. Please use instead: Tablet"


def test_a_new_offering_is_a_new_entry(client, catalog, make_offering):
    _, it, _ = catalog
    count = len(parse(client, "/feeds/catalog.atom").entries)
    make_offering(it, slug="monitor", title="Second monitor")
    feed = parse(client, "/feeds/catalog.atom")
    assert len(feed.entries) == count + 1
    assert feed.entries[0].title == "New: Second monitor"


def test_the_feed_speaks_the_readers_language_and_answers_304(client, catalog):
    feed = parse(client, "/feeds/catalog.atom", **{"Accept-Language": "de"})
    assert feed.feed.title == "Serviceportal: neue und geänderte Leistungen"
    assert {entry.title for entry in feed.entries} >= {"Neu: New laptop"}
    response = client.get("/feeds/catalog.atom")
    again = client.get("/feeds/catalog.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_catalog_pages_link_their_feed(client, catalog):
    home = client.get("/").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml"' in home
            and "/feeds/catalog.atom" in home)
    department = client.get("/departments/it").get_data(as_text=True)
    assert "/departments/it/feed.atom" in department
