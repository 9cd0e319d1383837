"""The profile page: name, language, time zone, password, API tokens, sign out everywhere."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import ApiToken
from tests.conftest import Auth

PASSWORD = "correct horse battery"


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma Employee", password=PASSWORD)


@pytest.fixture
def signed_in(client, auth, emma):
    auth.login(emma)
    return client


def test_profile_needs_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_name_language_and_time_zone_are_saved_and_used(signed_in, session, emma):
    response = signed_in.post("/profile", data={"name": "Emma E.", "locale": "de",
                                                "timezone": "America/New_York"})
    assert response.status_code == 302
    session.refresh(emma)
    assert (emma.name, emma.locale, emma.timezone) == ("Emma E.", "de", "America/New_York")
    page = signed_in.get("/profile").get_data(as_text=True)
    assert "Ihr Profil" in page  # the chosen language, whatever the browser says
    assert '<option selected value="America/New_York">' in page


def test_a_time_zone_not_in_the_list_is_refused_at_the_field(signed_in, session, emma):
    response = signed_in.post("/profile", data={"name": "Emma", "locale": "",
                                                "timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    session.refresh(emma)
    assert emma.timezone is None


def test_an_empty_name_is_refused(signed_in):
    response = signed_in.post("/profile", data={"name": "   ", "locale": "", "timezone": ""})
    assert response.status_code == 422


def test_a_new_token_is_shown_once_works_and_can_be_revoked(signed_in, session, emma):
    response = signed_in.post("/profile/tokens", data={"name": "Team dashboard",
                                                       "scopes": ["requests"], "days": "30"})
    assert response.status_code == 201
    token = re.search(r'id="new-token">(sp_[^<]+)<', response.get_data(as_text=True)).group(1)
    again = signed_in.get("/profile").get_data(as_text=True)
    assert token not in again and "Team dashboard" in again
    stored = session.scalar(select(ApiToken).where(ApiToken.user_id == emma.id))
    assert stored.scope_list == ["read", "requests"]
    assert (stored.expires_at - stored.created_at).days == 30
    script = signed_in.application.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert script.get("/api/v1/departments", headers=headers).status_code == 200
    revoked = signed_in.post(f"/profile/tokens/{stored.id}/revoke")
    assert revoked.status_code == 302
    assert script.get("/api/v1/departments", headers=headers).status_code == 401


def test_someone_elses_token_cannot_be_revoked(signed_in, session, make_user):
    from catalog.people.tokens import issue_token
    other = make_user(email="olaf@example.com")
    issue_token(session, other)
    session.commit()
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert signed_in.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert session.get(ApiToken, token_id) is not None


def test_token_lifetime_is_checked(signed_in):
    response = signed_in.post("/profile/tokens", data={"name": "x", "days": "1000"})
    assert response.status_code == 422
    assert "sp_" not in response.get_data(as_text=True)


def test_sign_out_everywhere_ends_every_browser(app, signed_in, emma):
    laptop = app.test_client()
    Auth(laptop).login(emma)
    assert laptop.get("/profile").status_code == 200
    signed_in.post("/profile/sign-out-everywhere")
    assert signed_in.get("/profile").status_code == 302
    assert laptop.get("/profile").status_code == 302


def test_password_change_keeps_this_browser_and_ends_the_others(app, signed_in, session, emma):
    laptop = app.test_client()
    Auth(laptop).login(emma)
    response = signed_in.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": "a much longer secret"})
    assert response.status_code == 302
    assert signed_in.get("/profile").status_code == 200
    assert laptop.get("/profile").status_code == 302
    session.refresh(emma)
    assert emma.check_password("a much longer secret")


def test_wrong_current_password_changes_nothing(signed_in, session, emma):
    response = signed_in.post("/profile/password", data={
        "current_password": "guess", "new_password": "a much longer secret"})
    assert response.status_code == 422
    assert "The current password is not right." in response.get_data(as_text=True)
    session.refresh(emma)
    assert emma.check_password(PASSWORD)


def test_accounts_from_single_sign_on_have_no_password_form(client, auth, make_user, session):
    user = make_user(email="sso@example.com", name="Sam")
    user.sso_subject, user.password_hash = "abc", None
    session.commit()
    auth.login(user)
    page = client.get("/profile").get_data(as_text=True)
    assert "Change password" not in page
    assert "Your company account sets this again at each sign-in." in page


def test_form_messages_follow_the_page_language(signed_in, session, emma):
    """WTForms' own messages are translated too, in each request's language."""
    data = {"name": "Emma", "locale": "", "timezone": "Mars/Olympus_Mons"}
    german = signed_in.post("/profile?lang=de", data=data).get_data(as_text=True)
    assert "Keine gültige Auswahl" in german
    english = signed_in.post("/profile?lang=en", data=data).get_data(as_text=True)
    assert "Not a valid choice" in english and "Keine gültige" not in english
