"""Breakdown points read from the rollups equal those counted request by request, on random
histories played through the workflow (waiting twice, reopening, cancelling by the requester,
by the colleague who sent it and by staff, moves between departments, status changes written
late with an earlier time); the rollups follow every flush, and a rebuild gives the same rows."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from catalog.commitments import breakdown_rollups, breakdowns
from catalog.models import BreakdownDay, RequestEvent, WaitDay
from catalog.requests.handover import move_request
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import add_comment, cancel_request, change_status, next_statuses
from tests import factories

START = datetime(2026, 1, 5, 6, 30, tzinfo=UTC)
DAYS = 120


@pytest.fixture
def world(session, tmp_path):
    agent = factories.make_user(session, email="agent@example.com", name="Adam Agent")
    employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
    colleague = factories.make_user(session, email="carl@example.com", name="Carl Colleague")
    departments = [factories.make_department(
        session, slug=slug, code=slug.upper(), agents=[agent],
        commitments={"normal": (240, 3 * 540), "high": (60, 540)}) for slug in ("it", "hr")]
    offerings = [factories.make_offering(session, d, slug=f"{d.slug}{n}", title=f"{d.slug} {n}")
                 for d in departments for n in range(2)]
    session.commit()
    return {"agent": agent, "employee": employee, "colleague": colleague,
            "departments": departments, "offerings": offerings,
            "store": FileStore(tmp_path / "uploads", 1024 * 1024)}


def _play(session, world, rng: random.Random, count: int) -> None:
    """Requests at random times, each taking a random path, committed at random steps."""
    agent, employee, colleague = world["agent"], world["employee"], world["colleague"]
    for _ in range(count):
        at = START + timedelta(minutes=rng.randint(0, DAYS * 24 * 60))
        on_behalf = rng.random() < 0.3
        item = submit_request(session, rng.choice(world["offerings"]),
                              colleague if on_behalf else employee,
                              on_behalf_of=employee if on_behalf else None,
                              priority=rng.choice(("normal", "high")), values={},
                              store=world["store"], now=at)
        for step in rng.choices(("staff", "staff", "waiting", "cancel", "move", "backdated",
                                 "comment"), k=rng.randint(0, 8)):
            at += timedelta(minutes=rng.choice((1, 7, 90, 119, 600, 2879, 3000, 9000)))
            if step == "staff" and next_statuses(item):
                status = rng.choice(next_statuses(item))
                change_status(session, item, agent, status, "Done", now=at)
            elif step == "waiting" and item.is_open and item.status != "waiting":
                change_status(session, item, agent, "waiting", now=at)
            elif step == "cancel" and item.is_open:
                sender = colleague if on_behalf and rng.random() < 0.5 else employee
                cancel_request(session, item, sender, now=at)
            elif step == "move" and item.is_open:
                target = rng.choice([o for o in world["offerings"]
                                     if o.department_id != item.department_id])
                move_request(session, item, agent, target.id, "Theirs", now=at)
            elif step == "backdated":  # written now, dated between earlier changes
                session.add(RequestEvent(
                    request=item, kind="status", actor=rng.choice((agent, employee)),
                    old_status=rng.choice(("new", "in_progress", "waiting", "resolved")),
                    new_status=rng.choice(("in_progress", "waiting", "cancelled")),
                    created_at=item.created_at + (at - item.created_at) * rng.random()))
                session.flush()
            elif step == "comment" and item.status not in ("closed", "cancelled"):
                add_comment(session, item, agent, "A word", now=at)
            if rng.random() < 0.3:
                session.commit()
        session.commit()


def _seen(found: breakdowns.Breakdowns) -> tuple:
    """What the page shows: the points in their order, and the waits."""
    return ([(p.offering.id, p.moment, p.count, p.score, p.by_priority, p.comments)
             for p in found.points],
            {o: {s: (w.stays, w.total_minutes, w.median_minutes) for s, w in by.items()}
             for o, by in found.waits.items()})


def _compare(session, world, now: datetime, days: int) -> None:
    for department in world["departments"]:
        expected = breakdowns.department_breakdowns(session, department, days, now, rolled=False)
        found = breakdowns.department_breakdowns(session, department, days, now)
        assert _seen(found) == _seen(expected), (department.slug, now, days)
    expected_summary = breakdowns.summary(session, days, now, rolled=False)
    assert [(s.department.id, s.total, s.points) for s in breakdowns.summary(
        session, days, now)] == [(s.department.id, s.total, s.points) for s in expected_summary]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_give_what_counting_request_by_request_gives(session, world, seed):
    rng = random.Random(seed)
    _play(session, world, rng, 90)
    counted = breakdowns.department_breakdowns(
        session, world["departments"][0], 365, START + timedelta(days=DAYS + 30), rolled=False)
    moments = {p.moment for p in counted.points}
    assert {"back_and_forth", "cancelled", "first_response", "wait_new"} <= moments
    ends = [START + timedelta(days=DAYS, hours=h) for h in (0, 11.5, 23.99)]
    ends.append(START + timedelta(days=60, minutes=rng.randint(0, 1440)))  # some come later
    for now in ends:
        for days in (30, 90):
            _compare(session, world, now, days)
    _compare(session, world, START + timedelta(days=DAYS + 10), 365)


def _rows(session):
    """The rows that count (a request that moved away leaves a row of zeros behind)."""
    days = sorted(tuple(r) for r in session.execute(select(BreakdownDay.__table__)).all()
                  if r.back_and_forth or r.cancelled)
    waits = sorted((*r[:6], round(r.minutes, 6))
                   for r in session.execute(select(WaitDay.__table__)).all() if r.stays)
    return days, waits


def test_a_rebuild_gives_the_rows_the_flushes_kept(session, world):
    _play(session, world, random.Random(7), 60)
    kept = _rows(session)
    assert kept[0] and kept[1]
    assert breakdown_rollups.rebuild(session) == 60
    session.commit()
    assert _rows(session) == kept
    it = world["departments"][0]
    breakdown_rollups.rebuild(session, [it.id])
    session.commit()
    assert _rows(session) == kept


def test_a_moved_request_takes_its_stays_and_flags_along(session, world):
    agent, employee = world["agent"], world["employee"]
    it_laptop, _it_other, hr_badge, _hr_other = world["offerings"]
    now = START + timedelta(days=10)
    item = submit_request(session, it_laptop, employee, priority="normal", values={},
                          store=world["store"], now=START)
    for hours, status in ((1, "waiting"), (3, "in_progress"), (4, "waiting")):
        change_status(session, item, agent, status, now=START + timedelta(hours=hours))
    session.commit()
    it, hr = world["departments"]

    def shown(department):
        found = breakdowns.department_breakdowns(session, department, 30, now)
        return ({(p.offering.id, p.moment) for p in found.points if p.moment == "back_and_forth"},
                {o: {s: w.stays for s, w in by.items()} for o, by in found.waits.items()})

    assert shown(it) == ({(it_laptop.id, "back_and_forth")},
                         {it_laptop.id: {"new": 1, "waiting": 1, "in_progress": 1}})
    move_request(session, item, agent, hr_badge.id, "Theirs", now=START + timedelta(hours=5))
    session.commit()
    assert shown(it) == (set(), {})
    assert shown(hr) == ({(hr_badge.id, "back_and_forth")},
                         {hr_badge.id: {"new": 1, "waiting": 2, "in_progress": 1}})


def test_the_rebuild_command_fills_the_rollups_of_bulk_written_changes(runner, session, world):
    item = submit_request(session, world["offerings"][0], world["employee"], priority="normal",
                          values={}, store=world["store"], now=START)
    session.commit()
    session.execute(insert(RequestEvent), [  # bypassing the flush, as an import would
        {"request_id": item.id, "kind": "status", "old_status": "new", "new_status": "waiting",
         "actor_id": world["agent"].id, "body": "", "created_at": START + timedelta(minutes=45)}])
    session.commit()
    assert _rows(session) == ([], [])
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _rows(session)[1] == [(world["departments"][0].id, world["offerings"][0].id,
                                  START.date(), "new", 45, 1, 45.0)]
