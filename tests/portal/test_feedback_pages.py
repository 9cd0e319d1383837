"""Rating on the request page and by API, the follow-up in the queue, thanks on public pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import Feedback, FollowUp, OutboxMessage, Thanks
from catalog.people import tokens
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import change_status
from tests import factories


@pytest.fixture
def resolved(app, session, it_dept, employee, agent):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help",
                                       form=[])
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024))
    change_status(session, item, agent, "resolved", "Done")
    session.commit()
    return item


def test_resolution_mail_and_page_ask_for_a_rating(client, auth, session, resolved, employee):
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status")).one()
    from portal.mail import compose
    with client.application.test_request_context():
        _, body = compose(mail)
    assert "rate it from 1 to 5" in body and f"/requests/{resolved.ref}#feedback" in body
    auth.login(employee)
    page = client.get(f"/requests/{resolved.ref}").get_data(as_text=True)
    assert "How did IT Services do?" in page and 'name="rating"' in page


def test_one_star_opens_a_follow_up_in_the_queue_and_its_answer_shows_on_the_request(
        client, auth, session, resolved, employee, agent):
    auth.login(employee)
    response = client.post(f"/requests/{resolved.ref}/feedback",
                           data={"rating": "1", "comment": "Nobody called me back"})
    assert response.status_code == 303
    page = client.get(f"/requests/{resolved.ref}").get_data(as_text=True)
    assert "Rated 1 of 5" in page and "has been asked to follow up" in page

    auth.login(agent)
    queue = client.get("/manage/queue/it").get_data(as_text=True)
    follow_ups = queue[queue.index("Follow-ups on poor ratings"):]
    assert resolved.ref in follow_ups and "Nobody called me back" in follow_ups
    ratings = client.get("/manage/feedback/it").get_data(as_text=True)
    assert resolved.ref in ratings and "1 / 5" in ratings and "to answer" in ratings
    follow_up = session.scalars(select(FollowUp)).one()
    response = client.post(f"/requests/{resolved.ref}/follow-up/{follow_up.id}",
                           data={"answer": "Sorry! We have fixed our call-back list."})
    assert response.status_code == 303
    assert resolved.ref not in client.get("/manage/queue/it").get_data(as_text=True).split(
        "Follow-ups on poor ratings")[1].split("</section>")[0]

    auth.login(employee)
    page = client.get(f"/requests/{resolved.ref}").get_data(as_text=True)
    assert "Answer from IT Services" in page
    assert "Sorry! We have fixed our call-back list." in page
    assert session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "follow_up_answered")).one().to_address == employee.email
    department = client.get("/departments/it").get_data(as_text=True)
    assert "1 of 1 follow-ups on poor ratings answered" in department
    assert "Rated 1.0 of 5" in department and "(1 rating)" in department


def test_others_cannot_rate_or_answer(client, auth, session, resolved, employee, agent):
    auth.login(agent)
    client.post(f"/requests/{resolved.ref}/feedback", data={"rating": "5"})
    session.expire_all()
    assert session.scalar(select(Feedback)) is None
    stranger = factories.make_user(session, email="x@example.com")
    session.commit()
    auth.login(stranger)
    assert client.post(f"/requests/{resolved.ref}/feedback",
                       data={"rating": "5"}).status_code == 404


@pytest.mark.parametrize("rating", ["", "0", "9", "abc", "1" * 500])
def test_bad_ratings_on_the_page_say_so_and_change_nothing(client, auth, session, resolved,
                                                           employee, rating):
    auth.login(employee)
    response = client.post(f"/requests/{resolved.ref}/feedback", data={"rating": rating},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Choose a rating from 1 to 5." in response.get_data(as_text=True)
    assert session.scalar(select(Feedback)) is None


def test_feedback_api(client, session, resolved, employee):
    token = tokens.issue_token(session, employee)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/requests/{resolved.ref}/feedback"
    bad = client.post(url, json={"rating": 7}, headers=headers)
    assert bad.status_code == 422 and "rating" in bad.get_json()["error"]["fields"]
    response = client.post(url, json={"rating": 2, "comment": "Slow"}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["rating"] == 2
    assert response.get_json()["follow_up"]["answer"] is None


def test_thanks_show_on_the_department_and_home_page(client, auth, session, resolved,
                                                     employee, agent):
    auth.login(employee)
    client.post(f"/requests/{resolved.ref}/thanks",
                data={"message": "You saved my day", "to_person": "y"})
    session.expire_all()
    thanks = session.scalars(select(Thanks)).one()
    assert thanks.recipient_id == agent.id and thanks.show_name is False  # box not ticked
    auth.logout()
    department = client.get("/departments/it").get_data(as_text=True)
    assert "You saved my day" in department and "A colleague" in department
    assert "Emma Employee" not in department
    home = client.get("/").get_data(as_text=True)
    assert "Most thanked teams this month" in home and "IT Services" in home
