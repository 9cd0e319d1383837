"""Records from the rollups equal records computed from the requests alone, on random
histories played through the workflow (reopening, waiting, cancelling, priority changes,
open requests past due) and on bulk-inserted ones; the rollups follow every change."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from catalog import adherence
from catalog.commitments import full_scan, rollups
from catalog.models import AdherenceDay, AdherenceHistogram, ServiceRequest
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import add_comment, cancel_request, change_status
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row

START = datetime(2026, 1, 5, 6, 30, tzinfo=UTC)  # a Monday morning
DAYS = 120


@pytest.fixture
def world(session, tmp_path):
    agent = factories.make_user(session, email="agent@example.com", name="Adam Agent")
    employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
    departments = [factories.make_department(
        session, slug=slug, code=slug.upper(), agents=[agent],
        commitments={"normal": (240, 3 * 540), "high": (60, 540)}) for slug in ("it", "hr")]
    offerings = [factories.make_offering(session, d, slug=f"o{n}")
                 for d in departments for n in range(2)]
    session.commit()
    return {"agent": agent, "employee": employee, "departments": departments,
            "offerings": offerings, "store": FileStore(tmp_path / "uploads", 1024 * 1024)}


def _play(session, world, rng: random.Random, count: int) -> None:
    """Requests through the workflow at random times, each taking a random path."""
    agent, employee, store = world["agent"], world["employee"], world["store"]
    for _ in range(count):
        at = START + timedelta(minutes=rng.randint(0, DAYS * 24 * 60))
        item = submit_request(session, rng.choice(world["offerings"]), employee,
                              priority=rng.choice(("normal", "high")), values={}, store=store,
                              now=at)
        for step in rng.choices(("comment", "waiting", "resolved", "reopen", "closed",
                                 "cancel", "priority", "stop"), k=rng.randint(0, 6)):
            at += timedelta(minutes=rng.choice((5, 90, 600, 3000, 9000)))
            if step == "stop":
                break
            _step(session, item, step, agent, employee, at, rng)
        session.commit()


def _step(session, item, step, agent, employee, at, rng) -> None:
    status = item.status
    if step == "comment" and status not in ("closed", "cancelled"):
        add_comment(session, item, rng.choice((agent, employee)), "A word", now=at)
    elif step == "waiting" and item.is_open and status != "waiting":
        change_status(session, item, agent, "waiting", now=at)
    elif step == "resolved" and item.is_open:
        change_status(session, item, agent, "resolved", "Done", now=at)
    elif step == "reopen" and status in ("resolved", "closed"):
        change_status(session, item, agent, rng.choice(("new", "in_progress")), now=at)
    elif step == "closed" and status in ("resolved", *("new", "in_progress", "waiting")):
        change_status(session, item, agent, "closed", now=at)
    elif step == "cancel" and item.is_open:
        cancel_request(session, item, employee, now=at)
    elif step == "priority":  # as staff would: new targets, the clock from creation
        item.priority = "high" if item.priority == "normal" else "normal"
        item.first_response_minutes, item.resolution_minutes = (
            (60, 540) if item.priority == "high" else (240, 1620))


def _bulk(session, world, rng: random.Random, count: int) -> None:
    """Rows in odd states the workflow rarely makes: unanswered but resolved, cancelled with
    and without a pause, open and past due, no targets."""
    rows = []
    for _ in range(count):
        offering = rng.choice(world["offerings"])
        created = START + timedelta(minutes=rng.randint(0, DAYS * 24 * 60))
        due = created + timedelta(hours=rng.choice((1, 30, 400)))
        answered = rng.random() < 0.5
        rows.append(request_row(
            offering.department, offering, world["employee"], created,
            priority=rng.choice(("low", "normal", "high")),
            status=rng.choice(("new", "in_progress", "waiting", "resolved", "closed",
                               "cancelled")),
            first_response=rng.randint(1, 400) if answered else None,
            resolution=rng.randint(1, 3000) if rng.random() < 0.5 else None,
            targets=rng.choice(((240, 1620), (60, 540), (None, None))),
            first_response_due=due, resolution_due=due + timedelta(hours=20),
            paused_at=created + timedelta(hours=rng.choice((0, 2, 50)))
            if rng.random() < 0.4 else None))
        if not answered:
            rows[-1]["first_response_at"] = None
    insert_requests(session, rows)


def _compare(session, now: datetime) -> None:
    for by in ("department", "offering"):
        expected = full_scan.records(session, by, now=now)
        found = adherence.records(session, by, now=now)
        assert found.keys() == expected.keys(), (by, now)
        for key, record in expected.items():
            assert found[key] == record, (by, key, now)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollup_records_equal_records_from_the_requests(session, world, seed):
    rng = random.Random(seed)
    _play(session, world, rng, 60)
    _bulk(session, world, rng, 60)
    _play(session, world, rng, 20)  # the flush keeps the rollups right after a rebuild too
    moments = [START + timedelta(days=DAYS, hours=h) for h in (0, 5, 11.99, 12, 17, 23.5)]
    moments += [START + timedelta(days=40, minutes=rng.randint(0, 1440)) for _ in range(3)]
    for now in moments:
        _compare(session, now)
    ids = [d.id for d in world["departments"]]
    now = moments[1]
    assert adherence.records(session, "department", ids[:1], now=now) == {
        ids[0]: full_scan.records(session, "department", ids[:1], now=now)[ids[0]]}


def _rollup_rows(session):
    """The rows that count (a request that moved away may leave a row of zeros behind)."""
    return (sorted(r for r in session.execute(select(AdherenceDay.__table__)).all()
                   if any(r[4:])),
            sorted(r for r in session.execute(select(AdherenceHistogram.__table__)).all()
                   if r.count))


def test_rebuild_is_idempotent_and_agrees_with_the_flush(session, world):
    _play(session, world, random.Random(7), 40)
    kept_up = _rollup_rows(session)
    assert kept_up[0], "the flush wrote rollups"
    assert rollups.rebuild(session) == 40
    session.commit()
    assert _rollup_rows(session) == kept_up
    rollups.rebuild(session, [world["departments"][0].id])
    session.commit()
    assert _rollup_rows(session) == kept_up


def test_reopening_takes_the_resolution_back_out(session, world):
    item = submit_request(session, world["offerings"][0], world["employee"], priority="normal",
                          values={}, store=world["store"], now=START)
    change_status(session, item, world["agent"], "resolved", "Done",
                  now=START + timedelta(hours=2))
    session.commit()
    now = START + timedelta(days=1)
    month = adherence.record_for(session, "offering", item.offering_id, now=now).windows[30]
    assert (month.overall.resolution_known, month.overall.resolution_measured) == (1, 1)
    change_status(session, item, world["agent"], "in_progress", now=START + timedelta(hours=3))
    session.commit()
    month = adherence.record_for(session, "offering", item.offering_id, now=now).windows[30]
    assert (month.overall.resolution_known, month.overall.resolution_measured) == (0, 0)
    session.delete(session.get(ServiceRequest, item.id))
    session.commit()
    assert adherence.record_for(session, "offering", item.offering_id,
                                now=now).windows[30].overall.requests == 0
