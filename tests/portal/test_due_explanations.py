"""Where people see how a due time comes about: the request page, the request form's "if sent
now", the agent's queue and the API; the API's segments are the page's, segment by segment."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest

from catalog import workflow
from catalog.people import tokens
from catalog.submission import submit_request
from catalog.uploads import FileStore, Upload
from tests.request_fixtures import answers, berlin


@pytest.fixture
def friday_evening(app, session, laptop, employee):
    """Emma's request, sent on Friday 3 January 2025 at 16:30 to Munich's IT (DE-BY)."""
    store = FileStore(Path(app.instance_path) / "uploads", 1024 * 1024)
    made = submit_request(session, laptop, employee, priority="normal", store=store,
                          values={**answers(), "quote": Upload("q.pdf", BytesIO(b"%PDF"))},
                          now=berlin(2025, 1, 3, 16, 30))
    session.commit()
    return made


def page_segments(html: str, section: str) -> list[str]:
    """The explanation's lines under the <details> with that id, as plain text."""
    block = re.search(rf'<details class="due-explanation" id="{section}">(.*?)</details>', html,
                      re.S)
    assert block, f"no explanation {section}"
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
            for item in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)]


def test_the_request_page_explains_the_first_response_due_time(client, auth, friday_evening,
                                                              employee):
    auth.login(employee)
    html = client.get(f"/requests/{friday_evening.ref}").get_data(as_text=True)
    assert "<summary>How was this calculated?</summary>" in html
    assert "240 business minutes counted from Fri 3 Jan, 16:30:" in html
    assert page_segments(html, "first-response-explained") == [
        "Fri 3 Jan, 16:30–17:00: 30 business minutes counted",
        "Fri 3 Jan, 17:00–24:00: closed: after 17:00",
        "Sat 4 Jan – Sun 5 Jan: not a working day",
        "Mon 6 Jan: public holiday: Epiphany (DE-BY)",
        "Tue 7 Jan, 00:00–08:00: closed: opens at 08:00",
        "Tue 7 Jan, 08:00–11:30: 210 business minutes counted",
    ]
    assert "resolution-explained" in html


def test_in_german_with_the_holiday_named_in_german(client, auth, friday_evening, employee):
    auth.login(employee)
    html = client.get(f"/requests/{friday_evening.ref}?lang=de").get_data(as_text=True)
    assert "<summary>Wie wurde das berechnet?</summary>" in html
    assert page_segments(html, "first-response-explained") == [
        "Fr., 3. Jan., 16:30–17:00: 30 Geschäftsminuten gezählt",
        "Fr., 3. Jan., 17:00–24:00: geschlossen: nach 17:00",
        "Sa., 4. Jan. – So., 5. Jan.: kein Arbeitstag",
        "Mo., 6. Jan.: Feiertag: Heilige Drei Könige (DE-BY)",
        "Di., 7. Jan., 00:00–08:00: geschlossen: öffnet um 08:00",
        "Di., 7. Jan., 08:00–11:30: 210 Geschäftsminuten gezählt",
    ]


def test_the_api_explains_the_same_segments(client, auth, session, friday_evening, employee):
    token = tokens.issue_token(session, employee)
    session.commit()
    body = client.get(f"/api/v1/requests/{friday_evening.ref}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    explanation = body["due"]["first_response_explanation"]
    assert [s["kind"] for s in explanation] == ["counted", "closed", "weekend", "holiday",
                                                "closed", "counted"]
    assert sum(s["minutes"] for s in explanation if s["kind"] == "counted") == 240
    assert explanation[0]["from"] == body["created_at"]
    assert explanation[-1]["to"] == body["due"]["first_response"]
    assert all(a["to"] == b["from"] for a, b in zip(explanation, explanation[1:], strict=False))
    auth.login(employee)
    html = client.get(f"/requests/{friday_evening.ref}").get_data(as_text=True)
    lines = page_segments(html, "first-response-explained")
    assert [line.split(": ", 1)[1] for line in lines] == [s["reason"] for s in explanation]
    resolution = body["due"]["resolution_explanation"]
    assert sum(s["minutes"] for s in resolution if s["kind"] == "counted") == 3 * 540
    assert [line.split(": ", 1)[1] for line in page_segments(html, "resolution-explained")] == [
        s["reason"] for s in resolution]


def test_a_pause_and_then_the_measured_resolution_are_explained(client, auth, session,
                                                                friday_evening, agent, employee):
    workflow.change_status(session, friday_evening, agent, "waiting", "Which colour?",
                           now=berlin(2025, 1, 7, 9, 0))
    workflow.change_status(session, friday_evening, agent, "in_progress", "",
                           now=berlin(2025, 1, 7, 11, 0))
    workflow.change_status(session, friday_evening, agent, "resolved", "Delivered",
                           now=berlin(2025, 1, 7, 15, 0))
    session.commit()
    auth.login(employee)
    html = client.get(f"/requests/{friday_evening.ref}").get_data(as_text=True)
    lines = page_segments(html, "resolution-explained")
    assert "Tue 7 Jan, 09:00–11:00: paused while waiting on the requester: 120 business " \
           "minutes not counted" in lines
    # Friday 30, Tuesday 08:00-09:00 60 and 11:00-15:00 240; the two hours waiting not counted.
    assert "330 business minutes measured from Fri 3 Jan, 16:30:" in html
    assert "90 business minutes measured from Fri 3 Jan, 16:30:" in html  # the first response
    first = page_segments(html, "first-response-explained")
    assert first[-1] == "Tue 7 Jan, 08:00–09:00: 60 business minutes counted"


def test_the_form_explains_if_sent_now_for_each_priority(client, auth, laptop, employee):
    auth.login(employee)
    html = client.get("/departments/it/new-laptop/request").get_data(as_text=True)
    assert html.count("<summary>How was this calculated?</summary>") == 2  # normal and high
    assert "<strong>First response:</strong> 60 business minutes counted from" in html
    assert "<strong>Resolution:</strong> 1620 business minutes counted from" in html


def test_the_queue_row_explains_its_next_due_time(client, auth, friday_evening, agent):
    auth.login(agent)
    html = client.get("/manage/queue/it").get_data(as_text=True)
    lines = page_segments(html, f"explained-{friday_evening.ref}")
    assert lines[0] == "Fri 3 Jan, 16:30–17:00: 30 business minutes counted"


def test_after_an_approval_the_explanation_counts_from_the_approval(app, client, auth, session,
                                                                   it_dept, employee):
    from catalog.requests import approvals
    from tests import factories

    manager = factories.make_user(session, email="max@example.com", name="Max Manager")
    employee.manager = manager
    phone = factories.make_offering(session, it_dept, slug="new-phone", title="New phone",
                                    approval=["manager"])
    session.commit()
    store = FileStore(Path(app.instance_path) / "uploads", 1024 * 1024)
    sent = submit_request(session, phone, employee, priority="normal", values={}, store=store,
                          now=berlin(2025, 1, 3, 16, 30))
    session.commit()
    auth.login(employee)
    waiting = client.get(f"/requests/{sent.ref}").get_data(as_text=True)
    assert "first-response-explained" not in waiting  # no clock runs before the approval
    approvals.decide(session, sent, manager, "approve", now=berlin(2025, 1, 7, 10, 0))
    session.commit()
    html = client.get(f"/requests/{sent.ref}").get_data(as_text=True)
    assert "240 business minutes counted from Tue 7 Jan, 10:00:" in html
    assert page_segments(html, "first-response-explained") == [
        "Tue 7 Jan, 10:00–14:00: 240 business minutes counted"]
