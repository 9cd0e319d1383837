"""Pages cost the same number of SQL statements however large the catalog grows."""

from __future__ import annotations

import pytest

from tests.factories import make_department, make_offering


def build_catalog(session, offerings_per_department: int) -> None:
    for index in range(5):
        department = make_department(session, slug=f"d{index}", code=f"D{index}")
        for number in range(offerings_per_department // 5):
            make_offering(session, department, slug=f"o{number}", title=f"Offering {number}",
                          audience=["employee"] if number % 2 else [])
    session.commit()


@pytest.mark.parametrize("url", ["/", "/departments/", "/departments/d1", "/departments/d1/o1",
                                 "/api/v1/departments", "/api/v1/departments/d1"])
def test_queries_per_page_do_not_grow_with_the_catalog(client, session, count_queries, url,
                                                       engine):
    measured = []
    for size in (10, 200):
        build_catalog(session, size) if not measured else _grow(session, size)
        client.get(url)  # warm up
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1], f"{url}: {measured[0]} queries at 10, {measured[1]} at 200"


def _grow(session, size: int) -> None:
    from sqlalchemy import select

    from catalog.models import Department
    for department in session.scalars(select(Department)):
        for number in range(2, size // 5):
            make_offering(session, department, slug=f"more-{number}", title=f"More {number}")
    session.commit()
