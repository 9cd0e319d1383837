"""Every response carries the security headers: a strict Content-Security-Policy, frame
protection that follows PORTAL_FRAME_ANCESTORS, Referrer-Policy, nosniff, and HSTS behind https.
The templates keep no inline script or style, so that the policy holds."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from portal import ROOT


@pytest.fixture
def laptop(make_department, make_offering):
    it = make_department(slug="it", code="IT", name="IT Services")
    return make_offering(it, slug="new-laptop", title="Order a new laptop")


def directives(headers: Headers) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = headers["Content-Security-Policy"]
    return {name: sources for name, *sources in
            (part.split() for part in policy.split(";") if part.strip())}


def assert_secured(headers: Headers) -> None:
    policy = directives(headers)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in headers  # the test app's base URL is http


def test_pages_api_answers_errors_and_redirects_carry_the_headers(client: FlaskClient, laptop):
    answers = {
        "page": client.get("/departments/it/new-laptop"),
        "api": client.get("/api/v1/departments/it"),
        "page 404": client.get("/departments/nowhere"),
        "api 404": client.get("/api/v1/departments/nowhere"),
        "redirect": client.get(f"/o/{laptop.id}"),
        "sign-in redirect": client.get("/requests/"),
        "static file": client.get("/static/css/portal.css"),
    }
    assert [answers["page"].status_code, answers["api"].status_code] == [200, 200]
    assert answers["page 404"].status_code == answers["api 404"].status_code == 404
    assert answers["redirect"].status_code in (301, 302, 308)
    assert answers["sign-in redirect"].status_code == 302
    for name, response in answers.items():
        try:
            assert_secured(response.headers)
        except (AssertionError, KeyError) as error:
            raise AssertionError(f"{name}: {error!r} in {dict(response.headers)}") from error
        response.close()


def test_cached_pages_get_the_headers_too(client: FlaskClient, laptop):
    client.get("/departments/it")
    assert_secured(client.get("/departments/it").headers)


def test_only_the_embeddable_cards_follow_the_frame_setting(make_app, laptop):
    intranet = make_app(FRAME_ANCESTORS="https://intranet.example.com").test_client()
    page = intranet.get("/departments/it").headers
    assert directives(page)["frame-ancestors"] == ["'self'"]  # the portal itself: never
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    card = intranet.get(f"/embed/o/{laptop.id}")
    assert card.status_code == 200
    assert directives(card.headers)["frame-ancestors"] == ["'self'",
                                                          "https://intranet.example.com"]
    assert "X-Frame-Options" not in card.headers  # it would forbid the intranet's frame
    from_env_list = make_app(FRAME_ANCESTORS=["https://a.example.com", "https://b.example.com"])
    assert directives(from_env_list.test_client().get("/embed/departments/it").headers)[
        "frame-ancestors"] == ["'self'", "https://a.example.com", "https://b.example.com"]
    nobody = make_app(FRAME_ANCESTORS="'none'").test_client().get(f"/embed/o/{laptop.id}")
    assert directives(nobody.headers)["frame-ancestors"] == ["'none'"]
    assert nobody.headers["X-Frame-Options"] == "DENY"


def test_by_default_cards_may_be_framed_by_the_portal_only(client, laptop):
    card = client.get(f"/embed/o/{laptop.id}").headers
    assert directives(card)["frame-ancestors"] == ["'self'"]
    assert card["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("setting", ["'self'; script-src *", "'unsafe-inline'",
                                     "https://a.example.com,'unsafe-eval'"])
def test_a_setting_that_would_loosen_the_policy_is_refused_at_start(make_app, setting):
    with pytest.raises(ValueError, match="FRAME_ANCESTORS"):
        make_app(FRAME_ANCESTORS=setting)
    with pytest.raises(ValueError, match="MARKDOWN_IMAGE_HOSTS"):
        make_app(MARKDOWN_IMAGE_HOSTS=setting)


def test_hsts_only_when_the_base_url_is_https(client: FlaskClient, make_app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = make_app(BASE_URL="https://portal.example.com").test_client()
    for path in ("/", "/api/v1/departments", "/nowhere"):
        assert secure.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


def test_markdown_images_only_from_this_site_unless_the_setting_allows(
        client: FlaskClient, make_app, make_department, make_offering):
    it = make_department(slug="it", code="IT", name="IT Services")
    make_offering(it, slug="vpn", title="VPN", description=(
        "![Pixel](https://tracker.example.net/p.gif) ![Plan](https://images.example.com/plan.png)"
        " ![Logo](/static/logo.png) ![Own](http://127.0.0.1:5000/own.png)"))
    page = client.get("/departments/it/vpn").get_data(as_text=True)
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images == ["/static/logo.png", "http://127.0.0.1:5000/own.png"]
    assert 'href="https://tracker.example.net/p.gif"' in page  # a link now, not loaded

    allowing = make_app(MARKDOWN_IMAGE_HOSTS="images.example.com")
    response = allowing.test_client().get("/departments/it/vpn")
    assert re.findall(r'<img src="([^"]+)"', response.get_data(as_text=True)) == [
        "https://images.example.com/plan.png", "/static/logo.png", "http://127.0.0.1:5000/own.png"]
    assert directives(response.headers)["img-src"] == ["'self'", "images.example.com"]


INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on…= handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_holds_inline_script_or_style():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 20
    found = [f"{path.relative_to(ROOT)}:{number}: {kind}"
             for path in templates
             for number, line in enumerate(path.read_text().splitlines(), 1)
             for kind, pattern in INLINE.items() if pattern.search(line)]
    assert not found, "the Content-Security-Policy would block:\n" + "\n".join(found)
