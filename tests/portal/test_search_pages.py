"""The /search page: highlighted snippets, department, commitment, facets that filter,
pagination, "did you mean" when results are few, an empty state, and OpenSearch."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.catalog_file import import_catalog
from catalog.models import Department, Offering
from catalog.revision import bump_catalog_revision
from catalog.search import operations
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def catalog(session):
    load_search_catalog(session)


def page(client, query: str) -> str:
    response = client.get(f"/search?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    """Titles in the list of results (not the popular offerings of the empty state)."""
    listed = re.search(r'<ol class="search-results".*?</ol>', html, re.S)
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(
        r'class="card-title" href="[^"]+"[^>]*>(.*?)</a>', listed.group() if listed else "")]


def test_a_result_shows_marked_words_department_and_commitment(client, catalog):
    html = page(client, "q=parking")
    assert titles(html) == ["Parking space"]
    assert "<mark>Parking</mark> space" in html
    assert "Apply for a <mark>parking</mark> space in the company garage." in html
    assert "Gebäude und Zentrale Verwaltung" in html
    assert "First response within 4 business hours" in html


def test_the_snippet_comes_from_the_description_when_the_summary_does_not_match(client,
                                                                                 catalog):
    html = page(client, "q=authenticator")
    assert re.search(r'<p class="snippet">[^<]*<mark>authenticator</mark>', html)


def test_german_offerings_are_marked_as_german_on_an_english_page(client, catalog):
    html = page(client, "q=Urlaub")
    assert 'lang="de">Antrag auf <mark>Urlaub</mark></a>' in html


def test_department_facet_counts_and_filters(client, catalog):
    html = page(client, "q=Abrechnung")
    assert set(titles(html)) == {"Fragen zur Gehaltsabrechnung",
                                 "Reisekostenabrechnung einreichen"}
    assert re.search(r'department=finance">Finance <span class="facet-count">\(1\)', html)
    assert re.search(r'department=hr">Personalabteilung <span class="facet-count">\(1\)', html)
    filtered = page(client, "q=Abrechnung&department=finance")
    assert titles(filtered) == ["Reisekostenabrechnung einreichen"]
    # The other department keeps its count, so one click switches to it.
    assert re.search(r'department=hr">Personalabteilung <span class="facet-count">\(1\)',
                     filtered)
    assert 'href="/search?q=Abrechnung">All departments' in filtered


def test_audience_facet_counts_and_filters(client, catalog):
    html = page(client, "q=Urlaub")
    assert re.search(r'audience=employee">Employees <span class="facet-count">\(1\)', html)
    assert "audience=temporary" not in html
    empty = page(client, "q=Urlaub&audience=temporary")
    assert titles(empty) == []
    assert "with these filters" in empty
    assert 'href="/search?q=Urlaub">Search all departments and audiences' in empty
    # Each page in its reader's language, German and English alternating on one process.
    for _ in range(2):
        german = client.get("/search?q=Urlaub", headers={"Accept-Language": "de"})
        assert re.search(r'audience=employee">Mitarbeitende <span class="facet-count">',
                         german.get_data(as_text=True))
        assert 'audience=employee">Employees <span' in page(client, "q=Urlaub")


def test_results_are_paginated(client, session, make_department, make_offering):
    department = make_department(slug="dept", name="Dept")
    for number in range(25):
        make_offering(department, slug=f"widget-{number:02}", title=f"Widget {number:02}")
    from catalog.revision import bump_catalog_revision
    bump_catalog_revision(session)
    session.commit()
    first = page(client, "q=widget")
    assert len(titles(first)) == 20 and "25 services found" in first
    assert 'href="/search?q=widget&amp;page=2" rel="next"' in first
    second = page(client, "q=widget&page=2")
    assert len(titles(second)) == 5 and not set(titles(second)) & set(titles(first))
    assert titles(page(client, "q=widget&page=999")) == titles(second)
    assert titles(page(client, "q=widget&page=abc")) == titles(first)


def test_did_you_mean_when_there_are_few_results(client, catalog):
    html = page(client, "q=pasword")
    assert 'Did you mean <a href="/search?q=password">password</a>?' in html
    assert "Did you mean" not in page(client, "q=password")


def test_did_you_mean_is_computed_only_for_few_results_and_then_cached(client, catalog,
                                                                       monkeypatch):
    calls = []
    real = operations._spelling.get

    def counting(*args, **kwargs):
        calls.append(args[2].text)
        return real(*args, **kwargs)

    monkeypatch.setattr(operations._spelling, "get", counting)
    page(client, "q=Personalabteilung+pasword")     # three results: no suggestion needed
    assert calls == []
    from catalog.search import spelling
    computed = []
    real_did_you_mean = spelling.did_you_mean
    monkeypatch.setattr(spelling, "did_you_mean",
                        lambda *a: computed.append(1) or real_did_you_mean(*a))
    page(client, "q=Elternzeti")
    # Not from the answer cache either, so the suggestion has to come from its own cache.
    client.application.extensions["search_index"].answers.clear()
    page(client, "q=Elternzeti&lang=en")             # not from the page cache
    assert calls == ["Elternzeti", "Elternzeti"] and computed == [1]


def test_empty_state_offers_popular_offerings_and_departments(client, catalog):
    html = page(client, "q=xylophon")
    assert "No services match “xylophon”" in html
    assert "Popular services" in html and 'class="cards"' in html
    assert 'href="/departments/hr">Personalabteilung</a>' in html
    assert "Type what you need" in page(client, "")


def hr_services(html: str) -> str:
    """The number of services the department list gives HR ("3 services")."""
    return re.search(r'href="/departments/hr">Personalabteilung</a>\s*'
                     r'<span class="card-meta">([^<]+)<', html).group(1)


def test_searches_that_find_nothing_share_where_to_look_until_the_catalog_changes(
        app, client, session, catalog, count_queries, make_offering):
    app.config["POPULAR_FALLBACK"] = "it/vpn"
    html = page(client, "q=xylophon")
    # Nothing requested yet: the curated list comes first, as on the home page.
    popular = html[html.index("Popular services"):html.index("<h2", html.index("Popular"))]
    assert re.findall(r'class="card-title" href="([^"]+)"', popular)[0] == "/departments/it/vpn"
    before = hr_services(html)
    with count_queries() as shared:
        html = page(client, "q=zeppelinflug")  # another query: a page of its own
    assert "No services match “zeppelinflug”" in html and hr_services(html) == before
    app.extensions["page_parts"].clear()
    with count_queries() as alone:
        page(client, "q=quantenphysik")
    assert shared.n < alone.n  # popular services and departments were not read again

    hr = session.scalar(select(Department).where(Department.slug == "hr"))
    make_offering(hr, slug="sabbatical", title="Sabbatical")
    bump_catalog_revision(session)
    session.commit()
    assert hr_services(page(client, "q=quantenphysik")) != before  # read anew after a change


def test_offerings_the_user_may_not_request_are_marked(client, auth, catalog, make_user):
    assert "You cannot request this" not in page(client, "q=Urlaub")   # anonymous: not marked
    auth.login(make_user(audience="employee"))
    assert "You cannot request this" not in page(client, "q=Urlaub")
    auth.login(make_user(audience="temporary"))
    html = page(client, "q=Urlaub")
    assert "Antrag auf Urlaub" in titles(html)[0]
    assert ("You cannot request this as temporary or agency worker: it is open to "
            "employees.") in html


def test_a_result_kept_from_an_earlier_search_shows_the_catalog_and_language_of_now(
        client, session, catalog):
    """Results are rendered once per offering and kept (portal/search/cards.py): a later
    search of other words must still show an edit made meanwhile and the reader's language."""
    assert "Gebäude und Zentrale Verwaltung" in page(client, "q=parking")
    parking = session.scalar(select(Offering).where(Offering.slug == "parking"))
    parking.department.name = "Standortservice"
    bump_catalog_revision(session)
    session.commit()
    html = page(client, "q=garage")  # another query finding the same offering
    assert titles(html) == ["Parking space"]
    assert "Standortservice" in html and "Gebäude und Zentrale Verwaltung" not in html
    assert "First response within 4 business hours" in html
    german = page(client, "q=garage&lang=de")
    assert "Erstreaktion innerhalb von 4 Geschäftsstunden" in german
    assert "First response within" not in german


