"""API tokens: judged alone (a bad token is 401 even next to a good session), scoped, expiring,
revocable; CSRF only for cookie sessions; the `users token(s)` and `revoke-token` commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from catalog.models import ApiToken, ServiceRequest
from catalog.people import tokens
from tests import factories

VPN_FORM = [{"name": "reason", "label": "Reason", "type": "text", "required": True, "help": ""}]
NEW_REQUEST = {"department": "it", "offering": "vpn", "priority": "normal",
               "fields": {"reason": "Working from home"}}
OFFERING = {
    "slug": "printer", "title": "Printer", "summary": "Print things",
    "keywords": [], "audience": ["employee"],
    "service_standard": {"included": "A printer queue", "process": "We set it up."},
    "commitment": {"first_response": "30m", "resolution": "1d"},
    "form": VPN_FORM,
}
PUT_URL = "/api/v1/departments/it/printer"


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma", password="correct horse")


@pytest.fixture
def olga(make_user):
    return make_user(email="olga@example.com", name="Olga Owner", password="correct horse")


@pytest.fixture
def vpn(session, olga):
    """IT, owned by Olga, with an offering anyone may request."""
    it = factories.make_department(session, slug="it", code="IT", owners=[olga])
    offering = factories.make_offering(session, it, slug="vpn", form=VPN_FORM)
    session.commit()
    return offering


@pytest.fixture
def bearer(session):
    def issue(user, **options) -> dict[str, str]:
        token = tokens.issue_token(session, user, **options)
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return issue



def stored_requests(session) -> list[ServiceRequest]:
    session.expire_all()
    return list(session.scalars(select(ServiceRequest)))


def assert_invalid_token(response) -> None:
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def signed_in_browser(app, email: str):
    """A client signed in through the password form, and the CSRF token its pages carry."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": "correct horse",
                                            "csrf_token": _csrf_token(browser, "/login")})
    assert response.status_code == 302
    return browser, _csrf_token(browser, "/")


def _csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


JUNK = ["Bearer junk", "Bearer sp_not-a-token-we-issued", "Bearer ", "bearer junk"]


@pytest.mark.parametrize("authorization", JUNK)
def test_a_bad_token_next_to_a_good_session_is_401_for_reads(client, auth, emma, vpn,
                                                            authorization):
    auth.login(emma)
    assert client.get("/api/v1/departments").status_code == 200  # the session alone is fine
    assert_invalid_token(client.get("/api/v1/departments",
                                    headers={"Authorization": authorization}))


@pytest.mark.parametrize("authorization", JUNK)
def test_a_bad_token_next_to_a_good_session_writes_nothing(client, auth, session, emma, vpn,
                                                          authorization):
    auth.login(emma)
    assert_invalid_token(client.post("/api/v1/requests", json=NEW_REQUEST,
                                     headers={"Authorization": authorization}))
    assert stored_requests(session) == []


@pytest.mark.parametrize("authorization", JUNK)
def test_a_bad_token_is_401_even_with_a_session_and_its_csrf_token(make_app, session, emma, vpn,
                                                                  authorization):
    browser, csrf_token = signed_in_browser(make_app(WTF_CSRF_ENABLED=True), "emma@example.com")
    assert_invalid_token(browser.post("/api/v1/requests", json=NEW_REQUEST, headers={
        "Authorization": authorization, "X-CSRFToken": csrf_token}))
    assert stored_requests(session) == []
    # Without the header the same call is the session's, and works.
    assert browser.post("/api/v1/requests", json=NEW_REQUEST,
                        headers={"X-CSRFToken": csrf_token}).status_code == 201


def test_a_good_token_speaks_for_its_owner_not_for_the_session(client, auth, session, emma,
                                                               olga, vpn, bearer):
    auth.login(emma)
    response = client.post("/api/v1/requests", json=NEW_REQUEST, headers=bearer(olga))
    assert response.status_code == 201
    assert [r.requester_id for r in stored_requests(session)] == [olga.id]


def test_a_good_token_next_to_a_remember_me_cookie_still_works(client, session, emma, olga, vpn,
                                                               bearer):
    """A browser (or a script sharing its cookie jar) that once ticked "remember me"."""
    assert client.post("/login", data={"email": "emma@example.com", "password": "correct horse",
                                       "remember": "y"}).status_code == 302
    assert client.get_cookie("remember_token") is not None
    headers = bearer(olga)
    response = client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert [r.requester_id for r in stored_requests(session)] == [olga.id]
    ref = response.get_json()["ref"]
    assert client.get(f"/api/v1/requests/{ref}", headers=headers).status_code == 200


def test_a_read_token_reads_but_cannot_write(client, session, olga, vpn, bearer):
    headers = bearer(olga, scopes=["read"])
    assert client.get("/api/v1/departments/it/vpn", headers=headers).status_code == 200
    for response in (client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers),
                     client.put(PUT_URL, json=OFFERING, headers=headers)):
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "insufficient_scope"
    assert stored_requests(session) == []
    assert client.get("/api/v1/departments/it/printer").status_code == 404


