"""My requests, one request with its answers, files, timeline and conversation, cancelling."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog import workflow
from catalog.models import RequestEvent, ServiceRequest, utcnow
from catalog.submission import submit_request
from catalog.uploads import FileStore, Upload
from tests import factories
from tests.request_fixtures import answers


@pytest.fixture
def submitted(app, session, laptop, employee):
    """Emma's laptop request, sent just now, with her quote attached."""
    store = FileStore(Path(app.instance_path) / "uploads", 1024 * 1024)
    made = submit_request(session, laptop, employee, priority="normal", store=store,
                          values={**answers(), "quote": Upload("quote.pdf", BytesIO(b"%PDF"))})
    session.commit()
    return made


def test_request_page_shows_answers_file_timeline_and_due_times(client, auth, submitted,
                                                                employee):
    auth.login(employee)
    page = client.get(f"/requests/{submitted.ref}").get_data(as_text=True)
    assert submitted.ref in page and "Order a new laptop" in page
    assert "First response by <time" in page and "Resolution by <time" in page
    assert "<dt>How many</dt>" in page and "Dock, Monitor" in page
    assert f'href="/requests/{submitted.ref}/attachments/' in page and "4 bytes" in page
    assert "sent the request" in page
    assert "Cancel this request" in page
    assert "Change status" not in page  # that is for the department


@pytest.mark.parametrize("who", ["stranger", "contractor", "agent of another department"])
def test_others_do_not_see_a_request_or_its_files(client, auth, session, submitted, contractor,
                                                  who):
    if who == "stranger":
        user = factories.make_user(session)
    elif who == "contractor":
        user = contractor
    else:
        user = factories.make_user(session)
        factories.make_department(session, slug="hr", code="HR", agents=[user])
    session.commit()
    auth.login(user)
    attachment = submitted.attachments[0]
    assert client.get(f"/requests/{submitted.ref}").status_code == 404
    assert client.get(f"/requests/{submitted.ref}/attachments/{attachment.id}").status_code \
        == 404
    assert client.post(f"/requests/{submitted.ref}/comments", data={"body": "hi"}) \
        .status_code == 404


def test_anonymous_visitors_must_sign_in(client, submitted):
    for url in ("/requests/", f"/requests/{submitted.ref}",
                f"/requests/{submitted.ref}/attachments/{submitted.attachments[0].id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["requester", "agent", "owner"])
def test_attachment_downloads_as_a_file_for_requester_and_staff(client, auth, submitted,
                                                                employee, agent, owner, who):
    auth.login({"requester": employee, "agent": agent, "owner": owner}[who])
    with client.get(f"/requests/{submitted.ref}/attachments/"
                    f"{submitted.attachments[0].id}") as response:
        assert response.status_code == 200
        assert response.data == b"%PDF"
        assert response.headers["Content-Disposition"] == "attachment; filename=quote.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_of_another_request_is_not_served_under_this_one(client, auth, session, app,
                                                                 submitted, laptop, employee):
    other = submit_request(session, laptop, employee, priority="normal",
                           store=FileStore(Path(app.instance_path) / "uploads", 1024),
                           values={**answers(), "quote": Upload("b.txt", BytesIO(b"b"))})
    session.commit()
    auth.login(employee)
    url = f"/requests/{submitted.ref}/attachments/{other.attachments[0].id}"
    assert client.get(url).status_code == 404


def test_requester_and_department_talk_on_the_request(client, auth, session, submitted,
                                                      employee, agent):
    auth.login(employee)
    response = client.post(f"/requests/{submitted.ref}/comments",
                           data={"body": "Could it come with a bag?"})
    assert response.status_code == 303
    auth.login(agent)
    client.post(f"/requests/{submitted.ref}/comments", data={"body": "Yes, it will."})
    page = client.get(f"/requests/{submitted.ref}").get_data(as_text=True)
    assert page.index("Could it come with a bag?") < page.index("Yes, it will.")
    session.expire_all()
    request = session.get(ServiceRequest, submitted.id)
    assert request.first_response_at is not None  # the agent's answer
    assert "First response given" in page


def test_an_empty_comment_is_told_at_the_field(client, auth, session, submitted, employee):
    auth.login(employee)
    response = client.post(f"/requests/{submitted.ref}/comments", data={"body": "   "})
    assert response.status_code == 422
    assert '<p class="error" id="body-error">Please write something first.</p>' in \
        response.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(RequestEvent.kind)).all() == ["created"]