def test_a_signed_in_search_reads_who_is_looking_once(client, auth, catalog, make_user,
                                                     count_queries):
    """The session's viewer, read for the page key, gives the page its audience, language,
    time zone and header links: the account is not loaded a second time."""
    auth.login(make_user(audience="temporary", name="Tina Temp"))
    page(client, "q=Urlaub")  # the session's CSRF token, as a browser holds it
    with count_queries() as counted:
        html = page(client, "q=parking+Urlaub")
    assert "Tina Temp" in html and "You cannot request this as temporary" in html
    read = counted.statements
    assert sum("FROM user_account" in sql for sql in read) == 1, read


def test_one_search_box_per_page_and_the_results_keep_the_query(client, catalog):
    html = page(client, "q=Urlaub")
    assert re.search(r'id="search-q"[^>]*value="Urlaub"', html)
    assert html.count('role="search"') == 1 and 'id="header-q"' not in html
    home = client.get("/").get_data(as_text=True)
    assert home.count('role="search"') == 1 and 'id="home-q"' in home
    department = client.get("/departments/hr").get_data(as_text=True)
    assert department.count('role="search"') == 1 and 'id="header-q"' in department


def test_search_works_without_javascript_and_is_enhanced_with_it(client, catalog):
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<form class="hero-search" action="/search" method="get"', home)
    assert "data-suggest" in home and "js/suggest.js" in home


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    body = response.get_data(as_text=True)
    assert 'template="http://127.0.0.1:5000/search?q={searchTerms}"' in body
    assert "/api/v1/suggest?format=opensearch&amp;q={searchTerms}" in body


