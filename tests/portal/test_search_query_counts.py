"""A search page costs the same number of SQL statements at 10 offerings as at 200."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import Department
from catalog.revision import bump_catalog_revision
from portal.page_cache import cache as page_cache
from tests.factories import make_department, make_offering


def grow(session, per_department: int) -> None:
    departments = list(session.scalars(select(Department))) or [
        make_department(session, slug=f"d{i}", code=f"D{i}") for i in range(5)]
    for department in departments:
        have = len(department.offerings)
        for number in range(have, per_department):
            make_offering(session, department, slug=f"o{number}", title=f"Widget {number}",
                          summary="A widget for every desk.", description="Widgets galore.",
                          audience=["employee"] if number % 2 else [])
    bump_catalog_revision(session)
    session.commit()


@pytest.mark.parametrize("url", ["/search?q=widget", "/search?q=widget&page=2",
                                 "/search?q=widget&department=d1&audience=employee",
                                 "/search?q=widgit", "/search?q=nothing+like+it",
                                 "/api/v1/search?q=widget", "/api/v1/suggest?q=wid"])
def test_queries_per_search_do_not_grow_with_the_catalog(app, client, session, auth, make_user,
                                                         count_queries, url):
    auth.login(make_user())
    measured = []
    for per_department in (2, 40):  # 10, then 200 offerings
        grow(session, per_department)
        client.get(url)  # warm up: the index catches up with the new offerings
        with app.app_context():
            page_cache.clear()  # the search runs, not the page cache
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1], f"{url}: {measured[0]} queries at 10, {measured[1]} at 200"
