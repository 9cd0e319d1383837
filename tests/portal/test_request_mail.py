"""Notifications end to end: written with the change, delivered by `send-mail` to a real SMTP
server (aiosmtpd) started by the test, also after the server was down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from catalog.models import OutboxMessage, ServiceRequest
from portal import ROOT

pytestmark = pytest.mark.slow  # an SMTP server; `send-mail --loop` in a child process

FROZEN = datetime(2024, 11, 26, 6, 0, tzinfo=UTC)  # Tue 26 Nov 2024, 07:00 in Berlin
SIMPLE_FORM = [{"name": "account", "label": "Account", "type": "text", "required": True,
                "help": ""}]


@pytest.fixture
def mail_app(app, smtp_server, laptop, session):
    """The app pointed at the test SMTP server (which is not started yet)."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port,
                      MAIL_FROM="portal@example.com", BASE_URL="https://portal.example.com")
    laptop.form = SIMPLE_FORM
    session.commit()
    return app


def submit(client, auth, user) -> str:
    auth.login(user)
    response = client.post("/departments/it/new-laptop/request",
                           data={"priority": "normal", "f_account": "jdoe"})
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[-1]


def by_recipient(server) -> dict[str, object]:
    return {message["To"]: message for message in server.messages}


def test_request_sent_while_smtp_is_down_is_kept_and_mailed_once_smtp_is_back(
        mail_app, client, auth, runner, session, smtp_server, employee, monkeypatch):
    monkeypatch.setattr("catalog.submission.utcnow", lambda: FROZEN)
    ref = submit(client, auth, employee)  # nothing listens on the SMTP port
    session.expire_all()
    assert session.scalar(select(ServiceRequest.ref)) == ref
    assert {m.status for m in session.scalars(select(OutboxMessage))} == {"pending"}

    smtp_server.start()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 2" in result.stderr

    mail = by_recipient(smtp_server)
    assert set(mail) == {"emma@example.com", "it-help@example.com"}
    to_requester = mail["emma@example.com"]
    assert to_requester["Subject"] == f"[{ref}] We received your request: Order a new laptop"
    assert to_requester["From"] == "portal@example.com"
    text = to_requester.get_content()
    assert "First response by Tue 26 Nov, 12:00" in text
    assert f"https://portal.example.com/requests/{ref}" in text
    assert mail["it-help@example.com"]["Subject"] == f"[{ref}] New request: Order a new laptop"
    session.expire_all()
    assert {m.status for m in session.scalars(select(OutboxMessage))} == {"sent"}


def test_a_failed_run_is_retried_by_a_later_run(mail_app, client, auth, runner, session,
                                                smtp_server, employee):
    mail_app.config["MAIL_RETRY_SECONDS"] = 0  # no waiting between attempts in this test
    submit(client, auth, employee)
    failed = runner.invoke(args=["send-mail"])
    assert failed.exit_code == 0 and "to retry later 2" in failed.stderr
    assert "cannot reach 127.0.0.1" in failed.stderr
    smtp_server.start()
    delivered = runner.invoke(args=["send-mail"])
    assert "Sent 2" in delivered.stderr and len(smtp_server.messages) == 2
    session.expire_all()
    assert [m.attempts for m in session.scalars(select(OutboxMessage))] == [2, 2]


def test_comments_and_status_changes_are_mailed_in_the_readers_time_zone(
        mail_app, client, auth, runner, session, smtp_server, employee, agent, monkeypatch):
    monkeypatch.setattr("catalog.submission.utcnow", lambda: FROZEN)
    employee.timezone = "America/New_York"
    session.commit()
    ref = submit(client, auth, employee)
    auth.login(agent)
    client.post(f"/requests/{ref}/comments", data={"body": "Which floor?"})
    client.post(f"/manage/queue/requests/{ref}/status",
                data={"status": "resolved", "note": "Done."})
    auth.login(employee)
    client.post(f"/requests/{ref}/comments", data={"body": "Thanks!"})
    smtp_server.start()
    runner.invoke(args=["send-mail"])
    subjects = sorted((m["To"], m["Subject"]) for m in smtp_server.messages)
    assert subjects == [
        ("emma@example.com", f"[{ref}] New message from IT Services"),
        ("emma@example.com", f"[{ref}] Order a new laptop: Resolved"),
        ("emma@example.com", f"[{ref}] We received your request: Order a new laptop"),
        ("it-help@example.com", f"[{ref}] Emma Employee wrote"),
        ("it-help@example.com", f"[{ref}] New request: Order a new laptop"),
    ]
    received = next(m for m in smtp_server.messages if "We received" in m["Subject"])
    assert "First response by Tue 26 Nov, 06:00" in received.get_content()  # 12:00 in Berlin
    to_department = next(m for m in smtp_server.messages if "New request" in m["Subject"])
    assert "First response by Tue 26 Nov, 12:00" in to_department.get_content()
    comment = next(m for m in smtp_server.messages if "New message" in m["Subject"])
    assert "Adam Agent wrote" in comment.get_content() and "Which floor?" in \
        comment.get_content()
    status = next(m for m in smtp_server.messages if "Resolved" in m["Subject"])
    assert "Done." in status.get_content()


def test_send_mail_loop_delivers_until_stopped(mail_app, client, auth, session, smtp_server,
                                              employee, database_url):
    submit(client, auth, employee)
    session.close()
    smtp_server.start()
    env = {**os.environ, "PORTAL_DATABASE_URL": database_url,
           "PORTAL_INSTANCE_PATH": mail_app.instance_path, "PORTAL_SECRET_KEY": "test",
           "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(smtp_server.port)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "send-mail", "--loop",
         "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        arrived = smtp_server.recorder.wait_for(2, timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)
    assert arrived, errors
    assert worker.returncode == 0, errors
    assert "Sent 2" in errors and "Stopped." in errors
    assert len(smtp_server.messages) == 2
