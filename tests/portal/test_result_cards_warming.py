"""Result cards rendered ahead in the background (portal/search/cards.py, SEARCH_WARM_UP) are
the cards a page would have rendered itself, for the reader's language and audience, and a
later page finds them all kept."""

from __future__ import annotations

import re

import pytest

from portal.indexing import search_index
from tests.conftest import Auth
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def catalog(app, session):
    load_search_catalog(session)
    app.config["SEARCH_WARM_UP"] = True
    app.extensions.pop("search_index", None)
    yield
    warmed(app)


def warmed(app) -> None:  # noqa: ANN001
    with app.app_context():
        assert search_index().warming.wait(30)


def result_list(html: str) -> str:
    """The page's results, without the search's log number in links and the spaces between
    cards (which depend on where in a rendering a card came)."""
    found = re.search(r'<ol class="search-results".*?</ol>', html, re.S)
    assert found, html
    return re.sub(r">\s+<", "><", re.sub(r"from_search=\d+", "", found.group(0)))


def test_cards_read_ahead_are_those_a_page_renders(app, client, auth, make_user, make_app,
                                                   catalog):
    contractor = make_user(email="carla@example.com", audience="contractor")
    auth.login(contractor)
    assert client.get("/search?q=toner&lang=de").status_code == 200
    warmed(app)
    kept = app.extensions["result_cards"]
    cold = make_app()  # renders every card with its page
    cold_client = cold.test_client()
    Auth(cold_client).login(contractor)
    cold_client.get("/?lang=de")
    misses = kept.misses
    # All three found by cards rendered in the background; the leave is open to employees
    # only, which a contractor's card says.
    page = client.get("/search?q=Urlaub+parking+laptop").get_data(as_text=True)
    assert kept.misses == misses
    shown = result_list(page)
    assert "Antrag auf <mark>Urlaub</mark>" in shown and "<mark>Parking</mark>" in shown
    assert "Für externe Dienstleister nicht verfügbar" in shown
    assert shown == result_list(cold_client.get("/search?q=Urlaub+parking+laptop")
                                .get_data(as_text=True))


def test_each_language_gets_its_own_cards(app, client, catalog):
    client.get("/search?q=toner&lang=en")
    client.get("/search?q=toner&lang=de")
    warmed(app)
    kept = app.extensions["result_cards"]
    misses = kept.misses
    english = result_list(client.get("/search?q=parking&lang=en").get_data(as_text=True))
    german = result_list(client.get("/search?q=parking&lang=de").get_data(as_text=True))
    assert kept.misses == misses
    assert "First response within 4 business hours" in english
    assert "Erstreaktion innerhalb von 4 Geschäftsstunden" in german
