"""Sessions that end: signing out, deactivation, a new password and "sign out everywhere" stop
copied session and remember-me cookies; sign-in renews the session; cookie lifetimes and flags."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select, update

from catalog.models import UserSession
from catalog.people import accounts, sessions

PASSWORD = "correct horse"


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma", password=PASSWORD)



def login(client, email="emma@example.com", password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def signed_in(client) -> bool:
    """What the visitor sees: their requests, or a redirect to the sign-in page."""
    response = client.get("/requests/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    return False


def shows_anonymous_view(client) -> bool:
    page = client.get("/").get_data(as_text=True)
    return "Sign in" in page and "Sign out" not in page and not signed_in(client)


def replay(app, *, session_cookie=None, remember_cookie=None):
    """A browser that was given copies of another browser's cookies."""
    other = app.test_client()
    if session_cookie is not None:
        other.set_cookie("session", session_cookie)
    if remember_cookie is not None:
        other.set_cookie("remember_token", remember_cookie)
    return other


def cookies_of(client) -> tuple[str, str]:
    return client.get_cookie("session").value, client.get_cookie("remember_token").value


def set_cookie_header(response, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert found, f"no Set-Cookie for {name}"
    return found[-1]


def test_signing_out_ends_copied_session_and_remember_cookies(app, client, emma):
    assert login(client, remember="y").status_code == 302
    session_cookie, remember_cookie = cookies_of(client)
    # Before signing out the copies work, each on its own.
    assert signed_in(replay(app, session_cookie=session_cookie))
    assert signed_in(replay(app, remember_cookie=remember_cookie))

    assert client.post("/logout").status_code == 302

    assert shows_anonymous_view(client)
    assert shows_anonymous_view(replay(app, session_cookie=session_cookie))
    assert shows_anonymous_view(replay(app, remember_cookie=remember_cookie))
    assert shows_anonymous_view(replay(app, session_cookie=session_cookie,
                                       remember_cookie=remember_cookie))


def test_signing_out_one_browser_keeps_the_others(app, emma):
    first, second = app.test_client(), app.test_client()
    login(first)
    login(second)
    first.post("/logout")
    assert not signed_in(first) and signed_in(second)


def test_deactivation_ends_sessions_and_tokens_and_activation_lets_sign_in_again(
        app, client, runner, session, emma):
    from catalog.people.tokens import issue_token

    token = {"Authorization": f"Bearer {issue_token(session, emma)}"}
    session.commit()
    login(client, remember="y")
    session_cookie, remember_cookie = cookies_of(client)
    assert signed_in(replay(app, remember_cookie=remember_cookie))
    # An unknown request is 404 for a caller the token signed in, 401 for nobody.
    script = app.test_client()  # no cookies: see test_api_tokens for tokens next to cookies
    assert script.get("/api/v1/requests/IT-2026-00001", headers=token).status_code == 404

    result = runner.invoke(args=["users", "deactivate", "emma@example.com"])
    assert result.exit_code == 0, result.output

    assert not signed_in(client)
    assert not signed_in(replay(app, session_cookie=session_cookie))
    assert not signed_in(replay(app, remember_cookie=remember_cookie))
    fresh = app.test_client()
    for url in ("/api/v1/requests/IT-2026-00001", "/api/v1/departments"):
        response = fresh.get(url, headers=token)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "invalid_token"
    refused = login(fresh)
    assert refused.status_code == 200 and "E-mail or password is not right." in \
        refused.get_data(as_text=True)
    assert not signed_in(fresh)

    result = runner.invoke(args=["users", "activate", "emma@example.com"])
    assert result.exit_code == 0, result.output
    assert login(fresh).status_code == 302 and signed_in(fresh)
    # Activation starts afresh: the old cookies and the old token stay dead.
    assert not signed_in(replay(app, remember_cookie=remember_cookie))
    assert app.test_client().get("/api/v1/departments", headers=token).status_code == 401


def test_deactivating_an_unknown_account_fails(runner):
    result = runner.invoke(args=["users", "deactivate", "nobody@example.com"])
    assert result.exit_code == 1 and "nobody@example.com" in result.output


def test_a_new_password_ends_the_other_sessions(app, client, session, emma):
    login(client, remember="y")
    session_cookie, remember_cookie = cookies_of(client)

    accounts.change_password(session, emma, PASSWORD, "a much better password")
    session.commit()

    assert not signed_in(client)
    assert not signed_in(replay(app, session_cookie=session_cookie))
    assert not signed_in(replay(app, remember_cookie=remember_cookie))
    assert login(app.test_client()).status_code == 200  # the old password is refused
    assert login(client, password="a much better password").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_that_user_only(app, session, emma,
                                                                   make_user):
    make_user(email="olga@example.com", password=PASSWORD)
    laptop, phone, olga = app.test_client(), app.test_client(), app.test_client()
    login(laptop)
    login(phone, remember="y")
    login(olga, email="olga@example.com")
    remember_cookie = phone.get_cookie("remember_token").value

    assert sessions.end_all_sessions(session, emma) == 2
    session.commit()

    assert not signed_in(laptop) and not signed_in(phone)
    assert not signed_in(replay(app, remember_cookie=remember_cookie))
    assert signed_in(olga)


def test_sign_out_is_a_post_only(client, emma):
    login(client)
    assert client.get("/logout").status_code == 405
    assert signed_in(client)  # a link or an image on another site cannot sign anyone out


def test_sign_in_renews_the_session_but_keeps_the_language(make_app, emma):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login?lang=de").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as before:
        old_csrf = before["csrf_token"]
        assert before["lang"] == "de"
        before["planted"] = "by someone else"

    response = client.post("/login", data={"email": "emma@example.com", "password": PASSWORD,
                                           "csrf_token": csrf_token})
    assert response.status_code == 302

    client.get("/")  # a page that needs a CSRF token makes the new one
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["lang"] == "de"
        assert after.get("csrf_token") not in (None, old_csrf)


def test_remember_me_lasts_14_days_and_the_server_session_as_long(client, session, emma):
    response = login(client, remember="y")
    header = set_cookie_header(response, "remember_token")
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert abs(expires - datetime.now(UTC) - timedelta(days=14)) < timedelta(minutes=5)
    stored = session.scalar(select(UserSession).where(UserSession.user_id == emma.id))
    assert stored.remember
    assert abs(stored.expires_at - datetime.now(UTC) - timedelta(days=14)) < timedelta(minutes=5)


def test_remember_days_is_a_setting(make_app, emma):
    client = make_app(REMEMBER_DAYS=3).test_client()
    header = set_cookie_header(login(client, remember="y"), "remember_token")
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert abs(expires - datetime.now(UTC) - timedelta(days=3)) < timedelta(minutes=5)


def test_a_session_without_remember_me_ends_on_the_server_after_12_hours(client, session, emma):
    response = login(client)
    assert "Expires=" not in set_cookie_header(response, "session")  # ends with the browser
    assert client.get_cookie("remember_token") is None
    stored = session.scalar(select(UserSession).where(UserSession.user_id == emma.id))
    assert not stored.remember
    assert abs(stored.expires_at - datetime.now(UTC) - timedelta(hours=12)) < timedelta(minutes=5)


@pytest.mark.parametrize(("base_url", "secure"), [
    ("https://portal.example.com", True),
    ("http://portal.example.com", False),
])
def test_cookies_are_secure_when_the_portal_is_https(make_app, emma, base_url, secure):
    response = login(make_app(BASE_URL=base_url).test_client(), remember="y")
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        header = set_cookie_header(response, name)
        assert ("; Secure" in header) is secure, header
        assert "; HttpOnly" in header and "SameSite=Lax" in header


def test_an_expired_session_is_anonymous(app, client, session, emma):
    login(client, remember="y")
    remember_cookie = client.get_cookie("remember_token").value
    assert signed_in(client)

    session.execute(update(UserSession).where(UserSession.user_id == emma.id)
                    .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    session.commit()

    assert shows_anonymous_view(client)
    assert not signed_in(replay(app, remember_cookie=remember_cookie))


def test_a_new_secret_key_ends_sessions_signed_with_the_old_one_unless_it_falls_back(
        app, client, emma):
    login(client)
    assert signed_in(client)
    old = app.secret_key
    app.secret_key = "a new secret key"
    assert not signed_in(client)
    login(client)
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old, ["a new secret key"]
    assert signed_in(client)  # signed with the key that is now the fallback
