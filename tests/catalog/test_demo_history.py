"""The demo history: about 90 days of requests with misses, feedback and thanks, added once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalog import adherence
from catalog.demo import load_demo_data
from catalog.models import Feedback, FollowUp, OutboxMessage, ServiceRequest, Thanks, utcnow


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.slow
def test_demo_data_brings_a_believable_history_once(session):
    load_demo_data(session)
    session.commit()
    now = utcnow()
    requests = count(session, ServiceRequest)
    assert 300 <= requests <= 700
    oldest = session.scalar(select(func.min(ServiceRequest.created_at)))
    assert now - timedelta(days=91) <= oldest <= now - timedelta(days=80)
    # Some still open, some waiting on the requester, most resolved with measured times.
    assert count(session, ServiceRequest, ServiceRequest.status == "resolved") > requests / 2
    assert count(session, ServiceRequest, ServiceRequest.status.in_(("new", "in_progress")))
    assert count(session, ServiceRequest,
                 ServiceRequest.resolution_business_minutes.is_not(None)) > requests / 2
    # Feedback with poor ratings whose follow-ups were (mostly) answered, and thanks.
    assert count(session, Feedback) > 100
    assert count(session, FollowUp, FollowUp.answered_at.is_not(None)) >= 5
    assert count(session, Thanks) >= 10
    assert count(session, OutboxMessage) == 0  # nobody gets mail about the past
    # Departments keep their commitments to different degrees, and some misses show.
    shares = [r.windows[90].overall.resolution_met
              for r in adherence.records(session, "department", now=now).values()]
    assert len(shares) == 7 and all(s is not None for s in shares)
    assert min(shares) < 0.8 < max(shares) < 1.0

    load_demo_data(session)  # like running `demo-data` again
    session.commit()
    assert count(session, ServiceRequest) == requests
