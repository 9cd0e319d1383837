"""Breakdown points: a department whose misses, ratings, returns, cancellations, abandoned
forms and waits are known gets exactly the ranking and scores computed here by hand."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from catalog.commitments import breakdowns
from catalog.commitments.form_openings import count_form_opening
from catalog.models import FormOpening
from tests.breakdown_fixtures import add_request
from tests.factories import make_department, make_offering, make_user

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY0 = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)  # 50 days before NOW: inside 90 days


@pytest.fixture
def fixture_department(session):
    """Laptop and Badge with known breakdowns (see the scores in the test)."""
    requester, agent = make_user(session), make_user(session)
    department = make_department(session, slug="fix", code="FX", agents=[agent])
    laptop = make_offering(session, department, slug="laptop", title="Laptop")
    badge = make_offering(session, department, slug="badge", title="Badge")
    other = make_department(session, slug="other", code="OT")
    elsewhere = make_offering(session, other, slug="elsewhere", title="Elsewhere")
    at = [DAY0 + timedelta(days=n) for n in range(10)]
    # Laptop: a1 first response missed (normal), a2 both missed (high), a3 resolution missed
    # and rated 1 with a comment, a4 sent back to the requester twice and rated 2, a5
    # cancelled by the requester after half a day at "new", a6 kept and rated 5.
    add_request(session, laptop, requester, at[0], first=300, resolution=1000)
    add_request(session, laptop, requester, at[1], priority="high", first=90, resolution=600)
    add_request(session, laptop, requester, at[2], first=100, resolution=2000, rating=1,
                comment="Took ages")
    add_request(session, laptop, requester, at[3], first=100, resolution=1000, rating=2,
                moves=[(1, "new", "waiting", agent), (2, "waiting", "in_progress", requester),
                       (2.5, "in_progress", "waiting", agent),
                       (3, "waiting", "resolved", agent)])
    add_request(session, laptop, requester, at[4], first=30, status="cancelled",
                moves=[(0.5, "new", "cancelled", requester)])
    add_request(session, laptop, requester, at[5], first=30, resolution=600, rating=5)
    # Badge: b1 first response missed (critical) and rated 2 with a comment, b2 resolution
    # missed (low), b3 reopened once, b6 cancelled by staff (not the requester's doing).
    add_request(session, badge, requester, at[0], priority="critical", first=45,
                resolution=200, rating=2, comment="Badge never came")
    add_request(session, badge, requester, at[1], priority="low", first=100, resolution=3000)
    add_request(session, badge, requester, at[2], first=100, resolution=1000,
                moves=[(1, "new", "resolved", agent), (2, "resolved", "in_progress", requester),
                       (3, "in_progress", "resolved", agent)])
    add_request(session, badge, requester, at[3], status="cancelled",
                moves=[(0.5, "new", "cancelled", agent)])
    # Outside the window, or another department: not counted.
    add_request(session, badge, requester, NOW - timedelta(days=100), first=999,
                resolution=9999, rating=1, comment="Old")
    add_request(session, elsewhere, requester, at[0], first=999, resolution=9999, rating=1)
    # Forms: Laptop opened 10 times in the window (6 sent: 4 given up), 50 times long ago;
    # Badge opened twice but 4 sent (none given up).
    session.add_all([FormOpening(offering_id=laptop.id, day=at[0].date(), opened=7),
                     FormOpening(offering_id=laptop.id, day=at[1].date(), opened=3),
                     FormOpening(offering_id=laptop.id, day=(NOW - timedelta(days=120)).date(),
                                 opened=50),
                     FormOpening(offering_id=badge.id, day=at[0].date(), opened=2),
                     FormOpening(offering_id=elsewhere.id, day=at[0].date(), opened=40)])
    session.commit()
    return department


# (offering, moment, count, score), computed by hand from the fixture with the documented
# weights: first response 2, resolution 3 (each times the priority's weight: low 1, normal 1,
# high 2, critical 3), poor rating 3, back and forth 2, cancelled 1, abandoned form 0.5, and
# 0.5 per day waited at "new" or "in progress".
EXPECTED = [
    ("Laptop", "resolution", 2, 9.0),         # (2 high + 1 normal) x 3
    ("Badge", "first_response", 1, 6.0),      # 3 critical x 2
    ("Laptop", "first_response", 2, 6.0),     # (1 normal + 2 high) x 2
    ("Laptop", "poor_rating", 2, 6.0),        # ratings 1 and 2, x 3
    ("Badge", "resolution", 1, 3.0),          # 1 low x 3
    ("Badge", "poor_rating", 1, 3.0),
    ("Badge", "back_and_forth", 1, 2.0),      # reopened once
    ("Laptop", "back_and_forth", 1, 2.0),     # "waiting on you" twice
    ("Laptop", "abandoned", 4, 2.0),          # 10 opened - 6 sent, x 0.5
    ("Laptop", "cancelled", 1, 1.0),          # the staff's cancellation of b6 does not count
    ("Badge", "wait_new", 1.5, 0.75),         # b3 1 day + b6 half a day, x 0.5
    ("Laptop", "wait_new", 1.5, 0.75),        # a4 1 day + a5 half a day
    ("Badge", "wait_in_progress", 1.0, 0.5),  # b3 1 day
    ("Laptop", "wait_in_progress", 0.5, 0.25),  # a4 half a day
]


def test_the_fixture_department_gets_exactly_the_hand_computed_ranking(session,
                                                                      fixture_department):
    found = breakdowns.department_breakdowns(session, fixture_department, now=NOW)

    assert [(p.offering.title, p.moment, p.count, p.score) for p in found.points] == EXPECTED
    assert found.total == 42.25
    first = {(p.offering.title, p.moment): p for p in found.points}
    assert first[("Laptop", "first_response")].by_priority == {"normal": 1, "high": 1}
    assert first[("Laptop", "poor_rating")].comments == [(1, "Took ages")]
    assert first[("Badge", "poor_rating")].comments == [(2, "Badge never came")]


def test_waits_per_status_give_stays_median_and_total(session, fixture_department):
    found = breakdowns.department_breakdowns(session, fixture_department, now=NOW)
    laptop = next(o for o in found.offerings.values() if o.slug == "laptop")

    waits = found.waits[laptop.id]
    assert (waits["new"].stays, waits["new"].total_minutes, waits["new"].median_minutes) == \
        (2, 2160.0, 720)
    assert (waits["waiting"].stays, waits["waiting"].total_minutes) == (2, 2160.0)
    assert waits["in_progress"].median_minutes == 720


def test_a_shorter_window_leaves_out_what_came_before_it(session, fixture_department):
    found = breakdowns.department_breakdowns(session, fixture_department, days=30, now=NOW)

    assert found.points == []


def test_the_requests_behind_a_point_are_exactly_those_counted(session, fixture_department):
    found = breakdowns.department_breakdowns(session, fixture_department, now=NOW)
    laptop = next(o for o in found.offerings.values() if o.slug == "laptop")
    badge = next(o for o in found.offerings.values() if o.slug == "badge")

    def refs(offering, moment):
        query = breakdowns.requests_behind(fixture_department, offering.id, moment, 90, NOW)
        return sorted(r.created_at.day for r in session.scalars(query))

    assert refs(laptop, "first_response") == [1, 2]
    assert refs(laptop, "resolution") == [2, 3]
    assert refs(laptop, "poor_rating") == [3, 4]
    assert refs(laptop, "back_and_forth") == [4]
    assert refs(laptop, "cancelled") == [5]
    assert refs(badge, "back_and_forth") == [3]
    assert refs(badge, "wait_new") == [3, 4]
    assert refs(laptop, "abandoned") == []


def test_the_admin_summary_ranks_departments_by_their_total(session, fixture_department):
    rows = breakdowns.summary(session, now=NOW)

    # other: first response 2 + resolution 3 + poor rating 3 + (40 opened - 1 sent) x 0.5
    assert [(row.department.slug, row.total, row.points) for row in rows] == [
        ("fix", 42.25, 14), ("other", 27.5, 4)]
    assert (rows[0].top.offering.title, rows[0].top.moment) == ("Laptop", "resolution")
    assert (rows[1].top.offering.title, rows[1].top.moment) == ("Elsewhere", "abandoned")


def test_opening_a_form_counts_per_day_without_a_person(session, fixture_department):
    offering = fixture_department.offerings[0]
    day = NOW.date()
    for _ in range(3):
        count_form_opening(session, offering.id, day)
    session.commit()

    row = session.get(FormOpening, (offering.id, day))
    assert row.opened == 3
    assert set(FormOpening.__table__.columns.keys()) == {"offering_id", "day", "opened"}


def _bucket(minutes: float) -> int:
    whole = int(minutes + 0.5)
    return whole if whole < 120 else whole // 15 * 15 if whole < 2880 else whole // 60 * 60


def test_one_pass_over_status_changes_equals_counting_request_by_request(session):
    """Random histories: the returns, cancellations and waits read in one SQL pass are what
    walking each request's status changes in order gives."""
    rng = random.Random(15)
    requester, agent = make_user(session), make_user(session)
    department = make_department(session, slug="rnd", code="RN", agents=[agent])
    offerings = [make_offering(session, department, slug=f"r{n}") for n in range(3)]
    statuses = ("new", "in_progress", "waiting", "resolved", "closed", "cancelled")
    expected_returns: dict[tuple[int, str], int] = defaultdict(int)
    stays: dict[tuple[int, str], list[float]] = defaultdict(list)
    for _ in range(120):
        offering = rng.choice(offerings)
        created = NOW - timedelta(minutes=rng.randint(0, 120 * 1440))
        moves, old, at = [], "new", 0
        for _step in range(rng.randint(0, 6)):
            at += rng.choice((rng.randint(1, 200), rng.randint(200, 5000), 1440 * 3))
            new = rng.choice([s for s in statuses if s != old])
            moves.append((at / 1440, old, new, rng.choice((requester, agent))))
            old = new
        add_request(session, offering, requester, created, moves=moves)
        if created < NOW - timedelta(days=90):
            continue
        waits = sum(new == "waiting" for _d, _o, new, _a in moves)
        reopens = sum(o in ("resolved", "closed") and n in ("new", "in_progress", "waiting")
                      for _d, o, n, _a in moves)
        expected_returns[(offering.id, "back_and_forth")] += reopens >= 1 or waits >= 2
        expected_returns[(offering.id, "cancelled")] += any(
            n == "cancelled" and a is requester for _d, _o, n, a in moves)
        before = 0.0
        for days, o, _n, _a in moves:
            if o in breakdowns.WAITED_STATUSES:
                stays[(offering.id, o)].append(days * 1440 - before)
            before = days * 1440
    session.commit()

    found = breakdowns.department_breakdowns(session, department, now=NOW)

    returns = {(p.offering.id, p.moment): p.count for p in found.points
               if p.moment in ("back_and_forth", "cancelled")}
    assert returns == {key: n for key, n in expected_returns.items() if n}
    expected_waits = {}
    for (offering_id, status), minutes in stays.items():
        buckets = sorted(_bucket(m) for m in minutes)
        expected_waits.setdefault(offering_id, {})[status] = (
            len(minutes), round(sum(minutes), 1), buckets[(len(buckets) - 1) // 2])
    assert {o: {s: (w.stays, w.total_minutes, w.median_minutes) for s, w in by.items()}
            for o, by in found.waits.items()} == expected_waits
