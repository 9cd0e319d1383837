"""Issue 12, point 3: status controls start on the current status, resolving needs a note the
requester reads, and taking a request reads "took it" on the timeline."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import OutboxMessage, ServiceRequest


@pytest.fixture
def item(help_request):
    return help_request


def selected_status(page: str, select_id: str) -> str:
    control = re.search(rf'<select id="{select_id}" name="status">(.*?)</select>', page, re.S)
    assert control, select_id
    return re.search(r'<option value="([a-z_]+)" selected>', control.group(1)).group(1)


def test_status_controls_start_on_the_current_status(client, auth, session, agent, item):
    auth.login(agent)
    client.post(f"/manage/queue/requests/{item.ref}/status", data={"status": "in_progress"})
    assert selected_status(client.get("/manage/queue/it").get_data(as_text=True),
                           f"status-{item.id}") == "in_progress"
    assert selected_status(client.get(f"/requests/{item.ref}").get_data(as_text=True),
                           "new-status") == "in_progress"


def test_a_careless_set_changes_nothing(client, auth, session, agent, item):
    auth.login(agent)
    client.post(f"/manage/queue/requests/{item.ref}/status", data={"status": "in_progress"})
    session.expire_all()
    events = len(session.get(ServiceRequest, item.id).events)
    mails = len(session.scalars(select(OutboxMessage)).all())
    response = client.post(f"/manage/queue/requests/{item.ref}/status",
                           data={"status": "in_progress", "next": "queue"},
                           follow_redirects=True)
    assert f"Nothing changed: {item.ref} stays In progress." in response.get_data(as_text=True)
    session.expire_all()
    stored = session.get(ServiceRequest, item.id)
    assert stored.status == "in_progress" and len(stored.events) == events
    assert len(session.scalars(select(OutboxMessage)).all()) == mails


def test_resolving_without_a_note_is_refused(client, auth, session, agent, item):
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/status",
                           data={"status": "resolved", "note": "  ", "next": "queue"},
                           follow_redirects=True)
    assert "Say how the request was resolved" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(ServiceRequest, item.id).status == "new"


def test_the_requester_reads_the_resolution_note(client, auth, session, agent, employee, item):
    auth.login(agent)
    client.post(f"/manage/queue/requests/{item.ref}/status",
                data={"status": "resolved", "note": "Your new badge is at the front desk."})
    auth.login(employee)
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert "Your new badge is at the front desk." in page
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status")).one()
    assert mail.data["body"] == "Your new badge is at the front desk."


def test_taking_a_request_reads_took_it(client, auth, session, agent, owner, item):
    auth.login(agent)
    queue_page = client.get("/manage/queue/it").get_data(as_text=True)
    assert "Take it" in queue_page
    response = client.post(f"/manage/queue/requests/{item.ref}/assign",
                           data={"assignee": "me", "next": "queue"}, follow_redirects=True)
    assert f"You took {item.ref}." in response.get_data(as_text=True)
    auth.login(owner)
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert re.search(r"Adam Agent</strong>\s*took it", page)
    assert "assigned it to Adam Agent" not in page
    assert "Assign to me" in page  # a colleague has it: not "Take it"
