"""The breakdown pages: who may see them, their cost in SQL statements at 100 and 5,000
requests, recording an action, the form-opening counter, and public actions on the
department page."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from catalog.commitments import breakdown_rollups, rollups
from catalog.models import (
    Feedback,
    FormOpening,
    RequestEvent,
    ServiceAction,
    ServiceRequest,
    utcnow,
)
from tests.factories import make_offering

PAGES = ["/manage/it/breakdowns", "/manage/it/breakdowns?days=30", "/manage/breakdowns",
         "/manage/it/breakdowns/requests?offering=new-laptop&moment=first_response"]


def grow(session, department, offerings, requester, agent, total: int) -> None:
    """Bulk-add requests with misses, ratings, status moves and form openings, up to `total`."""
    rng, now = random.Random(total), utcnow()
    have = session.scalar(select(func.count()).select_from(ServiceRequest))
    requests, events, ratings = [], [], []
    first_id = (session.scalar(select(func.max(ServiceRequest.id))) or 0) + 1
    for number in range(have, total):
        offering = offerings[number % len(offerings)]
        created = now - timedelta(minutes=rng.randint(60, 80 * 24 * 60))
        request_id = first_id + number - have
        requests.append({
            "id": request_id, "ref": f"IT-2026-{number:05d}", "department_id": department.id,
            "offering_id": offering.id, "requester_id": requester.id,
            "priority": rng.choice(("normal", "high")), "status": "resolved", "answers": {},
            "form": [], "created_at": created, "updated_at": created,
            "first_response_minutes": 240, "resolution_minutes": 1620,
            "first_response_at": created, "resolved_at": created + timedelta(hours=5),
            "first_response_business_minutes": rng.randint(10, 400),
            "resolution_business_minutes": rng.randint(100, 2000)})
        for step, (old, new) in enumerate((("new", "waiting"), ("waiting", "in_progress"),
                                           ("in_progress", "resolved"))):
            events.append({"request_id": request_id, "kind": "status", "old_status": old,
                           "new_status": new, "actor_id": agent.id, "body": "",
                           "created_at": created + timedelta(hours=step + 1)})
        if number % 3 == 0:
            ratings.append({"request_id": request_id, "department_id": department.id,
                            "offering_id": offering.id, "rating": rng.randint(1, 5),
                            "comment": "Slow" if number % 2 else "",
                            "created_at": created, "updated_at": created})
    for table, rows in ((ServiceRequest, requests), (RequestEvent, events), (Feedback, ratings)):
        for start in range(0, len(rows), 2000):
            session.execute(insert(table), rows[start:start + 2000])
    openings = [{"offering_id": o.id, "day": (now - timedelta(days=day)).date(),
                 "opened": total // 10} for o in offerings for day in range(1, 4)
                if session.get(FormOpening, (o.id, (now - timedelta(days=day)).date())) is None]
    if openings:
        session.execute(insert(FormOpening), openings)
    # The bulk inserts bypass the flush that keeps the rollups the pages read.
    rollups.rebuild(session, [department.id])
    breakdown_rollups.rebuild(session, [department.id])
    session.commit()


@pytest.fixture
def owned(session, it_dept, laptop, owner, agent, employee):
    offerings = [laptop] + [make_offering(session, it_dept, slug=f"o{n}") for n in range(3)]
    session.commit()
    return offerings


@pytest.mark.parametrize("url", PAGES)
def test_breakdown_pages_cost_the_same_at_100_and_5000_requests(
        client, auth, session, count_queries, owned, it_dept, employee, agent, owner,
        make_user, url):
    admin = make_user(email="admin@example.com", is_admin=True)
    auth.login(admin if url == "/manage/breakdowns" else owner)
    session.add(ServiceAction(department_id=it_dept.id, text="Second agent",
                              taken_on=utcnow().date() - timedelta(days=20), public=True))
    session.commit()
    measured = []
    for total in (100, 5000):
        grow(session, it_dept, owned, employee, agent, total)
        client.get(url)  # warm up
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1], f"{url}: {measured[0]} statements, then {measured[1]}"


def test_only_owners_and_admins_see_a_departments_breakdowns(client, auth, it_dept, agent,
                                                            owner, employee, make_user):
    for user, status in ((employee, 403), (agent, 403), (owner, 200)):
        auth.login(user)
        assert client.get("/manage/it/breakdowns").status_code == status
    assert client.get("/manage/breakdowns").status_code == 403
    auth.login(make_user(email="admin@example.com", is_admin=True))
    assert client.get("/manage/it/breakdowns").status_code == 200
    assert client.get("/manage/breakdowns").status_code == 200


def test_opening_the_request_form_counts_and_sending_does_not_uncount(client, auth, session,
                                                                     laptop, employee):
    laptop.form = [{"name": "account", "label": "Account", "type": "text", "required": True}]
    session.commit()
    auth.login(employee)
    for _ in range(2):
        assert client.get("/departments/it/new-laptop/request").status_code == 200
    row = session.scalar(select(FormOpening).where(FormOpening.offering_id == laptop.id))
    session.refresh(row)
    assert row.opened == 2
    sent = client.post("/departments/it/new-laptop/request",
                       data={"priority": "normal", "f_account": "jdoe"})
    assert sent.status_code == 303
    session.refresh(row)
    assert row.opened == 2  # sending is no new opening, and takes none back


def test_an_owner_records_a_public_action_employees_then_see(client, auth, session, owned,
                                                             owner, employee):
    auth.login(owner)
    page = client.get("/manage/it/breakdowns")
    assert "Record an action" in page.text
    bad = client.post("/manage/it/breakdowns/actions?days=30", data={
        "text": "", "taken_on": "tomorrow", "offering_id": "", "moment": ""})
    assert bad.status_code == 422
    assert "Enter a date" in bad.text
    assert '<option value="30" selected>' in bad.text  # the window the owner was looking at
    day = (utcnow() - timedelta(days=3)).date().isoformat()
    for text, public in (("Added a loaner pool", "y"), ("Internal rota change", "")):
        response = client.post("/manage/it/breakdowns/actions", data={
            "text": text, "taken_on": day, "offering_id": str(owned[0].id),
            "moment": "resolution", "public": public})
        assert response.status_code == 303
    page = client.get("/manage/it/breakdowns")
    assert "Added a loaner pool" in page.text and "Internal rota change" in page.text
    assert "Too few to tell" in page.text

    auth.login(employee)
    public = client.get("/departments/it")
    assert "Added a loaner pool" in public.text
    assert "Internal rota change" not in public.text
    assert "Too few to tell" in public.text
    assert public.text.count('class="chart-mark"') == 1  # the date marked on the chart
    offering_page = client.get("/departments/it/new-laptop")
    assert 'class="chart-mark"' in offering_page.text
    assert "Added a loaner pool" in offering_page.text


def test_the_breakdown_page_speaks_german(client, auth, owned, owner):
    auth.login(owner)
    page = client.get("/manage/it/breakdowns", headers={"accept-language": "de-DE,de;q=0.9"})
    assert "Wo der Service hakt" in page.text
    assert "Maßnahme erfassen" in page.text


def test_a_german_owner_reads_offering_titles_in_german(client, auth, session, owned, owner,
                                                        it_dept, employee, agent):
    grow(session, it_dept, owned, employee, agent, 60)
    owned[0].translations = {"de": {"title": "Neuen Laptop bestellen"}}
    session.commit()
    auth.login(owner)
    page = client.get("/manage/it/breakdowns", headers={"accept-language": "de-DE,de;q=0.9"})
    assert "Neuen Laptop bestellen" in page.text
    # On a phone each point is a card whose figures say what they are.
    assert '<td data-label="Punktzahl">' in page.text


def test_the_pages_run_no_query_while_rendering(app, engine, client, auth, session, owned,
                                                it_dept, owner, employee, agent, make_user):
    from tests.portal.test_render_queries import statements_while_rendering

    grow(session, it_dept, owned, employee, agent, 60)
    session.add(ServiceAction(department_id=it_dept.id, offering_id=owned[0].id,
                              text="Loaner pool", moment="resolution", public=True,
                              taken_on=utcnow().date() - timedelta(days=5)))
    session.commit()
    auth.login(make_user(email="admin@example.com", is_admin=True))
    for url in (*PAGES, "/departments/it", "/departments/it/new-laptop"):
        with statements_while_rendering(app, engine) as found:
            response = client.get(url)
        assert response.status_code == 200 and found == [], url
