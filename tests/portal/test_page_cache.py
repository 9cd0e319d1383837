"""Catalog pages are cached for signed-in people too, and never show one person's page to
another or a page older than the last change (on this host or another sharing the database)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.feedback import give_feedback
from catalog.models import utcnow
from catalog.revision import bump_catalog_revision
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import change_status
from portal.extensions import db
from portal.search import views as search_views
from tests import factories
from tests.conftest import Auth

OFFERING = "/departments/it/vpn"


@pytest.fixture
def it(session):
    agent = factories.make_user(session, email="adam@example.com", name="Adam Agent")
    department = factories.make_department(session, slug="it", code="IT", name="IT Services",
                                           agents=[agent])
    factories.make_offering(session, department, slug="vpn", title="VPN access",
                            audience=["employee"])
    session.commit()
    return department


def person(session, email, name, audience="employee"):
    user = factories.make_user(session, email=email, name=name, audience=audience)
    session.commit()
    return user


def signed_in(app, user):
    client = app.test_client()
    Auth(client).login(user)
    return client


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_two_people_with_the_same_view_get_their_own_header(app, session, it):
    emma = signed_in(app, person(session, "emma@example.com", "Emma Employee"))
    eric = signed_in(app, person(session, "eric@example.com", "Eric Engineer"))
    first = emma.get(OFFERING).get_data(as_text=True)
    second = eric.get(OFFERING).get_data(as_text=True)  # served from the cache
    assert "Emma Employee" in first and "Emma Employee" not in second
    assert "Eric Engineer" in second
    assert csrf_of(first) != csrf_of(second)
    assert "<!--personal-nav-->" not in second


def test_what_a_page_offers_differs_by_audience(app, session, it):
    emma = signed_in(app, person(session, "emma@example.com", "Emma Employee"))
    carl = signed_in(app, person(session, "carl@example.com", "Carl", audience="contractor"))
    assert 'href="/departments/it/vpn/request"' in emma.get(OFFERING).get_data(as_text=True)
    page = carl.get(OFFERING).get_data(as_text=True)
    assert 'href="/departments/it/vpn/request"' not in page
    assert "you cannot request this service" in page


def test_a_signed_in_cache_hit_costs_one_statement(app, session, it, count_queries):
    emma = signed_in(app, person(session, "emma@example.com", "Emma Employee"))
    emma.get(OFFERING)  # the page is cached; the session gets its CSRF token
    emma.get(OFFERING)  # the header with that token is kept
    with count_queries() as counted:
        page = emma.get(OFFERING).get_data(as_text=True)
    assert "Emma Employee" in page and "Sign out" in page
    # The session with who it belongs to and what the page depends on; no account loaded.
    assert counted.n == 1


def test_a_cached_page_never_shows_an_ended_session_as_signed_in(app, session, it):
    emma_user = person(session, "emma@example.com", "Emma Employee")
    emma = signed_in(app, emma_user)
    emma.get(OFFERING)
    assert "Emma Employee" in emma.get(OFFERING).get_data(as_text=True)
    from catalog.people.sessions import end_all_sessions
    end_all_sessions(session, emma_user)  # "sign out everywhere", e.g. on another host
    session.commit()
    page = emma.get(OFFERING).get_data(as_text=True)
    assert "Emma Employee" not in page and "Sign in" in page


def test_changes_show_on_the_next_signed_in_view(app, session, it, tmp_path):
    emma_user = person(session, "emma@example.com", "Emma Employee")
    emma = signed_in(app, emma_user)
    department = emma.get("/departments/it").get_data(as_text=True)
    assert "VPN access" in department
    # An edit of the catalog.
    offering = it.offerings[0]
    offering.title = "VPN for home working"
    from catalog.revision import bump_catalog_revision
    bump_catalog_revision(session)
    session.commit()
    assert "VPN for home working" in emma.get("/departments/it").get_data(as_text=True)
    # A new request, resolved, then rated: the record and the rating show at once.
    item = submit_request(session, offering, emma_user, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=utcnow() - timedelta(hours=2))
    session.commit()
    before = emma.get("/departments/it").get_data(as_text=True)
    change_status(session, item, it.people("agent")[0], "resolved", note="Done")
    session.commit()
    after = emma.get("/departments/it").get_data(as_text=True)
    assert re.findall(r"\(\d+/\d+\)", before) == []  # nothing measured yet
    # Answered and resolved in time: both commitments kept, this week's chart says so.
    assert "<td>100 % (1/1)</td><td>100 % (1/1)</td>" in after
    give_feedback(session, item, emma_user, 1, "Too slow")
    session.commit()
    rated = emma.get("/departments/it").get_data(as_text=True)
    assert "No ratings yet" in after and "Rated 1.0 of 5" in rated


def test_a_second_host_never_serves_a_page_older_than_the_database(app, make_app, session, it):
    other_host = make_app()  # its own page cache, the same database
    emma_user = person(session, "emma@example.com", "Emma Employee")
    here, there = signed_in(app, emma_user), signed_in(other_host, emma_user)
    assert "VPN access" in there.get(OFFERING).get_data(as_text=True)
    with app.app_context():  # the edit is made on this host
        from catalog.models import Offering
        from catalog.revision import bump_catalog_revision
        db.session.get(Offering, it.offerings[0].id).title = "VPN, renewed"
        bump_catalog_revision(db.session)
        db.session.commit()
    assert "VPN, renewed" in here.get(OFFERING).get_data(as_text=True)
    assert "VPN, renewed" in there.get(OFFERING).get_data(as_text=True)


def test_the_header_follows_a_new_name_and_new_rights_at_once(app, session, it):
    emma_user = person(session, "emma@example.com", "Emma Employee")
    emma = signed_in(app, emma_user)
    assert "Manage" not in emma.get(OFFERING).get_data(as_text=True)
    emma.post("/profile", data={"name": "Emma Meier", "locale": "", "timezone": ""})
    from catalog.people.accounts import grant_role
    grant_role(session, it, emma_user, "owner")
    session.commit()
    page = emma.get(OFFERING).get_data(as_text=True)
    assert "Emma Meier" in page and "Emma Employee" not in page
    assert ">Manage</a>" in page


def test_an_unread_query_parameter_does_not_compute_the_page_again(client, it, count_queries):
    client.get("/commitments?cb=1")  # computed and cached
    with count_queries() as counted:
        page = client.get("/commitments?cb=2").get_data(as_text=True)
    assert counted.n == 1  # the activity mark only: the cached page
    assert "cb=" not in page  # its links do not carry the junk along
    client.get("/?utm_source=mail")
    with count_queries() as counted:
        client.get("/?utm_source=chat&x=1")
    assert counted.n == 1


def test_parameters_a_page_reads_stay_in_its_key(client, session, it, count_queries):
    department = factories.make_department(session, slug="hr", code="HR", name="HR")
    factories.make_offering(session, department, slug="leave", title="Leave", audience=[])
    factories.make_offering(session, department, slug="payslip", title="Payslip", audience=[])
    bump_catalog_revision(session)  # the search index catches up
    session.commit()
    client.get("/search?q=leave&cb=1")
    with count_queries() as counted:
        page = client.get("/search?cb=2&q=leave").get_data(as_text=True)
    # The cached page's one statement, and the search log's one INSERT (docs/search.md).
    assert counted.n == 2 and ">Leave<" in page
    other = client.get("/search?q=payslip").get_data(as_text=True)
    assert ">Payslip<" in other and ">Leave<" not in other
    client.get("/departments/hr?page=1")
    with count_queries() as counted:
        client.get("/departments/hr?page=2")
    assert counted.n > 1  # another page of the list: computed


def test_a_search_page_is_kept_once_its_query_was_asked_before(client, session, it,
                                                               monkeypatch):
    """Most queries are asked once: their pages would only crowd the page cache (pruning it
    sorts every entry). The second ask of a query is kept, and the third is served from it."""
    department = factories.make_department(session, slug="hr", code="HR", name="HR")
    factories.make_offering(session, department, slug="leave", title="Leave", audience=[])
    bump_catalog_revision(session)
    session.commit()
    searched = []
    original = search_views.search

    def counting(*args, **kwargs):
        searched.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(search_views, "search", counting)
    pages = [client.get("/search?q=leave").get_data(as_text=True) for _ in range(3)]
    assert len(searched) == 2  # the first two computed, the third from the page cache
    assert all(">Leave<" in page for page in pages)
    client.get("/search")
    client.get("/search")
    assert len(searched) == 3  # without a query (popular services): kept at once


def test_an_anonymous_header_leads_back_to_the_page_it_is_on(client, it):
    """The kept anonymous header is per address: signing in returns to where one was."""
    for url in (OFFERING, "/departments/it", OFFERING + "?utm_source=intranet", OFFERING):
        for _ in range(2):  # rendered, then kept
            page = client.get(url).get_data(as_text=True)
            link = html.unescape(re.search(r'href="(/login[^"]*)"', page).group(1))
            assert parse_qs(urlsplit(link).query)["next"][0].rstrip("?") == url
