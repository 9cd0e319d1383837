"""Following a request: comments, status changes, first response, pauses, cancel, assign."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import workflow
from catalog.errors import Conflict, PermissionDenied, ValidationError
from catalog.models import OutboxMessage
from catalog.queue import states_of
from catalog.submission import submit_request
from tests import factories
from tests.request_fixtures import berlin

SUBMITTED = berlin(2025, 7, 8, 9)  # Tue; normal: first response Tue 13:00, resolution Fri 09:00


@pytest.fixture
def request_(session, it_dept, employee, tmp_path):
    offering = factories.make_offering(session, it_dept, slug="help", form=[])
    session.commit()
    from catalog.uploads import FileStore
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=SUBMITTED)
    session.commit()
    return made


def mail(session):
    return [(m.kind, m.to_address) for m in
            session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "submitted",
                                                        OutboxMessage.kind != "new_request")
                            .order_by(OutboxMessage.id))]


def test_requester_comment_is_not_a_first_response_and_goes_to_the_department(
        session, request_, employee):
    workflow.add_comment(session, request_, employee, "Any news?", now=berlin(2025, 7, 8, 10))
    session.commit()
    assert request_.first_response_at is None
    assert mail(session) == [("requester_comment", "it-help@example.com")]


def test_first_staff_comment_is_the_first_response(session, request_, agent, owner):
    workflow.add_comment(session, request_, agent, "On it.", now=berlin(2025, 7, 8, 11))
    workflow.add_comment(session, request_, owner, "Me too.", now=berlin(2025, 7, 8, 12))
    session.commit()
    assert request_.first_response_at == berlin(2025, 7, 8, 11)
    assert [e.kind for e in request_.events] == ["created", "comment", "comment"]
    assert mail(session) == [("comment", "emma@example.com"), ("comment", "emma@example.com")]


def test_first_status_change_by_staff_is_the_first_response(session, request_, agent):
    workflow.change_status(session, request_, agent, "in_progress", now=berlin(2025, 7, 8, 14))
    session.commit()
    assert request_.first_response_at == berlin(2025, 7, 8, 14)
    assert request_.status == "in_progress"
    assert mail(session) == [("status", "emma@example.com")]


def test_staff_who_asked_themselves_do_not_answer_their_own_request(session, it_dept, agent,
                                                                     tmp_path):
    from catalog.uploads import FileStore
    offering = factories.make_offering(session, it_dept, slug="own", form=[])
    own = submit_request(session, offering, agent, priority="normal", values={},
                         store=FileStore(tmp_path, 1024), now=SUBMITTED)
    workflow.add_comment(session, own, agent, "Adding detail", now=berlin(2025, 7, 8, 10))
    assert own.first_response_at is None


def test_staff_may_resolve_a_new_request_directly(session, request_, agent):
    workflow.change_status(session, request_, agent, "resolved", "Done: reset.",
                           now=berlin(2025, 7, 8, 10))
    session.commit()
    assert request_.status == "resolved" and request_.resolved_at == berlin(2025, 7, 8, 10)
    assert request_.events[-1].body == "Done: reset."


@pytest.mark.parametrize(("path", "refused"), [
    (["resolved", "closed"], None),
    (["resolved", "in_progress"], None),       # reopened
    (["closed", "new"], None),                 # reopened
    (["closed", "resolved"], Conflict),
    (["cancelled", "new"], Conflict),
    (["on_hold"], ValidationError),
])
def test_transitions(session, request_, agent, path, refused):
    *allowed, last = path
    for status in allowed:
        workflow.change_status(session, request_, agent, status, "Done")
    if refused is None:
        workflow.change_status(session, request_, agent, last, "Done")
        assert request_.status == last
    else:
        with pytest.raises(refused):
            workflow.change_status(session, request_, agent, last, "Done")


def test_setting_the_current_status_changes_nothing(session, request_, agent):
    workflow.change_status(session, request_, agent, "in_progress")
    events, updated = len(request_.events), request_.updated_at
    assert workflow.change_status(session, request_, agent, "in_progress") is None
    assert len(request_.events) == events and request_.updated_at == updated
    assert request_.status == "in_progress"


@pytest.mark.parametrize("note", ["", "   \n ", None])
def test_resolving_needs_a_note_for_the_requester(session, request_, agent, note):
    with pytest.raises(ValidationError) as refused:
        workflow.change_status(session, request_, agent, "resolved", note)
    assert "note" in refused.value.fields
    assert request_.status == "new" and request_.resolved_at is None


def test_reopening_clears_the_resolution(session, request_, agent):
    workflow.change_status(session, request_, agent, "resolved", "Done",
                           now=berlin(2025, 7, 8, 10))
    workflow.change_status(session, request_, agent, "in_progress", now=berlin(2025, 7, 8, 11))
    assert request_.resolved_at is None and request_.paused_at is None


def test_only_staff_change_the_status(session, request_, employee, contractor):
    for person in (employee, contractor):
        with pytest.raises(PermissionDenied):
            workflow.change_status(session, request_, person, "resolved")
    assert request_.status == "new"


def test_waiting_on_the_requester_pauses_the_resolution_clock(session, request_, agent,
                                                              employee):
    assert request_.resolution_due == berlin(2025, 7, 11, 9)
    workflow.change_status(session, request_, agent, "waiting", "Which laptop?",
                           now=berlin(2025, 7, 8, 10))
    assert request_.paused_at == berlin(2025, 7, 8, 10)
    # While paused the request is judged at the pause: not overdue even days later.
    session.commit()
    assert states_of(session, [request_], now=berlin(2025, 7, 30, 9))[request_.id] == "on_track"
    # The requester's answer a business day later sets it in progress and moves the due time.
    workflow.add_comment(session, request_, employee, "The developer one.",
                         now=berlin(2025, 7, 9, 10))
    session.commit()
    assert request_.status == "in_progress" and request_.paused_at is None
    assert request_.resolution_due == berlin(2025, 7, 14, 9)     # Fri 09:00 + 9 h
    assert request_.resolution_risk_at == berlin(2025, 7, 11, 11, 15)  # 1215 min, also moved
    assert request_.first_response_due == berlin(2025, 7, 8, 13)  # that clock never pauses
    assert [e.kind for e in request_.events] == ["created", "status", "comment", "status"]


def test_time_while_resolved_does_not_count_after_reopening(session, request_, agent):
    workflow.change_status(session, request_, agent, "resolved", "Done", now=berlin(2025, 7, 8, 12))
    workflow.change_status(session, request_, agent, "in_progress", now=berlin(2025, 7, 10, 12))
    assert request_.resolution_due == berlin(2025, 7, 15, 9)  # two business days later


def test_requester_cancels_an_open_request_and_the_department_hears_of_it(session, request_,
                                                                         employee):
    workflow.cancel_request(session, request_, employee, "Found one.")
    session.commit()
    assert request_.status == "cancelled" and request_.resolved_at is None
    assert mail(session) == [("requester_status", "it-help@example.com")]


def test_cancelling_is_for_the_requester_and_only_before_resolution(session, request_, agent,
                                                                    employee):
    with pytest.raises(PermissionDenied):
        workflow.cancel_request(session, request_, agent)
    workflow.change_status(session, request_, agent, "resolved", "Done")
    with pytest.raises(Conflict):
        workflow.cancel_request(session, request_, employee)


def test_comments(session, request_, employee, contractor, agent):
    with pytest.raises(ValidationError):
        workflow.add_comment(session, request_, employee, "   ")
    with pytest.raises(PermissionDenied):
        workflow.add_comment(session, request_, contractor, "Hi")
    workflow.change_status(session, request_, agent, "closed")
    with pytest.raises(Conflict):
        workflow.add_comment(session, request_, employee, "One more thing")


def test_assign_to_staff_only(session, request_, agent, owner, employee):
    event = workflow.assign(session, request_, agent, agent)
    assert request_.assignee == agent and event.assignee == agent
    assert workflow.assign(session, request_, agent, agent) is None  # no change, no event
    with pytest.raises(ValidationError):
        workflow.assign(session, request_, agent, employee)
    with pytest.raises(PermissionDenied):
        workflow.assign(session, request_, employee, employee)
    workflow.assign(session, request_, owner, None)
    assert request_.assignee is None
    assert [e.kind for e in request_.events] == ["created", "assigned", "assigned"]


def test_requester_comment_goes_to_the_assignee(session, request_, agent, employee):
    workflow.assign(session, request_, agent, agent)
    workflow.add_comment(session, request_, employee, "Hello")
    session.commit()
    assert mail(session) == [("requester_comment", "agent@example.com")]


def test_next_statuses(session, request_, agent):
    assert workflow.next_statuses(request_) == ["in_progress", "waiting", "resolved", "closed",
                                                "cancelled"]
    workflow.change_status(session, request_, agent, "resolved", "Done")
    assert workflow.next_statuses(request_) == ["new", "in_progress", "waiting", "closed"]
    workflow.change_status(session, request_, agent, "closed")
    assert workflow.next_statuses(request_) == ["new", "in_progress", "waiting"]
