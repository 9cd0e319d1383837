"""Field rules and conditional fields through the request page, the API and the form builder."""

from __future__ import annotations

import base64
import copy
import html
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from catalog.models import Offering, ServiceRequest
from catalog.people import tokens
from tests import factories
from tests.catalog.test_field_rules import EXE, PDF, RULED
from tests.manage_fixtures import form_data

URL = "/departments/it/ruled/request"
EDIT = "/manage/departments/it/offerings/vpn/edit"
# Tue 26 Nov 2024, 07:00 in Berlin: 3 working days ahead is Fri 29 Nov.
FROZEN = datetime(2024, 11, 26, 6, 0, tzinfo=UTC)
GOOD = {"cost_centre": "410200", "plate": "M-AB 123", "amount": "19.99",
        "first_day": "2024-11-26", "needed_by": "2024-11-29", "back_on": "2024-12-02",
        "extras": ["Dock", "Bag"], "reason": "Broken"}
# (field, bad answer, the message at the field, a good answer)
CASES = [
    ("cost_centre", "12ab", "Six digits, e.g. 410200", "410200"),
    ("plate", "X", "Enter at least 2 characters (this is 1).", "AB"),
    ("plate", "ABCDEFGHIJK", "Enter at most 10 characters (this is 11).", "ABCDEFGHIJ"),
    ("amount", "-1", "Enter 0 or more.", "0"),
    ("amount", "5000.5", "Enter 5000 or less.", "5000"),
    ("amount", "10.005", "Enter a number in steps of 0.01, starting from 0.", "10.01"),
    ("first_day", "2020-01-01", "Choose today (2024-11-26) or a later date.", "2024-11-26"),
    ("needed_by", "2024-11-28",
     "Choose 2024-11-29 or later: the department needs 3 working days.", "2024-11-29"),
    ("back_on", "2024-11-28", "Choose 2024-11-29 (“Needed by”) or a later date.",
     "2024-11-29"),
    ("extras", ["Dock"], "Choose at least 2 options.", ["Dock", "Monitor"]),
    ("extras", ["Dock", "Headset", "Monitor", "Bag"], "Choose at most 3 options.",
     ["Dock", "Headset", "Monitor"]),
    ("proof", ("tool.pdf", EXE),
     "Attach a file of type PDF; this file's content is not one of them.",
     ("scan.pdf", PDF)),
]


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr("catalog.submission.utcnow", lambda: FROZEN)
    monkeypatch.setattr("portal.requests.views.utcnow", lambda: FROZEN)


@pytest.fixture
def ruled(session, it_dept) -> Offering:
    offering = factories.make_offering(session, it_dept, slug="ruled", title="Ruled form",
                                       form=copy.deepcopy(RULED))
    session.commit()
    return offering


@pytest.fixture
def bearer(session):
    def token_for(user) -> dict[str, str]:
        token = tokens.issue_token(session, user)
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return token_for


def page_data(**answers):
    data = {"priority": "normal"}
    for name, value in {**GOOD, **answers}.items():
        if value is None:
            continue
        if name == "proof":
            value = (io.BytesIO(value[1]), value[0], "application/pdf")
        elif value is True:
            value = "y"
        data[f"f_{name}"] = value
    return data


def api_fields(**answers):
    fields = {name: value for name, value in {**GOOD, **answers}.items() if value is not None}
    if "proof" in fields:
        filename, content = fields["proof"]
        fields["proof"] = {"filename": filename, "content": base64.b64encode(content).decode()}
    return fields


def post_api(client, headers, **answers):
    return client.post("/api/v1/requests", headers=headers, json={
        "department": "it", "offering": "ruled", "priority": "normal",
        "fields": api_fields(**answers)})


