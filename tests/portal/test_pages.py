"""The catalog pages at their stable URLs, for anonymous and signed-in visitors."""

from __future__ import annotations

import pytest
from flask import Flask

from catalog.slugs import rename_department, rename_offering


@pytest.fixture
def it_dept(make_department, make_user):
    owner = make_user(email="owner@example.com", name="Olga Owner")
    return make_department(slug="it", code="IT", name="IT Services",
                           contact_email="it-help@example.com", owners=[owner],
                           description="We keep **your** computers running.")


@pytest.fixture
def laptop(make_offering, it_dept):
    return make_offering(it_dept, slug="new-laptop", title="Order a new laptop",
                         summary="A laptop for new and existing staff",
                         audience=["employee"], included="- a laptop\n- a bag",
                         process="We call you when it is ready.")


def test_home_lists_departments_and_popular_offerings(client, laptop):
    page = client.get("/").get_data(as_text=True)
    assert 'name="q"' in page
    assert "IT Services" in page
    assert "Order a new laptop" in page


def test_home_of_an_empty_catalog_says_so(client):
    page = client.get("/").get_data(as_text=True)
    assert "The catalog is empty so far" in page


def test_department_page_shows_offerings_commitments_hours_and_contact(client, laptop):
    page = client.get("/departments/it").get_data(as_text=True)
    assert "Order a new laptop" in page
    assert "<strong>your</strong>" in page
    assert "within 4 business hours" in page   # normal: first response 240 min
    assert "within 3 business days" in page    # normal: resolution 1620 min = 3 x 9 h
    assert "08:00–17:00" in page
    assert "it-help@example.com" in page
    assert "Olga Owner" in page


def test_departments_list(client, laptop):
    page = client.get("/departments/").get_data(as_text=True)
    assert "IT Services" in page and "1 service" in page


def test_offering_page_shows_service_standard_and_commitment(client, laptop):
    page = client.get("/departments/it/new-laptop").get_data(as_text=True)
    assert "Order a new laptop" in page
    assert "What is included" in page and "<li>a bag</li>" in page
    assert "How it is handled" in page
    assert "within 1 business hour" in page   # high: first response 60 min
    assert "Sign in to request" in page
    assert f"/o/{laptop.id}" in page          # the permanent link to copy


def test_offering_own_commitment_replaces_the_departments(client, make_offering, it_dept):
    make_offering(it_dept, slug="reset", title="Reset", first_response_minutes=30,
                  resolution_minutes=240)
    page = client.get("/departments/it/reset").get_data(as_text=True)
    assert "within 30 business minutes" in page and "within 4 business hours" in page
    assert "within 3 business days" not in page


def test_employee_sees_request_button(client, auth, make_user, laptop):
    auth.login(make_user(audience="employee"))
    page = client.get("/departments/it/new-laptop").get_data(as_text=True)
    assert "/departments/it/new-laptop/request" in page
    assert "you cannot request" not in page


def test_contractor_is_told_why_not_and_whom_to_ask(client, auth, make_user, laptop):
    auth.login(make_user(audience="contractor"))
    page = client.get("/departments/it/new-laptop").get_data(as_text=True)
    assert "As a contractor you cannot request this service." in page
    assert "it-help@example.com" in page
    assert "/departments/it/new-laptop/request" not in page


def test_retired_offering_still_answers_and_points_to_replacement(client, make_offering,
                                                                   it_dept, laptop):
    make_offering(it_dept, slug="old-laptop", title="Old laptop programme", status="retired",
                  replaced_by_id=laptop.id)
    response = client.get("/departments/it/old-laptop")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "has been retired" in page
    assert "/departments/it/new-laptop" in page


def test_draft_offering_is_hidden_from_employees_but_shown_to_owners(
        client, auth, make_offering, it_dept, make_user, session):
    make_offering(it_dept, slug="secret", title="Not yet", status="draft")
    assert client.get("/departments/it/secret").status_code == 404
    auth.login(it_dept.people("owner")[0])
    assert client.get("/departments/it/secret").status_code == 200


