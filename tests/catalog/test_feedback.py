"""Feedback rules: who rates when, changing a rating, follow-ups on poor ratings, thanks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog import feedback, recognition
from catalog.errors import Conflict, PermissionDenied, ValidationError
from catalog.models import FollowUp, OutboxMessage
from catalog.submission import submit_request
from catalog.workflow import change_status
from tests import factories
from tests.request_fixtures import berlin


@pytest.fixture
def resolved(session, it_dept, employee, agent, store):
    offering = factories.make_offering(session, it_dept, slug="help", title="Help")
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=store, now=berlin(2026, 3, 2, 9, 0))
    change_status(session, item, agent, "resolved", "Done", now=berlin(2026, 3, 2, 11, 0))
    session.commit()
    return item


def test_poor_rating_opens_a_follow_up_the_department_answers(session, resolved, employee,
                                                              agent):
    given = feedback.give_feedback(session, resolved, employee, 1, "Took ages",
                                   now=berlin(2026, 3, 3, 9, 0))
    assert given.follow_up is not None
    assert [f.request.ref for f in feedback.open_follow_ups(session, resolved.department_id)] \
        == [resolved.ref]
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "follow_up"))
    assert [m.to_address for m in mails] == ["it-help@example.com"]

    # Answered the next working day at 10:00: 9 business hours + 2 = 660 minutes later.
    feedback.answer_follow_up(session, given.follow_up, agent, "Sorry, we were short-staffed",
                              now=berlin(2026, 3, 4, 11, 0))
    assert given.follow_up.answer_business_minutes == 660
    assert feedback.open_follow_ups(session, resolved.department_id) == []
    summary = feedback.follow_up_summaries(session)[resolved.department_id]
    assert (summary.opened, summary.answered, summary.average_answer_minutes) == (1, 1, 660)
    with pytest.raises(Conflict):
        feedback.answer_follow_up(session, given.follow_up, agent, "Again")


def test_good_rating_opens_no_follow_up_and_only_the_requester_rates(session, resolved,
                                                                     employee, agent):
    with pytest.raises(PermissionDenied):
        feedback.give_feedback(session, resolved, agent, 5)
    given = feedback.give_feedback(session, resolved, employee, "4")
    assert given.rating == 4 and given.follow_up is None
    assert session.scalar(select(FollowUp)) is None


@pytest.mark.parametrize("rating", [0, 6, "five", None, 2.5, True])
def test_ratings_outside_1_to_5_are_refused(session, resolved, employee, rating):
    with pytest.raises(ValidationError) as caught:
        feedback.give_feedback(session, resolved, employee, rating)
    assert "rating" in caught.value.fields


def test_no_rating_before_resolution(session, it_dept, employee, store):
    offering = factories.make_offering(session, it_dept, slug="open", title="Open")
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=store)
    with pytest.raises(Conflict):
        feedback.give_feedback(session, item, employee, 5)


def test_one_rating_per_request_changeable_for_14_days(session, resolved, employee):
    first = feedback.give_feedback(session, resolved, employee, 5, now=berlin(2026, 3, 3))
    again = feedback.give_feedback(session, resolved, employee, 3, "Hm",
                                   now=berlin(2026, 3, 3) + timedelta(days=13))
    assert again.id == first.id and again.rating == 3
    with pytest.raises(Conflict):
        feedback.give_feedback(session, resolved, employee, 4,
                               now=berlin(2026, 3, 3) + timedelta(days=15))
    summary = feedback.rating_summaries(session)[resolved.department_id]
    assert (summary.count, summary.average) == (1, 3.0)


def test_thanks_go_to_the_handler_once_and_count_for_the_month(session, resolved, employee,
                                                               agent):
    thanks = recognition.send_thanks(session, resolved, employee, "Super quick!",
                                     to_person=True, show_name=False)
    assert thanks.recipient == agent
    assert [m.to_address for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "thanks"))] == [agent.email]
    with pytest.raises(Conflict):
        recognition.send_thanks(session, resolved, employee, "Again")
    with pytest.raises(PermissionDenied):
        recognition.send_thanks(session, resolved, agent, "Me")
    session.commit()
    top = recognition.most_thanked(session)
    assert [(t.department.slug, t.count) for t in top] == [("it", 1)]
    assert recognition.most_thanked(session, now=thanks.created_at + timedelta(days=40)) == []
