"""`people export EMAIL` writes everything stored about a person; `people forget EMAIL` removes
their name, e-mail, answers, texts and files but keeps the counts adherence needs."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, cast, select

from catalog import adherence, audit, feedback
from catalog.models import ApiToken, AuditEntry, Base, ServiceRequest, User, UserSession
from catalog.people import sessions, tokens
from catalog.recognition import send_thanks
from catalog.submission import submit_request
from catalog.uploads import FileStore, Upload
from catalog.workflow import add_comment, change_status
from tests import factories
from tests.request_fixtures import answers, berlin

SECRET_TOKEN_NAME = "backup script"


@pytest.fixture
def history(app, session, laptop, employee, agent, contractor):
    """Emma's request with a file, a conversation, a poor rating answered, and thanks; Adam's
    comment greets her by name; another person's request beside it."""
    store = FileStore(Path(app.instance_path) / "uploads", 1024 * 1024)
    start = berlin(2026, 3, 2, 9)
    item = submit_request(session, laptop, employee, priority="normal", store=store,
                          values=answers(summary="Laptop for Emma Employee",
                                         contact="emma@example.com",
                                         quote=Upload("Emma Employee quote.pdf",
                                                      BytesIO(b"%PDF quote"))),
                          now=start)
    add_comment(session, item, agent, "Hi Emma Employee, which model?",
                now=start + timedelta(hours=1))
    add_comment(session, item, employee, "The developer one, thanks",
                now=start + timedelta(hours=2))
    change_status(session, item, agent, "resolved", "Delivered to emma@example.com",
                  now=start + timedelta(hours=5))
    rating = feedback.give_feedback(session, item, employee, 2, "Slow, said Emma Employee",
                                    now=start + timedelta(hours=6))
    feedback.answer_follow_up(session, rating.follow_up, agent, "Sorry, Emma",
                              now=start + timedelta(hours=7))
    send_thanks(session, item, employee, "Thanks from Emma Employee", to_person=True,
                show_name=True, now=start + timedelta(hours=8))
    other = _other_request(session, laptop, contractor, store, start)
    tokens.issue_token(session, employee, name=SECRET_TOKEN_NAME)
    sessions.start_session(session, employee, lifetime=timedelta(hours=1))
    session.commit()
    return {"request": item, "other": other, "store": store}


def _other_request(session, laptop, person, store, start):
    laptop.audience = ["employee", "contractor"]
    item = submit_request(session, laptop, person, priority="high", store=store,
                          values=answers(quote=Upload("carl.pdf", BytesIO(b"%PDF carl"))),
                          now=start + timedelta(days=1))
    change_status(session, item, item.department.roles[0].user, "in_progress", "On it",
                  now=start + timedelta(days=1, hours=1))
    return item


