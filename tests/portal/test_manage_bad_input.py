"""Bad input in any management form: a message at the field, and nothing written."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from catalog.models import Department, Offering
from tests.manage_fixtures import error_at, form_data, settings_data, writes


def snapshot_of_database(session) -> tuple:
    session.expire_all()
    offerings = session.execute(select(Offering.slug, Offering.title, Offering.version,
                                       Offering.form, Offering.first_response_minutes)
                                .order_by(Offering.id)).all()
    departments = session.execute(select(Department.slug, Department.name,
                                         Department.holiday_region, Department.updated_at)
                                  .order_by(Department.id)).all()
    return writes(session), offerings, departments


@pytest.mark.parametrize(("changes", "field_id", "words"), [
    ({"slug": "printer"}, "slug", "already uses 'printer'"),
    ({"slug": "VPN Zugang"}, "slug", "lowercase letters"),
    ({"slug": "vpn--access"}, "slug", "lowercase letters"),
    ({"title": "   "}, "title", "must not be empty"),
    ({"form_fields-0-type": "select", "form_fields-0-choices": ""}, "form_fields-0-choices",
     "needs choices"),
    ({"form_fields-0-name": "Bad Name"}, "form_fields-0-name", "lowercase letters"),
    ({"form_fields-0-label": ""}, "form_fields-0-label", "must not be empty"),
    ({"first_response": "0h", "resolution": "4h"}, "first_response", "longer than zero"),
    ({"first_response": "1h", "resolution": "-2d"}, "resolution", "not a duration"),
    ({"first_response": "1h"}, "resolution", "is required"),
    ({"review_interval_months": "0"}, "review_interval_months", "1 to 60"),
    ({"review_interval_months": "soon"}, "review_interval_months", "1 to 60"),
    ({"status": "retired", "replaced_by": "gone"}, "replaced_by", "no offering"),
])
def test_the_offering_form_refuses_bad_input_at_the_field(client, auth, session, people, vpn,
                                                          make_offering, it, changes, field_id,
                                                          words):
    make_offering(it, slug="printer", title="Printer")
    auth.login(people["owner"])
    before = snapshot_of_database(session)
    response = client.post("/manage/departments/it/offerings/vpn/edit",
                           data=form_data(vpn.version, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert words in (error_at(page, field_id) or ""), page[page.find('id="problems"'):][:600]
    assert "Nothing was saved." in page
    # The summary at the top names the problem and links to its field.
    summary = page[page.index('id="problems"'):page.index('class="offering-form"')]
    assert f'href="#{field_id}"' in summary and words in html.unescape(summary)
    assert snapshot_of_database(session) == before


def test_the_summary_names_a_priority_row_by_its_priority(client, auth, people, vpn):
    auth.login(people["owner"])
    page = client.post("/manage/departments/it/offerings/vpn/edit", data=form_data(
        vpn.version, **{"priority_rows-0-priority": "high", "priority_rows-0-employee": "y",
                        "priority_rows-0-first_response": "soon",
                        "priority_rows-0-resolution": "2d"})).get_data(as_text=True)
    summary = page[page.index('id="problems"'):page.index('class="offering-form"')]
    assert '<a href="#priority_rows-0-first_response">High – First response within</a>' \
        in summary, summary


def test_a_new_offering_with_a_taken_slug_is_refused(client, auth, session, people, vpn):
    auth.login(people["owner"])
    before = snapshot_of_database(session)
    response = client.post("/manage/departments/it/offerings/new",
                           data=form_data(title="Another VPN", slug="vpn"))
    assert response.status_code == 422
    assert "already uses 'vpn'" in error_at(response.get_data(as_text=True), "slug")
    assert snapshot_of_database(session) == before


def test_a_title_that_makes_no_slug_asks_for_one(client, auth, session, people, it):
    auth.login(people["owner"])
    response = client.post("/manage/departments/it/offerings/new",
                           data=form_data(title="???", slug=""))
    assert response.status_code == 422
    assert error_at(response.get_data(as_text=True), "slug") == "must not be empty"


@pytest.mark.parametrize(("changes", "field_id", "words"), [
    ({"commitments-1-first_response": "0m"}, "commitments-1-first_response", "longer than zero"),
    ({"commitments-1-resolution": "-1d"}, "commitments-1-resolution", "not a duration"),
    ({"commitments-2-resolution": ""}, "commitments-2-resolution", "is required"),
    ({"holidays": "XX-NOPE"}, "holidays", "unknown holiday region"),
    ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
    ({"start": "18:00"}, "end", "later than start"),
    ({"start": "8.00"}, "start", "like 08:00"),
    ({"contact_email": "not-an-address"}, "contact_email", "not an e-mail"),
    ({"days": []}, "days", "at least one working day"),
])
def test_the_settings_form_refuses_bad_input_at_the_field(client, auth, session, people, it,
                                                          changes, field_id, words):
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/settings").get_data(as_text=True)
    before = snapshot_of_database(session)
    response = client.post("/manage/departments/it/settings",
                           data=settings_data(page, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert words in (error_at(page, field_id) or ""), page[page.find('id="problems"'):][:600]
    assert snapshot_of_database(session) == before


@pytest.mark.parametrize(("changes", "field_id", "words"), [
    ({"slug": "it"}, "slug", "already uses 'it'"),
    ({"slug": "Facility Services"}, "slug", "lowercase letters"),
    ({"name": ""}, "name", "must not be empty"),
    ({"code": "it"}, "code", "already uses the code 'IT'"),
    ({"code": "1X"}, "code", "capital letters"),
])
def test_the_new_department_form_refuses_bad_input_at_the_field(client, auth, session, people,
                                                                it, changes, field_id, words):
    auth.login(people["admin"])
    before = snapshot_of_database(session)
    data = {"name": "Facilities", "slug": "facilities", "code": "FAC", **changes}
    response = client.post("/manage/new-department", data=data)
    assert response.status_code == 422
    assert words in (error_at(response.get_data(as_text=True), field_id) or "")
    assert snapshot_of_database(session) == before


@pytest.mark.parametrize(("changes", "field_id", "words"), [
    ({"slug": "hr"}, "slug", "already uses 'hr'"),
    ({"slug": "IT!"}, "slug", "lowercase letters"),
    ({"name": "  "}, "name", "must not be empty"),
    ({"owners": "owner@example.com\nnobody-at-example.com"}, "owners", "nobody-at-example.com"),
])
def test_the_people_form_refuses_bad_input_at_the_field(client, auth, session, people, it, hr,
                                                        changes, field_id, words):
    auth.login(people["admin"])
    before = snapshot_of_database(session)
    data = {"name": "IT Services", "slug": "it", "owners": "owner@example.com",
            "agents": "agent@example.com", **changes}
    response = client.post("/manage/departments/it/people", data=data)
    assert response.status_code == 422
    assert words in (error_at(response.get_data(as_text=True), field_id) or "")
    assert snapshot_of_database(session) == before
