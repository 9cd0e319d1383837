"""Approvals through the pages, the API and the mail: "Waiting for my approval", the request
page while it waits and after, a rejection with its reason, the German words."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog.models import DepartmentRole, OutboxMessage, ServiceRequest
from tests import factories

SIMPLE_FORM = [{"name": "account", "label": "Account", "type": "text", "required": True,
                "help": ""}]


@pytest.fixture
def phone(session, it_dept, employee):
    """A phone that Emma's manager, then IT's approver Carol, must approve."""
    manager = factories.make_user(session, email="max@example.com", name="Max Manager")
    carol = factories.make_user(session, email="carol@example.com", name="Carol Approver")
    employee.manager = manager
    it_dept.roles.append(DepartmentRole(user=carol, role="approver"))
    offering = factories.make_offering(session, it_dept, slug="new-phone", title="New phone",
                                       form=SIMPLE_FORM, approval=["manager"])
    session.commit()
    return {"offering": offering, "manager": manager, "carol": carol}


def submit(client, auth, employee) -> str:
    auth.login(employee)
    response = client.post("/departments/it/new-phone/request",
                           data={"priority": "normal", "f_account": "jdoe"})
    assert response.status_code == 303, response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_requester_sees_who_must_approve_and_since_when(client, auth, employee, phone):
    ref = submit(client, auth, employee)
    page = client.get(f"/requests/{ref}").text
    assert "Awaiting approval" in page
    assert "Manager: Max Manager" in page and "waiting for approval since" in page
    assert "the commitment counts from the last approval" in page
    assert "First response by" not in page
    assert "Approval asked of Max Manager" in page  # on the timeline
    assert 'name="decision"' not in page  # the requester does not decide


def test_waiting_for_my_approval_lists_it_and_approving_starts_the_clock(
        client, auth, employee, phone, session):
    ref = submit(client, auth, employee)
    home = client.get("/requests/").text
    assert ">Approvals<" not in home  # Emma approves nothing
    auth.login(phone["manager"])
    page = client.get("/approvals/").text
    assert ">Approvals<" in page and "Waiting for my approval" in page
    assert ref in page and "Emma Employee" in page and "Waiting since" in page
    response = client.post(f"/approvals/{ref}", data={"decision": "approve", "comment": "ok"})
    assert response.status_code == 303
    assert "Nothing waits for your approval." in client.get("/approvals/").text
    page = client.get(f"/requests/{ref}").text
    assert "approved by Max Manager" in page and "Counted from the approval on" in page
    assert "First response by" in page
    session.expire_all()
    request = session.scalar(select(ServiceRequest))
    assert request.status == "new"
    assert request.clock_started_at is not None
    assert request.first_response_due > request.clock_started_at


def test_people_who_may_not_decide_cannot_see_or_decide(client, auth, employee, phone, agent):
    ref = submit(client, auth, employee)
    auth.login(phone["carol"])  # approves for IT, but this offering asks the manager only
    assert client.get(f"/requests/{ref}").status_code == 404
    assert client.post(f"/approvals/{ref}", data={"decision": "approve"}).status_code == 404
    auth.login(agent)  # staff see it (not as work yet) but cannot approve
    page = client.get(f"/requests/{ref}").text
    assert 'name="decision"' not in page
    response = client.post(f"/approvals/{ref}", data={"decision": "approve"})
    assert response.status_code == 303
    assert "You cannot decide this approval." in client.get(response.headers["Location"]).text


def test_rejecting_needs_a_reason_at_the_field_then_ends_the_request_and_mails_it(
        client, auth, employee, phone, session, app):
    ref = submit(client, auth, employee)
    auth.login(phone["manager"])
    response = client.post(f"/approvals/{ref}", data={"decision": "reject", "comment": " "})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert f'aria-describedby="comment-{ref}-error"' in response.text
    assert "Please give the reason for rejecting" in response.text
    response = client.post(f"/approvals/{ref}",
                           data={"decision": "reject", "comment": "Budget is frozen"})
    assert response.status_code == 303
    session.expire_all()
    assert session.scalar(select(ServiceRequest.status)) == "cancelled"
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "rejected")).one()
    assert message.to_address == "emma@example.com"
    with app.app_context():
        from portal.mail import compose
        subject, body = compose(message)
    assert subject == f"[{ref}] Not approved: New phone"
    assert "Max Manager did not approve" in body and "Budget is frozen" in body
    auth.login(employee)
    page = client.get(f"/requests/{ref}").text
    assert "rejected by Max Manager" in page and "Budget is frozen" in page


def test_the_approver_is_mailed_with_a_link_to_the_approvals_page(client, auth, employee,
                                                                   phone, session, app):
    submit(client, auth, employee)
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "approval_asked")).one()
    assert message.to_address == "max@example.com"
    app.config["BASE_URL"] = "https://portal.example.com"
    with app.app_context():
        from portal.mail import compose
        subject, body = compose(message)
    assert "Your approval is needed: New phone" in subject
    assert "https://portal.example.com/approvals/" in body
    submitted = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "submitted")).one()
    with app.app_context():
        _subject, body = compose(submitted)
    assert "It needs approval first" in body
    assert not session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "new_request")).all()  # the department hears once approved


def test_api_shows_the_approval_state_and_takes_the_decision(client, auth, employee, phone):
    ref = submit(client, auth, employee)
    shown = client.get(f"/api/v1/requests/{ref}").get_json()
    assert shown["status"] == "awaiting_approval" and shown["due"]["first_response"] is None
    assert shown["approvals"] == [{"kind": "manager", "state": "pending",
                                   "by": "max@example.com", "asked_at": shown["created_at"],
                                   "at": None, "comment": ""}]
    refused = client.post(f"/api/v1/requests/{ref}/approval",
                          data=json.dumps({"decision": "approve"}),
                          content_type="application/json")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    auth.login(phone["manager"])
    bad = client.post(f"/api/v1/requests/{ref}/approval",
                      data=json.dumps({"decision": "reject"}), content_type="application/json")
    assert bad.status_code == 422 and "comment" in bad.get_json()["error"]["fields"]
    done = client.post(f"/api/v1/requests/{ref}/approval",
                       data=json.dumps({"decision": "approve", "comment": "Yes"}),
                       content_type="application/json")
    assert done.status_code == 200
    body = done.get_json()
    assert body["status"] == "new" and body["due"]["first_response"] is not None
    assert body["approvals"][0]["state"] == "approved" and body["approvals"][0]["at"]
    assert body["clock_started_at"] == body["approvals"][0]["at"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/requests/{ref}/approval" in spec["paths"]
    assert "awaiting_approval" in spec["paths"]["/requests/{ref}"]["get"]["summary"]


def test_the_pages_speak_german(client, auth, employee, phone):
    ref = submit(client, auth, employee)
    auth.login(phone["manager"])
    page = client.get("/approvals/?lang=de").text
    assert "Warten auf meine Freigabe" in page and "Freigeben" in page and "Ablehnen" in page
    page = client.get(f"/requests/{ref}?lang=de").text
    assert "Wartet auf Freigabe" in page and "Vorgesetzte(r): Max Manager" in page


def test_owners_choose_the_approval_in_the_editor(client, auth, owner, it_dept, session):
    auth.login(owner)
    page = client.get("/manage/departments/it/offerings/new").text
    assert 'name="approval"' in page
    response = client.post("/manage/departments/it/offerings/new", data={
        "title": "Company car", "slug": "company-car", "status": "published",
        "language": "en", "approval": "manager,department", "review_interval_months": "12",
        "builder": ""})
    assert response.status_code in (302, 303), response.text
    from catalog.models import Offering
    session.expire_all()
    car = session.scalar(select(Offering).where(Offering.slug == "company-car"))
    assert car.approval == ["manager", "department"]
    page = client.get("/manage/departments/it/offerings/company-car/edit").text
    assert '<option selected value="manager,department">' in page


def test_the_approval_pages_run_no_sql_while_rendering(client, auth, employee, phone, app,
                                                       engine):
    from tests.portal.test_render_queries import statements_while_rendering

    ref = submit(client, auth, employee)
    auth.login(phone["manager"])
    for url in ("/approvals/", f"/requests/{ref}"):
        with statements_while_rendering(app, engine) as found:
            assert client.get(url).status_code == 200
        assert found == [], url


def test_my_requests_lists_it_as_open_and_awaiting_approval(client, auth, employee, phone):
    ref = submit(client, auth, employee)
    for status in ("open", "awaiting_approval"):
        page = client.get(f"/requests/?status={status}").text
        assert ref in page and "Starts once approved" in page
    assert ref not in client.get("/requests/?status=new").text
