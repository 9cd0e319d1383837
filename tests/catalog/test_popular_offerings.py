""""Popular services" on the home page: most requested lately, then the curated list."""

from __future__ import annotations

from datetime import timedelta

from catalog import directory
from catalog.models import utcnow
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row


def test_most_requested_first_then_the_curated_list_then_by_title(session):
    it = factories.make_department(session, slug="it", code="IT")
    hr = factories.make_department(session, slug="hr", code="HR")
    titles = {}
    for department, slug, title in [(it, "a", "Alpha"), (it, "b", "Bravo"), (it, "c", "Charlie"),
                                    (hr, "d", "Delta"), (hr, "e", "Echo"), (hr, "f", "Foxtrot")]:
        titles[slug] = factories.make_offering(session, department, slug=slug, title=title)
    retired = factories.make_offering(session, it, slug="old", title="Aardvark",
                                      status="retired")
    requester = factories.make_user(session)
    session.commit()
    now = utcnow()
    rows = [request_row(it, titles["c"], requester, now - timedelta(days=2)) for _ in range(3)]
    rows += [request_row(hr, titles["e"], requester, now - timedelta(days=10))]
    # Requested often, but longer ago than 90 days: not popular now.
    rows += [request_row(hr, titles["d"], requester, now - timedelta(days=120))
             for _ in range(5)]
    insert_requests(session, rows)

    popular = directory.popular_offerings(
        session, limit=5, curated=["hr/f", "nope/x", "it/c", " it/old", "it/b"])
    # Charlie (3 requests), Echo (1); then the curated Foxtrot and Bravo (Charlie is in
    # already; unknown and retired entries are skipped); then by title: Alpha.
    assert [o.title for o in popular] == ["Charlie", "Echo", "Foxtrot", "Bravo", "Alpha"]
    assert retired not in popular
    # Without a curated list, the rest come by title.
    assert [o.title for o in directory.popular_offerings(session, limit=4)] == \
        ["Charlie", "Echo", "Alpha", "Bravo"]
