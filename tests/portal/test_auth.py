"""Signing in and out, remember me, safe `next` redirects, API tokens."""

from __future__ import annotations

import pytest

from portal.auth.redirects import safe_next


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma", password="correct horse")


def login(client, email="emma@example.com", password="correct horse", **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_sign_in_and_out(client, emma):
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_told_at_the_field(client, emma):
    response = login(client, password="wrong")
    assert response.status_code == 200
    assert "E-mail or password is not right." in response.get_data(as_text=True)


def test_email_is_case_insensitive(client, emma):
    assert login(client, email="EMMA@Example.com").status_code == 302


def test_account_without_password_cannot_sign_in(client, session, emma):
    emma.password_hash = None
    session.commit()
    assert login(client, password="").status_code == 200
    assert login(client, password="anything").status_code == 200


def test_remember_me_sets_a_lasting_cookie(client, emma):
    login(client, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_no_lasting_cookie(client, emma):
    login(client)
    assert client.get_cookie("remember_token") is None


def test_next_inside_the_portal_is_followed(client, emma):
    response = login(client, next="/departments/it?x=1")
    assert response.headers["Location"] == "/departments/it?x=1"


@pytest.mark.parametrize("target", [
    "https://evil.example.com/", "//evil.example.com", "/\\evil.example.com",
    "\\\\evil.example.com", "javascript:alert(1)", "http:/evil.example.com",
    "/\t/evil.example.com", " //evil.example.com", "https:evil.example.com",
])
def test_next_to_another_site_is_refused(client, emma, target):
    response = login(client, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert safe_next(target) is None


def test_login_page_carries_next_from_the_query(client):
    page = client.get("/login?next=/departments/").get_data(as_text=True)
    assert 'value="/departments/"' in page


def test_bearer_token_signs_in_api_calls(client, session, emma):
    from catalog.people.tokens import issue_token
    token = issue_token(session, emma)
    session.commit()
    # A draft is visible only to those who may edit it: use an admin's token to show it counts.
    emma.is_admin = True
    session.commit()
    from tests.factories import make_department, make_offering
    make_offering(session, make_department(session, slug="hr"), slug="draft-one", status="draft")
    session.commit()
    url = "/api/v1/departments/hr/draft-one"
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