def test_requester_cancels_and_can_no_longer(client, auth, session, submitted, employee):
    auth.login(employee)
    response = client.post(f"/requests/{submitted.ref}/cancel", data={"reason": "Not needed"})
    assert response.status_code == 303
    page = client.get(f"/requests/{submitted.ref}").get_data(as_text=True)
    assert "has been cancelled" in page and "Not needed" in page
    assert "Cancel this request" not in page and "Send message" not in page
    again = client.post(f"/requests/{submitted.ref}/cancel", follow_redirects=True)
    assert "Only a request that is not resolved yet can be cancelled." in \
        again.get_data(as_text=True)


def test_staff_cannot_cancel_for_the_requester(client, auth, session, submitted, agent):
    auth.login(agent)
    response = client.post(f"/requests/{submitted.ref}/cancel", follow_redirects=True)
    assert "Only the requester can cancel" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(ServiceRequest, submitted.id).status == "new"


def test_my_requests_lists_filters_and_marks_overdue_ones(client, auth, session, app, laptop,
                                                         employee, agent):
    store = FileStore(Path(app.instance_path) / "uploads", 1024)
    late = submit_request(session, laptop, employee, priority="normal", store=store,
                          values={**answers(), "quote": Upload("a", BytesIO(b"a"))},
                          now=utcnow() - timedelta(days=30))
    fresh = submit_request(session, laptop, employee, priority="normal", store=store,
                           values={**answers(), "quote": Upload("a", BytesIO(b"a"))})
    workflow.change_status(session, fresh, agent, "resolved", "Done")
    session.commit()
    auth.login(employee)
    page = client.get("/requests/").get_data(as_text=True)
    assert late.ref in page and fresh.ref in page
    assert page.count("Overdue") == 1 and "Resolved" in page
    open_only = client.get("/requests/?status=open").get_data(as_text=True)
    assert late.ref in open_only and fresh.ref not in open_only
    assert 'aria-current="page">Open' in open_only
    assert "None of your requests has this status." in \
        client.get("/requests/?status=cancelled").get_data(as_text=True)
    assert client.get("/requests/?status=bogus&page=x").status_code == 200


def test_my_requests_pages_and_empty_state(client, auth, app, session, laptop, employee):
    auth.login(employee)
    assert "You have not requested anything yet." in client.get("/requests/").get_data(
        as_text=True)
    app.config["PER_PAGE"] = 2
    store = FileStore(Path(app.instance_path) / "uploads", 1024)
    refs = [submit_request(session, laptop, employee, priority="normal", store=store,
                           values={**answers(), "quote": Upload("a", BytesIO(b"a"))}).ref
            for _ in range(3)]
    session.commit()
    first = client.get("/requests/").get_data(as_text=True)
    second = client.get("/requests/?page=2").get_data(as_text=True)
    assert refs[2] in first and refs[1] in first and refs[0] not in first
    assert refs[0] in second and 'rel="next"' in first


@pytest.mark.parametrize("url", ["/requests/", "/manage/queue/it"])
def test_list_pages_cost_the_same_queries_however_many_requests(
        client, auth, session, app, laptop, employee, agent, count_queries, url):
    store = FileStore(Path(app.instance_path) / "uploads", 1024)
    auth.login(employee if url == "/requests/" else agent)
    measured = []
    for total in (2, 12):
        while session.scalar(select(func.count(ServiceRequest.id))) < total:
            made = submit_request(session, laptop, employee, priority="normal", store=store,
                                  values={**answers(), "quote": Upload("a", BytesIO(b"a"))})
            workflow.assign(session, made, agent, agent)
        session.commit()
        client.get(url)  # warm up
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        measured.append(counted.n)
    assert measured[0] == measured[1]


@pytest.mark.parametrize("url", [
    "/requests/%00", "/requests/IT-2026-00001%00", "/requests/" + "9" * 300,
    "/requests/%00/attachments/1", "/manage/queue/%00", "/manage/queue/IT",
    "/departments/it/%00/request", "/departments/%00/x/request",
    "/api/v1/requests/%00", "/api/v1/requests/%C3%28",
])
def test_hostile_addresses_are_not_found_never_a_500(client, auth, submitted, employee, url):
    auth.login(employee)
    assert client.get(url).status_code == 404
