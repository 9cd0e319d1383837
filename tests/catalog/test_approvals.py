"""Approvals before the department starts: order of the steps, who may decide, the clock
from the last approval, rejection, reminders once per business day, the adherence record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog import adherence, queue
from catalog.catalog_file import export_catalog, import_catalog
from catalog.catalog_file.importer import CatalogFileError
from catalog.errors import Conflict, PermissionDenied, ValidationError
from catalog.models import DepartmentRole, OutboxMessage, ServiceRequest
from catalog.requests import approvals
from catalog.submission import submit_request
from catalog.workflow import add_comment, change_status
from tests import factories
from tests.request_fixtures import berlin

SENT = berlin(2025, 7, 8, 15)  # Tue 15:00 in Munich


@pytest.fixture
def people(session, employee, it_dept):
    """Emma's manager Max; Carol approves for IT."""
    manager = factories.make_user(session, email="max@example.com", name="Max Manager")
    carol = factories.make_user(session, email="carol@example.com", name="Carol Approver")
    employee.manager = manager
    it_dept.roles.append(DepartmentRole(user=carol, role="approver"))
    session.commit()
    return {"manager": manager, "carol": carol}


def offering(session, it_dept, steps):
    made = factories.make_offering(session, it_dept, slug="new-phone", title="New phone",
                                   approval=steps)
    session.commit()
    return made


def send(session, item, employee, store, at=SENT, priority="normal") -> ServiceRequest:
    request = submit_request(session, item, employee, priority=priority, values={},
                             store=store, now=at)
    session.commit()
    return request


def mails(session, kind):
    return [m.to_address for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def test_without_approval_the_clock_starts_at_submission(session, it_dept, employee, store):
    request = send(session, offering(session, it_dept, []), employee, store)
    assert request.status == "new" and request.approvals == []
    assert request.clock_started_at == SENT


def test_manager_then_department_in_order_and_clock_from_last_approval(
        session, it_dept, employee, store, people, agent):
    item = offering(session, it_dept, ["manager", "department"])
    request = send(session, item, employee, store)
    assert request.status == "awaiting_approval"
    assert request.first_response_due is None and request.resolution_due is None
    assert [(s.kind, s.state) for s in request.approvals] == [("manager", "pending"),
                                                              ("department", "pending")]
    assert request.approvals[0].asked_at == SENT and request.approvals[1].asked_at is None
    # Only the manager is asked first; the department is not told yet.
    assert mails(session, "approval_asked") == ["max@example.com"]
    assert mails(session, "new_request") == []
    # Not in the department's queue as new work.
    page = queue.department_queue(session, [it_dept], agent, queue.QueueFilters())
    assert page.items == []
    # Carol may not decide the manager's step.
    with pytest.raises(PermissionDenied):
        approvals.decide(session, request, people["carol"], "approve")
    approvals.decide(session, request, people["manager"], "approve", "Fine by me",
                     now=berlin(2025, 7, 9, 10))
    session.commit()
    assert request.status == "awaiting_approval"
    assert mails(session, "approval_asked") == ["max@example.com", "carol@example.com"]
    # The manager has decided; he cannot decide the department's step.
    with pytest.raises(PermissionDenied):
        approvals.decide(session, request, people["manager"], "approve")
    approved_at = berlin(2025, 7, 10, 16)  # Thu 16:00
    approvals.decide(session, request, people["carol"], "approve", now=approved_at)
    session.commit()
    assert request.status == "new" and request.clock_started_at == approved_at
    # Thu 16:00 + 4 business hours = Fri 11:00 (not Wed from submission).
    assert request.first_response_due == berlin(2025, 7, 11, 11)
    assert request.resolution_due == berlin(2025, 7, 15, 16)  # + 3 business days
    assert mails(session, "approved") == ["emma@example.com"]
    assert mails(session, "new_request") == ["it-help@example.com"]
    kinds = [(e.kind, e.new_status) for e in request.events]
    assert kinds == [("created", "awaiting_approval"), ("approval_asked", None),
                     ("approved", None), ("approval_asked", None), ("approved", None),
                     ("status", "new")]
    assert queue.department_queue(session, [it_dept], agent, queue.QueueFilters()).items \
        == [request]


def test_the_requester_never_approves_and_only_the_waiting_step_is_decided(
        session, it_dept, employee, store, people, owner):
    request = send(session, offering(session, it_dept, ["department"]), employee, store)
    with pytest.raises(PermissionDenied):
        approvals.decide(session, request, employee, "approve")
    # Owners approve only where the department names no approvers.
    with pytest.raises(PermissionDenied):
        approvals.decide(session, request, owner, "approve")
    with pytest.raises(ValidationError):
        approvals.decide(session, request, people["carol"], "maybe")
    approvals.decide(session, request, people["carol"], "approve")
    with pytest.raises(Conflict):
        approvals.decide(session, request, people["carol"], "approve")


def test_owners_approve_when_the_department_names_no_approvers(session, it_dept, employee,
                                                                 store, owner):
    request = send(session, offering(session, it_dept, ["department"]), employee, store)
    assert mails(session, "approval_asked") == ["owner@example.com"]
    assert approvals.waiting_for(session, owner) == [request]
    approvals.decide(session, request, owner, "approve")
    assert request.status == "new"


def test_a_manager_the_portal_does_not_know_is_refused_clearly(session, it_dept, employee,
                                                                store):
    with pytest.raises(Conflict, match="manager"):
        send(session, offering(session, it_dept, ["manager"]), employee, store)


def test_rejection_ends_the_request_with_the_reason(session, it_dept, employee, store, people):
    request = send(session, offering(session, it_dept, ["manager", "department"]), employee,
                   store)
    with pytest.raises(ValidationError) as refused:
        approvals.decide(session, request, people["manager"], "reject", "  ")
    assert "reason" in refused.value.fields["comment"]
    approvals.decide(session, request, people["manager"], "reject", "Budget is frozen",
                     now=berlin(2025, 7, 9, 9))
    session.commit()
    assert request.status == "cancelled"
    assert [(s.kind, s.state, s.comment) for s in request.approvals] == [
        ("manager", "rejected", "Budget is frozen")]
    assert request.events[-1].body == "Budget is frozen"
    assert request.first_response_due is None
    rejected = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "rejected")).one()
    assert rejected.to_address == "emma@example.com"
    assert rejected.data["body"] == "Budget is frozen"
    assert mails(session, "approval_asked") == ["max@example.com"]  # Carol was never asked
    assert approvals.waiting_for(session, people["carol"]) == []