def test_a_requests_token_asks_but_cannot_change_the_catalog(client, session, olga, vpn, bearer):
    headers = bearer(olga, scopes=["requests"])
    assert client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers).status_code == 201
    refused = client.put(PUT_URL, json=OFFERING, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/departments/it/printer").status_code == 404


def test_a_catalog_token_changes_the_catalog_but_does_not_ask(client, session, olga, vpn,
                                                              bearer):
    headers = bearer(olga, scopes=["catalog"])
    assert client.put(PUT_URL, json=OFFERING, headers=headers).status_code == 201
    assert client.get("/api/v1/departments/it/printer").status_code == 200
    refused = client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"


def test_an_expired_token_is_401(client, olga, vpn, bearer):
    headers = bearer(olga, days=1, now=datetime.now(UTC) - timedelta(days=1, minutes=1))
    assert_invalid_token(client.get("/api/v1/departments", headers=headers))
    fresh = bearer(olga, days=1, now=datetime.now(UTC) - timedelta(hours=23))
    assert client.get("/api/v1/departments", headers=fresh).status_code == 200


def test_a_revoked_token_is_401(client, session, olga, vpn, bearer):
    headers = bearer(olga, name="ci")
    assert client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers).status_code == 201
    tokens.revoke_token(session, olga, tokens.tokens_of(session, olga)[0].id)
    session.commit()
    assert_invalid_token(client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers))
    assert len(stored_requests(session)) == 1


def test_with_csrf_on_a_cookie_write_needs_the_csrf_token_but_a_token_write_does_not(
        make_app, session, olga, vpn, bearer):
    app = make_app(WTF_CSRF_ENABLED=True)
    browser, _ = signed_in_browser(app, "olga@example.com")
    refused = browser.post("/api/v1/requests", json=NEW_REQUEST)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert stored_requests(session) == []

    script = app.test_client()
    assert script.post("/api/v1/requests", json=NEW_REQUEST,
                       headers=bearer(olga)).status_code == 201
    assert len(stored_requests(session)) == 1


# The command line


def test_users_token_prints_only_the_token(client, runner, session, olga, vpn):
    result = runner.invoke(args=["users", "token", "olga@example.com", "--name", "ci",
                                 "--scope", "read", "--days", "30"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sp_") and " " not in lines[0]
    token = lines[0]
    stored = session.scalar(select(ApiToken))
    assert (stored.name, stored.scope_list) == ("ci", ["read"])
    assert abs(stored.expires_at - datetime.now(UTC) - timedelta(days=30)) < timedelta(minutes=5)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
    assert client.post("/api/v1/requests", json=NEW_REQUEST, headers=headers).status_code == 403


def test_users_tokens_lists_without_the_secret_and_revoke_token_ends_one(client, runner,
                                                                        session, olga, vpn):
    first = runner.invoke(args=["users", "token", "olga@example.com", "--name", "ci",
                                "--scope", "read", "--days", "30"]).stdout.strip()
    second = runner.invoke(args=["users", "token", "olga@example.com", "--name", "deploy",
                                 "--scope", "catalog"]).stdout.strip()
    ids = {t.name: t.id for t in tokens.tokens_of(session, olga)}

    listed = runner.invoke(args=["users", "tokens", "olga@example.com"])
    assert listed.exit_code == 0
    assert first not in listed.output and second not in listed.output
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    expires = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    assert rows[0][:4] == [str(ids["ci"]), "ci", "read", f"expires {expires}"]
    assert rows[1][:3] == [str(ids["deploy"]), "deploy", "read catalog"]

    result = runner.invoke(args=["users", "revoke-token", "olga@example.com", str(ids["ci"])])
    assert result.exit_code == 0, result.output
    assert_invalid_token(client.get("/api/v1/departments",
                                    headers={"Authorization": f"Bearer {first}"}))
    assert client.get("/api/v1/departments",
                      headers={"Authorization": f"Bearer {second}"}).status_code == 200
    assert [r[1] for r in (line.split("\t") for line in runner.invoke(
        args=["users", "tokens", "olga@example.com"]).stdout.splitlines())] == ["deploy"]


def test_revoke_token_refuses_someone_elses_token(client, runner, session, emma, olga, vpn):
    token = runner.invoke(args=["users", "token", "olga@example.com"]).stdout.strip()
    olgas = tokens.tokens_of(session, olga)[0].id
    result = runner.invoke(args=["users", "revoke-token", "emma@example.com", str(olgas)])
    assert result.exit_code == 1 and "no such token" in result.output
    assert client.get("/api/v1/departments",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("options", [
    ["--scope", "admin"], ["--scope", "write"], ["--days", "0"], ["--days", "367"],
    ["--days", "-1"], ["--days", "soon"],
])
def test_users_token_rejects_unknown_scopes_and_days_out_of_range(runner, session, olga,
                                                                  options):
    result = runner.invoke(args=["users", "token", "olga@example.com", *options])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_script_reading_in_a_loop_records_its_last_use_without_writing_each_time(
        client, session, engine, emma):
    from sqlalchemy import event

    from catalog.people.tokens import issue_token
    token = issue_token(session, emma, scopes=["read"])
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    writes: list[str] = []

    def record(_conn, _cursor, sql, *_args):
        if sql.lstrip().upper().startswith("UPDATE API_TOKEN"):
            writes.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert client.get("/api/v1/departments", headers=headers).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(writes) == 1  # the first use is recorded; the next ones within minutes are not


def test_a_token_does_not_open_the_pages_where_its_scope_is_not_checked(client, session, emma):
    """With a read token, fetching /profile (and its CSRF token) to post a form back would be
    a write outside the token's scope: pages refuse tokens."""
    from catalog.people.tokens import issue_token
    token = issue_token(session, emma, scopes=["read"])
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for url in ("/profile", "/requests/", "/manage/"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    refused = client.post("/profile/tokens", headers=headers, data={"name": "x", "days": "9"})
    assert refused.status_code == 401
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
