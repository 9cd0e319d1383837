"""The agents' workbench: internal notes, hand-over, priority changes, moves between departments.

IT works Mon-Fri 08:00-17:00 Europe/Berlin; normal: first response 4 h, resolution 3 days;
high: 1 h and 1 day (tests/request_fixtures.py).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog import adherence, workflow
from catalog.errors import Conflict, PermissionDenied, ValidationError
from catalog.models import WEBHOOK_EVENTS, OutboxMessage, User, Webhook, WebhookDelivery
from catalog.people.privacy import export_person
from catalog.permissions import can
from catalog.queue import QueueFilters, department_queue
from catalog.requests import handover, notes
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories
from tests.request_fixtures import berlin

SECRET = "Password of the printer is hunter2"


@pytest.fixture
def help_desk(session, it_dept):
    offering = factories.make_offering(session, it_dept, slug="help", form=[])
    session.add(Webhook(url="https://hooks.example.com/x", events=list(WEBHOOK_EVENTS),
                        department=None, secret="s" * 32, format="json", active=True))
    session.commit()
    return offering


def submit(session, offering, who, at, tmp_path, priority="normal"):
    made = submit_request(session, offering, who, priority=priority, values={},
                          store=FileStore(tmp_path, 1024), now=at)
    session.commit()
    return made


@pytest.fixture
def request_(session, help_desk, employee, tmp_path):
    """Sent Tue 8 July 2025 09:00: normal, first response Tue 13:00, resolution Fri 09:00."""
    return submit(session, help_desk, employee, berlin(2025, 7, 8, 9), tmp_path)


@pytest.fixture
def hr(session, employee):
    keeper = factories.make_user(session, email="hanna@example.com", name="Hanna HR")
    department = factories.make_department(
        session, slug="hr", code="HR", name="Human Resources", agents=[keeper],
        contact_email="hr@example.com", commitments={"normal": (120, 540)})
    offering = factories.make_offering(session, department, slug="payroll",
                                       title="Payroll question", form=[])
    session.commit()
    return offering


# Internal notes ----------------------------------------------------------------------------

def test_a_note_is_for_the_department_and_nowhere_for_the_requester(session, request_, agent,
                                                                    employee, owner):
    workflow.add_comment(session, request_, agent, "We are on it.", now=berlin(2025, 7, 8, 10))
    note = notes.add_note(session, request_, agent, SECRET, now=berlin(2025, 7, 8, 11))
    session.commit()

    assert note.kind == "note"
    assert [e.body for e in notes.visible_events(request_, owner)][-1] == SECRET
    assert [e.body for e in notes.visible_events(request_, agent)][-1] == SECRET
    assert SECRET not in [e.body for e in notes.visible_events(request_, employee)]
    assert "We are on it." in [e.body for e in notes.visible_events(request_, employee)]
    # No mail and no webhook says it, nor the requester's export of their data.
    everything = [json.dumps(m.data) for m in session.scalars(select(OutboxMessage))]
    everything += [json.dumps(d.data) for d in session.scalars(select(WebhookDelivery))]
    assert everything and not any("hunter2" in text for text in everything)
    assert "hunter2" not in json.dumps(export_person(session, employee), default=str)


def test_a_note_is_no_first_response_and_changes_no_status(session, request_, agent):
    notes.add_note(session, request_, agent, "Checking the stock first.",
                   now=berlin(2025, 7, 8, 10))
    session.commit()
    assert request_.first_response_at is None and request_.status == "new"
    assert [m.kind for m in session.scalars(select(OutboxMessage))] == ["submitted",
                                                                       "new_request"]


def test_the_requester_cannot_write_notes_even_if_they_work_there(session, help_desk, agent,
                                                                   employee, request_,
                                                                   tmp_path):
    with pytest.raises(PermissionDenied):
        notes.add_note(session, request_, employee, "Let me in")
    own = submit(session, help_desk, agent, berlin(2025, 7, 8, 9), tmp_path)
    with pytest.raises(PermissionDenied):
        notes.add_note(session, own, agent, "About my own request")
    with pytest.raises(ValidationError):
        notes.add_note(session, request_, agent, "   ")


# Priority --------------------------------------------------------------------------------

def test_a_new_priority_recomputes_both_due_times_from_the_clock_start(session, request_,
                                                                       agent):
    assert request_.first_response_due == berlin(2025, 7, 8, 13)
    assert request_.resolution_due == berlin(2025, 7, 11, 9)
    event = handover.change_priority(session, request_, agent, "high", "The CEO cannot work",
                                     now=berlin(2025, 7, 8, 9, 30))
    session.commit()
    # High: 60 and 540 business minutes from Tue 09:00.
    assert request_.priority == "high"
    assert request_.first_response_due == berlin(2025, 7, 8, 10)
    assert request_.resolution_due == berlin(2025, 7, 9, 9)
    assert request_.first_response_risk_at == berlin(2025, 7, 8, 9, 45)
    assert request_.resolution_risk_at == berlin(2025, 7, 8, 15, 45)
    assert (request_.first_response_minutes, request_.resolution_minutes) == (60, 540)
    assert request_.events[-1] is event
    assert (event.kind, event.body, event.details) == (
        "priority", "The CEO cannot work", {"old": "normal", "new": "high"})


def test_a_new_priority_counts_business_hours_over_the_weekend_and_without_pauses(
        session, help_desk, employee, agent, tmp_path):
    made = submit(session, help_desk, employee, berlin(2025, 7, 11, 16), tmp_path)  # Friday
    workflow.change_status(session, made, agent, "waiting", now=berlin(2025, 7, 11, 16, 15))
    workflow.change_status(session, made, agent, "in_progress",
                           now=berlin(2025, 7, 11, 16, 45))
    handover.change_priority(session, made, agent, "high", "Payroll run on Monday",
                             now=berlin(2025, 7, 11, 16, 50))
    session.commit()
    # First response: 60 minutes from Fri 16:00 runs out at closing time.
    assert made.first_response_due == berlin(2025, 7, 11, 17)
    # Resolution: 540 minutes less the half hour waiting: 30 min Friday, 510 min from Monday
    # 08:00 = Mon 16:30.
    assert made.resolution_due == berlin(2025, 7, 14, 16, 30)


def test_priority_changes_need_a_reason_a_listed_priority_and_staff(session, request_, agent,
                                                                    employee):
    with pytest.raises(ValidationError) as missing:
        handover.change_priority(session, request_, agent, "high", " ")
    assert "reason" in missing.value.fields
    with pytest.raises(ValidationError) as unlisted:
        handover.change_priority(session, request_, agent, "critical", "Because")
    assert "priority" in unlisted.value.fields
    with pytest.raises(ValidationError):
        handover.change_priority(session, request_, agent, "normal", "Same")
    with pytest.raises(PermissionDenied):
        handover.change_priority(session, request_, employee, "high", "I say so")
    workflow.change_status(session, request_, agent, "resolved", "Done")
    with pytest.raises(Conflict):
        handover.change_priority(session, request_, agent, "high", "Too late")
    assert request_.priority == "normal"


def test_adherence_judges_by_the_priority_in_force_at_the_end(session, request_, agent):
    # Answered at 12:00: in time for normal (13:00), late for high (10:00).
    workflow.add_comment(session, request_, agent, "Looking", now=berlin(2025, 7, 8, 12))
    session.commit()

    def first_responses(priority):
        window = adherence.record_for(session, "department", request_.department_id,
                                      now=berlin(2025, 7, 20)).windows[30]
        measure = window.measure(priority)
        return measure.first_response_known, measure.first_response_kept

    assert (first_responses("normal"), first_responses("high")) == ((1, 1), (0, 0))
    handover.change_priority(session, request_, agent, "high", "Escalated",
                             now=berlin(2025, 7, 8, 12, 30))
    session.commit()
    assert (first_responses("normal"), first_responses("high")) == ((0, 0), (1, 0))


# Hand-over ---------------------------------------------------------------------------------

def test_handing_over_mails_the_colleague_and_taking_it_mails_nobody(session, request_, agent,
                                                                     owner):
    workflow.assign(session, request_, agent, agent)
    colleague = handover.staff_by_email(request_, "OWNER@example.com ")
    workflow.assign(session, request_, agent, colleague)
    session.commit()
    handed = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "handed_over")).all()
    assert [(m.to_address, m.data["author"]) for m in handed] == [
        ("owner@example.com", "Adam Agent")]
    assert request_.assignee is owner


def test_only_staff_can_be_found_to_hand_over_to(session, request_, employee):
    for address in ("emma@example.com", "nobody@example.com", None):
        with pytest.raises(ValidationError) as refused:
            handover.staff_by_email(request_, address)
        assert "email" in refused.value.fields


# Moving ------------------------------------------------------------------------------------

def test_a_move_gives_the_request_to_the_other_queue_with_a_new_clock(session, request_, agent,
                                                                      hr, it_dept):
    workflow.assign(session, request_, agent, agent, now=berlin(2025, 7, 8, 9, 10))
    workflow.change_status(session, request_, agent, "waiting", now=berlin(2025, 7, 8, 9, 20))
    event = handover.move_request(session, request_, agent, hr.id, "Payroll is HR's",
                                  now=berlin(2025, 7, 8, 10))
    session.commit()
    assert (request_.department, request_.offering) == (hr.department, hr)
    assert request_.status == "new" and request_.assignee is None
    assert request_.first_response_at is None and request_.paused_at is None
    # HR: normal 2 h and 1 day from the move.
    assert request_.clock_start == berlin(2025, 7, 8, 10)
    assert request_.first_response_due == berlin(2025, 7, 8, 12)
    assert request_.resolution_due == berlin(2025, 7, 9, 10)
    assert event.details["from_department"] == "IT Services"
    assert event.details["to_department"] == "Human Resources"

    def listed(department):
        return [r.ref for r in department_queue(session, [department], agent,
                                                QueueFilters()).items]
    assert listed(hr.department) == [request_.ref]
    assert listed(it_dept) == []
    hanna = session.scalar(select(User).where(User.email == "hanna@example.com"))
    assert can(hanna, "work_queue", request_) and not can(agent, "work_queue", request_)
    # The first department still reads it (the move is on the timeline for both).
    assert can(agent, "view_request", request_)
    assert [m.to_address for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "moved_in"))] == ["hr@example.com"]


def test_a_move_needs_another_departments_service_and_a_reason(session, request_, agent,
                                                               help_desk, hr, employee):
    for target in (help_desk.id, None, "1", 99999):
        with pytest.raises(ValidationError) as refused:
            handover.move_request(session, request_, agent, target, "Why not")
        assert "offering" in refused.value.fields
    with pytest.raises(ValidationError):
        handover.move_request(session, request_, agent, hr.id, "")
    with pytest.raises(PermissionDenied):
        handover.move_request(session, request_, employee, hr.id, "Mine")
    assert request_.department_id == help_desk.department_id
    assert [o.slug for o in handover.move_targets(session, request_)] == ["payroll"]
