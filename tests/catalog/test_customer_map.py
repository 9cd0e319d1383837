"""The internal customer map: hand-computed edges (volume, first-response and resolution
adherence, mean rating), the window, "not known", confidential departments, and a fixed number
of SQL statements however many requests there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from catalog.commitments.customer_map import customer_map, department_links
from catalog.commitments.windows import window_days
from catalog.models import Feedback, ServiceRequest
from tests.adherence_fixtures import insert_requests, request_row
from tests.factories import make_department, make_offering, make_user

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(session):
    hr_owner = make_user(session, name="Hanna HR")
    it = make_department(session, slug="it", name="IT Services")
    hr = make_department(session, slug="hr", name="Human Resources", confidential=True,
                         owners=[hr_owner])
    fac = make_department(session, slug="facilities", name="Facilities")
    hr_owner.department_id = hr.id
    in_it = make_user(session, name="Ian IT")
    in_it.department_id = it.id
    in_fac = make_user(session, name="Fay Facilities")
    in_fac.department_id = fac.id
    nowhere = make_user(session, name="Nat Nobody")
    laptop, advice, chairs = (make_offering(session, d) for d in (it, hr, fac))
    day = NOW - timedelta(days=10)
    rows = [
        # Facilities -> IT: first responses kept 2 of 4 (the open one is past due: missed),
        # resolutions kept 2 of 3 (the open one's is not due yet: not known).
        request_row(it, laptop, in_fac, day, first_response=30, resolution=600),
        request_row(it, laptop, in_fac, day, first_response=30, resolution=2000),
        request_row(it, laptop, in_fac, day, first_response=300, resolution=600),
        request_row(it, laptop, in_fac, day, status="new", first_response=None,
                    resolution=None, first_response_due=NOW - timedelta(hours=1)),
        # Not known -> IT: one, kept both ways, not rated.
        request_row(it, laptop, nowhere, day, first_response=10, resolution=100),
        # IT -> HR (confidential): two.
        request_row(hr, advice, in_it, day), request_row(hr, advice, in_it, day),
        # IT -> Facilities, 100 days ago: outside the 90-day window.
        request_row(fac, chairs, in_it, NOW - timedelta(days=100)),
    ]
    insert_requests(session, rows)
    rated = session.scalars(select(ServiceRequest).where(
        ServiceRequest.requester_id == in_fac.id, ServiceRequest.status == "resolved")
        .order_by(ServiceRequest.id)).all()
    session.execute(insert(Feedback), [
        {"request_id": item.id, "department_id": it.id, "offering_id": laptop.id,
         "rating": rating, "created_at": NOW, "updated_at": NOW}
        for item, rating in zip(rated, (5, 2), strict=False)])
    session.commit()
    return {"it": it, "hr": hr, "fac": fac, "hr_owner": hr_owner, "in_it": in_it,
            "in_fac": in_fac, "nowhere": nowhere, "laptop": laptop}


def _edges(found):
    return {(e.customer.slug if e.customer else None, e.supplier.slug): e for e in found.edges}


def test_edges_carry_hand_computed_volume_adherence_and_rating(session, world):
    found = customer_map(session, None, now=NOW)
    edges = _edges(found)
    assert list(edges) == [("facilities", "it"), (None, "it")]  # largest first
    fac_it = edges[("facilities", "it")]
    assert (fac_it.requests, fac_it.first_response_kept, fac_it.first_response_known,
            fac_it.resolution_kept, fac_it.resolution_known) == (4, 2, 4, 2, 3)
    assert (fac_it.ratings, fac_it.mean_rating) == (2, 3.5)
    assert fac_it.shown_rating is None  # too few to show on a public page
    unknown = edges[(None, "it")]
    assert (unknown.requests, unknown.first_response_kept, unknown.first_response_known,
            unknown.resolution_kept, unknown.resolution_known, unknown.kept,
            unknown.mean_rating) == (1, 1, 1, 1, 1, 1.0, None)
    assert fac_it.kept == 4 / 7
    assert [d.slug for d in found.departments] == ["facilities", "it"]
    assert found.customers == [world["fac"], None]  # "not known" last
    assert found.suppliers == [world["it"]]


def test_a_confidential_departments_customers_are_hidden_except_from_its_staff(session, world):
    anonymous = customer_map(session, None, now=NOW)
    assert ("it", "hr") not in _edges(anonymous)
    assert anonymous.hidden == [world["hr"]]
    assert anonymous.links(world["it"]).suppliers == []
    staff = customer_map(session, world["hr_owner"], now=NOW)
    assert _edges(staff)[("it", "hr")].requests == 2
    assert staff.hidden == []
    assert [e.supplier.slug for e in staff.links(world["it"]).suppliers] == ["hr"]
    # Someone else's staff does not see them either.
    assert ("it", "hr") not in _edges(customer_map(session, world["in_fac"], now=NOW))
    # On the department page the same.
    assert department_links(session, world["hr"], None, now=NOW).customers_hidden
    assert department_links(session, world["hr"], None, now=NOW).customers == []
    assert [e.customer.slug for e in department_links(
        session, world["hr"], world["hr_owner"], now=NOW).customers] == ["it"]


def test_the_window_decides_which_requests_count(session, world):
    assert ("it", "facilities") not in _edges(customer_map(session, None, 90, NOW))
    assert _edges(customer_map(session, None, 365, NOW))[("it", "facilities")].requests == 1
    assert window_days("365") == 365
    assert window_days("7") == window_days("x") == window_days(None) == 90


def test_department_links_name_other_departments_only(session, world):
    links = department_links(session, world["it"], None, now=NOW)
    assert [e.customer.slug for e in links.customers] == ["facilities"]  # not "not known"
    assert links.suppliers == []
    fac = department_links(session, world["fac"], None, now=NOW)
    assert [e.supplier.slug for e in fac.suppliers] == ["it"]
    assert fac.customers == []


@pytest.mark.parametrize("extra", [0, 300])
def test_statements_do_not_grow_with_requests(session, world, count_queries, extra):
    it, laptop = world["it"], world["laptop"]
    insert_requests(session, [request_row(it, laptop, world["in_fac"], NOW - timedelta(days=3))
                              for _ in range(extra)])
    session.expire_all()
    with count_queries() as whole:
        found = customer_map(session, world["hr_owner"], now=NOW)
    with count_queries() as one:
        department_links(session, world["it"], None, now=NOW)
    assert _edges(found)[("facilities", "it")].requests == 4 + extra
    assert (whole.n, one.n) == (4, 4)