def test_result_links_are_the_urls_flask_builds(app, session):
    """The results page builds offering links from a pattern (many per page): the same URLs."""
    from flask import url_for

    from portal.templating import offering_url
    from tests.factories import make_department, make_offering
    it = make_department(session, slug="it-services-2")
    offerings = [make_offering(session, it, slug=slug)
                 for slug in ("vpn", "new-laptop-2", "dept-slug-")]
    session.commit()
    with app.test_request_context("/search?q=x"):
        for offering in offerings:
            assert offering_url(offering) == url_for(
                "browse.offering", dept="it-services-2", offering=offering.slug)


def test_department_facets_name_departments_in_the_reader_s_language(client, session):
    import_catalog(session, {"departments": [
        {"slug": "facilities", "name": "Facility Management", "language": "en",
         "translations": {"de": {"name": "Gebäudemanagement"}}, "offerings": [
             {"slug": "desk", "title": "Standing desk", "language": "en",
              "summary": "A desk for your office."}]},
        {"slug": "it", "name": "IT", "language": "en", "offerings": [
            {"slug": "docking", "title": "Docking station for your desk", "language": "en",
             "summary": "One cable for screen and network."}]},
    ]})
    session.commit()
    english = page(client, "q=desk&lang=en")
    assert re.search(r'department=facilities">Facility Management <span', english)
    german = page(client, "q=desk&lang=de")
    # As the result cards name it; a name without a translation says it is English.
    assert re.search(r'department=facilities">Gebäudemanagement <span', german)
    assert re.search(r'department=it" lang="en">IT <span', german)
    assert "Gebäudemanagement" in german.split('class="search-results"')[1]
    # Renamed: the next page names it anew (names are kept per index state).
    import_catalog(session, {"departments": [
        {"slug": "facilities", "name": "Facility Management", "language": "en",
         "translations": {"de": {"name": "Gebäude und Flächen"}}}]})
    session.commit()
    assert re.search(r'department=facilities">Gebäude und Flächen <span',
                     page(client, "q=desk+docking&lang=de"))