def test_export_writes_everything_stored_about_a_person(runner, session, history, employee,
                                                        tmp_path):
    audit.record(session, actor=audit.COMMAND_LINE, action="user.deactivated",
                 subject=audit.user_subject(employee))
    session.commit()
    result = runner.invoke(args=["people", "export", "emma@example.com"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["account"]["email"] == "emma@example.com"
    assert data["account"]["name"] == "Emma Employee"
    [request] = data["requests"]
    assert request["ref"] == history["request"].ref
    assert request["answers"]["summary"] == "Laptop for Emma Employee"
    assert [a["filename"] for a in request["attachments"]] == ["Emma Employee quote.pdf"]
    assert "The developer one, thanks" in [e["body"] for e in request["events"]]
    assert request["rating"]["rating"] == 2 and request["follow_up"]["answer"] == "Sorry, Emma"
    assert request["thanks"]["message"] == "Thanks from Emma Employee"
    assert [t["name"] for t in data["tokens"]] == [SECRET_TOKEN_NAME]
    assert len(data["sessions"]) == 1
    assert "user.deactivated" in [entry["action"] for entry in data["audit_log"]]
    secrets = [employee.password_hash,
               *session.scalars(select(ApiToken.token_hash)),
               *session.scalars(select(UserSession.key_hash))]
    assert len(secrets) == 3 and not any(secret in result.stdout for secret in secrets)
    output = tmp_path / "emma.json"
    result = runner.invoke(args=["people", "export", "emma@example.com", "--output",
                                 str(output)])
    assert result.exit_code == 0
    assert json.loads(output.read_text()) == data
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600


def test_export_of_an_unknown_person_fails(runner, session):
    result = runner.invoke(args=["people", "export", "nobody@example.com"])
    assert result.exit_code != 0 and "no account" in result.output


def _every_text_value(session) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text, string and JSON value in the database."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                expression = column
            elif isinstance(column.type, JSON):
                expression = cast(column, Text)
            else:
                continue
            for (value,) in session.execute(select(expression).where(expression.is_not(None))):
                found.append((table.name, column.name, value))
    return found


def _mentions(session, *needles: str) -> list[tuple[str, str, str]]:
    return [(table, column, value) for table, column, value in _every_text_value(session)
            if any(needle.lower() in value.lower() for needle in needles)]


def test_forget_removes_name_email_texts_and_files_but_not_the_adherence(
        runner, session, history, it_dept, laptop, employee):
    now = datetime(2026, 4, 1, tzinfo=UTC)
    before = (adherence.records(session, "department", [it_dept.id], now),
              adherence.records(session, "offering", [laptop.id], now),
              feedback.rating_summaries(session), feedback.follow_up_summaries(session))
    files = sorted(p.name for p in history["store"].directory.iterdir())
    assert len(files) == 2
    assert _mentions(session, "Emma Employee", "emma@example.com")  # the check can see them
    result = runner.invoke(args=["people", "forget", "emma@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert _mentions(session, "Emma Employee", "emma@example.com") == []
    after = (adherence.records(session, "department", [it_dept.id], now),
             adherence.records(session, "offering", [laptop.id], now),
             feedback.rating_summaries(session), feedback.follow_up_summaries(session))
    assert after == before
    item = session.get(ServiceRequest, history["request"].id)
    assert (item.status, item.created_at, item.resolved_at, item.first_response_at) == (
        "resolved", history["request"].created_at, history["request"].resolved_at,
        history["request"].first_response_at)
    assert item.answers == {} and item.attachments == [] and item.purged_at is not None
    assert "The developer one, thanks" not in [e.body for e in item.events]
    # Only Emma's file is gone; the other request keeps its answers and file.
    assert len(list(history["store"].directory.iterdir())) == 1
    other = session.get(ServiceRequest, history["other"].id)
    assert other.answers["summary"] == "A laptop for Jo" and len(other.attachments) == 1
    user = session.get(User, employee.id)
    assert not user.active and user.password_hash is None
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.forgotten"))
    assert entry.subject == f"user:{employee.id}" and entry.details["requests"] == 1


def test_forget_finds_mentions_in_any_case_and_leaves_namesakes_alone(
        runner, session, history, agent):
    gemma = User(email="gemma@example.com", name="Gemma Employee-Smith", audience="employee")
    session.add(gemma)
    other = history["other"]
    add_comment(session, other, agent, "As EMMA EMPLOYEE asked, cc Emma@Example.com; "
                "Gemma Employee-Smith and gemma@example.com too",
                now=other.created_at + timedelta(hours=3))
    session.commit()
    result = runner.invoke(args=["people", "forget", "emma@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    left = [value.replace("Gemma Employee-Smith", "").replace("gemma@example.com", "")
            for _table, _column, value in _mentions(session, "Emma Employee", "emma@example.com")]
    assert left and not [value for value in left if "emma" in value.lower()]
    assert session.get(User, gemma.id).email == "gemma@example.com"  # can still sign in
    assert other.events[-1].body == ("As [removed] asked, cc [removed]; "
                                     "Gemma Employee-Smith and gemma@example.com too")


def test_a_forgotten_name_in_an_offering_is_no_longer_found_by_search(
        client, runner, session, it_dept, employee):
    factories.make_offering(session, it_dept, slug="badges", title="Door badges",
                            description="Ask Emma Employee about lost badges.")
    session.commit()
    assert client.get("/api/v1/search?q=Emma").get_json()["total"] == 1  # indexed
    result = runner.invoke(args=["people", "forget", "emma@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/search?q=Emma").get_json()["total"] == 0
    assert client.get("/api/v1/search?q=badges").get_json()["total"] == 1
    page = client.get("/departments/it/badges").get_data(as_text=True)
    assert "Ask [removed] about lost badges." in page and "Emma" not in page


def test_a_forgotten_person_cannot_sign_in(runner, client, auth, session, history, employee):
    auth.login(employee)
    assert client.get("/requests/").status_code == 200
    runner.invoke(args=["people", "forget", "emma@example.com", "--yes"])
    assert client.get("/requests/").status_code == 302  # the open session has ended
    client.post("/logout")
    response = client.post("/login", data={"email": "emma@example.com",
                                           "password": "secret-pass"})
    assert response.status_code == 200
    assert "E-mail or password is not right." in response.get_data(as_text=True)


def test_forget_asks_before_it_removes_anything(runner, session, history):
    result = runner.invoke(args=["people", "forget", "emma@example.com"], input="n\n")
    assert result.exit_code != 0
    session.expire_all()
    assert session.scalar(select(User).where(User.email == "emma@example.com")) is not None
