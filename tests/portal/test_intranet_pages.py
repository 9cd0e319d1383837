"""What intranet pages use: cards for iframes, link previews, the share box, CORS on the API."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

INTRANET = "https://intranet.example.com"


@pytest.fixture
def catalog(make_department, make_offering):
    it = make_department(slug="it", name="IT Services", description="We keep **you** working.",
                         commitments={"normal": (240, 1620)})
    laptop = make_offering(it, slug="new-laptop", title="Order a new laptop",
                           summary="A laptop for your work")
    make_offering(it, slug="idea", title="Unpublished idea", status="draft")
    old = make_offering(it, slug="old-phone", title="Old phone", status="retired",
                        replaced_by=laptop)
    return it, laptop, old


def text(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_offering_card_is_compact_and_opens_the_portal_in_the_top_window(client, catalog):
    _, laptop, _ = catalog
    card = text(client, f"/embed/o/{laptop.id}")
    assert "Order a new laptop" in card and "A laptop for your work" in card
    assert "First response within 4 business hours" in card
    assert '<base target="_top">' in card
    assert 'href="http://127.0.0.1:5000/departments/it/new-laptop/request"' in card
    assert "site-header" not in card and "site-footer" not in card  # no portal chrome
    assert "/static/css/embed.css" in card and "/static/css/portal.css" not in card


def test_the_card_speaks_the_readers_language(client, catalog):
    _, laptop, _ = catalog
    card = text(client, f"/embed/o/{laptop.id}", **{"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in card
    assert "Erstreaktion innerhalb von 4 Geschäftsstunden" in card
    assert ">Anfragen<" in card or "Anfragen<span" in card


def test_drafts_have_no_card_and_retired_ones_point_to_their_replacement(client, catalog):
    it, laptop, old = catalog
    draft = next(o for o in it.offerings if o.status == "draft")
    assert client.get(f"/embed/o/{draft.id}").status_code == 404
    assert client.get("/embed/o/999999").status_code == 404
    card = text(client, f"/embed/o/{old.id}")
    assert "can no longer be requested" in card
    assert f"http://127.0.0.1:5000/o/{laptop.id}" in card
    assert "/request" not in card


def test_the_department_card_lists_its_published_services(client, catalog):
    card = text(client, "/embed/departments/it")
    assert "IT Services" in card and "Order a new laptop" in card
    assert "Unpublished idea" not in card and "Old phone" not in card
    assert client.get("/embed/departments/nowhere").status_code == 404


def test_catalog_pages_carry_link_previews_from_the_base_url(make_app, catalog):
    client = make_app(BASE_URL="https://portal.example.com",
                      TRUSTED_HOSTS="localhost").test_client()
    page = text(client, "/departments/it/new-laptop")
    url = "https://portal.example.com/departments/it/new-laptop"
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta name="description" content="A laptop for your work">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Order a new laptop">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    department = text(client, "/departments/it")
    assert '<link rel="canonical" href="https://portal.example.com/departments/it">' in department
    assert '<meta name="description" content="We keep you working.">' in department
    home = text(client, "/")
    assert '<link rel="canonical" href="https://portal.example.com/">' in home


def test_offering_and_department_pages_offer_the_card_and_the_link(client, catalog):
    _, laptop, _ = catalog
    page = text(client, "/departments/it/new-laptop")
    assert re.search(r'<textarea id="embed-frame"[^>]*><iframe src="http://127.0.0.1:5000/'
                     rf'embed/o/{laptop.id}"', page)
    assert 'data-copy="#embed-frame"' in page and 'data-copy="#permalink"' in page
    department = text(client, "/departments/it")
    assert 'value="http://127.0.0.1:5000/departments/it"' in department
    assert "http://127.0.0.1:5000/embed/departments/it" in department
    assert 'data-copy="#embed"' in department


def test_cors_is_off_by_default(client, catalog):
    response = client.get("/api/v1/search?q=laptop", headers={"Origin": INTRANET})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_lets_the_intranet_read_but_never_write(make_app, catalog):
    client = make_app(CORS_ORIGINS=f"{INTRANET}, https://news.example.com").test_client()
    for url in ("/api/v1/search?q=laptop", "/api/v1/suggest?q=lap", "/api/v1/departments",
                "/api/v1/departments/it", "/api/v1/departments/it/new-laptop"):
        response = client.get(url, headers={"Origin": INTRANET})
        assert response.status_code == 200, url
        assert response.headers["Access-Control-Allow-Origin"] == INTRANET, url
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "Origin" in response.headers.get("Vary", "")
    other = client.get("/api/v1/departments", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/api/v1/search", headers={
        "Origin": INTRANET, "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Origin"] == INTRANET
    for url, method in (("/api/v1/requests", "POST"),
                        ("/api/v1/departments/it/new-laptop", "PUT"),
                        ("/api/v1/requests/IT-2026-0001/comments", "POST")):
        answer = client.options(url, headers={"Origin": INTRANET,
                                              "Access-Control-Request-Method": method})
        assert method not in answer.headers.get("Access-Control-Allow-Methods", ""), url
    token_preflight = client.options("/api/v1/search", headers={
        "Origin": INTRANET, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert "authorization" not in token_preflight.headers.get(
        "Access-Control-Allow-Headers", "").lower()


def test_a_cors_origin_that_is_not_an_origin_is_refused_at_start(make_app):
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        make_app(CORS_ORIGINS="intranet.example.com")
