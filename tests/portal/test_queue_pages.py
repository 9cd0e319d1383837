"""The department queue under /manage/queue: who sees it, order, states, filters, actions."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import OutboxMessage, ServiceRequest, utcnow
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories


@pytest.fixture
def make_request(app, session, it_dept, employee):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help",
                                       form=[])
    session.commit()

    def make(ago=timedelta(0), priority="normal"):
        made = submit_request(session, offering, employee, priority=priority, values={},
                              store=FileStore(Path(app.instance_path) / "uploads", 1024),
                              now=utcnow() - ago)
        session.commit()
        return made
    return make


def test_agent_is_taken_to_the_queue_of_their_department(client, auth, it_dept, agent):
    auth.login(agent)
    response = client.get("/manage/queue/")
    assert response.status_code == 302 and response.headers["Location"] == "/manage/queue/it"


def test_admin_chooses_among_all_queues(client, auth, session, it_dept):
    factories.make_department(session, slug="hr", code="HR", name="Human Resources")
    admin = factories.make_user(session, is_admin=True)
    session.commit()
    auth.login(admin)
    page = client.get("/manage/queue/").get_data(as_text=True)
    assert "/manage/queue/it" in page and "/manage/queue/hr" in page


@pytest.mark.parametrize("who", ["employee", "agent of another department"])
def test_others_may_not_see_the_queue(client, auth, session, it_dept, employee, who):
    user = employee
    if who != "employee":
        user = factories.make_user(session)
        factories.make_department(session, slug="hr", code="HR", agents=[user])
        session.commit()
    auth.login(user)
    assert client.get("/manage/queue/it").status_code == 403
    if who == "employee":
        assert client.get("/manage/queue/").status_code == 403


def test_anonymous_visitors_must_sign_in(client, it_dept):
    assert "/login" in client.get("/manage/queue/it").headers["Location"]


def test_queue_lists_open_requests_by_next_deadline_with_their_state(client, auth, session,
                                                                    owner, make_request):
    overdue = make_request(ago=timedelta(days=14))
    fresh = make_request()
    urgent = make_request(priority="high")
    closed = make_request()
    closed.status = "closed"
    session.commit()
    auth.login(owner)
    page = client.get("/manage/queue/it").get_data(as_text=True)
    listed = re.findall(r'href="/requests/([A-Z]+-\d+-\d+)"', page)
    assert listed[0] == overdue.ref and set(listed) == {overdue.ref, fresh.ref, urgent.ref}
    assert listed.index(urgent.ref) < listed.index(fresh.ref)  # 1 h target before 4 h
    assert "Overdue" in page and "1 overdue" in page
    breached_only = client.get("/manage/queue/it?state=breached").get_data(as_text=True)
    assert re.findall(r'href="/requests/([A-Z]+-\d+-\d+)"', breached_only) == [overdue.ref]
    assert "No requests match these filters." in client.get(
        "/manage/queue/it?assignee=me").get_data(as_text=True)
    assert client.get("/manage/queue/it?state=nonsense&status=x&page=-1").status_code == 200


def test_assign_to_me_from_the_queue(client, auth, session, agent, make_request):
    item = make_request()
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/assign",
                           data={"assignee": "me", "next": "queue"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/queue/it"
    mine = client.get("/manage/queue/it?assignee=me").get_data(as_text=True)
    assert item.ref in mine and "Adam Agent" in mine
    session.expire_all()
    assert session.get(ServiceRequest, item.id).assignee_id == agent.id


def test_status_change_from_the_request_page_is_the_first_response(client, auth, session,
                                                                   agent, make_request):
    item = make_request()
    auth.login(agent)
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert "Change status" in page and "Take it" in page
    response = client.post(f"/manage/queue/requests/{item.ref}/status",
                           data={"status": "waiting", "note": "Which floor are you on?"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/requests/{item.ref}"
    session.expire_all()
    stored = session.get(ServiceRequest, item.id)
    assert stored.status == "waiting" and stored.first_response_at is not None
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert "Which floor are you on?" in page and "clock is paused" in page
    assert session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "status")) \
        .all() == ["status"]


def test_refused_status_changes_say_why_and_change_nothing(client, auth, session, agent,
                                                          employee, make_request):
    item = make_request()
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/status",
                           data={"status": "teleported"}, follow_redirects=True)
    assert "Choose one of the listed statuses." in response.get_data(as_text=True)
    auth.login(employee)
    assert client.post(f"/manage/queue/requests/{item.ref}/status",
                       data={"status": "resolved"}).status_code == 403
    assert client.post(f"/manage/queue/requests/{item.ref}/assign",
                       data={"assignee": "me"}).status_code == 403
    session.expire_all()
    assert session.get(ServiceRequest, item.id).status == "new"


def test_resolve_then_reopen(client, auth, session, agent, make_request):
    item = make_request()
    auth.login(agent)
    client.post(f"/manage/queue/requests/{item.ref}/status",
                data={"status": "resolved", "note": "Done"})
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert '<option value="in_progress">' in page and '<option value="cancelled">' not in page
    client.post(f"/manage/queue/requests/{item.ref}/status", data={"status": "in_progress"})
    session.expire_all()
    stored = session.get(ServiceRequest, item.id)
    assert stored.status == "in_progress" and stored.resolved_at is None


def test_status_change_right_from_the_queue(client, auth, session, agent, make_request):
    item = make_request()
    auth.login(agent)
    page = client.get("/manage/queue/it").get_data(as_text=True)
    assert f'id="status-{item.id}"' in page
    response = client.post(f"/manage/queue/requests/{item.ref}/status",
                           data={"status": "in_progress", "next": "queue"})
    assert response.headers["Location"] == "/manage/queue/it"
    page = client.get("/manage/queue/it").get_data(as_text=True)
    assert f"{item.ref} is now: In progress." in page


@pytest.mark.parametrize("assignee", ["99999999999999999999999", "nobody", "-1"])
def test_odd_assignees_are_refused_not_a_500(client, auth, agent, make_request, assignee):
    item = make_request()
    auth.login(agent)
    response = client.post(f"/manage/queue/requests/{item.ref}/assign",
                           data={"assignee": assignee})
    assert response.status_code == 422


def test_assign_to_a_colleague_by_id_but_not_to_an_outsider(client, auth, session, agent, owner,
                                                            employee, make_request):
    item = make_request()
    auth.login(agent)
    client.post(f"/manage/queue/requests/{item.ref}/assign", data={"assignee": str(owner.id)})
    refused = client.post(f"/manage/queue/requests/{item.ref}/assign",
                          data={"assignee": str(employee.id)}, follow_redirects=True)
    assert "can only be assigned to its staff" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(ServiceRequest, item.id).assignee_id == owner.id