def test_waiting_for_lists_only_what_the_person_decides_now(session, it_dept, employee, store,
                                                           people):
    request = send(session, offering(session, it_dept, ["manager", "department"]), employee,
                   store)
    assert approvals.waiting_for(session, people["manager"]) == [request]
    assert approvals.waiting_for(session, people["carol"]) == []
    approvals.decide(session, request, people["manager"], "approve")
    session.commit()
    assert approvals.waiting_for(session, people["manager"]) == []
    assert approvals.waiting_for(session, people["carol"]) == [request]


def test_staff_cannot_answer_or_move_a_request_before_it_is_approved(
        session, it_dept, employee, store, people, agent):
    request = send(session, offering(session, it_dept, ["manager"]), employee, store)
    add_comment(session, request, agent, "We will look at it once approved",
                now=berlin(2025, 7, 8, 16))
    assert request.first_response_at is None  # no clock runs yet
    with pytest.raises(Conflict):
        change_status(session, request, agent, "in_progress")


def test_reminder_after_one_business_day_and_once_per_day(session, it_dept, employee, store,
                                                          people):
    request = send(session, offering(session, it_dept, ["manager"]), employee, store)
    assert approvals.remind(session, now=berlin(2025, 7, 9, 14, 59)) == 0  # 8h59 of 9h
    assert approvals.remind(session, now=berlin(2025, 7, 9, 15)) == 1  # Wed 15:00
    session.commit()
    assert mails(session, "approval_reminder") == ["max@example.com"]
    assert approvals.remind(session, now=berlin(2025, 7, 9, 16, 59)) == 0  # same day: no more
    assert approvals.remind(session, now=berlin(2025, 7, 10, 14)) == 0
    assert approvals.remind(session, now=berlin(2025, 7, 10, 15)) == 1  # the next business day
    # Friday 15:00 sent, then the weekend does not count: next on Monday 15:00.
    assert approvals.remind(session, now=berlin(2025, 7, 11, 15)) == 1
    assert approvals.remind(session, now=berlin(2025, 7, 14, 14)) == 0
    assert approvals.remind(session, now=berlin(2025, 7, 14, 15)) == 1
    session.commit()
    assert [e.kind for e in request.events].count("approval_reminder") == 4
    approvals.decide(session, request, people["manager"], "approve")
    assert approvals.remind(session, now=berlin(2025, 7, 20, 15)) == 0


