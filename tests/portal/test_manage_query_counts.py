"""The owners' pages cost the same number of SQL statements however large the catalog and its
history grow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import editing, history
from catalog.models import Department, Offering, User
from tests.factories import make_department, make_offering, make_user


def grow(session, offerings: int, edits: int) -> None:
    """Add offerings to department d1, and edits (revisions) to its offering o1."""
    department = session.scalar(select(Department).where(Department.slug == "d1"))
    owner = session.scalar(select(User).where(User.email == "owner@example.com"))
    start = len(department.offerings)
    for number in range(start, start + offerings):
        make_offering(session, department, slug=f"o{number}", title=f"Offering {number}",
                      status="draft" if number % 3 else "published")
    first = session.scalar(select(Offering).where(Offering.slug == "o1"))
    for number in range(edits):
        editing.save_offering(session, department, {**history.offering_snapshot(first),
                                                    "summary": f"Edit {number}"}, owner,
                              offering=first)
    session.commit()


@pytest.mark.parametrize("url", [
    "/manage/", "/manage/departments/d1/", "/manage/departments/d1/settings",
    "/manage/departments/d1/offerings/o1/edit", "/manage/departments/d1/offerings/o1/history",
    "/manage/departments/d1/offerings/o1/history/compare?from=1&to=current",
    "/manage/departments/d1/settings/history",
])
def test_management_pages_do_not_grow_with_the_catalog(client, auth, session, count_queries,
                                                       url):
    owner = make_user(session, email="owner@example.com")
    for index in range(3):
        make_department(session, slug=f"d{index}", code=f"D{index}", owners=[owner])
    session.commit()
    auth.login(owner)
    measured = []
    for offerings, edits in ((5, 2), (60, 30)):
        grow(session, offerings, edits)
        client.get(url)  # warm up
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1], f"{url}: {measured[0]} queries, then {measured[1]}"