def error_at(page: str, name: str) -> str | None:
    found = re.search(rf'<p class="error" id="f_{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else None


def newest(session) -> ServiceRequest:
    session.expire_all()
    return session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()


@pytest.mark.parametrize(("field", "bad", "message", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_page_refuses_a_bad_answer_at_its_field_and_takes_a_good_one(
        client, auth, session, ruled, employee, frozen_clock, field, bad, message, good):
    auth.login(employee)
    response = client.post(URL, data=page_data(**{field: bad}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_at(page, field) == message
    assert f'aria-describedby="f_{field}-error"' in page or field == "extras"
    response = client.post(URL, data=page_data(**{field: good}))
    assert response.status_code == 303, error_at(response.get_data(as_text=True), field)
    stored = newest(session).answers[field]
    assert stored == (good[0] if field == "proof" else
                      float(good) if field == "amount" and "." in good else
                      int(good) if field == "amount" else good)


@pytest.mark.parametrize(("field", "bad", "message", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_api_refuses_a_bad_answer_with_422_and_takes_a_good_one(
        client, session, ruled, employee, bearer, frozen_clock, field, bad, message, good):
    headers = bearer(employee)
    response = post_api(client, headers, **{field: bad})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: message}
    response = post_api(client, headers, **{field: good})
    assert response.status_code == 201, response.get_json()


def test_the_form_carries_the_rules_as_html_attributes(client, auth, ruled, employee,
                                                        frozen_clock):
    auth.login(employee)
    page = client.get(URL).get_data(as_text=True)
    cost_centre = re.search(r'<input[^>]*id="f_cost_centre"[^>]*>', page).group(0)
    assert 'pattern="^[0-9]{6}$"' in cost_centre
    assert 'data-pattern-message="Six digits, e.g. 410200"' in cost_centre
    plate = re.search(r'<input[^>]*id="f_plate"[^>]*>', page).group(0)
    assert 'minlength="2"' in plate and 'maxlength="10"' in plate
    amount = re.search(r'<input[^>]*id="f_amount"[^>]*>', page).group(0)
    assert 'min="0"' in amount and 'max="5000"' in amount and 'step="0.01"' in amount
    needed_by = re.search(r'<input[^>]*id="f_needed_by"[^>]*>', page).group(0)
    assert 'type="date"' in needed_by and 'min="2024-11-29"' in needed_by
    first_day = re.search(r'<input[^>]*id="f_first_day"[^>]*>', page).group(0)
    assert 'min="2024-11-26"' in first_day
    back_on = re.search(r'<input[^>]*id="f_back_on"[^>]*>', page).group(0)
    assert 'data-on-or-after="f_needed_by"' in back_on
    proof = re.search(r'<input[^>]*id="f_proof"[^>]*>', page).group(0)
    assert 'accept=".pdf"' in proof


def test_without_javascript_every_field_shows_its_condition_in_words(client, auth, ruled,
                                                                     employee, frozen_clock):
    auth.login(employee)
    page = html.unescape(client.get(URL).get_data(as_text=True))
    assert "Only if you chose “Other” for “Reason”." in page
    assert "Only if you chose one of these for “Reason”: Broken, Too slow." in page
    assert "Only if you ticked “I need a parking space”." in page
    for name in ("other_reason", "since", "car"):
        assert f'id="f_{name}"' in page
        block = re.search(rf'<div class="conditional-field" id="f_{name}-block"[^>]*>', page)
        assert block and " hidden" not in block.group(0)
    # The condition is read out with the field, which is marked required for when it is shown.
    assert 'aria-describedby="f_other_reason-condition"' in page
    assert re.search(r'<label for="f_other_reason">Other reason <span class="required"', page)
    german = html.unescape(client.get(URL, headers={"accept-language": "de"})
                           .get_data(as_text=True))
    assert "Nur wenn Sie bei „Reason“ „Other“ gewählt haben." in german
    assert "Nur wenn Sie „I need a parking space“ angekreuzt haben." in german
    assert "Nur wenn Sie bei „Reason“ eine dieser Antworten gewählt haben: Broken, Too slow." \
        in german


def test_a_conditional_field_is_required_only_when_shown_and_dropped_when_hidden_on_the_page(
        client, auth, session, ruled, employee, frozen_clock):
    auth.login(employee)
    response = client.post(URL, data=page_data(reason="Other"))
    assert response.status_code == 422
    assert error_at(response.get_data(as_text=True), "other_reason") \
        == "Please fill in this field."
    response = client.post(URL, data=page_data(parking=True))
    assert error_at(response.get_data(as_text=True), "car") == "Please fill in this field."
    response = client.post(URL, data=page_data(reason="Broken", other_reason="left over",
                                               car="M-X 1"))
    assert response.status_code == 303
    answers = newest(session).answers
    assert "other_reason" not in answers and "car" not in answers
    client.post(URL, data=page_data(reason="Other", other_reason="Stolen", parking=True,
                                    car="M-X 1"))
    answers = newest(session).answers
    assert answers["other_reason"] == "Stolen" and answers["car"] == "M-X 1"


def test_a_conditional_field_through_the_api(client, session, ruled, employee, bearer,
                                             frozen_clock):
    headers = bearer(employee)
    response = post_api(client, headers, reason="Other")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "other_reason": "Please fill in this field."}
    response = post_api(client, headers, reason="Too slow", other_reason="left over",
                        since="2024-11-01")
    assert response.status_code == 201
    answers = newest(session).answers
    assert "other_reason" not in answers and answers["since"] == "2024-11-01"
    fields = client.get(response.get_json()["url"].replace("http://localhost", "")
                        .replace("/requests/", "/api/v1/requests/"), headers=headers)
    assert "other_reason" not in fields.get_json()["fields"]


def rule_row(**rule):
    return {"name": "cost_centre", "label": "Cost centre", "type": "text", **rule}


@pytest.mark.parametrize(("rows", "field_id", "words"), [
    ([rule_row(pattern="([0-9]{6}")], "form_fields-0-pattern", "not a valid regular expression"),
    ([rule_row(min_length="8", max_length="4")], "form_fields-0-min_length",
     "must not be more than max_length"),
    ([rule_row(type="number", min="10", max="1")], "form_fields-0-min",
     "must not be more than max"),
    ([rule_row(type="number", step="ten")], "form_fields-0-step", "must be a number"),
    ([rule_row(show_if="nowhere", show_if_values="Other")], "form_fields-0-show_if",
     "no field 'nowhere'"),
    ([rule_row(type="date", on_or_after="start")], "form_fields-0-on_or_after",
     "no date field 'start'"),
])
def test_the_builder_refuses_an_impossible_rule_at_its_field(client, auth, session, people, vpn,
                                                             rows, field_id, words):
    auth.login(people["owner"])
    before = copy.deepcopy(vpn.form)
    response = client.post(EDIT, data=form_data(vpn.version, rows=rows))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert found and words in found.group(1), page[page.find('class="error"') - 300:][:900]
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     rf'id="{field_id}"', page)
    session.expire_all()
    assert session.get(Offering, vpn.id).form == before


def test_the_builder_saves_rules_and_conditions_and_shows_them_again(client, auth, session,
                                                                     people, vpn):
    auth.login(people["owner"])
    rows = [
        rule_row(pattern="^[0-9]{6}$", pattern_message="Six digits", min_length="6"),
        {"name": "amount", "label": "Amount", "type": "number", "min": "0", "max": "5000",
         "step": "0,01"},
        {"name": "needed_by", "label": "Needed by", "type": "date", "not_in_past": "y",
         "min_business_days_ahead": "3"},
        {"name": "back_on", "label": "Back on", "type": "date", "on_or_after": "needed_by"},
        {"name": "extras", "label": "Extras", "type": "multiselect", "choices": "A\nB\nC",
         "min_choices": "1", "max_choices": "2"},
        {"name": "proof", "label": "Proof", "type": "file", "file_types": "pdf, jpg"},
        {"name": "reason", "label": "Reason", "type": "select", "choices": "Broken\nOther"},
        {"name": "other", "label": "Other reason", "type": "text", "show_if": "reason",
         "show_if_values": "Other"},
        {"name": "parking", "label": "Parking", "type": "checkbox"},
        {"name": "car", "label": "Car", "type": "text", "show_if": "parking"},
        # Rules of another type in a row are left out, as the choices of a text field are.
        {"name": "note", "label": "Note", "type": "text", "min": "3"},
    ]
    response = client.post(EDIT, data=form_data(vpn.version, rows=rows))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.expire_all()
    form = {field["name"]: field for field in session.get(Offering, vpn.id).form}
    assert form["cost_centre"]["pattern"] == "^[0-9]{6}$"
    assert form["cost_centre"]["pattern_message"] == "Six digits"
    assert (form["amount"]["min"], form["amount"]["max"], form["amount"]["step"]) \
        == (0, 5000, 0.01)
    assert form["needed_by"]["not_in_past"] is True
    assert form["needed_by"]["min_business_days_ahead"] == 3
    assert form["back_on"]["on_or_after"] == "needed_by"
    assert (form["extras"]["min_choices"], form["extras"]["max_choices"]) == (1, 2)
    assert form["proof"]["file_types"] == ["pdf", "jpg"]
    assert form["other"]["show_if"] == {"field": "reason", "equals": "Other"}
    assert form["car"]["show_if"] == {"field": "parking", "checked": True}
    assert "min" not in form["note"]
    page = html.unescape(client.get(EDIT).get_data(as_text=True))
    assert 'value="^[0-9]{6}$"' in page and 'value="pdf, jpg"' in page
    assert 'value="needed_by"' in page


@pytest.fixture
def several_files(session, ruled):
    ruled.form = [*ruled.form, {"name": "photos", "label": "Photos", "type": "file",
                                "required": True, "help": "", "file_types": ["pdf", "png"],
                                "max_files": 2}]
    session.commit()
    return ruled


def test_several_files_on_the_page_are_counted_and_each_kept(client, auth, session, employee,
                                                               several_files, frozen_clock):
    auth.login(employee)
    page = client.get(URL).get_data(as_text=True)
    photos = re.search(r'<input[^>]*id="f_photos"[^>]*>', page).group(0)
    assert "multiple" in photos and 'accept=".pdf,.png"' in photos

    def files(*names):
        return [(io.BytesIO(PDF), name, "application/pdf") for name in names]

    response = client.post(URL, data={**page_data(), "f_photos": files("a.pdf", "b.pdf", "c.pdf")})
    assert response.status_code == 422
    assert error_at(response.get_data(as_text=True), "photos") == "Attach at most 2 files."
    response = client.post(URL, data={**page_data(), "f_photos": files("a.pdf", "b.pdf")})
    assert response.status_code == 303
    item = newest(session)
    assert item.answers["photos"] == ["a.pdf", "b.pdf"]
    assert sorted(a.filename for a in item.attachments) == ["a.pdf", "b.pdf"]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a.pdf" in detail and "b.pdf" in detail


def test_several_files_through_the_api(client, session, employee, bearer, several_files,
                                       frozen_clock):
    headers = bearer(employee)

    def photo(name, content=PDF):
        return {"filename": name, "content": base64.b64encode(content).decode()}

    response = client.post("/api/v1/requests", headers=headers, json={
        "department": "it", "offering": "ruled", "fields": {
            **api_fields(), "photos": [photo("a.pdf"), photo("tool.pdf", EXE)]}})
    assert response.status_code == 422
    assert "photos" in response.get_json()["error"]["fields"]
    response = client.post("/api/v1/requests", headers=headers, json={
        "department": "it", "offering": "ruled", "fields": {
            **api_fields(), "photos": [photo("a.pdf"), photo("b.pdf")]}})
    assert response.status_code == 201
    read = client.get(f"/api/v1/requests/{response.get_json()['ref']}", headers=headers)
    assert [f["filename"] for f in read.get_json()["fields"]["photos"]] == ["a.pdf", "b.pdf"]
