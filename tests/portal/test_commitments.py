"""/commitments, the record on department and offering pages, and `adherence` in the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from catalog.models import DepartmentRole, utcnow
from portal.page_cache import cache
from tests import factories
from tests.adherence_fixtures import insert_requests, request_row


@pytest.fixture
def history(session):
    """IT with 10 requests this month (8 resolved on time, 2 late); Facilities with 2."""
    requester = factories.make_user(session, email="req@example.com", name="Rita Requester")
    it = factories.make_department(session, slug="it", code="IT", name="IT Services")
    facilities = factories.make_department(session, slug="facilities", code="FAC",
                                           name="Facilities")
    laptop = factories.make_offering(session, it, slug="laptop", title="New laptop")
    desk = factories.make_offering(session, facilities, slug="desk", title="A desk")
    session.commit()
    now = utcnow()
    rows = [request_row(it, laptop, requester, now - timedelta(days=day, hours=1),
                        first_response=60, resolution=600 if day <= 8 else 5000)
            for day in range(1, 11)]
    rows += [request_row(facilities, desk, requester, now - timedelta(days=2))
             for _ in range(2)]
    insert_requests(session, rows)
    return {"it": it, "facilities": facilities, "laptop": laptop, "requester": requester}


def test_commitments_page_shows_targets_record_and_weekly_chart(client, history):
    html = client.get("/commitments").get_data(as_text=True)
    # Departments by name: Facilities, then IT Services.
    facilities_part = html[html.index('id="dept-facilities"'):html.index('id="dept-it"')]
    it_part = html[html.index('id="dept-it"'):]
    # Published targets beside the record: 4 business hours first response, 80 % resolved.
    assert "within 4 business hours" in it_part
    assert "80 %" in it_part and "(8/10)" in it_part
    assert "100 %" in it_part  # first responses all on time
    # A chart per department, drawn as SVG with a title, a description and a data table.
    assert it_part.count('<svg role="img"') == 1
    assert re.search(r'<title id="chart-it-title">IT Services: share of first responses and '
                     r'of resolutions on time per week', it_part)
    assert "<desc" in it_part and "<div class=\"visually-hidden\"><table>" in it_part
    # Two requests are too few for a percentage.
    assert "Too few requests to measure" in facilities_part
    assert "<strong>" not in facilities_part.split("<table class=\"record\">")[1].split(
        "</table>")[0]  # no percentage shown


def test_commitments_page_compares_every_department_at_the_top(client, history):
    html = client.get("/commitments").get_data(as_text=True)
    table = html[html.index('<table class="comparison'):html.index('id="dept-')]
    # One row per department, by name; each links to its record further down.
    assert table.index('href="#dept-facilities"') < table.index('href="#dept-it"')
    assert 'aria-sort="ascending"' in table
    assert ">80 %<" in table and ">100 %<" in table  # IT: resolved and answered on time
    # Sorted by resolutions on time, best first: IT (80 %) above Facilities (too few, last).
    sorted_html = client.get("/commitments?sort=resolution&order=desc").get_data(as_text=True)
    table = sorted_html[sorted_html.index('<table class="comparison'):]
    assert table.index('href="#dept-it"') < table.index('href="#dept-facilities"')
    assert 'aria-sort="descending"' in table
    # The column's link now offers the other order.
    assert "sort=resolution&amp;order=asc" in table


def test_weekly_chart_has_axis_goal_line_legend_and_both_measures_apart(client, history):
    html = client.get("/commitments").get_data(as_text=True)
    chart = html[html.index('id="chart-it"'):]
    chart = chart[:chart.index("</figure>")]
    for label in (">0 %<", ">50 %<", ">100 %<"):  # the axis
        assert label in chart
    assert 'class="chart-goal"' in chart and "Goal: 90 % on time" in chart
    # First responses solid, resolutions hatched: told apart by pattern, not colour alone.
    assert 'class="chart-first-response"' in chart
    assert 'fill="url(#chart-it-hatch)"' in chart and "<pattern" in chart
    assert "First response on time" in chart and "Resolved on time" in chart
    # The text alternative gives both measures per week: this week's IT requests all
    # answered on time (5 of 5 of those created in the last 7 days: days 1–6 → 6 requests).
    rows = re.findall(r"<tr><th scope=\"row\">[^<]*</th><td>([^<]*)</td><td>([^<]*)</td></tr>",
                      chart)
    assert rows and rows[-1][0] == "100 % (6/6)" and rows[-1][1] == "100 % (6/6)"


def test_department_and_offering_pages_show_their_own_record(client, history, session):
    page = client.get("/departments/it").get_data(as_text=True)
    assert "How we keep our commitments" in page
    assert "80 %" in page and "<svg" in page
    offering_page = client.get("/departments/it/laptop").get_data(as_text=True)
    assert "How this service kept its commitment" in offering_page
    assert "(8/10)" in offering_page
    assert "Too few requests to measure" in client.get("/departments/facilities").get_data(
        as_text=True)


def test_api_department_has_adherence_per_window(client, history):
    data = client.get("/api/v1/departments/it").get_json()
    month = data["adherence"]["30"]
    assert month["requests"] == 10
    assert month["first_response_met"] == 1.0
    assert month["resolution_met"] == pytest.approx(0.8)
    assert month["median_resolution_minutes"] == 600
    assert month["p90_resolution_minutes"] == 5000
    assert month["by_priority"]["normal"]["requests"] == 10
    assert set(data["adherence"]) == {"30", "90"}
    thin = client.get("/api/v1/departments/facilities").get_json()["adherence"]["90"]
    assert thin["requests"] == 2 and thin["resolution_met"] is None


def test_staff_see_their_ratings_and_others_do_not(client, auth, session, history):
    agent = factories.make_user(session, email="agent@example.com")
    history["it"].roles.append(DepartmentRole(user=agent, role="agent"))
    session.commit()
    auth.login(history["requester"])
    assert client.get("/manage/feedback/it").status_code == 403
    auth.login(agent)
    page = client.get("/manage/feedback/it").get_data(as_text=True)
    assert "No ratings yet" in page
    assert client.get("/manage/feedback/no-such").status_code == 404
    assert client.get("/manage/feedback/%3Cscript%3E").status_code == 404


def test_commitments_page_without_departments_says_so(client):
    assert "No department has published" in client.get("/commitments").get_data(as_text=True)


def _build(session, department, offering, requester, count: int) -> None:
    now = utcnow()
    insert_requests(session, [
        request_row(department, offering, requester, now - timedelta(minutes=17 * n),
                    priority=("normal", "high")[n % 2], resolution=(n * 37) % 3000,
                    status="resolved") for n in range(count)])


@pytest.mark.parametrize("url", ["/commitments", "/departments/d0", "/departments/d0/o0",
                                 "/api/v1/departments/d0"])
def test_queries_for_the_record_do_not_grow_with_the_number_of_requests(
        app, client, session, count_queries, url):
    requester = factories.make_user(session)
    departments = [factories.make_department(session, slug=f"d{n}", code=f"D{n}")
                   for n in range(3)]
    offerings = [factories.make_offering(session, d, slug="o0") for d in departments]
    session.commit()
    measured = []
    for total in (100, 5000):
        for department, offering in zip(departments, offerings, strict=True):
            _build(session, department, offering, requester,
                   total // 3 if not measured else (total - 100) // 3)
        with app.app_context():
            cache.clear()  # measure the page being built, not the anonymous page cache
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1], f"{url}: {measured}"
