"""Templates only format: no SQL statement runs while a page is rendered.

Each view gathers what its page shows (through catalog functions) and passes it in; template
globals, filters and lazy relationships must not reach the database during `render_template`.
The pages are visited on the demo catalog as an employee, an owner, an agent and an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import before_render_template, template_rendered
from sqlalchemy import event, select

from catalog.demo import load_demo_data
from catalog.models import Department, Offering, ServiceRequest, User
from tests.conftest import Auth

pytestmark = pytest.mark.slow  # loads the demo catalog (a few seconds)


@contextmanager
def statements_while_rendering(app, engine) -> Iterator[list[str]]:
    """The SQL run between the start and the end of each template's rendering."""
    found: list[str] = []
    depth = [0]

    def started(*_args, **_kwargs):
        depth[0] += 1

    def finished(*_args, **_kwargs):
        depth[0] -= 1

    def statement(_conn, _cursor, sql, *_args):
        if depth[0] > 0:
            found.append(sql.split("\n")[0][:120])

    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        before_render_template.disconnect(started, app)
        template_rendered.disconnect(finished, app)


@pytest.fixture
def demo(app, session):
    load_demo_data(session)
    session.commit()
    return session


def pages(session) -> list[str]:
    offering = session.scalars(select(Offering).join(Offering.department).where(
        Offering.status == "published", Department.slug == "it").order_by(Offering.id)).first()
    request = session.scalars(select(ServiceRequest).where(
        ServiceRequest.department_id == offering.department_id)).first()
    dept = offering.department.slug
    return [
        "/", "/departments/", f"/departments/{dept}", f"/departments/{dept}/{offering.slug}",
        f"/departments/{dept}/{offering.slug}/request", "/search?q=laptop", "/commitments",
        "/requests/", f"/requests/{request.ref}", "/profile", "/manage/", "/manage/queue/",
        f"/manage/departments/{dept}/", f"/manage/departments/{dept}/offerings/{offering.slug}",
        "/login", "/feeds/catalog.atom", f"/departments/{dept}/feed.atom",
        f"/embed/o/{offering.id}", f"/embed/departments/{dept}",
        "/commitments/map", "/commitments/recognition", f"/manage/{dept}/searches",
        "/manage/synonyms", f"/manage/departments/{dept}/reply-templates",
        f"/manage/{dept}/breakdowns", "/manage/breakdowns",
    ]


@pytest.mark.parametrize("email", ["emma.employee@example.com", "olivia.owner@example.com",
                                   "adam.agent@example.com", "admin@example.com", None])
def test_no_page_queries_the_database_while_it_renders(app, engine, client, demo, email):
    if email:
        Auth(client).login(demo.scalar(select(User).where(User.email == email)))
    problems = {}
    for url in pages(demo):
        with statements_while_rendering(app, engine) as found:
            response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if found:
            problems[url] = found
    assert problems == {}, "\n".join(f"{url}: {sqls}" for url, sqls in problems.items())
