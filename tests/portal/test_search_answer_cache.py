"""Answers to searches are shared and remembered per process, and never outlive an edit: not
on the host where the edit was made, nor on another host with its own index on the same
database. What differs by person (whether they may request an offering) is never shared."""

from __future__ import annotations

import pytest

from catalog.catalog_file import import_catalog
from catalog.search import searching
from portal import create_app
from portal.extensions import db
from portal.indexing import catalog_changed
from tests.search_fixtures import load_search_catalog, one_offering_file


@pytest.fixture
def catalog(session):
    load_search_catalog(session)


@pytest.fixture
def second_host(app, tmp_path, monkeypatch):
    """Another app on the same database, with an index directory of its own."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "second-host"))
    other = create_app({key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED", "SEARCH_WARM_UP")})
    other.jinja_env.bytecode_cache = app.jinja_env.bytecode_cache
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def runs(monkeypatch):
    """Queries actually run against an index (not answered from the cache)."""
    found: list[str] = []
    real = searching.run

    def counting(view, built, criteria, *args, **kwargs):  # noqa: ANN001, ANN202
        found.append(criteria.text)
        return real(view, built, criteria, *args, **kwargs)

    monkeypatch.setattr(searching, "run", counting)
    return found


def offerings(client, query: str) -> list[str]:
    body = client.get(f"/api/v1/search?{query}").get_json()
    return [r["offering"] for r in body["results"]]


def edit_leave(session, title: str) -> None:
    """Rename the leave offering, as an owner's edit does (committed, revision bumped)."""
    import_catalog(session, one_offering_file("hr", "Personalabteilung", "leave", title))
    session.commit()


def answer(client, query: str) -> dict:
    """The API's answer without its search log id (each search is logged on its own)."""
    body = client.get(f"/api/v1/search?{query}").get_json()
    assert body.pop("search_id")
    return body


def test_a_repeated_query_is_answered_from_the_cache(client, catalog, runs):
    first = answer(client, "q=Urlaub")
    assert answer(client, "q=Urlaub") == first
    assert answer(client, "q=%20%20Urlaub") == first  # normalised
    assert runs == ["Urlaub"]
    assert offerings(client, "q=Urlaub&department=hr") == ["leave"]
    assert runs == ["Urlaub", "Urlaub"]  # another filter is another answer


def test_the_page_shares_answers_but_marks_what_the_user_may_request(client, auth, catalog,
                                                                  make_user, runs):
    assert "leave" in offerings(client, "q=Urlaub")
    auth.login(make_user(email="temp@example.com", audience="temporary"))
    html = client.get("/search?q=Urlaub").get_data(as_text=True)
    assert "You cannot request this as" in html
    auth.login(make_user(email="staff@example.com", audience="employee"))
    html = client.get("/search?q=Urlaub").get_data(as_text=True)
    assert "/departments/hr/leave" in html and "You cannot request this as" not in html
    assert runs == ["Urlaub"]


def test_results_differ_by_audience_where_eligibility_differs(client, auth, catalog,
                                                              make_user):
    assert "leave" in offerings(client, "q=Urlaub&audience=employee")
    assert "leave" not in offerings(client, "q=Urlaub&audience=temporary")
    auth.login(make_user(email="temp@example.com", audience="temporary"))
    result = client.get("/api/v1/search?q=Urlaub").get_json()["results"][0]
    assert result["offering"] == "leave" and result["open_to_you"] is False
    auth.login(make_user(email="staff@example.com", audience="employee"))
    result = client.get("/api/v1/search?q=Urlaub").get_json()["results"][0]
    assert result["offering"] == "leave" and result["open_to_you"] is True


def test_an_edit_on_this_host_is_found_by_the_next_search(app, client, session, catalog,
                                                         runs):
    assert offerings(client, "q=Urlaub") == ["leave"]
    edit_leave(session, "Antrag auf Freizeitausgleich")
    with app.app_context():
        catalog_changed()  # what the edit's view does after committing
    assert offerings(client, "q=Urlaub") == []
    assert offerings(client, "q=Freizeitausgleich") == ["leave"]
    assert runs == ["Urlaub", "Urlaub", "Freizeitausgleich"]


def test_an_edit_is_found_on_a_host_that_cached_the_old_answer(client, second_host, session,
                                                              catalog):
    other = second_host.test_client()
    assert offerings(other, "q=Urlaub") == ["leave"]
    assert offerings(client, "q=Urlaub") == ["leave"]
    edit_leave(session, "Antrag auf Freizeitausgleich")  # on neither host's index
    with second_host.app_context():
        catalog_changed()  # the second host made the edit: only its index is told
    for host in (other, client):
        assert offerings(host, "q=Urlaub") == []
        assert offerings(host, "q=Freizeitausgleich") == ["leave"]


def test_the_cache_is_bounded(app, client, catalog):
    app.config["SEARCH_ANSWER_CACHE_SIZE"] = 2
    app.extensions.pop("search_index", None)
    for text in ("Urlaub", "laptop", "Drucker", "password"):
        client.get(f"/api/v1/search?q={text}")
    assert len(app.extensions["search_index"].answers) == 2
