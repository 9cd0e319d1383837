"""/healthz: what a load balancer and monitoring read. 200 while the host can serve, 503 when
the database does not answer; the search index and the mail outbox are reported as they are."""

from __future__ import annotations

import shutil
from datetime import timedelta

from catalog.models import OutboxMessage, utcnow
from portal.extensions import db
from portal.indexing import search_index
from tests.search_fixtures import load_search_catalog


def _pending_mail(session, age: timedelta) -> None:
    session.add(OutboxMessage(kind="submitted", to_address="someone@example.com", data={},
                              created_at=utcnow() - age, next_attempt_at=utcnow()))
    session.commit()


def _build_index(app) -> None:
    with app.app_context():
        search_index().rebuild(db.session)


def test_healthy_portal_reports_database_index_and_mail_backlog(app, client, session):
    load_search_catalog(session)
    _build_index(app)
    _pending_mail(session, timedelta(minutes=10))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session is started for a probe
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["search"] == {"index": "current"}
    assert body["outbox"]["pending"] == 1
    assert 590 <= body["outbox"]["oldest_pending_seconds"] <= 700
    assert "someone@example.com" not in response.get_data(as_text=True)


def test_answer_is_never_a_cached_one(client, session):
    assert client.get("/healthz").get_json()["outbox"] == {
        "pending": 0, "oldest_pending_seconds": None}
    _pending_mail(session, timedelta(seconds=5))
    assert client.get("/healthz").get_json()["outbox"]["pending"] == 1


def test_unreachable_database_answers_503_with_json(make_app):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "unreachable",
                                   "search": None, "outbox": None}
    assert "Traceback" not in response.get_data(as_text=True)


def test_missing_index_is_reported_and_heals_with_the_next_search(app, client, session):
    load_search_catalog(session)
    _build_index(app)
    with app.app_context():
        shutil.rmtree(search_index().root)

    body = client.get("/healthz").get_json()
    # Searches still answer (from the database) and rebuild it: the host keeps serving.
    assert (client.get("/healthz").status_code, body["status"], body["search"]) == (
        200, "degraded", {"index": "missing"})

    assert client.get("/api/v1/search", query_string={"q": "laptop"}).status_code == 200
    assert client.get("/healthz").get_json()["search"] == {"index": "current"}


def test_mail_waiting_longer_than_the_longest_retry_is_degraded(app, client, session):
    load_search_catalog(session)
    _build_index(app)
    app.config["MAIL_RETRY_MAX_SECONDS"] = 3600
    _pending_mail(session, timedelta(hours=2))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"


def test_probe_stays_open_when_browsing_needs_sign_in(make_app):
    app = make_app(REQUIRE_LOGIN_TO_BROWSE=True)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_probe_is_not_rate_limited(client):
    assert all(client.get("/healthz").status_code == 200 for _ in range(300))


def test_probe_answers_a_load_balancer_asking_by_address(client):
    response = client.get("/healthz", headers={"Host": "10.0.0.5:8000"})
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
    assert client.get("/departments/", headers={"Host": "10.0.0.5:8000"}).status_code == 400
