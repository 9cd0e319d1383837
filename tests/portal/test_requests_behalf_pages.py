"""Issue 11, points 4-6 through the pages and the API: a request for a colleague, priorities
employees may pick with their hints, own commitments per priority on the public pages, and the
requester reopening or adding information."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog import workflow
from catalog.models import OutboxMessage, ServiceRequest, utcnow
from catalog.people import tokens
from tests import factories

FORM = "/departments/it/parking/request"


@pytest.fixture
def parking(session, it_dept):
    """Employees only; they pick low or normal; own targets for high (30m/2h), critical."""
    offering = factories.make_offering(
        session, it_dept, slug="parking", title="Parking space", audience=["employee"],
        form=[], employee_priorities=["low", "normal"],
        priority_hints={"normal": "You need it within the month",
                        "critical": "A production line stands still"},
        priority_targets={"high": [30, 120], "critical": [15, 60]})
    session.commit()
    return offering


@pytest.fixture
def bearer(session):
    def token_for(user) -> dict[str, str]:
        token = tokens.issue_token(session, user)
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return token_for


def stored(session) -> list[ServiceRequest]:
    session.expire_all()
    return list(session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


def error_of(page: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    return found.group(1) if found else ""


# 4. For someone else ----------------------------------------------------------------------------

def test_a_contractor_requests_for_an_employee_and_both_follow_it(
        client, auth, session, parking, contractor, employee):
    auth.login(contractor)
    refused = client.get(FORM)
    assert refused.status_code == 403
    assert "Request it for a colleague who may" in text(refused)
    page = client.get(FORM, query_string={"on_behalf_of": "emma@example.com"})
    assert page.status_code == 200 and 'value="emma@example.com"' in text(page)
    sent = client.post(FORM, data={"on_behalf_of": "emma@example.com", "priority": "normal"})
    assert sent.status_code == 303
    made = stored(session)[0]
    assert (made.requester_id, made.submitted_by_id) == (employee.id, contractor.id)
    assert sent.headers["Location"].endswith(f"/requests/{made.ref}")
    for person in (contractor, employee):
        auth.login(person)
        detail = text(client.get(f"/requests/{made.ref}"))
        assert "Requested for" in detail and "Emma Employee" in detail
        assert "Sent by" in detail and "Carl Contractor" in detail
        mine = text(client.get("/requests/"))
        assert made.ref in mine and "For Emma Employee, sent by Carl Contractor" in mine
    assert sorted(m.to_address for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "submitted"))) == \
        ["carl@example.com", "emma@example.com"]


def test_an_employee_cannot_request_for_a_contractor_what_contractors_may_not(
        client, auth, session, parking, contractor, employee):
    auth.login(employee)
    refused = client.post(FORM, data={"on_behalf_of": "carl@example.com", "priority": "normal"})
    assert refused.status_code == 403
    assert "Carl Contractor" in text(refused) and "cannot be requested for them" in text(refused)
    assert stored(session) == []


def test_an_unknown_colleague_is_told_at_the_field(client, auth, session, parking, employee,
                                                   contractor):
    auth.login(employee)
    page = client.post(FORM, data={"on_behalf_of": "nobody@example.com", "priority": "normal"})
    assert page.status_code == 422
    assert "Nobody with this e-mail address" in error_of(text(page), "on_behalf_of")
    assert 'aria-describedby="on_behalf_of-help on_behalf_of-error"' in text(page)
    auth.login(contractor)  # not eligible themselves: the colleague form says it
    page = client.get(FORM, query_string={"on_behalf_of": "nobody@example.com"})
    assert page.status_code == 422
    assert "Nobody with this e-mail address" in error_of(text(page), "on_behalf_of")
    assert stored(session) == []


def test_the_api_takes_on_behalf_of_and_both_read_the_request(
        client, session, parking, contractor, employee, agent, bearer, make_user):
    body = {"department": "it", "offering": "parking", "on_behalf_of": "emma@example.com"}
    created = client.post("/api/v1/requests", json=body, headers=bearer(contractor))
    assert created.status_code == 201
    ref = created.get_json()["ref"]
    for person in (contractor, employee, agent):
        read = client.get(f"/api/v1/requests/{ref}", headers=bearer(person)).get_json()
        assert (read["requested_for"], read["submitted_by"]) == \
            ("Emma Employee", "Carl Contractor")
    stranger = make_user(email="sam@example.com")
    assert client.get(f"/api/v1/requests/{ref}", headers=bearer(stranger)).status_code == 404
    refused = client.post("/api/v1/requests", json={**body, "on_behalf_of": "carl@example.com"},
                          headers=bearer(employee))
    assert refused.status_code == 403
    unknown = client.post("/api/v1/requests", json={**body, "on_behalf_of": "x@example.com"},
                          headers=bearer(employee))
    assert unknown.status_code == 422
    assert "on_behalf_of" in unknown.get_json()["error"]["fields"]
    assert len(stored(session)) == 1


# 5. Priorities ---------------------------------------------------------------------------------

def priority_values(page: str) -> list[str]:
    return re.findall(r'name="priority"[^>]*value="([a-z]+)"', page) or \
        re.findall(r'value="([a-z]+)"[^>]*name="priority"', page)


def test_employees_see_only_the_allowed_priorities_with_hints(client, auth, session, parking,
                                                              employee, agent):
    auth.login(employee)
    page = text(client.get(FORM))
    assert priority_values(page) == ["normal"]
    assert "You need it within the month" in page
    assert "Only IT Services sets these priorities: High, Critical." in page
    refused = client.post(FORM, data={"priority": "critical"})
    assert refused.status_code == 422
    assert "Only IT Services can set this priority" in text(refused)
    assert stored(session) == []
    auth.login(agent)
    page = text(client.get(FORM))
    assert priority_values(page) == ["normal", "high", "critical"]
    assert "A production line stands still" in page
    assert client.post(FORM, data={"priority": "critical"}).status_code == 303
    assert stored(session)[0].priority == "critical"


def test_the_api_refuses_a_priority_employees_may_not_pick_and_staff_may(
        client, session, parking, employee, agent, bearer):
    body = {"department": "it", "offering": "parking", "priority": "high"}
    refused = client.post("/api/v1/requests", json=body, headers=bearer(employee))
    assert refused.status_code == 422
    assert "Only IT Services can set this priority" in \
        refused.get_json()["error"]["fields"]["priority"]
    created = client.post("/api/v1/requests", json=body, headers=bearer(agent))
    assert created.status_code == 201
    assert stored(session)[0].resolution_due - stored(session)[0].created_at <= timedelta(
        days=4)  # 2 business hours, at most over a weekend


def test_own_commitments_per_priority_are_shown_on_the_offering_and_commitments_pages(
        client, parking):
    page = text(client.get("/departments/it/parking"))
    assert "own commitment for some priorities" in page
    assert "within 30 business minutes" in page and "within 2 business hours" in page
    assert "within 4 business hours" in page  # normal stays the department's
    overview = text(client.get("/commitments"))
    assert "Own commitment of “Parking space”" in overview
    assert "within 15 business minutes" in overview


# 6. After sending ------------------------------------------------------------------------------

@pytest.fixture
def resolved(session, parking, employee, agent, tmp_path):
    from catalog.submission import submit_request
    from catalog.uploads import FileStore
    made = submit_request(session, parking, employee, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=utcnow() - timedelta(days=3))
    workflow.change_status(session, made, agent, "resolved", "Space 12",
                           now=utcnow() - timedelta(days=2))
    session.commit()
    return made


def test_the_requester_reopens_through_the_page_with_a_reason(client, auth, session, resolved,
                                                              employee):
    auth.login(employee)
    url = f"/requests/{resolved.ref}"
    page = text(client.get(url))
    assert "Not solved after all?" in page and "Reopen this request" in page
    empty = client.post(url + "/reopen", data={"reason": " "})
    assert empty.status_code == 422 and error_of(text(empty), "reason")
    assert client.post(url + "/reopen", data={"reason": "Space 12 is taken"}).status_code == 303
    session.expire_all()
    item = session.get(ServiceRequest, resolved.id)
    assert item.status == "in_progress" and item.resolution_business_minutes is not None
    page = text(client.get(url))
    assert "reopened the request" in page and "Space 12 is taken" in page
    assert "Add information" in page


def test_after_the_days_the_request_cannot_be_reopened(client, auth, session, resolved,
                                                       employee, bearer, make_app):
    app = make_app(REOPEN_DAYS=1)
    late = app.test_client()
    response = late.post(f"/api/v1/requests/{resolved.ref}/reopen",
                         json={"reason": "Still broken"}, headers=bearer(employee))
    assert response.status_code == 409
    assert "up to 1 days" in response.get_json()["error"]["message"]
    ok = client.post(f"/api/v1/requests/{resolved.ref}/reopen", json={"reason": " "},
                     headers=bearer(employee))
    assert ok.status_code == 422
    ok = client.post(f"/api/v1/requests/{resolved.ref}/reopen",
                     json={"reason": "Still broken"}, headers=bearer(employee))
    assert ok.status_code == 200 and ok.get_json()["status"] == "in_progress"


def test_information_is_added_through_the_page_and_the_api(client, auth, session, parking,
                                                           employee, bearer):
    created = client.post("/api/v1/requests", json={"department": "it", "offering": "parking"},
                          headers=bearer(employee)).get_json()["ref"]
    auth.login(employee)
    assert client.post(f"/requests/{created}/information",
                       data={"body": "Plate M-AB 123"}).status_code == 303
    added = client.post(f"/api/v1/requests/{created}/information",
                        json={"body": "Red car"}, headers=bearer(employee))
    assert added.status_code == 201 and added.get_json()["kind"] == "information"
    page = text(client.get(f"/requests/{created}"))
    assert page.count("added information to the request") == 2 and "Plate M-AB 123" in page


def test_the_new_parts_of_the_pages_are_in_german(client, auth, session, resolved, employee,
                                                  contractor):
    auth.login(employee)
    page = text(client.get(f"/requests/{resolved.ref}?lang=de"))
    assert "Doch nicht gelöst?" in page and "Diese Anfrage wieder öffnen" in page
    form = text(client.get(FORM + "?lang=de"))
    assert "Für wen" in form and "Diese Prioritäten setzt nur IT Services" in form
    auth.login(contractor)
    refused = text(client.get(FORM + "?lang=de"))
    assert "Für diese Person fortfahren" in refused
