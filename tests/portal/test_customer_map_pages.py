"""The customer map and recognition pages: the demo data's map as SVG and as a table, the
figures of a hand-made history, German, bad input, and the department page's share of both."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import insert, select

from catalog.commitments.month_recognition import last_full_month
from catalog.demo import load_demo_data
from catalog.models import Department, Feedback, ServiceRequest, Thanks, User
from portal.display import format_time
from tests.adherence_fixtures import insert_requests, request_row
from tests.factories import make_department, make_offering, make_user


def _part(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


@pytest.mark.slow
def test_the_demo_map_shows_every_department_with_requests_as_svg_and_table(client, session):
    load_demo_data(session)
    session.commit()
    since = datetime.now(UTC) - timedelta(days=90)
    suppliers = set(session.scalars(select(ServiceRequest.department_id)
                                    .where(ServiceRequest.created_at >= since)))
    customers = set(session.scalars(
        select(User.department_id).join(ServiceRequest, ServiceRequest.requester_id == User.id)
        .where(ServiceRequest.created_at >= since)))
    with_requests = session.scalars(select(Department).where(
        Department.id.in_(suppliers | customers))).all()
    assert len(with_requests) == 7  # every demo department asks and is asked

    html = client.get("/commitments/map").get_data(as_text=True)
    drawing = _part(html, '<svg role="img"', "</svg>")
    table = _part(html, '<table class="record customer-map-table"', "</table>")
    for department in with_requests:
        assert f">{escape(department.name)}</text>" in drawing, department.name
        assert f"<th scope=\"row\">{escape(department.name)}</th>" in table \
            or f"<td>{escape(department.name)}</td>" in table, department.name
    assert "<th scope=\"row\">Not known</th>" in table  # temporary staff have no home
    assert len(re.findall(r'<path class="map-line', drawing)) == table.count("<tr>") - 1
    # HR and Legal are confidential: their customers are not shown to the public.
    assert "<td>Legal &amp; Compliance</td>" not in table
    assert "are not broken down by customer" in html


@pytest.fixture
def small_world(session):
    it = make_department(session, slug="it", name="IT Services")
    fac = make_department(session, slug="facilities", name="Facilities")
    fay = make_user(session, name="Fay")
    fay.department_id = fac.id
    laptop = make_offering(session, it)
    day = datetime.now(UTC) - timedelta(days=5)
    insert_requests(session, [
        request_row(it, laptop, fay, day, first_response=30, resolution=600),
        request_row(it, laptop, fay, day, first_response=30, resolution=2000),
        request_row(it, laptop, make_user(session), day, first_response=30, resolution=600)])
    first = session.scalars(select(ServiceRequest).where(ServiceRequest.requester_id == fay.id)
                            .order_by(ServiceRequest.id)).first()
    session.execute(insert(Feedback), [{"request_id": first.id, "department_id": it.id,
                                        "offering_id": laptop.id, "rating": 4,
                                        "created_at": day, "updated_at": day}])
    session.commit()
    return {"it": it, "fac": fac, "laptop": laptop, "fay": fay}


def _rows(html: str) -> list[list[str]]:
    table = _part(html, '<table class="record customer-map-table"', "</table>")
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def test_the_table_gives_each_edges_hand_computed_figures(client, small_world):
    html = client.get("/commitments/map").get_data(as_text=True)
    assert _rows(html) == [
        ["Facilities", "IT Services", "2", "100 % (2/2)", "50 % (1/2)", "— (1 rating)"],
        ["Not known", "IT Services", "1", "100 % (1/1)", "100 % (1/1)", "—"]]
    # Each department's top customers and suppliers, with links to its page.
    it_part = _part(html, 'id="dept-it"', "</li>\n")
    assert 'href="/departments/facilities"' in it_part and "2 requests" in it_part
    page = client.get("/departments/facilities").get_data(as_text=True)
    links = _part(page, 'class="department-links"', "</section>")
    assert "Top suppliers" in links and "IT Services" in links
    german = client.get("/commitments/map?lang=de").get_data(as_text=True)
    assert "Interne Kundenlandkarte" in german and "Nicht bekannt" in german
    assert _rows(german)[0][-1] == "— (1 Bewertung)"  # one person's rating is not shown


def test_statements_per_map_page_do_not_grow_with_requests(client, small_world, session,
                                                           count_queries):
    def counted() -> int:
        with count_queries() as statements:  # ?lang= is never cached
            assert client.get("/commitments/map?lang=en").status_code == 200
        return statements.n

    few = counted()
    day = datetime.now(UTC) - timedelta(days=2)
    insert_requests(session, [request_row(small_world["it"], small_world["laptop"],
                                          small_world["fay"], day) for _ in range(300)])
    assert counted() == few


def test_a_window_that_is_not_offered_falls_back_to_90_days(client, small_world):
    assert 'value="90" selected' in client.get("/commitments/map?days=abc").get_data(as_text=True)
    assert 'value="30" selected' in client.get("/commitments/map?days=30").get_data(as_text=True)


@pytest.fixture
def recognised(session, small_world):
    """IT resolved 10 requests on time last month and was thanked 3 times."""
    month = last_full_month()
    start = datetime(month.year, month.month, 2, 9, tzinfo=UTC)
    it, laptop, fay = small_world["it"], small_world["laptop"], small_world["fay"]
    insert_requests(session, [request_row(it, laptop, fay, start + timedelta(hours=i))
                              for i in range(10)])
    carla = make_user(session, name="Carla Consent")
    carla.show_name_when_thanked = True
    sam = make_user(session, name="Sam Shy")
    items = session.scalars(select(ServiceRequest).where(ServiceRequest.created_at >= start)
                            .order_by(ServiceRequest.id)).all()
    session.execute(insert(Thanks), [
        {"request_id": items[0].id, "department_id": it.id, "sender_id": fay.id,
         "message": "You are the best", "show_name": True, "created_at": start},
        {"request_id": items[1].id, "department_id": it.id, "sender_id": fay.id,
         "recipient_id": carla.id, "message": "Carla saved me", "created_at": start},
        {"request_id": items[2].id, "department_id": it.id, "sender_id": fay.id,
         "recipient_id": sam.id, "message": "Sam saved me", "created_at": start}])
    session.commit()
    return month


def test_the_recognition_page_names_the_team_and_shows_consented_thanks(client, recognised):
    month_name = format_time(recognised, "month", locale="en")
    for url in ("/commitments/recognition",
                f"/commitments/recognition?month={recognised:%Y-%m}"):
        html = client.get(url).get_data(as_text=True)
        assert f"Recognition in {month_name}" in html
        kept = _part(html, 'id="kept-heading"', "</section>")
        assert "IT Services" in kept and "(20 of 20) over 10 requests resolved" in kept
        assert "IT Services" in _part(html, 'id="thanked-heading"', "</section>")
        assert "You are the best" in html and "Fay" in html
        assert "Carla saved me" in html and "Carla Consent" in html
        assert "Sam saved me" not in html and "Sam Shy" not in html
    page = client.get("/departments/it").get_data(as_text=True)
    assert (f"Recognised in {month_name} for keeping its commitments best and for being "
            "thanked most") in page
    german = client.get("/departments/it?lang=de").get_data(as_text=True)
    assert f"Ausgezeichnet im {format_time(recognised, 'month', locale='de')}" in german


@pytest.mark.parametrize("month", ["2026-13", "soon", "2999-01"])
def test_a_month_that_is_not_over_is_refused_clearly(client, month):
    answer = client.get(f"/commitments/recognition?month={month}")
    assert answer.status_code == 400
    assert "is not a month that is over" in answer.get_data(as_text=True)