def test_permalink_redirects_to_current_url(client, laptop):
    response = client.get(f"/o/{laptop.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/departments/it/new-laptop")


def test_renamed_offering_answers_old_url_with_301(client, session, laptop):
    rename_offering(session, laptop, "laptop")
    session.commit()
    response = client.get("/departments/it/new-laptop?utm=intranet")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/departments/it/laptop")
    assert client.get(f"/o/{laptop.id}").headers["Location"].endswith("/departments/it/laptop")


def test_renamed_department_answers_old_urls_with_301(client, session, it_dept, laptop):
    rename_department(session, it_dept, "it-services")
    session.commit()
    old_department = client.get("/departments/it")
    assert old_department.status_code == 301
    assert old_department.headers["Location"].endswith("/departments/it-services")
    old_offering = client.get("/departments/it/new-laptop")
    assert old_offering.status_code == 301
    assert old_offering.headers["Location"].endswith("/departments/it-services/new-laptop")
    assert client.get("/departments/it-services/new-laptop").status_code == 200


def test_renaming_twice_keeps_the_first_url_working(client, session, laptop):
    rename_offering(session, laptop, "laptop")
    rename_offering(session, laptop, "notebook")
    session.commit()
    for old in ("new-laptop", "laptop"):
        location = client.get(f"/departments/it/{old}").headers["Location"]
        assert location.endswith("/departments/it/notebook")


def test_unknown_pages_get_a_friendly_404(client, laptop):
    for url in ("/departments/nope", "/departments/it/nope", "/o/999999", "/o/abc", "/nowhere"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in response.get_data(as_text=True)


def test_unexpected_errors_get_a_friendly_500_without_a_stack_trace(app: Flask, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_pages_offer_german(client, laptop):
    page = client.get("/departments/it?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in page
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="de">' in page


def test_require_login_to_browse(app, client, laptop):
    app.config["REQUIRE_LOGIN_TO_BROWSE"] = True
    response = client.get("/departments/it")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/departments").status_code == 401
    assert client.get("/login").status_code == 200


def test_long_department_lists_are_paginated(client, make_offering, it_dept):
    for number in range(55):
        make_offering(it_dept, slug=f"s{number:02}", title=f"Service {number:02}")
    first = client.get("/departments/it").get_data(as_text=True)
    assert "Service 00" in first and "Service 49" in first and "Service 50" not in first
    assert 'href="/departments/it?page=2"' in first
    second = client.get("/departments/it?page=2").get_data(as_text=True)
    assert "Service 54" in second and "Service 00" not in second
    assert client.get("/departments/it?page=999").status_code == 200


def test_cached_pages_show_a_catalog_change_at_once(client, session, laptop):
    assert "Order a new laptop" in client.get("/departments/it").get_data(as_text=True)
    from catalog.revision import bump_catalog_revision
    laptop.title = "Order a notebook"
    bump_catalog_revision(session)   # what every catalog operation does in its transaction
    session.commit()
    page = client.get("/departments/it").get_data(as_text=True)
    assert "Order a notebook" in page and "Order a new laptop" not in page


def test_signed_in_pages_are_never_served_from_the_anonymous_cache(client, auth, make_user,
                                                                    laptop):
    assert "Sign in to request" in client.get("/departments/it/new-laptop").get_data(as_text=True)
    auth.login(make_user(audience="employee"))
    page = client.get("/departments/it/new-laptop").get_data(as_text=True)
    assert "Sign in to request" not in page and "Sign out" in page


@pytest.mark.parametrize("url", ["/departments/%00", "/departments/it/%00x", "/departments/IT",
                                 "/departments/it/a%20b", "/departments/" + "x" * 5000])
def test_addresses_that_cannot_be_slugs_are_404_never_500(client, laptop, url):
    assert client.get(url).status_code == 404
    assert client.get("/api/v1" + url).status_code == 404
