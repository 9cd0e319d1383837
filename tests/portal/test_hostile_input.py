"""Hostile input is answered 400, 404, 413 or 422, never 500, and gives nothing away: ids
beyond the database's range, digits `str.isdigit` accepts but `int()` does not, JSON nested
deeply or too large, draft permalinks, assignment to strangers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from catalog.errors import ValidationError
from catalog.feedback import give_feedback
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import change_status
from tests import factories
from tests.conftest import Auth

OFFERING_HISTORY = "/manage/departments/it/offerings/vpn/history"


@pytest.mark.parametrize("path", ["/o/99999999999999999999999999", "/o/2147483648",
                                  "/o/" + "9" * 5000])
def test_ids_beyond_the_database_range_are_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_ids_beyond_the_database_range_are_not_found_for_signed_in_routes(client, auth,
                                                                          employee):
    auth.login(employee)
    assert client.post("/profile/tokens/99999999999999999999/revoke").status_code == 404
    assert client.get("/requests/X-1/attachments/99999999999999999999").status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999999", "-1"])
def test_odd_revision_numbers_are_not_found(client, auth, people, vpn, value):
    auth.login(people["owner"])
    assert client.get(f"{OFFERING_HISTORY}/compare?from={value}").status_code == 404
    assert client.get(f"{OFFERING_HISTORY}/compare?to={value}").status_code == 404


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_json_body_nested_a_thousand_deep_is_a_400_in_the_api_shape(client, auth, it_dept,
                                                                      owner):
    auth.login(owner)
    for path, method in (("/api/v1/requests", client.post),
                         ("/api/v1/departments/it/vpn", client.put)):
        response = method(path, data=_nested(1000), content_type="application/json")
        assert response.status_code == 400, path
        error = response.get_json()["error"]
        assert error["code"] == "bad_request" and "deeper than 32 levels" in error["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(client, auth, employee):
    auth.login(employee)
    body = json.dumps({"offering": "it/vpn", "answers": {"reason": "[" * 1000}})
    response = client.post("/api/v1/requests", data=body, content_type="application/json")
    assert response.status_code != 400 or "deeper" not in response.get_data(as_text=True)


def test_a_body_of_escaped_quotes_is_refused_at_once(client, auth, employee):
    # 40 KB that made the nesting check try a string at every escaped quote: 12 s of CPU.
    auth.login(employee)
    started = time.monotonic()
    response = client.post("/api/v1/requests", data='"' + '\\"' * 20_000,
                           content_type="application/json")
    assert response.status_code == 400
    assert time.monotonic() - started < 1


def test_a_json_body_above_the_limit_is_a_413_in_the_api_shape(make_app, employee):
    client = make_app(MAX_UPLOAD_MB=0.05).test_client()  # 51,200 bytes and 64 KB of form
    Auth(client).login(employee)
    body = json.dumps({"offering": "it/vpn", "answers": {"reason": "x" * 200_000}})
    response = client.post("/api/v1/requests", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_a_draft_permalink_is_not_found_for_those_who_may_not_see_drafts(client, auth, session,
                                                                         it_dept, owner):
    draft = factories.make_offering(session, it_dept, slug="secret-plan", title="Secret plan",
                                    status="draft")
    session.commit()
    response = client.get(f"/o/{draft.id}")
    assert response.status_code == 404
    assert "secret-plan" not in response.headers.get("Location", "")
    auth.login(owner)
    assert client.get(f"/o/{draft.id}").headers["Location"] == "/departments/it/secret-plan"


@pytest.fixture
def open_request(app, session, it_dept, employee):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help", form=[])
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024))
    session.commit()
    return made


def test_assigning_to_someone_outside_the_department_names_nobody(client, auth, session, agent,
                                                                  open_request, make_user):
    stranger = make_user(email="vera@example.com", name="Vera Vorstand")
    auth.login(agent)
    url = f"/manage/queue/requests/{open_request.ref}/assign"
    to_stranger = client.post(url, data={"assignee": str(stranger.id)}, follow_redirects=True)
    to_nobody = client.post(url, data={"assignee": "2000000000"}, follow_redirects=True)
    page = to_stranger.get_data(as_text=True)
    assert "Vera Vorstand" not in page
    assert "can only be assigned to its staff" in page
    # An id nobody has is answered alike: ids cannot be used to find out who exists.
    assert to_nobody.status_code == to_stranger.status_code
    assert "can only be assigned to its staff" in to_nobody.get_data(as_text=True)


@pytest.mark.parametrize("assignee", ["²", "٣"])
def test_unicode_digits_as_assignee_are_refused_not_a_500(client, auth, agent, open_request,
                                                          assignee):
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{open_request.ref}/assign",
                           data={"assignee": assignee})
    assert response.status_code == 422


def test_a_rating_of_unicode_digits_is_a_validation_error(session, open_request, employee,
                                                          agent):
    change_status(session, open_request, agent, "resolved", "Done")
    with pytest.raises(ValidationError):
        give_feedback(session, open_request, employee, "²", "")


def test_the_api_documents_its_400_and_413_answers_to_bodies(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    with_body = [(path, method) for path, item in spec["paths"].items()
                 for method, operation in item.items() if "requestBody" in operation]
    assert ("/requests", "post") in with_body
    for path, method in with_body:
        responses = spec["paths"][path][method]["responses"]
        assert "nests deeper than 32 levels" in responses["400"]["description"], path
        assert "request_entity_too_large" in responses["413"]["description"], path
