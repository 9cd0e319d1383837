"""Single sign-on in a real browser against a real OpenID Connect provider (oidc-provider, see
tests/oidc_fixtures.py): the first sign-in creates the account from the provider's claims and
the mapped groups, the next one updates it; a forged state, a replayed code and an error from
the provider are refused with a clear page and create nobody."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from catalog.models import DepartmentRole, User, UserSession
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GROUP_ROLES = {"staff": "audience:employee",
               "it-leads": ["audience:employee", "owner:it"],
               "temps": "audience:temporary"}
CALLBACK = "**/login/oidc/callback*"


@pytest.fixture
def sso_portal(live_server_factory, start_oidc_provider) -> Callable[..., tuple[Any, Any]]:
    """`sso_portal(**config)` -> (live server, provider): the provider's client is registered
    with the portal's real redirect URI, the portal is configured with the provider."""
    def start(**config: Any) -> tuple[Any, Any]:
        providers = []

        def configure(url: str) -> dict[str, Any]:
            provider = start_oidc_provider(f"{url}/login/oidc/callback")
            providers.append(provider)
            return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": provider.client_id,
                    "OIDC_CLIENT_SECRET": provider.client_secret, "OIDC_NAME": "Test IdP",
                    "OIDC_GROUP_ROLES": GROUP_ROLES}

        portal = live_server_factory(configure=configure, **config)
        return portal, providers[0]
    return start


def shoot(page: Page, screenshot: Callable[[str], Any], name: str) -> None:
    """Screenshots at a phone's and a laptop's width."""
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")


def sign_in_at_provider(page: Page, provider: Any, account: str, arrive: str) -> None:
    """After the portal sent the browser to the provider: sign in there if it asks (it does
    not while its own session lasts), and wait until the browser is back at `arrive`."""
    page.wait_for_url(lambda url: url.startswith(f"{provider.issuer}/interaction/")
                      or url == arrive)
    if page.url != arrive:
        page.get_by_placeholder("Enter any login").fill(account)
        page.get_by_placeholder("and password").fill("any password")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_url(arrive)


def count(portal: Any, *what: Any, where: Any = None) -> int:
    with portal.session() as session:
        query = select(func.count()).select_from(*what)
        return session.scalar(query if where is None else query.where(where))


def olivia(portal: Any) -> tuple[User, list[tuple[str, int]]]:
    with portal.session() as session:
        user = session.scalar(select(User).where(User.email == "olivia@example.com"))
        assert user is not None, "no account for olivia@example.com"
        roles = session.execute(select(DepartmentRole.role, DepartmentRole.department_id)
                                .where(DepartmentRole.user_id == user.id)).all()
        return user, sorted(tuple(role) for role in roles)


def expect_sign_in_failed(page: Page, portal: Any) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in failed")
    expect(page.locator("main p").first).not_to_be_empty()  # why
    again = page.get_by_role("link", name=re.compile("try again", re.IGNORECASE))
    target = re.compile(rf"^({re.escape(portal.url)})?/login(/oidc)?([?#].*)?$")
    expect(again).to_have_attribute("href", target)
    expect(page.locator("header")).not_to_contain_text("Olivia")


