"""While the database restarts or cannot be reached, pages and the API answer 503 with
Retry-After and a plain reason, never a 500 (benchmarks/faults.py restarts PostgreSQL)."""

from __future__ import annotations

import pytest

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nothing"


@pytest.fixture
def cut_off(make_app):
    return make_app(DATABASE_URL=UNREACHABLE).test_client()


def test_a_page_answers_503_with_retry_after(cut_off):
    response = cut_off.get("/departments/it")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "cannot reach its database just now" in page
    assert "Traceback" not in page and "psycopg" not in page


def test_the_api_answers_503_as_json(cut_off):
    response = cut_off.post("/api/v1/requests", json={"department": "it", "offering": "vpn"},
                            headers={"Authorization": "Bearer sp_some-token"})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "database_unavailable"


def test_in_german_too(cut_off):
    response = cut_off.get("/departments/", headers={"Accept-Language": "de"})

    assert response.status_code == 503
    assert "Datenbank" in response.get_data(as_text=True)


def test_a_signed_in_visitor_gets_the_503_too(cut_off):
    with cut_off.session_transaction() as http_session:
        http_session["_user_id"] = "1:some-session-key"   # loading the user needs the database

    response = cut_off.get("/departments/", headers={"Accept-Language": "de"})

    assert response.status_code == 503
    assert "Datenbank" in response.get_data(as_text=True)


def test_a_connection_dropped_after_the_page_was_made_still_delivers_it(app, client, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("terminates the request's PostgreSQL connection")
    from sqlalchemy import text

    from portal.extensions import db

    @app.after_request
    def database_restarts_now(response):
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return response

    response = client.get("/departments/")

    assert response.status_code == 200
