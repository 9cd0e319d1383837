"""Replies by e-mail: notifications carry a signed Reply-To, and a reply sent with smtplib to
a running `mail-in` server becomes a comment on the right request; forged and stale tokens,
strangers, closed requests and machine-written mail are refused or dropped, writing nothing."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog import workflow
from catalog.mail.reply_address import make_token, reply_address
from catalog.models import Attachment, OutboxMessage, RequestEvent, ServiceRequest
from catalog.submission import submit_request
from catalog.uploads import FileStore
from portal.extensions import db
from portal.mail import reply_secret
from portal.mail_in import ReplyServer
from tests import factories
from tests.request_fixtures import berlin
from tests.smtp_fixtures import free_port

pytestmark = pytest.mark.slow  # each test starts a mail server

REPLY = "portal@example.com"


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(REPLY_ADDRESS=REPLY, SMTP_PORT=smtp_server.port)


@pytest.fixture
def request_(session, it_dept, employee, tmp_path) -> ServiceRequest:
    offering = factories.make_offering(session, it_dept, slug="help", title="Help", form=[])
    session.commit()
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(tmp_path, 1024), now=berlin(2025, 7, 8, 9))
    session.commit()
    return made


@pytest.fixture
def mail_in(mail_app):
    def start(lmtp: bool = False) -> int:
        server = ReplyServer(mail_app, "127.0.0.1", free_port(), lmtp=lmtp)
        server.start()
        started.append(server)
        return server.port

    started: list[ReplyServer] = []
    yield start
    for server in started:
        server.stop()


def address_for(app, ref: str, user_id: int, today: date | None = None) -> str:
    with app.app_context():
        return reply_address(REPLY, reply_secret(), ref, user_id, today or date.today(), 90)


def reply(to: str, sender: str, text: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: your request"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def send(port: int, message: EmailMessage, mail_from: str | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message, from_addr=mail_from)


def written(session) -> tuple[int, int, int]:
    """Events, outbox messages and files: what a refused reply must not add to."""
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(RequestEvent)),
            session.scalar(select(func.count()).select_from(OutboxMessage)),
            session.scalar(select(func.count()).select_from(Attachment)))


def test_a_reply_to_a_notification_becomes_a_comment(mail_app, mail_in, smtp_server, session,
                                                     request_, employee, client, auth):
    smtp_server.start()
    result = mail_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    [notification] = [m for m in smtp_server.messages if m["To"] == "emma@example.com"]
    reply_to = notification["Reply-To"]
    local = reply_to.split("@")[0]
    assert local.startswith(f"portal+{request_.ref}.") and len(local) <= 64
    answer = reply(reply_to, "Emma Employee <emma@example.com>",
                   "Thanks, that works now.\nThe log is attached.\n\n"
                   "-- \nEmma, Sales\n\n"
                   f"On Tue, 8 Jul 2025 at 09:00, IT <{REPLY}> wrote:\n> We received it.\n")
    answer.add_attachment(b"line one\n", maintype="text", subtype="plain", filename="log.txt")
    send(mail_in(), answer, "emma@example.com")

    session.expire_all()
    item = session.get(ServiceRequest, request_.id)
    comment = item.events[-1]
    assert (comment.kind, comment.actor_id) == ("comment", employee.id)
    assert comment.body == "Thanks, that works now.\nThe log is attached.\n\n(log.txt)"
    [attachment] = item.attachments
    assert attachment.filename == "log.txt"
    assert (Path(mail_app.instance_path) / "uploads" / attachment.stored_name).read_bytes() \
        == b"line one\n"
    told = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "requester_comment")).all()
    assert [m.to_address for m in told] == ["it-help@example.com"]
    auth.login(employee)
    page = client.get(f"/requests/{request_.ref}").get_data(as_text=True)
    assert "Thanks, that works now." in page and "Files sent by e-mail" in page
    assert f"/requests/{request_.ref}/attachments/{attachment.id}" in page


def test_a_staff_reply_over_lmtp_answers_the_requester(mail_app, mail_in, session, request_,
                                                       agent):
    port = mail_in(lmtp=True)
    answer = reply(address_for(mail_app, request_.ref, agent.id), "agent@example.com",
                   "We are on it.\n\nAm 08.07.2025 um 09:00 schrieb Emma Employee\n"
                   "<emma@example.com>:\n> Hello\n")
    with smtplib.LMTP("127.0.0.1", port, timeout=10) as lmtp:
        lmtp.send_message(answer)
    session.expire_all()
    item = session.get(ServiceRequest, request_.id)
    assert item.events[-1].body == "We are on it."
    assert item.first_response_at is not None  # the department's reply counts as its answer


def _refused(port: int, message: EmailMessage, reason: str, sender: str | None = None) -> None:
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(port, message, sender)
    assert refused.value.smtp_code == 550
    assert reason in refused.value.smtp_error.decode()


@pytest.mark.parametrize("case", ["forged", "stale", "stranger", "outsider", "closed",
                                  "too long"])
def test_bad_replies_are_refused_with_the_reason_and_write_nothing(
        mail_app, mail_in, session, request_, employee, agent, make_user, case):
    port = mail_in()
    to, sender = address_for(mail_app, request_.ref, employee.id), "emma@example.com"
    reason = "not valid"
    if case == "forged":  # the token of another request, or a changed signature
        local, _, domain = to.partition("@")
        to = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"
    elif case == "stale":
        with mail_app.app_context():
            token = make_token(reply_secret(), request_.ref, employee.id,
                               date.today() - timedelta(days=1))
        to, reason = f"portal+{request_.ref}.{token}@example.com", "has expired"
    elif case == "stranger":  # someone else sends with Emma's reply address
        sender, reason = "mallory@example.com", "given to someone else"
    elif case == "outsider":  # a valid address of a person who may not write there
        carl = make_user(email="carl@example.com", name="Carl")
        to, sender = address_for(mail_app, request_.ref, carl.id), "carl@example.com"
        reason = "Only the requester and the department"
    elif case == "closed":
        workflow.change_status(session, request_, agent, "closed", note="Done.")
        session.commit()
        reason = "is closed"
    text = "Hello again"
    if case == "too long":
        text, reason = "word " * 2500, "please shorten it"
    before = written(session)
    _refused(port, reply(to, sender, text), reason, sender)
    assert written(session) == before


@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"Precedence": "junk"},
    {"List_Id": "<staff.example.com>"}, {"X_Autoreply": "yes"}, {"From": REPLY},
    {"From": "service-portal@example.com"}, {"mail_from": "<>"},
])
def test_machine_written_mail_is_dropped_without_an_answer(mail_app, mail_in, session,
                                                           request_, employee, headers):
    port = mail_in()
    headers = dict(headers)
    mail_from = headers.pop("mail_from", None)
    sender = headers.pop("From", "emma@example.com")
    message = reply(address_for(mail_app, request_.ref, employee.id), sender,
                    "I am out of office until Monday.", **headers)
    before = written(session)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(mail_from if mail_from is not None else sender,
                      [message["To"]], message.as_bytes())
    assert written(session) == before


def test_unknown_recipients_are_refused_at_once(mail_in, request_):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(mail_in(), reply("someone@example.com", "emma@example.com", "Hi"))


def test_the_command_needs_a_reply_address(runner):
    result = runner.invoke(args=["mail-in", "--port", str(free_port())])
    assert result.exit_code != 0
    assert "PORTAL_REPLY_ADDRESS" in result.output


def test_no_reply_to_without_a_reply_address(app, smtp_server, session, request_):
    smtp_server.start()
    app.config["SMTP_PORT"] = smtp_server.port
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
    assert smtp_server.messages and all(m["Reply-To"] is None for m in smtp_server.messages)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) > 0


def test_the_command_serves_until_stopped(database_url, tmp_path, request_):
    """`flask --app portal mail-in` as an operator runs it: answers, then stops on SIGTERM."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    port = free_port()
    env = {**os.environ, "PORTAL_REPLY_ADDRESS": REPLY, "PORTAL_DATABASE_URL": database_url,
           "PORTAL_SECRET_KEY": "test", "PORTAL_INSTANCE_PATH": str(tmp_path / "instance")}
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "mail-in", "--port", str(port)],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        _refused(port, reply(f"portal+{request_.ref}.1-2-abc@example.com",
                             "emma@example.com", "Hi"), "not valid")
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 0
    assert "Receiving replies by SMTP" in errors and "Stopped." in errors
