"""An authenticating proxy names the user in PORTAL_TRUSTED_HEADER; the portal believes it only
from PORTAL_TRUSTED_PROXIES (the TCP peer) and refuses to start without them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import User
from catalog.people import accounts

PROXY = {"REMOTE_ADDR": "10.1.2.3"}
LOCALHOST = {"REMOTE_ADDR": "127.0.0.1"}
STRANGER = {"REMOTE_ADDR": "192.0.2.7"}



@pytest.fixture
def proxied(make_app):
    return make_app(TRUSTED_HEADER="X-Remote-User", TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1",
                    OIDC_DEFAULT_AUDIENCE="contractor")


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma Employee", password="correct horse")


@pytest.fixture
def olga(make_user):
    return make_user(email="olga@example.com", name="Olga Owner", password="correct horse")


def named(email: str) -> dict[str, str]:
    return {"X-Remote-User": email}


def who(client, headers=None, environ=None) -> str | None:
    """The name the page header shows for the visitor, None when anonymous."""
    requests = client.get("/requests/", headers=headers or {}, environ_base=environ or PROXY)
    page = client.get("/", headers=headers or {}, environ_base=environ or PROXY)
    text = page.get_data(as_text=True)
    if requests.status_code == 302:
        assert "Sign in" in text and "Sign out" not in text
        return None
    assert requests.status_code == 200 and "Sign out" in text
    return next(name for name in ("Emma Employee", "Olga Owner", "newcomer") if name in text)


def account(session, email: str) -> User | None:
    session.expire_all()
    return accounts.find_user(session, email)


@pytest.mark.parametrize("environ", [PROXY, LOCALHOST])
def test_the_proxy_signs_the_named_user_in(proxied, emma, environ):
    client = proxied.test_client()
    assert who(client, named("emma@example.com"), environ) == "Emma Employee"
    assert who(client, named("Emma@Example.COM"), environ) == "Emma Employee"
    assert who(client, environ=environ) is None  # the next request without the header


def test_an_unknown_user_gets_an_account_with_the_default_audience(proxied, session):
    client = proxied.test_client()
    assert who(client, named("newcomer@example.com")) == "newcomer"
    created = account(session, "newcomer@example.com")
    assert created.audience == "contractor" and not created.is_admin
    assert created.password_hash is None and created.active


def test_the_header_from_anyone_else_is_ignored(proxied, session, emma):
    client = proxied.test_client()
    assert who(client, named("emma@example.com"), STRANGER) is None
    assert who(client, named("newcomer@example.com"), STRANGER) is None
    forged = {**named("emma@example.com"), "X-Forwarded-For": "10.1.2.3"}
    assert who(client, forged, STRANGER) is None
    assert account(session, "newcomer@example.com") is None


def test_the_header_is_ignored_when_no_proxy_is_configured(client, session, emma):
    assert who(client, named("emma@example.com"), LOCALHOST) is None
    assert who(client, named("newcomer@example.com"), LOCALHOST) is None
    assert account(session, "newcomer@example.com") is None


def test_not_an_email_address_is_anonymous_and_makes_no_account(proxied, session):
    client = proxied.test_client()
    assert who(client, named("emma")) is None
    assert session.scalars(select(User)).all() == []


def test_the_header_wins_over_another_users_session(proxied, emma, olga):
    client = proxied.test_client()
    assert client.post("/login", data={"email": "olga@example.com", "password": "correct horse"},
                       environ_base=PROXY).status_code == 302
    assert who(client) == "Olga Owner"
    assert who(client, named("emma@example.com")) == "Emma Employee"


def test_the_header_wins_over_another_users_remember_me_cookie(proxied, emma, olga):
    client = proxied.test_client()
    assert client.post("/login", data={"email": "olga@example.com", "password": "correct horse",
                                       "remember": "y"}, environ_base=PROXY).status_code == 302
    assert client.get_cookie("remember_token") is not None
    assert who(client, named("emma@example.com")) == "Emma Employee"


def test_a_deactivated_account_named_by_the_proxy_stays_anonymous(proxied, session, emma):
    emma.active = False
    session.commit()
    assert who(proxied.test_client(), named("emma@example.com")) is None


def test_a_deactivated_account_named_by_the_proxy_does_not_fall_back_to_a_session(
        proxied, session, emma, olga):
    """The proxy says Emma is at this browser; Olga's old cookie must not speak for her."""
    client = proxied.test_client()
    client.post("/login", data={"email": "olga@example.com", "password": "correct horse"},
                environ_base=PROXY)
    emma.active = False
    session.commit()
    assert who(client, named("emma@example.com")) is None


def test_a_trusted_header_without_trusted_proxies_refuses_to_start(make_app):
    with pytest.raises(ValueError, match="PORTAL_TRUSTED_PROXIES"):
        make_app(TRUSTED_HEADER="X-Remote-User")
    with pytest.raises(ValueError, match="PORTAL_TRUSTED_PROXIES"):
        make_app(TRUSTED_HEADER="X-Remote-User", TRUSTED_PROXIES=" , ")


@pytest.mark.parametrize("proxies", ["10.0.0.0/33", "proxy.example.com", "10.0.0.1,nonsense",
                                     "256.1.1.1"])
def test_an_invalid_trusted_proxy_refuses_to_start(make_app, proxies):
    with pytest.raises(ValueError, match="PORTAL_TRUSTED_PROXIES") as refused:
        make_app(TRUSTED_HEADER="X-Remote-User", TRUSTED_PROXIES=proxies)
    assert proxies.split(",")[-1] in str(refused.value)
