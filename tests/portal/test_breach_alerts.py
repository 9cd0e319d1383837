"""Breach warnings, escalations and the daily digest, as the worker sends them: one warning
when the share of a target is used, one escalation at the breach, never twice (not after a
restart, not from a second app), nothing for paused or finished requests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import workflow
from catalog.models import OutboxMessage, ServiceRequest
from catalog.submission import submit_request
from catalog.uploads import FileStore
from portal.commands.alerts import alert_due_requests
from portal.extensions import db
from portal.mail import compose
from tests import factories
from tests.request_fixtures import berlin

# Tue 09:00; normal: first response due 13:00 (3/4 used at 12:00), resolution Fri 09:00
# (3/4 used Thu 11:15).
SUBMITTED = berlin(2025, 7, 8, 9)


@pytest.fixture
def request_(session, it_dept, employee, tmp_path) -> ServiceRequest:
    offering = factories.make_offering(session, it_dept, slug="help", title="Help", form=[])
    session.commit()
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=SUBMITTED)
    session.commit()
    return made


def alerts(session, kind: str = "due_alert") -> list[tuple[str, str]]:
    session.expire_all()
    return [(m.data.get("alert", m.data.get("day")), m.to_address) for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def run(app, now) -> tuple[int, int]:
    with app.app_context():
        return alert_due_requests(now)


def test_one_warning_at_three_quarters_and_one_escalation_at_the_breach(
        app, make_app, session, request_):
    assert run(app, berlin(2025, 7, 8, 11, 59))[0] == 0
    assert run(app, berlin(2025, 7, 8, 12, 0))[0] == 1
    assert alerts(session) == [("first_response_warning", "agent@example.com")]
    assert run(app, berlin(2025, 7, 8, 12, 30))[0] == 0
    restarted = make_app()  # a restarted worker, or a second one, remembers what was sent
    assert run(restarted, berlin(2025, 7, 8, 12, 45))[0] == 0
    assert run(restarted, berlin(2025, 7, 8, 13, 0))[0] == 1
    assert run(app, berlin(2025, 7, 8, 13, 1))[0] == 0
    assert alerts(session) == [("first_response_warning", "agent@example.com"),
                               ("first_response_breach", "owner@example.com")]
    with app.app_context():
        warning, breach = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "due_alert")
            .order_by(OutboxMessage.id)).all()
        subject, body = compose(warning)
        assert subject == f"[{request_.ref}] Answer soon: first response due Tue 8 Jul, 13:00"
        subject, body = compose(breach)
        assert "IT Services missed its commitment" in body
        assert "No one has taken it yet." in body
        breach.data = {**breach.data, "locale": "de"}
        subject, body = compose(breach)
        assert subject.startswith(f"[{request_.ref}] Zusage verfehlt")


def test_the_assignee_is_warned_and_the_share_is_a_setting(make_app, session, request_,
                                                             agent, owner):
    workflow.assign(session, request_, owner, owner)
    session.commit()
    half = make_app(WARN_AT_SHARE=0.5)  # half of 4 h: at 11:00
    assert run(half, berlin(2025, 7, 8, 10, 59))[0] == 0
    assert run(half, berlin(2025, 7, 8, 11, 0))[0] == 1
    assert alerts(session) == [("first_response_warning", "owner@example.com")]


def test_resolution_warning_once_after_the_first_response(app, session, request_, agent):
    workflow.change_status(session, request_, agent, "in_progress", now=berlin(2025, 7, 8, 10))
    session.commit()
    assert run(app, berlin(2025, 7, 10, 11, 14))[0] == 0
    assert run(app, berlin(2025, 7, 10, 11, 15))[0] == 1
    assert run(app, berlin(2025, 7, 10, 16, 0))[0] == 0
    assert run(app, berlin(2025, 7, 11, 9, 0))[0] == 1
    assert alerts(session) == [("resolution_warning", "agent@example.com"),
                               ("resolution_breach", "owner@example.com")]


@pytest.mark.parametrize("status", ["waiting", "resolved", "cancelled"])
def test_paused_resolved_and_cancelled_requests_get_nothing(app, session, request_, agent,
                                                           employee, status):
    if status == "cancelled":
        workflow.cancel_request(session, request_, employee, now=berlin(2025, 7, 8, 9, 30))
    else:
        workflow.change_status(session, request_, agent, status, note="Done.",
                               now=berlin(2025, 7, 8, 9, 30))
    session.commit()
    assert run(app, berlin(2025, 7, 20, 12, 0)) == (0, 0)
    assert alerts(session) == []


def test_daily_digest_once_per_agent_and_day(app, make_app, session, request_):
    assert run(app, berlin(2025, 7, 8, 6, 59))[1] == 0  # before 07:00 in their zone
    assert run(app, berlin(2025, 7, 8, 9, 30))[1] == 2  # the agent and the owner
    assert run(make_app(), berlin(2025, 7, 8, 16, 0))[1] == 0
    assert sorted(alerts(session, "due_digest")) == [("2025-07-08", "agent@example.com"),
                                                     ("2025-07-08", "owner@example.com")]
    with app.app_context():
        digest = db.session.scalars(select(OutboxMessage)
                                    .where(OutboxMessage.kind == "due_digest")).first()
        subject, body = compose(digest)
    assert subject == "Due today: 1 request(s)"
    assert f"{request_.ref} “Help”: first response due Tue 8 Jul, 13:00" in body
    assert run(app, berlin(2025, 7, 9, 7, 0))[1] == 2  # the next day: still overdue


def test_two_workers_at_the_same_moment_send_one_warning(engine, session, request_):
    """Both look before either has written; the unique key lets only one record and mail."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; PostgreSQL shows the race")
    import time
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy.orm import Session

    from catalog.requests.alerts import send_alerts

    at = berlin(2025, 7, 8, 12, 0)
    with Session(engine) as first, Session(engine) as second:
        assert send_alerts(first, at) == 1  # written, not yet committed
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(send_alerts, second, at)
            time.sleep(0.5)  # time to look, find nothing, and wait on the unique key
            first.commit()
            assert waiting.result(timeout=30) == 0
        second.commit()
    assert alerts(session) == [("first_response_warning", "agent@example.com")]


def test_a_run_costs_the_same_however_many_alerts_went_out_before(
        app, session, it_dept, employee, tmp_path, engine, count_queries):
    """The worker runs every minute: alerts sent on earlier runs are not looked up again one
    by one (nor their times worked out again)."""
    offering = factories.make_offering(session, it_dept, slug="help", title="Help", form=[])
    session.commit()
    store = FileStore(tmp_path, 1024)
    measured = []
    for count in (2, 6):
        for _ in range(count - (2 if measured else 0)):
            submit_request(session, offering, employee, priority="normal", values={},
                           store=store, now=SUBMITTED)
        session.commit()
        run(app, berlin(2025, 7, 8, 12, 0))  # every one warned
        with count_queries() as again:
            assert run(app, berlin(2025, 7, 8, 12, 1))[0] == 0
        measured.append(again.n)
    assert measured[0] == measured[1], measured
