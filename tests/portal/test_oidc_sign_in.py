"""Single sign-on against a real OpenID Connect provider (node oidc-provider), without a
browser: the test client plays the portal's side, `authorize` the person at the provider.
Runs on SQLite and PostgreSQL (the browser test in tests/browser runs on SQLite only)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from catalog.models import DepartmentRole, User, UserSession
from portal import create_app
from portal.extensions import db

pytestmark = pytest.mark.slow

BASE_URL = "http://127.0.0.1:5000"  # one of the provider fixture's default redirect URIs
GROUP_ROLES = {"staff": "audience:employee", "it-leads": ["audience:employee", "owner:it"],
               "temps": "audience:temporary"}


@pytest.fixture
def sso_app(app, database_url, oidc_provider):
    """The test app's database, with single sign-on switched on."""
    sso = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
        "BASE_URL": BASE_URL, "OIDC_ISSUER": oidc_provider.issuer,
        "OIDC_CLIENT_ID": oidc_provider.client_id,
        "OIDC_CLIENT_SECRET": oidc_provider.client_secret, "OIDC_NAME": "Test IdP",
        "OIDC_GROUP_ROLES": GROUP_ROLES,
    })
    yield sso
    with sso.app_context():
        db.engine.dispose()


def start(client, next_path="/departments/"):
    """The portal's redirect to the provider."""
    response = client.get(f"/login/oidc?next={next_path}")
    assert response.status_code == 302
    return response.headers["Location"]


def callback(client, url):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    return client.get(f"{parts.path}?{parts.query}")


def count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_first_sign_in_creates_the_account_and_a_second_updates_it(
        sso_app, session, make_department, oidc_provider):
    it = make_department(slug="it", name="IT Services")
    client = sso_app.test_client()
    assert "Sign in with Test IdP" in client.get("/login").get_data(as_text=True)
    response = callback(client, oidc_provider.authorize(start(client), "olivia"))
    assert response.status_code == 302 and response.headers["Location"] == "/departments/"
    olivia = session.scalar(select(User).where(User.email == "olivia@example.com"))
    assert olivia.name == "Olivia Owner" and olivia.audience == "employee"
    assert olivia.department_id == it.id and olivia.password_hash is None
    roles = session.scalars(select(DepartmentRole.role).where(DepartmentRole.user_id == olivia.id))
    assert list(roles) == ["owner"]
    assert "Olivia Owner" in client.get("/departments/").get_data(as_text=True)

    oidc_provider.set_user("olivia", name="Olivia Obermaier", groups=["staff"])
    client.post("/logout")
    callback(client, oidc_provider.authorize(start(client), "olivia"))
    session.refresh(olivia)
    assert olivia.name == "Olivia Obermaier"
    assert count(session, DepartmentRole) == 0  # the owner role the groups gave is gone


def test_a_replayed_code_and_a_forged_state_are_refused(sso_app, session, oidc_provider):
    client = sso_app.test_client()
    authorization = start(client)
    with client.session_transaction() as before:
        cookie_state = dict(before)
    returned = oidc_provider.authorize(authorization, "tom")
    assert callback(client, returned).status_code == 302
    users = count(session, User)

    attacker = sso_app.test_client()  # the old cookie (with the state) and the used code
    with attacker.session_transaction() as stolen:
        stolen.update(cookie_state)
    replay = callback(attacker, returned)
    assert replay.status_code == 400 and "Sign-in failed" in replay.get_data(as_text=True)

    forger = sso_app.test_client()
    genuine = oidc_provider.authorize(start(forger), "nobody")
    forged = genuine.replace("state=", "state=forged")
    refused = callback(forger, forged)
    assert refused.status_code == 400 and "Sign-in failed" in refused.get_data(as_text=True)
    assert count(session, User) == users
    assert count(session, UserSession) == 1


def test_cancelling_at_the_provider_says_so(sso_app, oidc_provider):
    client = sso_app.test_client()
    response = client.get("/login/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert "The sign-in was cancelled" in response.get_data(as_text=True)


def test_without_single_sign_on_the_routes_say_so(client):
    assert client.get("/login/oidc").status_code == 404
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
