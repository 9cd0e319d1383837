"""The worker posts webhook deliveries: `deliver-webhooks` (one pass) and `send-mail --loop`
(after each pass); `webhooks add|list` register and list hooks from the command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import WEBHOOK_EVENTS, AuditEntry, Webhook
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories
from tests.smtp_fixtures import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def local_receivers(app):
    app.config["WEBHOOK_ALLOW_HTTP"] = True


@pytest.fixture
def help_desk(session, it_dept):
    offering = factories.make_offering(session, it_dept, slug="help", title="Help desk", form=[])
    session.commit()
    return offering


def submit(session, offering, employee, tmp_path):
    request = submit_request(session, offering, employee, priority="normal", values={},
                             store=FileStore(tmp_path, 1024))
    session.commit()
    return request


def test_webhooks_add_prints_the_secret_once_and_list_shows_the_hook(runner, session, it_dept,
                                                                     receiver):
    added = runner.invoke(args=["webhooks", "add", receiver.url, "--event", "request.created",
                                "--department", "it", "--format", "slack"])
    assert added.exit_code == 0, added.output
    session.expire_all()
    hook = session.scalar(select(Webhook))
    assert f"Webhook {hook.id} registered" in added.output and hook.secret in added.output
    assert (hook.events, hook.format, hook.department_id) == (
        ["request.created"], "slack", it_dept.id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.registered"))
    assert entry.actor_label == "command line"
    listed = runner.invoke(args=["webhooks", "list"])
    assert listed.exit_code == 0
    assert listed.output.split("\t") == [str(hook.id), "active", "it", "slack",
                                         "request.created", receiver.url + "\n"]
    assert hook.secret not in listed.output

    everything = runner.invoke(args=["webhooks", "add", receiver.url + "/all"])
    assert everything.exit_code == 0, everything.output
    session.expire_all()
    assert session.scalars(select(Webhook)).all()[-1].events == list(WEBHOOK_EVENTS)  # all


def test_webhooks_add_takes_the_receivers_own_secret(runner, session, receiver):
    mine = "s3cret-of-the-receiver-0123456789"
    added = runner.invoke(args=["webhooks", "add", receiver.url, "--secret", mine])
    assert added.exit_code == 0 and mine in added.output
    session.expire_all()
    assert session.scalar(select(Webhook)).secret == mine
    short = runner.invoke(args=["webhooks", "add", receiver.url, "--secret", "short"])
    assert short.exit_code == 1 and "24 to 100 characters" in short.output


def test_webhooks_add_refuses_a_private_address(runner, app, session):
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    refused = runner.invoke(args=["webhooks", "add", "https://192.168.1.10/hook"])
    assert refused.exit_code == 1
    assert "private network" in refused.output
    session.expire_all()
    assert session.scalar(select(Webhook)) is None


def test_deliver_webhooks_makes_one_pass(runner, session, help_desk, employee, receiver,
                                         tmp_path):
    runner.invoke(args=["webhooks", "add", receiver.url, "--event", "request.created"])
    request = submit(session, help_desk, employee, tmp_path)
    receiver.status = 500
    failed = runner.invoke(args=["deliver-webhooks"])
    assert failed.exit_code == 0
    assert "HTTP 500" in failed.output and "to retry later 1" in failed.output
    receiver.status = 200
    again = runner.invoke(args=["deliver-webhooks"])
    assert "delivered 0, to retry later 0" in again.output  # not due before its backoff
    assert [e["data"]["ref"] for e in receiver.events] == [request.ref]


@pytest.mark.slow
def test_the_mail_worker_loop_posts_webhooks(app, session, help_desk, employee, receiver,
                                             tmp_path, database_url):
    session.add(Webhook(url=receiver.url, events=["request.created"], secret="whsec_test"))
    session.commit()
    request = submit(session, help_desk, employee, tmp_path)
    session.close()
    env = {**os.environ, "PORTAL_DATABASE_URL": database_url,
           "PORTAL_INSTANCE_PATH": app.instance_path, "PORTAL_SECRET_KEY": "test",
           "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(free_port()),
           "PORTAL_WEBHOOK_ALLOW_HTTP": "true"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "send-mail", "--loop",
         "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors
    assert [e["data"]["ref"] for e in receiver.events] == [request.ref]
    assert receiver.received[0].verifies("whsec_test")
    assert "Webhooks: delivered 1" in errors


def test_worker_once_delivers_mail_and_webhooks_in_one_round(app, runner, session, help_desk,
                                                            employee, receiver, smtp_server,
                                                            tmp_path):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    smtp_server.start()
    session.add(Webhook(url=receiver.url, events=["request.created"], secret="whsec_test"))
    session.commit()
    request = submit(session, help_desk, employee, tmp_path)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [e["data"]["ref"] for e in receiver.events] == [request.ref]
    assert any(request.ref in message["Subject"] for message in smtp_server.messages)
