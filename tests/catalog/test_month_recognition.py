"""Each month's recognition, computed by hand: who is named for keeping commitments best and
for being thanked most, the minimum volumes, ties, and which thanks may be shown (consent)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from catalog.commitments.month_recognition import (
    add_months,
    department_recognitions,
    last_full_month,
    month_recognition,
    parse_month,
    recognitions,
)
from catalog.models import ServiceRequest, Thanks, User
from tests.adherence_fixtures import insert_requests, request_row
from tests.factories import make_department, make_offering, make_user

OCTOBER = date(2026, 10, 1)
IN_OCTOBER = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
IN_SEPTEMBER = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 15, tzinfo=UTC)


def _resolved(department, offering, requester, when, n, missed_resolutions=0):
    """n requests resolved in the month; the first `missed_resolutions` resolved late."""
    return [request_row(department, offering, requester, when + timedelta(hours=i),
                        resolution=2000 if i < missed_resolutions else 600)
            for i in range(n)]


@pytest.fixture
def world(session):
    requester = make_user(session, name="Rita Requester")
    consenting = make_user(session, name="Carla Consent")
    consenting.show_name_when_thanked = True
    shy = make_user(session, name="Sam Shy")
    named = {}
    for slug, values in (("alpha", {}), ("beta", {}), ("gamma", {"confidential": True}),
                         ("delta", {})):
        department = make_department(session, slug=slug, name=slug.title(), **values)
        named[slug] = (department, make_offering(session, department))
    rows = (
        # Alpha: 10 resolved, one resolution late -> 19 of 20 on time (95 %).
        _resolved(*named["alpha"], requester, IN_OCTOBER, 10, missed_resolutions=1)
        # Beta: 20 resolved, two late -> 38 of 40: the same share, named together.
        + _resolved(*named["beta"], requester, IN_OCTOBER, 20, missed_resolutions=2)
        # Gamma: 9 resolved, all on time: too few to be considered.
        + _resolved(*named["gamma"], requester, IN_OCTOBER, 9)
        # Delta: 10 resolved on time in September, none in October.
        + _resolved(*named["delta"], requester, IN_SEPTEMBER, 10)
        # Alpha: 3 more, opened in October but still open: not resolved, do not count.
        + [request_row(*named["alpha"], requester, IN_OCTOBER, status="in_progress",
                       resolution=None) for _ in range(3)])
    insert_requests(session, rows)
    requests = {slug: session.scalars(select(ServiceRequest).where(
        ServiceRequest.department_id == named[slug][0].id).order_by(ServiceRequest.id)).all()
        for slug in named}
    thanks = []

    def thank(slug, index, when, message="", recipient=None, show_name=False):
        thanks.append({"request_id": requests[slug][index].id,
                       "department_id": named[slug][0].id, "sender_id": requester.id,
                       "recipient_id": recipient.id if recipient else None, "message": message,
                       "show_name": show_name, "created_at": when})

    # Alpha: 3 thanks in October (the minimum); gamma 4 (most, but confidential); delta 5 in
    # September; beta 2 (too few).
    thank("alpha", 0, IN_OCTOBER, "Great team!", show_name=True)
    thank("alpha", 1, IN_OCTOBER + timedelta(days=1), "Carla fixed it", recipient=consenting)
    thank("alpha", 2, IN_OCTOBER + timedelta(days=2), "Sam was kind", recipient=shy)
    for i in range(4):
        thank("gamma", i, IN_OCTOBER, "Secret thanks", show_name=True)
    for i in range(5):
        thank("delta", i, IN_SEPTEMBER, "September thanks")
    thank("beta", 0, IN_OCTOBER, "Nice")
    thank("beta", 1, IN_OCTOBER)
    session.execute(insert(Thanks), thanks)
    session.commit()
    return {slug: department for slug, (department, _) in named.items()}


def test_october_names_the_best_keepers_together_and_the_most_thanked(session, world):
    found = month_recognition(session, OCTOBER)
    assert [(s.department.slug, s.closed, s.kept, s.known) for s in found.kept_best] == \
        [("alpha", 10, 19, 20), ("beta", 20, 38, 40)]
    assert found.kept_eligible == 2  # gamma had 9: under the minimum of 10
    assert [(s.department.slug, s.thanks) for s in found.thanked_most] == [("gamma", 4)]
    assert found.thanks_eligible == 2  # alpha's 3 count, beta's 2 do not


def test_only_thanks_whose_people_agreed_are_shown(session, world):
    messages = [(department.slug, thanks.message, thanks.sender_name, thanks.recipient_name)
                for department, thanks in month_recognition(session, OCTOBER).messages]
    # Newest first, of the named teams; Sam did not agree to be named when thanked: his
    # thanks are not shown. Gamma is confidential: nothing of its thanks. Beta's thanks
    # without a message is left out; the sender is named only where they ticked "show".
    assert messages == [("alpha", "Carla fixed it", None, "Carla Consent"),
                        ("beta", "Nice", None, None),
                        ("alpha", "Great team!", "Rita Requester", None)]


def test_september_and_the_department_record(session, world):
    september = recognitions(session, date(2026, 9, 1), OCTOBER)[date(2026, 9, 1)]
    assert [s.department.slug for s in september.kept_best] == ["delta"]
    assert [(s.department.slug, s.thanks) for s in september.thanked_most] == [("delta", 5)]
    assert department_recognitions(session, world["delta"], now=NOVEMBER) == \
        [(date(2026, 9, 1), ["kept", "thanked"])]
    assert department_recognitions(session, world["alpha"], now=NOVEMBER) == \
        [(OCTOBER, ["kept"])]
    assert department_recognitions(session, world["beta"], now=NOVEMBER) == \
        [(OCTOBER, ["kept"])]
    # Before the month is over it is not on the department's record.
    assert department_recognitions(session, world["alpha"],
                                   now=datetime(2026, 10, 30, tzinfo=UTC)) == []


def test_nobody_is_named_below_the_minimum_share(session, world):
    # November: epsilon resolves 10 requests, 4 of them late: 16 of 20 = 80 % is enough ...
    epsilon = make_department(session, slug="epsilon", name="Epsilon")
    offering = make_offering(session, epsilon)
    requester = make_user(session)
    insert_requests(session, _resolved(epsilon, offering, requester, NOVEMBER, 10, 4))
    november = date(2026, 11, 1)
    assert [s.department.slug for s in month_recognition(session, november).kept_best] == \
        ["epsilon"]
    # ... one more late resolution (16 of 22, under 80 %) and nobody is named.
    insert_requests(session, _resolved(epsilon, offering, requester,
                                       NOVEMBER + timedelta(days=1), 1, 1))
    found = month_recognition(session, november)
    assert found.kept_best == [] and found.kept_eligible == 1


def test_months_are_read_and_counted():
    assert parse_month("2026-10") == OCTOBER
    assert [parse_month(v) for v in ("2026-13", "26-10", "", None, "2026-1x", "1999-01")] == \
        [None] * 6
    assert last_full_month(datetime(2026, 1, 3, tzinfo=UTC)) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)


def test_statements_do_not_grow_with_requests_or_months(session, world, count_queries):
    alpha = world["alpha"]
    offering = alpha.offerings[0] if alpha.offerings else None
    assert offering is not None
    requester = session.scalars(select(ServiceRequest.requester_id)).first()
    with count_queries() as few:
        month_recognition(session, OCTOBER)
    insert_requests(session, _resolved(alpha, offering, session.get(User, requester),
                                       IN_OCTOBER, 300))
    session.expire_all()
    with count_queries() as many:
        found = month_recognition(session, OCTOBER)
    assert found.kept_best[0].closed == 310
    with count_queries() as year:
        department_recognitions(session, alpha, months=12, now=NOVEMBER)
    assert few.n == many.n == 4  # departments, resolved counts, thanks counts, messages
    assert year.n == 3
