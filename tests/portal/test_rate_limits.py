"""Rate limits: searches, suggestions, submissions, comments and API writes are counted per
signed-in user, or else per client address; over a limit pages answer a 429 page and the API
its JSON error, both with Retry-After."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.models import RequestEvent, ServiceRequest
from catalog.people import tokens
from tests import factories
from tests.conftest import Auth
from tests.search_fixtures import load_search_catalog

SEARCHES = 3
ELSEWHERE = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture(autouse=True)
def small_limits(app):
    """Small limits keep the tests fast; each test starts with nothing counted."""
    app.config.update(SEARCH_LIMIT=f"{SEARCHES} per minute", SUGGEST_LIMIT="2 per minute",
                      SUBMIT_LIMIT="2 per minute", COMMENT_LIMIT="2 per minute",
                      API_WRITE_LIMIT="3 per minute")


@pytest.fixture
def catalog(session):
    load_search_catalog(session)


@pytest.fixture
def bearer(session):
    def token_for(user) -> dict[str, str]:
        token = tokens.issue_token(session, user)
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return token_for


@pytest.fixture
def desk(session, it_dept):
    """An offering whose form has no fields: a submission needs only a priority."""
    offering = factories.make_offering(session, it_dept, slug="desk", title="A desk")
    session.commit()
    return offering


def assert_too_many_page(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "Please wait a moment" in page and "please try again in" in page


def assert_too_many_json(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests"
    assert "try again in" in error["message"]


def test_429_after_the_configured_number_of_searches_a_minute(client, catalog):
    for word in ("parking", "laptop", "vacation")[:SEARCHES]:
        assert client.get(f"/search?q={word}").status_code == 200
    assert_too_many_page(client.get("/search?q=printer"))
    # Other clients search on.
    assert client.get("/search?q=printer", environ_base=ELSEWHERE).status_code == 200


def test_a_page_from_the_cache_costs_no_search(client, catalog):
    """Nor does the second ask of a query, answered from the answer kept by the first (the
    page is kept from then on)."""
    for _ in range(SEARCHES + 2):
        assert client.get("/search?q=parking").status_code == 200
    for word in ("laptop", "vacation"):
        assert client.get(f"/search?q={word}").status_code == 200
    assert_too_many_page(client.get("/search?q=printer"))


def test_the_search_api_shares_the_count_and_answers_json(client, catalog):
    client.get("/search?q=parking")
    for word in ("laptop", "vacation"):
        assert client.get(f"/api/v1/search?q={word}").status_code == 200
    assert_too_many_json(client.get("/api/v1/search?q=printer"))
    assert_too_many_page(client.get("/search?q=printer"))


def test_a_signed_in_user_is_counted_wherever_they_are(app, client, catalog, employee,
                                                       make_user):
    Auth(client).login(employee)
    for number, word in enumerate(("parking", "laptop", "vacation")[:SEARCHES]):
        assert client.get(f"/search?q={word}",
                          environ_base={"REMOTE_ADDR": f"10.0.1.{number}"}).status_code == 200
    assert_too_many_page(client.get("/search?q=printer", environ_base=ELSEWHERE))
    # Not the address: someone else signed in at the same address searches on.
    colleague = app.test_client()
    Auth(colleague).login(make_user(email="ole@example.com", name="Ole"))
    assert colleague.get("/search?q=printer", environ_base=ELSEWHERE).status_code == 200


def test_suggestions_are_limited(client, catalog):
    for text in ("pa", "par"):
        assert client.get(f"/api/v1/suggest?q={text}").status_code == 200
    assert_too_many_json(client.get("/api/v1/suggest?q=park"))


def test_submissions_from_the_form_and_the_api_share_the_limit(client, session, desk, employee,
                                                               bearer):
    Auth(client).login(employee)
    assert client.get("/departments/it/desk/request").status_code == 200  # showing is free
    for _ in range(3):  # nor does a form sent back to be corrected
        assert client.post("/departments/it/desk/request",
                           data={"priority": "whenever"}).status_code == 422
    assert client.post("/departments/it/desk/request",
                       data={"priority": "normal"}).status_code == 303
    assert client.post("/api/v1/requests", json={"department": "it", "offering": "desk"},
                       headers=bearer(employee)).status_code == 201
    assert_too_many_page(client.post("/departments/it/desk/request", data={"priority": "normal"}))
    assert_too_many_json(client.post("/api/v1/requests",
                                     json={"department": "it", "offering": "desk"},
                                     headers=bearer(employee)))
    assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 2


def test_comments_are_limited_on_the_page_and_in_the_api(client, session, desk, employee,
                                                         bearer):
    Auth(client).login(employee)
    client.post("/departments/it/desk/request", data={"priority": "normal"})
    ref = session.scalar(select(ServiceRequest.ref))
    assert client.post(f"/requests/{ref}/comments", data={"body": "Any news?"}).status_code == 303
    assert client.post(f"/api/v1/requests/{ref}/comments", json={"body": "Hello?"},
                       headers=bearer(employee)).status_code == 201
    assert_too_many_page(client.post(f"/requests/{ref}/comments", data={"body": "Hello??"}))
    assert_too_many_json(client.post(f"/api/v1/requests/{ref}/comments",
                                     json={"body": "Hello???"}, headers=bearer(employee)))
    comments = select(func.count()).select_from(RequestEvent).where(RequestEvent.kind == "comment")
    assert session.scalar(comments) == 2


def test_api_writes_of_any_kind_are_limited(client, session, desk, employee, agent, bearer):
    ref = client.post("/api/v1/requests", json={"department": "it", "offering": "desk"},
                      headers=bearer(employee)).get_json()["ref"]  # the employee's first write
    staff = bearer(agent)
    for status in ("in_progress", "waiting", "in_progress"):
        assert client.post(f"/api/v1/requests/{ref}/status", json={"status": status},
                           headers=staff).status_code == 200
    assert_too_many_json(client.post(f"/api/v1/requests/{ref}/status",
                                     json={"status": "resolved", "note": "Done"}, headers=staff))
    # Reading is not a write; the employee has writes left.
    assert client.get(f"/api/v1/requests/{ref}", headers=staff).status_code == 200
    assert client.post(f"/api/v1/requests/{ref}/comments", json={"body": "Thanks"},
                       headers=bearer(employee)).status_code == 201


def test_searches_still_answer_while_the_limit_store_is_down(make_app):
    """Redis unreachable: limits are counted in memory meanwhile, pages do not fail."""
    app = make_app(RATELIMIT_STORAGE_URL="redis://127.0.0.1:9", SEARCH_LIMIT="2 per minute")
    client = app.test_client()
    answers = [client.get(f"/search?q=word{number}").status_code for number in range(3)]
    assert 500 not in answers
    assert answers[:2] == [200, 200]


def test_signing_in_still_works_while_the_limit_store_is_down(make_app):
    app = make_app(RATELIMIT_STORAGE_URL="redis://127.0.0.1:9", LOGIN_LIMIT_PER_ADDRESS="2/minute")
    client = app.test_client()
    answers = [client.post("/login", data={"email": "nobody@example.com",
                                           "password": "wrong-password"}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]  # refused, and still throttled (in memory meanwhile)


def test_counting_in_memory_starts_no_thread_and_still_forgets_expired_counts(app,
                                                                              monkeypatch):
    """The default in-memory counts: limits' own storage starts a timer thread for a count
    once the last timer has run (under load, every second search); the portal's sweeps
    expired counts in the counting request instead."""
    import threading
    import time

    from portal.extensions import limiter
    from portal.limiting import SweptMemoryStorage

    storage = limiter.storage
    assert isinstance(storage, SweptMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    for n in range(3):
        storage.incr(f"short:{n}", expiry=0.01)
        time.sleep(0.02)  # each earlier timer would have run by now
    assert started == []
    monkeypatch.setattr(SweptMemoryStorage, "SWEEP_SECONDS", 0.0)
    storage.incr("later", expiry=60)
    assert not any(key.startswith("short:") for key in storage.storage)
    assert storage.get("later") == 1


def test_a_search_page_looks_for_its_limits_once_and_an_api_write_twice(client, catalog,
                                                                         monkeypatch):
    """Flask-Limiter looks for limits before every view and again in a limited view; before
    the view there is nothing to find but the API blueprint's limit on writes."""
    import flask_limiter

    looked = []
    original = flask_limiter.Limiter._check_request_limit

    def counted(self, callable_name=None, in_middleware=True):  # noqa: ANN001, ANN202
        looked.append(in_middleware)
        return original(self, callable_name, in_middleware)

    monkeypatch.setattr(flask_limiter.Limiter, "_check_request_limit", counted)
    assert client.get("/search?q=Laptop").status_code == 200
    assert looked == [False]
    looked.clear()
    client.post("/api/v1/requests", json={})
    assert looked == [True, False]
