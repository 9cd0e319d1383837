"""The agents' workbench on the request page and in the API: internal notes, hand-over,
priority with a reason, moving to another department. Plain forms, CSRF-protected, German too.

IT works Mon-Fri 08:00-17:00 Europe/Berlin; normal: 4 h / 3 days, high: 1 h / 1 day.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.models import (
    WEBHOOK_EVENTS,
    OutboxMessage,
    RequestEvent,
    ServiceRequest,
    Webhook,
    WebhookDelivery,
)
from catalog.people import tokens
from catalog.submission import submit_request
from catalog.uploads import FileStore
from portal.mail import compose
from tests import factories
from tests.request_fixtures import berlin

SECRET = "The requester was rude on the phone; hunter2"
SENT = berlin(2025, 7, 8, 9)  # Tue 09:00


@pytest.fixture
def item(app, session, it_dept, employee):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help",
                                       form=[])
    session.add(Webhook(url="https://hooks.example.com/x", events=list(WEBHOOK_EVENTS),
                        department=None, secret="s" * 32, format="json", active=True))
    session.commit()
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024), now=SENT)
    session.commit()
    return made


@pytest.fixture
def hr(session):
    keeper = factories.make_user(session, email="hanna@example.com", name="Hanna HR")
    department = factories.make_department(session, slug="hr", code="HR",
                                           name="Human Resources", agents=[keeper],
                                           commitments={"normal": (120, 540)})
    offering = factories.make_offering(session, department, slug="payroll",
                                       title="Payroll question", form=[])
    session.commit()
    return offering


@pytest.fixture
def bearer(session):
    """Headers with a new API token of the user (the token stored before it is used)."""
    return lambda user: {"Authorization": "Bearer " + committed(session,
                                                                tokens.issue_token(session, user))}


def committed(session, value: str) -> str:
    session.commit()
    return value


def page(client, ref: str, **query: str) -> str:
    response = client.get(f"/requests/{ref}", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Internal notes ----------------------------------------------------------------------------

def test_a_note_is_seen_by_the_department_and_nowhere_by_the_requester(
        app, client, auth, session, item, agent, owner, employee, bearer):
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/notes", data={"body": SECRET})
    assert response.status_code == 303
    assert client.post(f"/requests/{item.ref}/comments",
                       data={"body": "We are on it."}).status_code == 303
    mine = page(client, item.ref)
    assert SECRET in mine and "Internal note — only staff of IT Services see this" in mine
    auth.login(owner)
    assert SECRET in page(client, item.ref)
    staff_json = client.get(f"/api/v1/requests/{item.ref}").get_json()
    assert [n["body"] for n in staff_json["notes"]] == [SECRET]
    assert all(e["kind"] != "note" for e in staff_json["events"])

    # The requester: not on the page, not in the API (session or token), not in any e-mail.
    auth.login(employee)
    theirs = page(client, item.ref)
    assert "hunter2" not in theirs and "Internal note" not in theirs
    assert "We are on it." in theirs
    for headers in ({}, bearer(employee)):
        answer = client.get(f"/api/v1/requests/{item.ref}", headers=headers)
        assert answer.status_code == 200
        assert "notes" not in answer.get_json() and "hunter2" not in answer.get_data(as_text=True)
    with app.test_request_context():
        mails = [compose(message) for message in session.scalars(select(OutboxMessage))]
    assert mails and not any("hunter2" in subject + body for subject, body in mails)
    deliveries = session.scalars(select(WebhookDelivery)).all()
    assert deliveries and not any("hunter2" in json.dumps(d.data) for d in deliveries)
    session.expire_all()
    assert session.get(ServiceRequest, item.id).first_response_at is not None  # the comment


def test_only_the_departments_staff_write_notes_through_the_api(client, session, item, agent,
                                                                employee, bearer):
    stranger = factories.make_user(session, email="sam@example.com", name="Sam Stranger")
    url = f"/api/v1/requests/{item.ref}/notes"
    assert client.post(url, json={"body": "hi"}, headers=bearer(employee)).status_code == 403
    assert client.post(url, json={"body": "hi"}, headers=bearer(stranger)).status_code == 404
    blank = client.post(url, json={"body": " "}, headers=bearer(agent))
    assert blank.status_code == 422 and "body" in blank.get_json()["error"]["fields"]
    made = client.post(url, json={"body": "Ordered the part"}, headers=bearer(agent))
    assert made.status_code == 201 and made.get_json()["kind"] == "note"
    session.expire_all()
    stored = session.get(ServiceRequest, item.id)
    assert stored.first_response_at is None and stored.status == "new"
    assert session.scalar(select(func.count()).select_from(RequestEvent).where(
        RequestEvent.kind == "note")) == 1


def test_the_note_form_needs_its_csrf_token(app, client, auth, session, item, agent):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/notes", data={"body": SECRET})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(RequestEvent).where(
        RequestEvent.kind == "note")) == 0


def test_the_requester_cannot_post_to_the_note_form(client, auth, item, employee):
    auth.login(employee)
    assert client.post(f"/manage/queue/requests/{item.ref}/notes",
                       data={"body": "me too"}).status_code == 403


# Priority --------------------------------------------------------------------------------

def test_a_priority_change_on_the_page_recounts_due_times_and_shows_its_reason(
        client, auth, session, item, agent, employee):
    auth.login(agent)
    assert "Change priority to" in page(client, item.ref)
    response = client.post(f"/manage/queue/requests/{item.ref}/priority",
                           data={"priority": "high", "reason": "The CEO cannot print"})
    assert response.status_code == 303
    session.expire_all()
    stored = session.get(ServiceRequest, item.id)
    # High: 60 and 540 business minutes from Tue 09:00, the clock's start.
    assert stored.first_response_due == berlin(2025, 7, 8, 10)
    assert stored.resolution_due == berlin(2025, 7, 9, 9)
    auth.login(employee)
    theirs = page(client, item.ref)
    assert "changed the priority from Normal to High" in theirs
    assert "The CEO cannot print" in theirs


def test_a_priority_change_through_the_api(client, session, item, agent, employee, bearer):
    url = f"/api/v1/requests/{item.ref}/priority"
    missing = client.post(url, json={"priority": "high"}, headers=bearer(agent))
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    assert client.post(url, json={"priority": "high", "reason": "x"},
                       headers=bearer(employee)).status_code == 403
    changed = client.post(url, json={"priority": "high", "reason": "Board meeting"},
                          headers=bearer(agent))
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["priority"] == "high"
    assert body["due"]["first_response"] == "2025-07-08T08:00:00+00:00"  # 10:00 in Munich
    assert body["due"]["resolution"] == "2025-07-09T07:00:00+00:00"  # Wed 09:00 in Munich
    assert body["events"][-1]["kind"] == "priority"
    assert body["events"][-1]["details"] == {"old": "normal", "new": "high"}
    assert body["events"][-1]["body"] == "Board meeting"


def test_refusals_on_the_page_are_said_in_german(client, auth, item, agent):
    auth.login(agent)
    refused = client.post(f"/manage/queue/requests/{item.ref}/priority?lang=de",
                          data={"priority": "high", "reason": ""}, follow_redirects=True,
                          headers={"accept-language": "de"})
    text = refused.get_data(as_text=True)
    assert "Interne Notiz" in text  # the note form, in German
    assert "Bitte" in text and "Please" not in text


# Hand-over ---------------------------------------------------------------------------------

def test_handing_over_on_the_page_mails_the_colleague(app, client, auth, session, item, agent,
                                                      owner):
    auth.login(agent)
    assert "Hand over to" in page(client, item.ref)
    client.post(f"/manage/queue/requests/{item.ref}/assign", data={"assignee": str(owner.id)})
    handed = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "handed_over")).all()
    assert [m.to_address for m in handed] == ["owner@example.com"]
    with app.test_request_context():
        subject, body = compose(handed[0])
    assert "Adam Agent handed you a request" in subject
    assert f"/requests/{item.ref}" in body


def test_handing_over_through_the_api(client, session, item, agent, owner, employee, bearer):
    url = f"/api/v1/requests/{item.ref}/assignee"
    outsider = client.post(url, json={"email": "emma@example.com"}, headers=bearer(agent))
    assert outsider.status_code == 422 and "email" in outsider.get_json()["error"]["fields"]
    assert client.post(url, json={"email": "owner@example.com"},
                       headers=bearer(employee)).status_code == 403
    given = client.post(url, json={"email": "owner@example.com"}, headers=bearer(agent))
    assert given.status_code == 200 and given.get_json()["assignee"] == "Olga Owner"
    assert session.scalars(select(OutboxMessage.to_address).where(
        OutboxMessage.kind == "handed_over")).all() == ["owner@example.com"]


# Moving ------------------------------------------------------------------------------------

def test_a_moved_request_leaves_the_first_queue_for_the_second(client, auth, session, item,
                                                               agent, hr, employee):
    auth.login(agent)
    assert "Payroll question" in page(client, item.ref)
    response = client.post(f"/manage/queue/requests/{item.ref}/move",
                           data={"offering": str(hr.id), "reason": "Salary matters are HR's"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/queue/it"
    link = f'href="/requests/{item.ref}"'
    assert link not in client.get("/manage/queue/it").get_data(as_text=True)
    # The first department still reads the move on the timeline, but no longer works it.
    theirs = page(client, item.ref)
    assert "moved the request from IT Services to Human Resources" in theirs
    assert "Change status to" not in theirs
    assert client.post(f"/manage/queue/requests/{item.ref}/notes",
                       data={"body": "still mine?"}).status_code == 403

    hanna = session.scalar(select(type(agent)).where(type(agent).email == "hanna@example.com"))
    auth.login(hanna)
    queue = client.get("/manage/queue/hr").get_data(as_text=True)
    assert link in queue
    assert "moved the request from IT Services to Human Resources" in page(client, item.ref)
    auth.login(employee)
    assert "Salary matters are HR&#39;s" in page(client, item.ref)


def test_a_refused_move_changes_nothing(client, auth, session, item, agent, hr):
    auth.login(agent)
    refused = client.post(f"/manage/queue/requests/{item.ref}/move",
                          data={"offering": "abc", "reason": "x"}, follow_redirects=True)
    assert "Choose one of the listed services of another department." in refused.get_data(
        as_text=True)
    no_reason = client.post(f"/manage/queue/requests/{item.ref}/move",
                            data={"offering": str(hr.id), "reason": ""})
    assert no_reason.status_code == 303
    session.expire_all()
    assert session.get(ServiceRequest, item.id).department.slug == "it"
