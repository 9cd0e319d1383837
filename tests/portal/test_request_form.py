"""The request form page: every field type, who may use it, what bad input gets back."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from catalog.models import Attachment, OutboxMessage, ServiceRequest
from tests import factories

URL = "/departments/it/new-laptop/request"
# Tue 26 Nov 2024, 07:00 in Berlin: before the department opens at 08:00.
FROZEN = datetime(2024, 11, 26, 6, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr("catalog.submission.utcnow", lambda: FROZEN)
    monkeypatch.setattr("portal.requests.views.utcnow", lambda: FROZEN)


def form_data(**changes):
    data = {
        "priority": "normal", "f_summary": "A laptop for Jo", "f_details": "Two lines\nhere",
        "f_contact": "jo@example.com", "f_quantity": "2", "f_needed_by": "2024-12-20",
        "f_model": "Developer", "f_extras": ["Dock", "Monitor"], "f_agree": "y",
        "f_quote": (io.BytesIO(b"%PDF-1.4 the quote"), "Angebot März.pdf", "application/pdf"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def stored(session, model=ServiceRequest) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def uploads(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_form_shows_every_field_type_with_labels_help_and_required_marks(client, auth, laptop,
                                                                          employee,
                                                                          frozen_clock):
    auth.login(employee)
    page = client.get(URL).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    for snippet in ('type="text"', "<textarea", 'type="email"', 'type="number"',
                    'type="date"', "<select", 'type="checkbox"', 'type="file"'):
        assert snippet in page, snippet
    for label in ("Short summary", "Details", "Contact e-mail", "How many", "Needed by",
                  "Model", "Extras", "I agree to the terms", "Quote"):
        assert label in page
    assert "The supplier&#39;s quote" in page  # help text
    assert page.count('class="required"') == 7  # six required fields and the priority
    # Only the priorities IT publishes, each with its due times if sent now.
    assert re.findall(r'name="priority"[^>]*value="(\w+)"', page) == ["normal", "high"]
    assert "If sent now: first response by" in page
    assert "Tue 26 Nov, 12:00" in page and "Tue 26 Nov, 09:00" in page


def test_offering_page_links_to_the_form(client, auth, laptop, employee):
    auth.login(employee)
    assert f'href="{URL}"' in client.get("/departments/it/new-laptop").get_data(as_text=True)


def test_anonymous_visitors_are_asked_to_sign_in(client, laptop):
    response = client.get(URL)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.post(URL, data=form_data()).status_code == 302


def test_employee_submits_every_field_type_and_lands_on_the_request(
        client, auth, app, session, laptop, employee, frozen_clock):
    auth.login(employee)
    response = client.post(URL, data=form_data(), content_type="multipart/form-data")
    assert response.status_code == 303
    assert response.headers["Location"] == "/requests/IT-2024-00001"
    session.expire_all()
    request = session.scalar(select(ServiceRequest))
    assert request.answers == {
        "summary": "A laptop for Jo", "details": "Two lines\nhere", "contact": "jo@example.com",
        "quantity": 2, "needed_by": "2024-12-20", "model": "Developer",
        "extras": ["Dock", "Monitor"], "agree": True, "quote": "Angebot März.pdf",
    }
    [file] = uploads(app)
    assert file.read_bytes() == b"%PDF-1.4 the quote" and file.name != "Angebot März.pdf"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request IT-2024-00001 has been sent to IT Services." in page
    assert "First response by <time" in page and "Tue 26 Nov, 12:00</time>" in page
    assert "Resolution by" in page and "Thu 28 Nov, 17:00" in page
    assert "Angebot März.pdf" in page and "Dock, Monitor" in page
    mine = client.get("/requests/").get_data(as_text=True)
    assert "IT-2024-00001" in mine and "Order a new laptop" in mine


def test_due_times_are_shown_in_the_requesters_time_zone(client, auth, session, laptop,
                                                         employee, frozen_clock):
    employee.timezone = "America/New_York"
    session.commit()
    auth.login(employee)
    location = client.post(URL, data=form_data()).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Tue 26 Nov, 06:00</time>" in page  # 12:00 in Berlin


def test_contractor_gets_a_page_saying_why_and_whom_to_ask(client, auth, app, session, laptop,
                                                           contractor):
    auth.login(contractor)
    response = client.get(URL)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You cannot request this service" in page
    assert "it-help@example.com" in page and "IT Services" in page
    refused = client.post(URL, data=form_data())
    assert refused.status_code == 403
    assert stored(session) == 0 and uploads(app) == []


@pytest.mark.parametrize(("changes", "field_id", "message"), [
    ({"f_summary": ""}, "f_summary", "Please fill in this field."),
    ({"f_quantity": "a few"}, "f_quantity", "Enter a number, e.g. 3 or 2.5."),
    ({"f_contact": "jo at example"}, "f_contact",
     "Enter an e-mail address such as name@example.com."),
    ({"f_needed_by": "2024-02-31"}, "f_needed_by", "This date does not exist."),
    ({"f_model": "Gaming rig"}, "f_model", "Choose one of the listed options."),
    ({"f_extras": ["Dock", "Pony"]}, "f_extras", "Choose only from the listed options."),
    ({"f_agree": None}, "f_agree", "Please tick this box to continue."),
    ({"f_quote": None}, "f_quote", "Please attach a file."),
    ({"priority": "critical"}, "priority", "Choose one of the priorities listed."),
    ({"priority": "urgent"}, "priority", "Choose one of the priorities listed."),
])
def test_invalid_input_is_told_at_the_field_and_nothing_is_written(
        client, auth, app, session, laptop, employee, changes, field_id, message):
    auth.login(employee)
    response = client.post(URL, data=form_data(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field_id}-error">{message}</p>' in page
    assert "Your request was not sent yet" in page
    # The other answers are kept for the next try.
    if field_id != "f_summary":
        assert 'value="A laptop for Jo"' in page
    assert stored(session) == 0 and stored(session, Attachment) == 0
    assert stored(session, OutboxMessage) == 0 and uploads(app) == []


def post_in_memory(client, url, data):
    """Encode the form in memory (the test client would spool a large body to a temp file)."""
    boundary, body = encode_multipart(MultiDict([
        (key, FileStorage(stream=value[0], filename=value[1]) if isinstance(value, tuple) else item)
        for key, value in data.items()
        for item in (value if isinstance(value, list) else [value])
    ]))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_file_over_the_limit_is_a_message_at_the_field(client, auth, app, session, laptop,
                                                          employee):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 65536)
    auth.login(employee)
    # Just over 1 MB: the request fits, the file does not.
    response = post_in_memory(client, URL, form_data(
        f_quote=(io.BytesIO(b"x" * (1024 * 1024 + 10)), "big.pdf")))
    assert response.status_code == 422
    assert "This file is larger than 1 MB." in response.get_data(as_text=True)
    # Far over: the server refuses to read the body (413), and still answers with the form.
    response = post_in_memory(client, URL, form_data(
        f_quote=(io.BytesIO(b"x" * (3 * 1024 * 1024)), "huge.pdf")))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<p class="error" id="f_quote-error">Files may be at most 1 MB' in page
    assert "<form" in page and "Short summary" in page
    assert stored(session) == 0 and uploads(app) == []


@pytest.mark.parametrize(("who", "url", "form_again"), [
    ("employee", URL, True),
    ("anonymous", URL, False), ("contractor", URL, False),
    ("employee", "/departments/it/nothing/request", False),
    ("employee", "/requests/IT-2026-00001/comments", False),
])
def test_with_csrf_on_an_oversized_body_is_refused_before_any_view_never_a_500(
        client, auth, app, session, laptop, contractor, employee, who, url, form_again):
    # As in production: the CSRF check reads the body first, so the 413 comes before the view.
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 65536,
                      WTF_CSRF_ENABLED=True)
    if who != "anonymous":
        auth.login(contractor if who == "contractor" else employee)
    response = post_in_memory(client, url, form_data(
        f_quote=(io.BytesIO(b"x" * (2 * 1024 * 1024)), "huge.pdf")))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert ('id="f_quote-error">Files may be at most 1 MB' in page) is form_again
    assert ('id="csrf_token"' in page) is form_again  # the form can be sent again
    assert stored(session) == 0


@pytest.mark.parametrize("url", ["/departments/it/no-such-thing/request",
                                 "/departments/nope/new-laptop/request"])
def test_forged_offering_addresses_are_not_found(client, auth, session, laptop, employee, url):
    auth.login(employee)
    assert client.get(url).status_code == 404
    assert client.post(url, data=form_data()).status_code == 404
    assert stored(session) == 0


def test_draft_is_not_found_and_retired_says_so(client, auth, session, it_dept, employee):
    factories.make_offering(session, it_dept, slug="draft", status="draft")
    replacement = factories.make_offering(session, it_dept, slug="new", title="The new one")
    factories.make_offering(session, it_dept, slug="old", status="retired",
                            replaced_by=replacement)
    session.commit()
    auth.login(employee)
    assert client.post("/departments/it/draft/request", data={}).status_code == 404
    response = client.post("/departments/it/old/request", data={})
    assert response.status_code == 410
    assert "The new one" in response.get_data(as_text=True)
    assert stored(session) == 0


def test_old_address_of_a_renamed_offering_redirects(client, auth, session, laptop, employee):
    from catalog.slugs import rename_offering
    rename_offering(session, laptop, "laptop")
    session.commit()
    auth.login(employee)
    response = client.get(URL)
    assert response.status_code == 301
    assert response.headers["Location"] == "/departments/it/laptop/request"


def test_offering_without_commitments_or_fields_can_still_be_requested(client, auth, session,
                                                                      employee):
    department = factories.make_department(session, slug="fm", code="FM")
    department.commitments.clear()
    factories.make_offering(session, department, slug="desk", form=[])
    session.commit()
    auth.login(employee)
    page = client.get("/departments/fm/desk/request").get_data(as_text=True)
    assert "has not published response commitments" in page
    response = client.post("/departments/fm/desk/request", data={"priority": "normal"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has not published response commitments" in page
