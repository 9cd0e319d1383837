"""GET /api/v1/search and /api/v1/suggest as DESIGN.md describes them, and hostile input:
every trap gets an ordinary page and an ordinary JSON answer, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search_fixtures import load_search_catalog


@pytest.fixture
def catalog(session):
    load_search_catalog(session)


def test_search_json(client, catalog):
    body = client.get("/api/v1/search?q=Abrechnung&per_page=1").get_json()
    assert body["total"] == 2 and body["page"] == 1 and len(body["results"]) == 1
    first = body["results"][0]
    assert set(first) >= {"department", "offering", "title", "summary", "url", "score"}
    assert first["url"] == f"http://127.0.0.1:5000/departments/{first['department']}/" \
                           f"{first['offering']}"
    assert body["facets"] == {"department": {"hr": 1, "finance": 1},
                              "audience": {"employee": 2, "temporary": 2, "contractor": 2,
                                           "shareholder": 2}}
    assert body["suggestion"] is None
    second = client.get("/api/v1/search?q=Abrechnung&per_page=1&page=2").get_json()
    assert second["results"][0]["offering"] != first["offering"]


def test_search_json_filters_and_suggests(client, catalog):
    body = client.get("/api/v1/search?q=Abrechnung&department=finance").get_json()
    assert [r["offering"] for r in body["results"]] == ["travel-claim-de"]
    assert client.get("/api/v1/search?q=pasword").get_json()["suggestion"] == "password"


def test_search_json_says_what_the_caller_may_request(client, auth, catalog, make_user):
    anonymous = client.get("/api/v1/search?q=Urlaub").get_json()["results"][0]
    assert anonymous["open_to_you"] is None
    auth.login(make_user(audience="temporary"))
    assert client.get("/api/v1/search?q=Urlaub").get_json()["results"][0]["open_to_you"] \
        is False


def test_suggest_titles_while_typing(client, catalog):
    body = client.get("/api/v1/suggest?q=Urla").get_json()
    assert body == [{"title": "Antrag auf Urlaub",
                     "url": "http://127.0.0.1:5000/departments/hr/leave"}]
    assert [s["title"] for s in client.get("/api/v1/suggest?q=new+lapt").get_json()][0] == \
        "Request a new laptop"
    assert client.get("/api/v1/suggest?q=").get_json() == []


def test_suggest_in_the_opensearch_format(client, catalog):
    response = client.get("/api/v1/suggest?q=Urla&format=opensearch")
    assert response.mimetype == "application/x-suggestions+json"
    assert response.get_json() == ["Urla", ["Antrag auf Urlaub"], [],
                                   ["http://127.0.0.1:5000/departments/hr/leave"]]


TRAPS = ["NOT OR server", "**", "*", "*ung", "server~9", '"unbalanced quote',
         "unbalanced (parenthesis", "(" * 3000, "x" * 10_000, "title:laptop AND",
         "laptop^1000", "[a TO z]", "\x00\x1b\u202e", "%", "\\", "'; DROP TABLE offering;--"]


@pytest.mark.parametrize("trap", TRAPS, ids=range(len(TRAPS)))
def test_traps_get_an_ordinary_page_and_json(client, catalog, trap):
    html = client.get("/search", query_string={"q": trap})
    assert html.status_code == 200 and b"<h1>" in html.data
    assert b"took too long" not in html.data
    body = client.get("/api/v1/search", query_string={"q": trap})
    assert body.status_code == 200 and body.get_json()["partial"] is False
    assert client.get("/api/v1/suggest", query_string={"q": trap}).status_code == 200


def test_invalid_utf8_in_the_url(client, catalog):
    for url in ("/search", "/api/v1/search", "/api/v1/suggest"):
        response = client.get(f"{url}?q=%ff%fe%80laptop&page=%c3&department=%ff")
        assert response.status_code == 200


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_is_a_query(app, client, catalog, text):
    app.config.update(SEARCH_LIMIT="1000 per minute", SUGGEST_LIMIT="1000 per minute")
    for url in ("/search", "/api/v1/search", "/api/v1/suggest"):
        response = client.get(url, query_string={"q": text, "page": text[:5]})
        assert response.status_code == 200, (url, text)
