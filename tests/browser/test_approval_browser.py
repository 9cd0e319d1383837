"""An approval journey in Chromium: an employee requests a phone that needs the manager's
approval, the manager approves it on "Waiting for my approval", an agent works it; the due
times are counted from the approval. And a rejection ends a request with its reason."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from catalog.models import RequestApproval, ServiceRequest
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
BERLIN = ZoneInfo("Europe/Berlin")
FORM = [{"name": "reason", "label": "Why do you need it", "type": "text", "required": True,
         "help": ""}]


@pytest.fixture
def catalog(live_server):
    with live_server.session() as session:
        agent = factories.make_user(session, email="adam@example.com", name="Adam Agent")
        department = factories.make_department(
            session, slug="it", code="IT", name="IT Services",
            contact_email="it-help@example.com", agents=[agent])
        factories.make_offering(session, department, slug="new-phone", title="New phone",
                                form=FORM, approval=["manager"])
        manager = factories.make_user(session, email="max@example.com", name="Max Manager")
        employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
        employee.manager = manager
        for person in (agent, manager, employee):
            person.set_password(PASSWORD)
        session.commit()


def sign_in(page, url, email):
    page.goto(f"{url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def request_phone(page, url) -> str:
    page.goto(f"{url}/departments/it/new-phone/request")
    page.get_by_label("Why do you need it").fill("On call from January")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/requests/IT-\d{4}-\d+$"))
    return page.url.rsplit("/", 1)[-1]


def shown(moment) -> str:
    return format_datetime(moment, "EEE d MMM, HH:mm", tzinfo=BERLIN, locale="en")


def test_employee_requests_manager_approves_agent_works_it(live_server, catalog, browser_page,
                                                           screenshot):
    page, url = browser_page, live_server.url
    sign_in(page, url, "emma@example.com")
    ref = request_phone(page, url)
    approval = page.get_by_role("region", name="Approval")
    assert "Manager: Max Manager" in approval.inner_text()
    assert "waiting for approval since" in approval.inner_text()
    assert "No clock runs yet" in page.inner_text("main")
    # The request waited three days for its approval: the clock must not count them.
    with live_server.session() as session:
        stored = session.scalar(select(ServiceRequest))
        stored.created_at -= timedelta(days=3)
        step = session.scalar(select(RequestApproval))
        step.asked_at -= timedelta(days=3)
        session.commit()
    sign_out(page)

    sign_in(page, url, "max@example.com")
    page.get_by_role("link", name="Approvals").click()
    page.wait_for_url(f"{url}/approvals/")
    card = page.get_by_role("region", name=re.compile("New phone"))
    assert "Emma Employee" in card.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("approvals-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    card.get_by_label(re.compile("Comment")).fill("Yes, for the on-call rota")
    card.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{url}/approvals/")
    assert f"You approved {ref}." in page.inner_text("main")
    assert "Nothing waits for your approval." in page.inner_text("main")
    sign_out(page)

    sign_in(page, url, "adam@example.com")
    page.goto(f"{url}/requests/{ref}")
    with live_server.session() as session:
        stored = session.scalar(select(ServiceRequest))
        # The department's normal commitment (4 business hours) counted from the approval.
        expected = stored.department.calendar.due_at(stored.clock_started_at, 240)
    assert stored.clock_started_at - stored.created_at > timedelta(days=2)
    assert stored.first_response_due == expected
    deadlines = page.get_by_role("region", name="Commitment of IT Services").inner_text()
    assert f"Counted from the approval on {shown(stored.clock_started_at)}" in deadlines
    assert f"First response by {shown(expected)}" in deadlines
    page.get_by_label("Change status to").select_option("in_progress")
    page.get_by_label("Note to the requester").fill("Ordering it now")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_url(re.compile(rf"/requests/{ref}"))
    timeline = page.get_by_role("region", name="Timeline and conversation").inner_text()
    assert "Approval asked of Max Manager" in timeline
    assert "Max Manager approved the request" in timeline
    assert "Ordering it now" in timeline
    screenshot("approved-request-worked")


def test_a_rejection_ends_the_request_with_the_reason(live_server, catalog, browser_page):
    page, url = browser_page, live_server.url
    sign_in(page, url, "emma@example.com")
    ref = request_phone(page, url)
    sign_out(page)
    sign_in(page, url, "max@example.com")
    page.goto(f"{url}/requests/{ref}")
    page.get_by_role("button", name="Reject").click()  # without a reason: refused at the field
    page.wait_for_url(re.compile(rf"/requests/{ref}"))
    assert "Please give the reason for rejecting" in page.inner_text("main")
    page.get_by_label(re.compile("Comment")).fill("Please use the pool phone")
    page.get_by_role("button", name="Reject").click()
    page.wait_for_url(re.compile(rf"/requests/{ref}"))
    main = page.inner_text("main")
    assert "Cancelled" in main and "rejected by Max Manager" in main
    assert "Please use the pool phone" in main
    with live_server.session() as session:
        assert session.scalar(select(ServiceRequest.status)) == "cancelled"