def test_adherence_counts_from_the_approval(session, it_dept, employee, store, people, agent):
    """Sent Tue 15:00, approved Thu 09:00, answered 3 business hours later: within the 4 h
    commitment from the approval (two business days late from sending)."""
    item = offering(session, it_dept, ["manager"])
    approved = berlin(2025, 7, 10, 9)
    for _ in range(5):
        request = send(session, item, employee, store)
        approvals.decide(session, request, people["manager"], "approve", now=approved)
        add_comment(session, request, agent, "On it", now=approved + timedelta(hours=3))
        change_status(session, request, agent, "resolved", "Done",
                      now=approved + timedelta(hours=5))
        session.commit()
        assert request.first_response_business_minutes == 180
        assert request.resolution_business_minutes == 300
    record = adherence.record_for(session, "department", it_dept.id,
                                  now=berlin(2025, 7, 20, 12))
    month = record.windows[30].overall
    assert month.requests == 5
    assert month.first_response_met == 1.0 and month.resolution_met == 1.0
    assert (month.median_first_response, month.median_resolution) == (180, 300)


def test_a_rejected_request_is_not_held_against_the_department(session, it_dept, employee,
                                                               store, people):
    request = send(session, offering(session, it_dept, ["manager"]), employee, store)
    approvals.decide(session, request, people["manager"], "reject", "No",
                     now=berlin(2025, 7, 20, 9))
    session.commit()
    month = adherence.record_for(session, "department", it_dept.id,
                                 now=berlin(2025, 7, 25, 12)).windows[30].overall
    assert month.requests == 1
    assert (month.first_response_known, month.resolution_known) == (0, 0)


def test_catalog_file_round_trip_keeps_approval_and_approvers(session, it_dept, people):
    offering(session, it_dept, ["manager", "department"])
    exported = export_catalog(session)
    department = exported["departments"][0]
    assert department["approvers"] == ["carol@example.com"]
    assert department["offerings"][0]["approval"] == ["manager", "department"]
    import_catalog(session, exported)
    session.commit()
    assert export_catalog(session) == exported


@pytest.mark.parametrize(("approval", "message"), [
    (["boss"], "unknown value"), (["department", "manager"], "manager approves first"),
    ("sometimes", "unknown value"),
])
def test_import_refuses_a_bad_approval_naming_its_path(session, approval, message):
    data = {"departments": [{"slug": "it", "name": "IT", "offerings": [
        {"slug": "ok", "title": "Fine"},
        {"slug": "phone", "title": "Phone", "approval": approval}]}]}
    with pytest.raises(CatalogFileError) as refused:
        import_catalog(session, data)
    text = str(refused.value.problems)
    assert "departments[0].offerings[1].approval" in text and message in text


def test_import_refuses_a_bad_approver_naming_its_path(session):
    data = {"departments": [{"slug": "it", "name": "IT", "approvers": ["not-an-email"]}]}
    with pytest.raises(CatalogFileError) as refused:
        import_catalog(session, data)
    assert "departments[0].approvers[0]" in str(refused.value.problems)


def test_forgetting_an_approver_removes_their_reasons(session, it_dept, employee, store,
                                                      people):
    from catalog.people.privacy import PLACEHOLDER, forget_person

    request = send(session, offering(session, it_dept, ["manager"]), employee, store)
    approvals.decide(session, request, people["manager"], "reject", "Max thinks it too dear")
    session.commit()
    forget_person(session, people["manager"])
    session.commit()
    session.expire_all()
    assert request.approvals[0].comment == PLACEHOLDER
    assert "dear" not in " ".join(e.body for e in request.events)
