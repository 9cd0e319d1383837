"""The request endpoints of the JSON API: same rules as the pages, JSON errors with fields."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.models import Attachment, OutboxMessage, ServiceRequest
from catalog.people import tokens
from tests import factories

QUOTE = {"filename": "quote.pdf", "content": base64.b64encode(b"%PDF-1.4").decode()}
FIELDS = {"summary": "A laptop for Jo", "contact": "jo@example.com", "quantity": 2,
          "model": "Developer", "extras": ["Dock"], "agree": True, "quote": QUOTE}


@pytest.fixture
def bearer(session):
    def token_for(user) -> dict[str, str]:
        token = tokens.issue_token(session, user)
        session.commit()
        return {"Authorization": f"Bearer {token}"}
    return token_for


def create(client, headers, **body):
    payload = {"department": "it", "offering": "new-laptop", "priority": "normal",
               "fields": FIELDS, **body}
    return client.post("/api/v1/requests", json=payload, headers=headers)


def nothing_stored(session, app) -> bool:
    session.expire_all()
    folder = Path(app.instance_path) / "uploads"
    return all(session.scalar(select(func.count()).select_from(m)) == 0
               for m in (ServiceRequest, Attachment, OutboxMessage)) \
        and (not folder.exists() or not any(folder.iterdir()))


def test_create_with_a_token(client, session, laptop, employee, bearer):
    response = create(client, bearer(employee))
    assert response.status_code == 201
    body = response.get_json()
    year = datetime.now().year
    assert body["ref"].startswith("IT-") and body["url"].endswith(f"/requests/{body['ref']}")
    assert set(body["due"]) == {"first_response", "resolution", "first_response_explanation",
                                "resolution_explanation"}
    assert datetime.fromisoformat(body["due"]["first_response"]).utcoffset() is not None
    assert response.headers["Location"].endswith(f"/api/v1/requests/{body['ref']}")
    session.expire_all()
    stored = session.scalar(select(ServiceRequest))
    assert stored.ref == body["ref"] and str(year - 1) <= stored.ref.split("-")[1]
    assert stored.answers["quote"] == "quote.pdf" and stored.answers["extras"] == ["Dock"]
    assert stored.attachments[0].size == 8


def test_read_a_request_as_design_md_describes(client, laptop, employee, agent, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    body = client.get(f"/api/v1/requests/{ref}", headers=bearer(employee)).get_json()
    assert {"ref", "url", "department", "offering", "priority", "status", "created_at", "due",
            "first_response_at", "resolved_at", "fields", "events"} <= set(body)
    assert (body["department"], body["offering"], body["priority"], body["status"]) == \
        ("it", "new-laptop", "normal", "new")
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    assert body["first_response_at"] is None and body["resolved_at"] is None
    assert body["fields"]["model"] == "Developer"
    assert body["fields"]["quote"]["filename"] == "quote.pdf"
    assert body["fields"]["quote"]["url"].endswith(f"/requests/{ref}/attachments/1")
    assert [e["kind"] for e in body["events"]] == ["created"]
    # The department's staff read it too.
    assert client.get(f"/api/v1/requests/{ref}", headers=bearer(agent)).status_code == 200


def test_comment_and_status_through_the_api(client, session, laptop, employee, agent, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    response = client.post(f"/api/v1/requests/{ref}/comments", json={"body": "Any news?"},
                           headers=bearer(employee))
    assert response.status_code == 201 and response.get_json()["kind"] == "comment"
    response = client.post(f"/api/v1/requests/{ref}/status",
                           json={"status": "resolved", "note": "Ready at the IT desk."},
                           headers=bearer(agent))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "resolved" and body["first_response_at"] and body["resolved_at"]
    assert [e["kind"] for e in body["events"]] == ["created", "comment", "status"]
    assert body["events"][-1]["body"] == "Ready at the IT desk."


def test_requester_may_cancel_but_not_resolve(client, laptop, employee, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    refused = client.post(f"/api/v1/requests/{ref}/status", json={"status": "resolved"},
                          headers=bearer(employee))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    cancelled = client.post(f"/api/v1/requests/{ref}/status", json={"status": "cancelled"},
                            headers=bearer(employee))
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"status": "teleported"}, 422, "status"),
    ({"status": "resolved", "note": 5}, 422, "note"),
    ({"status": "resolved"}, 422, "note"),
    ({"status": "resolved", "note": "  \n "}, 422, "note"),
])
def test_invalid_status_changes(client, laptop, employee, agent, bearer, body, status, field):
    ref = create(client, bearer(employee)).get_json()["ref"]
    response = client.post(f"/api/v1/requests/{ref}/status", json=body, headers=bearer(agent))
    assert response.status_code == status
    assert field in response.get_json()["error"]["fields"]


def test_setting_the_current_status_changes_nothing(client, laptop, employee, agent,
                                                    bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    before = client.get(f"/api/v1/requests/{ref}", headers=bearer(agent)).get_json()
    response = client.post(f"/api/v1/requests/{ref}/status", json={"status": "new"},
                           headers=bearer(agent))
    assert response.status_code == 200 and response.get_json()["status"] == "new"
    assert response.get_json()["events"] == before["events"]
    assert response.get_json()["first_response_at"] is None


def test_a_closed_request_cannot_be_resolved(client, laptop, employee, agent, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    client.post(f"/api/v1/requests/{ref}/status", json={"status": "closed"},
                headers=bearer(agent))
    response = client.post(f"/api/v1/requests/{ref}/status",
                           json={"status": "resolved", "note": "Done"}, headers=bearer(agent))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_contractor_cannot_request_an_employee_only_offering(client, session, app, laptop,
                                                             contractor, bearer):
    response = create(client, bearer(contractor))
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "forbidden" and "it-help@example.com" in error["message"]
    assert nothing_stored(session, app)


def test_anonymous_callers_get_401(client, laptop):
    response = create(client, {})
    assert response.status_code == 401 and response.get_json()["error"]["code"]
    assert client.get("/api/v1/requests/IT-2026-00001").status_code == 401


def test_cookie_writes_need_the_csrf_token(client, auth, app, session, laptop, employee):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(employee)
    response = create(client, {})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert nothing_stored(session, app)


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"fields": {**FIELDS, "summary": ""}}, 422, "summary"),                   # missing
    ({"fields": {k: v for k, v in FIELDS.items() if k != "model"}}, 422, "model"),
    ({"fields": {**FIELDS, "quantity": "lots"}}, 422, "quantity"),             # wrong type
    ({"fields": {**FIELDS, "agree": "yes"}}, 422, "agree"),
    ({"fields": {**FIELDS, "model": "Gaming rig"}}, 422, "model"),             # unknown choice
    ({"fields": {**FIELDS, "extras": ["Pony"]}}, 422, "extras"),
    ({"fields": {**FIELDS, "salary": 1}}, 422, "salary"),                      # unknown field
    ({"fields": ["summary"]}, 422, "fields"),
    ({"fields": {**FIELDS, "quote": {"filename": "q", "content": "%%%"}}}, 422, "quote"),
    ({"priority": "urgent"}, 422, "priority"),                                 # unknown priority
    ({"priority": "low"}, 422, "priority"),
    ({"priority": {"$gt": ""}}, 422, "priority"),
    ({"offering": "no-such-thing"}, 422, "offering"),                          # forged offering
    ({"offering": "payroll"}, 422, "offering"),                                # of another dept
    ({"offering": "draft"}, 422, "offering"),
    ({"department": "nope"}, 422, "department"),
    ({"department": 7}, 422, "department"),
    ({"offering": None}, 422, "offering"),
])
def test_invalid_input_is_a_json_error_at_the_field_and_writes_nothing(
        client, session, app, laptop, employee, bearer, changes, status, field):
    hr = factories.make_department(session, slug="hr", code="HR")
    factories.make_offering(session, hr, slug="payroll")
    factories.make_offering(session, laptop.department, slug="draft", status="draft")
    session.commit()
    response = create(client, bearer(employee), **changes)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]
    assert nothing_stored(session, app)


def test_oversized_file_through_the_api(client, session, app, laptop, employee, bearer):
    app.config["MAX_UPLOAD_MB"] = 1
    big = {"filename": "big.bin", "content": base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()}
    response = create(client, bearer(employee), fields={**FIELDS, "quote": big})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"quote": "This file is larger than 1 MB."}
    assert nothing_stored(session, app)


@pytest.mark.parametrize("data", ["not json", "[1, 2]", "null", '"text"'])
def test_a_body_that_is_not_an_object_is_a_400(client, session, app, laptop, employee, bearer,
                                               data):
    response = client.post("/api/v1/requests", data=data, content_type="application/json",
                           headers=bearer(employee))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert nothing_stored(session, app)


def test_others_cannot_read_or_write_on_a_request(client, session, laptop, employee, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    stranger = factories.make_user(session)
    session.commit()
    headers = bearer(stranger)
    assert client.get(f"/api/v1/requests/{ref}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/requests/{ref}/comments", json={"body": "hi"},
                       headers=headers).status_code == 404
    assert client.post(f"/api/v1/requests/{ref}/status", json={"status": "closed"},
                       headers=headers).status_code == 404
    assert client.get("/api/v1/requests/XX-0000-00000", headers=headers).status_code == 404


def test_an_empty_comment_is_refused(client, laptop, employee, bearer):
    ref = create(client, bearer(employee)).get_json()["ref"]
    response = client.post(f"/api/v1/requests/{ref}/comments", json={"body": ""},
                           headers=bearer(employee))
    assert response.status_code == 422 and "body" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("changes", [
    {"department": "it\u0000"}, {"offering": "new-laptop\u0000"},
    {"fields": {**FIELDS, "summary": "nul \u0000 inside", "model": "Developer\u0000"}},
    {"fields": {**FIELDS, "quote": {**QUOTE, "filename": "a\u0000.pdf",
                                    "content_type": "application/\u0000pdf"}}},
])
def test_nul_bytes_anywhere_never_reach_the_database(client, session, app, laptop, employee,
                                                     bearer, changes):
    response = create(client, bearer(employee), **changes)
    assert response.status_code in (201, 422)
    if response.status_code == 201:
        session.expire_all()
        stored = session.scalar(select(ServiceRequest))
        assert "\u0000" not in repr(stored.answers)
        assert stored.attachments[0].content_type == "application/octet-stream"
    ref = create(client, bearer(employee)).get_json()["ref"]
    comment = client.post(f"/api/v1/requests/{ref}/comments", json={"body": "a\u0000b"},
                          headers=bearer(employee))
    assert comment.status_code == 201 and comment.get_json()["body"] == "ab"
