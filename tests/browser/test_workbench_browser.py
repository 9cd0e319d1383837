"""The agents' workbench in Chromium (issue 12): an agent lands on their work, takes a request
from the queue (whose status control starts on the current status, so a careless "Set" changes
nothing), writes an internal note, inserts a reply from a template, edits and sends it, and hands
the request to a colleague; the requester reads the reply and never the note.

Each step is one function, so the journey can grow by adding steps.
"""

from __future__ import annotations

import re

import pytest

from catalog.models import ReplyTemplate
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ADAM, CORA, EMMA = "adam@example.com", "cora@example.com", "emma@example.com"
TEMPLATE = "Ready for pick-up"


@pytest.fixture
def workbench(live_server):
    """IT with two agents (Adam, Cora), its owner's reply template, and Emma, who asks."""
    with live_server.session() as session:
        adam = factories.make_user(session, email=ADAM, name="Adam Agent")
        cora = factories.make_user(session, email=CORA, name="Cora Colleague")
        department = factories.make_department(
            session, slug="it", code="IT", name="IT Services",
            contact_email="it-help@example.com", agents=[adam, cora],
            commitments={"normal": (240, 3 * 540)})
        factories.make_offering(session, department, slug="help", title="Get help", form=[])
        session.add(ReplyTemplate(department=department, title=TEMPLATE,
                                  body="Hello {name}, your {ref} is ready at the IT desk."))
        emma = factories.make_user(session, email=EMMA, name="Emma Employee")
        for person in (adam, cora, emma):
            person.set_password(PASSWORD)
        session.commit()


def sign_in(page, url, email):
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")


def request_help(page, url) -> str:
    page.goto(f"{url}/departments/it/help/request")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/requests/IT-\d{4}-\d+$"))
    return page.url.rsplit("/", 1)[-1]


def lands_on_work(page, ref):
    """After sign-in the agent's home lists the request as unassigned, with its deadline."""
    unassigned = page.get_by_role("region", name=re.compile("Unassigned in my departments"))
    assert ref in unassigned.inner_text() and "First response by" in unassigned.inner_text()
    assert "Nothing is assigned to you." in page.get_by_role(
        "region", name=re.compile("My open requests")).inner_text()


def take_from_queue(page, url, ref):
    """A careless "Set" changes nothing; "Take it" makes the request the agent's."""
    page.goto(f"{url}/manage/queue/it")
    control = page.get_by_label(f"New status of {ref}")
    assert control.input_value() == "new"
    page.get_by_role("button", name=f"Set ({ref})").click()
    assert f"Nothing changed: {ref} stays New." in page.inner_text("main")
    page.get_by_role("button", name=f"Take it ({ref})").click()
    assert f"You took {ref}." in page.inner_text("main")
    page.get_by_role("link", name=ref).click()
    assert re.search(r"Adam Agent\s+took it", page.inner_text("#conversation"))


def reply_from_template(page, ref) -> str:
    """Insert the template at the cursor (no reload), edit it, send it; return what was sent."""
    box = page.get_by_label("Your message")
    box.fill("Good news!\n")
    page.get_by_label("Reply template").select_option(label=TEMPLATE)
    before = page.url
    page.get_by_role("button", name="Use template").click()
    inserted = f"Good news!\nHello Emma Employee, your {ref} is ready at the IT desk."
    page.wait_for_function(
        "text => document.querySelector('#comment-box textarea').value === text", arg=inserted)
    assert page.url == before  # in place, by the script
    status = page.locator("[data-reply-status]")
    page.wait_for_function("el => el.textContent.length > 0", arg=status.element_handle())
    assert "edit it before sending" in status.inner_text()
    box.press("End")
    box.type(" Room 2.14, until 5 pm.")
    sent = inserted + " Room 2.14, until 5 pm."
    assert box.input_value() == sent
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url(re.compile(rf"/requests/{ref}#conversation$"))
    return sent


def write_note(page, text):
    """An internal note: on the timeline for the department's staff."""
    page.get_by_label("Internal note", exact=True).fill(text)
    page.get_by_role("button", name="Add internal note").click()
    assert text in page.inner_text("#conversation")


def hand_over(page, name):
    """Give the request to a colleague; the timeline says so."""
    page.get_by_label("Hand over to").select_option(label=name)
    page.get_by_role("button", name="Hand over", exact=True).click()
    assert f"assigned it to {name}" in page.inner_text("#conversation")


def requester_reads(page, url, ref, reply, note):
    page.goto(f"{url}/requests/{ref}")
    conversation = page.inner_text("#conversation")
    assert reply.replace("\n", " ") in conversation.replace("\n", " ")
    assert note not in page.content()
    assert "Use template" not in page.inner_text("main")


def test_agent_takes_notes_answers_from_a_template_and_hands_over(live_server, workbench,
                                                           browser_page):
    page, url = browser_page, live_server.url
    sign_in(page, url, EMMA)
    ref = request_help(page, url)
    sign_in(page, url, ADAM)
    lands_on_work(page, ref)
    take_from_queue(page, url, ref)
    note = "Serial number checked: still under warranty."
    write_note(page, note)
    reply = reply_from_template(page, ref)
    hand_over(page, "Cora Colleague")
    sign_in(page, url, EMMA)
    requester_reads(page, url, ref, reply, note)