def test_first_sign_in_creates_the_account_and_the_next_one_updates_it(
        sso_portal, browser_page, screenshot):
    portal, provider = sso_portal()
    with portal.session() as session:
        it = factories.make_department(session, slug="it", code="IT", name="IT Services")
        max_ = factories.make_user(session, email="max@example.com", name="Max Manager")
        session.commit()
        it_id, max_id = it.id, max_.id
    page = browser_page

    page.goto(f"{portal.url}/login?next=/departments/it")
    sso_link = page.get_by_role("link", name="Sign in with Test IdP")
    expect(sso_link).to_have_attribute("href", re.compile(r"^/login/oidc\?next=.*departments"))
    expect(page.get_by_label("Password")).to_be_visible()  # LOCAL_LOGIN defaults to true
    shoot(page, screenshot, "sso-login")

    # For the replay below: the browser's cookies while it is at the provider (the portal's
    # session cookie then holds the pending sign-in: state, nonce, PKCE verifier; nothing of
    # the portal's changes until the callback), and the callback URL (code, state). page.route
    # does not see requests that follow a redirect, the request event does.
    sso_link.click()
    page.wait_for_url(f"{provider.issuer}/interaction/*")
    cookies_before_callback = page.context.cookies()
    with page.expect_request(lambda request: "/login/oidc/callback?" in request.url) as callback:
        sign_in_at_provider(page, provider, "olivia", f"{portal.url}/departments/it")
    callback_url = callback.value.url
    expect(page.locator(".flash")).to_have_text("Welcome, Olivia Owner.")
    expect(page.locator("header")).to_contain_text("Olivia Owner")

    user, roles = olivia(portal)
    assert (user.name, user.audience, user.department_id, user.manager_id) == (
        "Olivia Owner", "employee", it_id, max_id)
    assert roles == [("owner", it_id)]
    assert user.locale != "de"  # en-GB at the provider
    assert count(portal, User) == 2
    assert count(portal, UserSession, where=UserSession.user_id == user.id) == 1

    # The same callback again, from another browser holding the cookies the first one had:
    # the state matches, but the provider refuses the code it has already exchanged.
    assert "code=" in callback_url and "state=" in callback_url
    refused_before = provider.log().count("invalid_grant")
    replay = page.context.browser.new_context(locale="en-GB", timezone_id="Europe/Berlin")
    try:
        replay.add_cookies(cookies_before_callback)
        other = replay.new_page()
        answer = other.goto(callback_url)
        assert answer.status == 400
        expect_sign_in_failed(other, portal)
    finally:
        replay.close()
    assert provider.log().count("invalid_grant") == refused_before + 1, provider.log()
    assert count(portal, UserSession, where=UserSession.user_id == user.id) == 1
    assert count(portal, User) == 2

    # Sign out, change the person at the provider, sign in again: the account follows.
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash")).to_have_text("You are signed out.")
    assert count(portal, UserSession, where=UserSession.user_id == user.id) == 0
    provider.set_user("olivia", name="Olivia Owner-Smith", groups=["staff"])
    page.goto(f"{portal.url}/login")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_provider(page, provider, "olivia", f"{portal.url}/")
    expect(page.locator(".flash")).to_have_text("Welcome, Olivia Owner-Smith.")
    expect(page.locator("header")).to_contain_text("Olivia Owner-Smith")

    updated, roles = olivia(portal)
    assert updated.id == user.id
    assert (updated.name, updated.audience, updated.department_id, updated.manager_id) == (
        "Olivia Owner-Smith", "employee", it_id, max_id)
    assert roles == []  # it-leads is gone at the provider, and with it the owner role
    assert count(portal, User) == 2

    # Someone new in another browser: a temporary worker who reads German (de-DE at the
    # provider) and whose manager is the account the first sign-in made.
    other_browser = page.context.browser.new_context(locale="en-GB",
                                                     timezone_id="Europe/Berlin")
    try:
        tom_page = other_browser.new_page()
        tom_page.goto(f"{portal.url}/login")
        tom_page.get_by_role("link", name="Sign in with Test IdP").click()
        sign_in_at_provider(tom_page, provider, "tom", f"{portal.url}/")
        # The welcome is in the account's language or still in English: either is right.
        expect(tom_page.locator(".flash")).to_have_text(
            re.compile(r"^(Welcome|Willkommen), Tom Temp\.$"))
        expect(tom_page.locator("header")).to_contain_text("Tom Temp")
    finally:
        other_browser.close()
    with portal.session() as session:
        tom = session.scalar(select(User).where(User.email == "tom@example.com"))
        tom_roles = session.scalar(select(func.count()).select_from(DepartmentRole)
                                   .where(DepartmentRole.user_id == tom.id))
    assert (tom.name, tom.audience, tom.locale, tom.department_id, tom.manager_id,
            tom_roles) == ("Tom Temp", "temporary", "de", it_id, user.id, 0)
    assert count(portal, User) == 3


def test_forged_state_and_provider_errors_are_refused_without_creating_anyone(
        sso_portal, browser_page, screenshot):
    portal, provider = sso_portal(LOCAL_LOGIN=False)
    with portal.session() as session:
        factories.make_department(session, slug="it", code="IT", name="IT Services")
        session.commit()
    page = browser_page

    page.goto(f"{portal.url}/login")
    expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.get_by_label("E-mail")).to_have_count(0)
    shoot(page, screenshot, "sso-login-single-sign-on-only")

    # The person cancels at the provider: it answers the portal with error=access_denied.
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{provider.issuer}/interaction/*")
    with page.expect_response(CALLBACK) as callback:
        page.get_by_role("link", name="[ Cancel ]").click()
    assert "error=access_denied" in callback.value.url
    assert callback.value.status == 400
    expect_sign_in_failed(page, portal)
    assert count(portal, User) == 0

    # A real sign-in whose callback arrives with a state the portal never issued: the browser
    # starts it (the portal keeps the pending state in its session cookie), the provider's part
    # is done without the browser, which then brings a genuine code with a forged state.
    page.goto(f"{portal.url}/login")
    with page.expect_request(f"{provider.issuer}/auth?*") as authorization:
        page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{provider.issuer}/interaction/*")
    genuine = urlsplit(provider.authorize(authorization.value.url, "olivia"))
    assert genuine.path == "/login/oidc/callback"
    query = dict(parse_qsl(genuine.query))
    assert query["code"] and query["state"]
    query["state"] = "forged-" + query["state"][::-1]
    answer = page.goto(urlunsplit(genuine._replace(query=urlencode(query))))
    assert answer.status == 400
    expect_sign_in_failed(page, portal)
    shoot(page, screenshot, "sso-sign-in-failed")
    assert count(portal, User) == 0
    assert count(portal, UserSession) == 0
