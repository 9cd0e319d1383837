"""On track, at risk, breached; the queue's order and filters; a requester's own list."""

from __future__ import annotations

import pytest

from catalog import workflow
from catalog.queue import (
    QueueFilters,
    department_queue,
    my_requests,
    state_counts,
    states_of,
)
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories
from tests.request_fixtures import berlin


@pytest.fixture
def make_request(session, it_dept, employee, tmp_path):
    offering = factories.make_offering(session, it_dept, slug="help", form=[])
    session.commit()

    def make(at, priority="normal", requester=None):
        made = submit_request(session, offering, requester or employee, priority=priority,
                              values={}, store=FileStore(tmp_path, 1024), now=at)
        session.commit()
        return made
    return make


# Submitted Tue 8 Jul 09:00, normal: first response due 13:00 (at risk from 12:00),
# resolution due Fri 11 Jul 09:00 (at risk from Thu 10 Jul 11:15).
@pytest.mark.parametrize(("now", "state"), [
    (berlin(2025, 7, 8, 11, 59), "on_track"),
    (berlin(2025, 7, 8, 12), "at_risk"),
    (berlin(2025, 7, 8, 13, 1), "breached"),
])
def test_state_follows_the_first_response_clock(session, make_request, now, state):
    item = make_request(berlin(2025, 7, 8, 9))
    assert states_of(session, [item], now)[item.id] == state


@pytest.mark.parametrize(("now", "state"), [
    (berlin(2025, 7, 10, 11), "on_track"),
    (berlin(2025, 7, 10, 11, 15), "at_risk"),
    (berlin(2025, 7, 11, 9, 1), "breached"),
])
def test_after_a_timely_first_response_the_resolution_clock_counts(session, make_request,
                                                                   agent, now, state):
    item = make_request(berlin(2025, 7, 8, 9))
    workflow.add_comment(session, item, agent, "Looking", now=berlin(2025, 7, 8, 10))
    session.commit()
    assert states_of(session, [item], now)[item.id] == state


def test_a_late_first_response_stays_breached(session, make_request, agent):
    item = make_request(berlin(2025, 7, 8, 9))
    workflow.add_comment(session, item, agent, "Sorry, late", now=berlin(2025, 7, 8, 14))
    session.commit()
    assert states_of(session, [item], berlin(2025, 7, 8, 15))[item.id] == "breached"


def test_finished_requests_have_no_state(session, make_request, agent):
    item = make_request(berlin(2025, 7, 8, 9))
    workflow.change_status(session, item, agent, "resolved", "Done", now=berlin(2025, 7, 8, 10))
    session.commit()
    assert states_of(session, [item], berlin(2025, 8, 1))[item.id] is None


def test_queue_sorts_by_next_deadline_and_filters(session, make_request, it_dept, agent):
    early_high = make_request(berlin(2025, 7, 8, 9), priority="high")   # due Tue 10:00
    normal = make_request(berlin(2025, 7, 8, 9))                       # due Tue 13:00
    later = make_request(berlin(2025, 7, 9, 9))                        # due Wed 13:00
    answered = make_request(berlin(2025, 7, 7, 9))                     # due Mon 13:00 ...
    workflow.add_comment(session, answered, agent, "Hi", now=berlin(2025, 7, 7, 10))
    workflow.assign(session, normal, agent, agent)                     # ... then Thu 09:00
    done = make_request(berlin(2025, 7, 8, 9))
    workflow.change_status(session, done, agent, "closed")
    session.commit()
    now = berlin(2025, 7, 8, 12, 30)

    def refs(**filters):
        page = department_queue(session, [it_dept], agent, QueueFilters(**filters), now=now)
        return [r.ref for r in page.items]

    assert refs() == [early_high.ref, normal.ref, later.ref, answered.ref]
    assert refs(state="breached") == [early_high.ref]
    assert refs(state="at_risk") == [normal.ref]
    assert refs(state="on_track") == [later.ref, answered.ref]
    assert refs(assignee="me") == [normal.ref]
    assert refs(assignee="unassigned") == [early_high.ref, later.ref, answered.ref]
    assert refs(priority="high") == [early_high.ref]
    assert refs(status="closed") == [done.ref]
    assert len(refs(status="all")) == 5
    assert state_counts(session, [it_dept], now) == {"on_track": 2, "at_risk": 1,
                                                     "breached": 1}


def test_queue_pages(session, make_request, it_dept, agent):
    for day in range(7, 12):
        make_request(berlin(2025, 7, day, 9))
    page = department_queue(session, [it_dept], agent, QueueFilters(), page=2, per_page=2)
    assert page.total == 5 and page.pages == 3 and len(page.items) == 2


def test_my_requests_are_mine_newest_first_and_filter_by_status(session, make_request,
                                                                employee, agent):
    first = make_request(berlin(2025, 7, 7, 9))
    second = make_request(berlin(2025, 7, 8, 9))
    make_request(berlin(2025, 7, 9, 9), requester=agent)
    workflow.change_status(session, first, agent, "resolved", "Done")
    session.commit()
    assert [r.ref for r in my_requests(session, employee).items] == [second.ref, first.ref]
    assert [r.ref for r in my_requests(session, employee, "open").items] == [second.ref]
    assert [r.ref for r in my_requests(session, employee, "resolved").items] == [first.ref]
