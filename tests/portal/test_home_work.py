"""Issue 12, point 7: after sign-in, agents land on their work and employees on what waits
for them; the home page's personal part is the viewer's own, also when the page is cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import feedback, workflow
from catalog.models import DepartmentRole
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories


@pytest.fixture
def make_request(app, session, it_dept, employee):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help", form=[])
    hr = factories.make_department(session, slug="hr", code="HR", name="Human Resources",
                                   commitments={"normal": (240, 1620)})
    payslip = factories.make_offering(session, hr, slug="payslip", title="Payslip copy",
                                      form=[])
    session.commit()
    store = FileStore(Path(app.instance_path) / "uploads", 1024)

    def make(department="it"):
        made = submit_request(session, offering if department == "it" else payslip, employee,
                              priority="normal", values={}, store=store)
        session.commit()
        return made
    return make


@pytest.fixture
def colleague(session, it_dept):
    user = factories.make_user(session, email="cora@example.com", name="Cora Colleague")
    session.add(DepartmentRole(user=user, department=it_dept, role="agent"))
    session.commit()
    return user


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_an_agent_lands_on_their_work(client, auth, session, agent, make_request):
    taken, waiting_for_someone, elsewhere = make_request(), make_request(), make_request("hr")
    done = make_request()
    workflow.assign(session, taken, agent, agent)
    workflow.change_status(session, done, agent, "resolved", "Done")
    session.commit()
    auth.login(agent)
    page = client.get("/").get_data(as_text=True)
    mine = section(page, "mine-heading")
    assert taken.ref in mine and waiting_for_someone.ref not in mine
    assert "First response by" in mine and "<time" in mine
    unassigned = section(page, "unassigned-heading")
    assert waiting_for_someone.ref in unassigned and taken.ref not in unassigned
    assert elsewhere.ref not in page and done.ref not in page
    assert f'href="/requests/{taken.ref}"' in mine


def test_the_personal_part_is_never_someone_elses(client, auth, session, agent, colleague,
                                                  make_request):
    taken = make_request()
    workflow.assign(session, taken, agent, agent)
    session.commit()
    auth.login(agent)
    assert taken.ref in section(client.get("/").get_data(as_text=True), "mine-heading")
    auth.login(colleague)  # same roles, so the same cached catalog page
    page = client.get("/").get_data(as_text=True)
    assert taken.ref not in section(page, "mine-heading")
    assert "Nothing is assigned to you." in page


def test_an_employee_sees_their_requests_and_what_waits_for_them(client, auth, session, agent,
                                                                  employee, make_request):
    asked, waiting, resolved = make_request(), make_request(), make_request()
    workflow.change_status(session, waiting, agent, "waiting", "Which room?")
    workflow.change_status(session, resolved, agent, "resolved", "Done")
    session.commit()
    auth.login(employee)
    page = client.get("/").get_data(as_text=True)
    assert "My open requests" not in page  # not staff
    waits = section(page, "waiting-heading")
    assert waiting.ref in waits and "IT Services waits for your answer." in waits
    assert resolved.ref in waits and "how did it go?" in waits
    assert asked.ref in section(page, "my-requests-heading")
    feedback.give_feedback(session, resolved, employee, 5, "")
    session.commit()
    assert resolved.ref not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_see_no_personal_part(client, make_request):
    make_request()
    page = client.get("/").get_data(as_text=True)
    assert "work-panel" not in page and "<!--personal-part-->" not in page


def test_the_home_page_costs_the_same_statements_however_much_work(
        app, client, auth, session, agent, employee, make_request, count_queries):
    measured = []
    for count in (3, 15):
        for number in range(count - (3 if measured else 0)):
            made = make_request("hr" if number % 3 == 2 else "it")
            if number % 3 == 1:
                workflow.assign(session, made, agent, agent)
            if number % 5 == 0 and number % 3 != 2:
                workflow.change_status(session, made, agent, "waiting", "Which room?")
        session.commit()
        for person in (agent, employee):
            auth.login(person)
            client.get("/")  # warm up
            app.extensions["page_parts"].clear()  # the personal part is rendered anew
            with count_queries() as counted:
                assert client.get("/").status_code == 200
            measured.append(counted.n)
    assert measured[:2] == measured[2:], f"agent, employee at 3 and at 15: {measured}"


def test_the_personal_part_is_reused_until_something_changes(client, auth, session, employee,
                                                             make_request, count_queries):
    first = make_request()
    auth.login(employee)
    assert first.ref in section(client.get("/").get_data(as_text=True), "my-requests-heading")
    client.get("/departments/")
    with count_queries() as plain:  # a cached page without a personal part
        client.get("/departments/")
    with count_queries() as again:
        page = client.get("/").get_data(as_text=True)
    assert first.ref in section(page, "my-requests-heading")
    assert again.n == plain.n  # who is looking and the activity mark: nothing rendered anew
    second = make_request()  # a change shows on the very next view
    assert second.ref in section(client.get("/").get_data(as_text=True), "my-requests-heading")
