"""Every absolute link starts with PORTAL_BASE_URL, whatever the request's Host header says;
hosts that are not trusted are refused with 400."""

from __future__ import annotations

import pytest
from flask import url_for

from tests import factories

BASE = "https://portal.example.com"
OFFERING = "/departments/it/vpn"


@pytest.fixture
def vpn(session):
    department = factories.make_department(session, slug="it", code="IT", name="IT Services")
    offering = factories.make_offering(session, department, slug="vpn", title="VPN access",
                                       audience=["employee"])
    session.commit()
    return offering


def test_a_forged_host_never_reaches_the_cached_permalink(make_app, vpn):
    client = make_app(BASE_URL=BASE).test_client()
    forged = client.get(OFFERING, headers={"Host": "evil.example"})
    assert forged.status_code == 400
    page = client.get(OFFERING).get_data(as_text=True)  # what the next visitor gets
    assert "evil.example" not in page
    assert f'value="{BASE}/o/{vpn.id}"' in page  # the permalink
    assert f'<a href="{BASE}/o/{vpn.id}">VPN access</a>' in page  # the embed snippet


def test_a_refused_host_gets_a_page_that_says_why(make_app, vpn):
    response = make_app(BASE_URL=BASE).test_client().get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "This address is not the portal&#39;s" in response.get_data(as_text=True)
    german = make_app(BASE_URL=BASE).test_client().get(
        "/", headers={"Host": "evil.example", "Accept-Language": "de"})
    assert "Diese Adresse gehört nicht zum Portal" in german.get_data(as_text=True)


def test_the_api_refuses_an_untrusted_host_with_its_json_error(make_app, vpn):
    response = make_app(BASE_URL=BASE).test_client().get(
        "/api/v1/departments", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_trusted_other_name_still_gets_links_to_the_base_url(make_app, vpn):
    client = make_app(BASE_URL=BASE, TRUSTED_HOSTS="portal, portal.internal").test_client()
    page = client.get(OFFERING, headers={"Host": "portal.internal"}).get_data(as_text=True)
    assert f'value="{BASE}/o/{vpn.id}"' in page and "portal.internal" not in page
    assert client.get("/", headers={"Host": "portal.example.com"}).status_code == 200
    # Set explicitly, the list replaces localhost and 127.0.0.1.
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_api_urls_and_opensearch_follow_the_base_url(make_app, vpn):
    client = make_app(BASE_URL=BASE).test_client()  # the test client says Host: localhost
    departments = client.get("/api/v1/departments").get_json()
    assert departments[0]["url"] == f"{BASE}/departments/it"
    offering = client.get("/api/v1/departments/it/vpn").get_json()
    assert offering["permalink"] == f"{BASE}/o/{vpn.id}"
    assert offering["url"] == f"{BASE}/departments/it/vpn"
    description = client.get("/opensearch.xml").get_data(as_text=True)
    assert f'template="{BASE}/search?q={{searchTerms}}"' in description
    assert "localhost" not in description


def test_a_path_in_the_base_url_prefixes_the_links(make_app, vpn):
    client = make_app(BASE_URL="https://intranet.example.com/portal/").test_client()
    page = client.get(OFFERING).get_data(as_text=True)
    assert f'value="https://intranet.example.com/portal/o/{vpn.id}"' in page


def test_links_outside_a_request_follow_the_base_url(make_app, vpn):
    from flask import url_for

    app = make_app(BASE_URL=BASE)
    with app.app_context():  # e.g. a command writing a report
        assert url_for("browse.permalink", offering_id=vpn.id) == f"{BASE}/o/{vpn.id}"


def test_fixed_addresses_are_built_once_yet_follow_the_base_url_and_the_context(make_app):
    app = make_app(BASE_URL="https://portal.example.com/it-portal")
    with app.test_request_context("/"):
        assert url_for("browse.departments") == "/it-portal/departments/"
        assert url_for("browse.departments", _external=True) == \
            "https://portal.example.com/it-portal/departments/"
        assert url_for("static", filename="css/portal.css") == \
            "/it-portal/static/css/portal.css"
        assert url_for("static", filename="js/portal.js") == "/it-portal/static/js/portal.js"
    with app.app_context():  # mail and commands: absolute
        assert url_for("browse.departments") == \
            "https://portal.example.com/it-portal/departments/"
    app.config["BASE_URL"] = "https://catalog.example.com"
    with app.test_request_context("/"):
        assert url_for("browse.departments") == "/departments/"
        assert url_for("browse.departments", _external=True) == \
            "https://catalog.example.com/departments/"
