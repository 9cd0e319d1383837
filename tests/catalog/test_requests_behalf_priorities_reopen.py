"""Issue 11, points 4-6 in the domain: requests for someone else, priorities under the owner's
control with own commitments per priority, and the requester reopening or adding information
without resetting what was measured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog import queue, submission, workflow
from catalog.errors import Conflict, PermissionDenied, ValidationError
from catalog.models import OutboxMessage
from catalog.permissions import can
from catalog.uploads import FileStore
from tests import factories
from tests.request_fixtures import berlin

SUBMITTED = berlin(2025, 7, 8, 9)  # Tue 09:00 in Munich


@pytest.fixture
def files(tmp_path):
    return FileStore(tmp_path / "uploads", 1024)


@pytest.fixture
def parking(session, it_dept):
    """Employees only; they may pick low or normal; own targets for high and critical."""
    offering = factories.make_offering(
        session, it_dept, slug="parking", title="Parking space", audience=["employee"],
        form=[], employee_priorities=["low", "normal"],
        priority_hints={"normal": "You need it within the month",
                        "critical": "A production line stands still"},
        priority_targets={"high": [30, 120], "critical": [15, 60]})
    session.commit()
    return offering


def send(session, offering, user, files, **kwargs):
    kwargs.setdefault("priority", "normal")
    made = submission.submit_request(session, offering, user, values={}, store=files,
                                     now=kwargs.pop("now", SUBMITTED), **kwargs)
    session.commit()
    return made


def mails(session, kind):
    return sorted(m.to_address for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind)))


# 4. For someone else ----------------------------------------------------------------------------

def test_a_contractor_may_request_for_an_employee_what_only_employees_may(
        session, parking, contractor, employee, files):
    assert not can(contractor, "request", parking)
    made = send(session, parking, contractor, files, on_behalf_of=employee)
    assert made.requester_id == employee.id and made.submitted_by_id == contractor.id
    assert made.events[0].actor_id == contractor.id  # who filled in the form
    for person in (employee, contractor):
        assert can(person, "view_request", made) and can(person, "comment_request", made)
        assert [r.ref for r in queue.my_requests(session, person).items] == [made.ref]
    assert mails(session, "submitted") == ["carl@example.com", "emma@example.com"]


def test_an_employee_may_not_request_for_a_contractor_what_the_contractor_may_not(
        session, parking, contractor, employee, files):
    with pytest.raises(PermissionDenied) as refused:
        send(session, parking, employee, files, on_behalf_of=contractor)
    assert "Carl Contractor" in str(refused.value.message)
    assert session.scalars(select(OutboxMessage)).first() is None


def test_both_get_the_departments_messages_and_a_stranger_sees_nothing(
        session, parking, contractor, employee, agent, files, make_user):
    made = send(session, parking, contractor, files, on_behalf_of=employee)
    workflow.add_comment(session, made, agent, "Which car?", now=berlin(2025, 7, 8, 10))
    workflow.change_status(session, made, agent, "resolved", "Space 12",
                           now=berlin(2025, 7, 8, 11))
    session.commit()
    assert mails(session, "comment") == ["carl@example.com", "emma@example.com"]
    assert mails(session, "status") == ["carl@example.com", "emma@example.com"]
    assert not can(make_user(email="other@example.com"), "view_request", made)


def test_a_colleague_is_found_by_email_and_an_unknown_one_is_a_field_error(
        session, employee, contractor):
    assert submission.for_whom(session, contractor, " Emma@Example.com ") == employee
    assert submission.for_whom(session, contractor, "") == contractor
    employee.active = False
    with pytest.raises(ValidationError) as error:
        submission.for_whom(session, contractor, "emma@example.com")
    assert "on_behalf_of" in error.value.fields
    with pytest.raises(ValidationError):
        submission.for_whom(session, contractor, "nobody@example.com")


# 5. Priorities ---------------------------------------------------------------------------------

def test_employees_pick_only_the_allowed_priorities_and_staff_any(
        session, parking, employee, agent, files):
    assert submission.priorities(parking) == ["normal", "high", "critical"]
    assert submission.priorities_for(parking, employee) == ["normal"]
    assert submission.priorities_for(parking, agent) == ["normal", "high", "critical"]
    with pytest.raises(ValidationError) as error:
        send(session, parking, employee, files, priority="critical")
    assert "Only IT Services can set this priority" in str(error.value.fields["priority"])
    assert send(session, parking, agent, files, priority="critical").priority == "critical"
    assert parking.priority_hint("critical") == "A production line stands still"
    assert parking.priority_hint("low") == ""


def test_own_commitments_per_priority_give_different_due_times(
        session, parking, agent, files):
    # The department: normal 4h/3d, high 1h/1d; the offering: high 30m/2h, critical 15m/1h.
    assert parking.targets() == [("normal", 240, 1620), ("high", 30, 120),
                                 ("critical", 15, 60)]
    due = {d.priority: d for d in submission.due_if_submitted(parking, SUBMITTED)}
    assert due["normal"].resolution == berlin(2025, 7, 11, 9)
    assert due["high"].first_response == berlin(2025, 7, 8, 9, 30)
    assert due["high"].resolution == berlin(2025, 7, 8, 11)
    assert due["critical"].resolution == berlin(2025, 7, 8, 10)
    made = send(session, parking, agent, files, priority="high")
    assert made.resolution_due == berlin(2025, 7, 8, 11)


def test_one_commitment_for_all_priorities_still_applies_to_the_others(session, it_dept):
    offering = factories.make_offering(session, it_dept, first_response_minutes=120,
                                       resolution_minutes=600, priority_targets={"high": [30, 60]})
    assert offering.targets() == [("normal", 120, 600), ("high", 30, 60)]


# 6. After sending ------------------------------------------------------------------------------

@pytest.fixture
def resolved(session, parking, employee, agent, files):
    made = send(session, parking, employee, files)
    workflow.add_comment(session, made, agent, "Looking", now=berlin(2025, 7, 8, 10))
    workflow.change_status(session, made, agent, "resolved", "Space 12",
                           now=berlin(2025, 7, 9, 9))
    session.commit()
    return made


def test_the_requester_reopens_within_the_days_with_a_reason_keeping_the_measures(
        session, resolved, employee, agent):
    measured = (resolved.first_response_at, resolved.first_response_business_minutes,
                resolved.resolved_at, resolved.resolution_business_minutes)
    assert measured[1] == 60 and measured[3] == 540
    event = workflow.reopen_request(session, resolved, employee, "The space is taken.", 14,
                                    now=berlin(2025, 7, 10, 9))
    session.commit()
    assert resolved.status == "in_progress"
    assert (event.kind, event.old_status, event.new_status, event.body) == \
        ("status", "resolved", "in_progress", "The space is taken.")
    assert (resolved.first_response_at, resolved.first_response_business_minutes,
            resolved.resolved_at, resolved.resolution_business_minutes) == measured
    assert mails(session, "requester_status") == ["it-help@example.com"]
    # Resolved again: the first resolution stays the measured one.
    workflow.change_status(session, resolved, agent, "resolved", "Space 14",
                           now=berlin(2025, 7, 11, 9))
    session.commit()
    assert resolved.resolution_business_minutes == 540
    assert resolved.resolved_at == measured[2]


def test_reopening_needs_a_reason_and_ends_after_the_days(session, resolved, employee, agent,
                                                          make_user):
    with pytest.raises(ValidationError):
        workflow.reopen_request(session, resolved, employee, "  ", 14, now=berlin(2025, 7, 10))
    late = berlin(2025, 7, 9, 9) + timedelta(days=14, minutes=1)
    assert workflow.may_reopen(employee, resolved, 14, now=berlin(2025, 7, 23, 9))
    assert not workflow.may_reopen(employee, resolved, 14, now=late)
    with pytest.raises(Conflict):
        workflow.reopen_request(session, resolved, employee, "Still broken", 14, now=late)
    with pytest.raises(PermissionDenied):
        workflow.reopen_request(session, resolved, make_user(), "Mine?", 14,
                                now=berlin(2025, 7, 10))
    assert resolved.status == "resolved"


def test_information_is_added_while_open_and_resets_nothing(session, parking, employee, agent,
                                                             files):
    made = send(session, parking, employee, files)
    workflow.change_status(session, made, agent, "waiting", "Which car?",
                           now=berlin(2025, 7, 8, 10))
    session.commit()
    before = (made.first_response_at, made.first_response_business_minutes, made.created_at)
    event = workflow.add_information(session, made, employee, "Plate M-AB 123",
                                     now=berlin(2025, 7, 8, 11))
    session.commit()
    assert event.kind == "information" and made.status == "in_progress"
    assert (made.first_response_at, made.first_response_business_minutes,
            made.created_at) == before
    assert mails(session, "requester_comment") == ["it-help@example.com"]
    workflow.change_status(session, made, agent, "resolved", "Done", now=berlin(2025, 7, 8, 12))
    with pytest.raises(Conflict):
        workflow.add_information(session, made, employee, "More", now=berlin(2025, 7, 8, 13))
