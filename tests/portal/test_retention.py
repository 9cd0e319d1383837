"""PORTAL_RETENTION_MONTHS: answers, texts and files of requests closed longer than that are
removed by `purge` and by the mail worker; the rows, dates and ratings' numbers stay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import update

from catalog import adherence, feedback
from catalog.models import ServiceRequest
from catalog.submission import submit_request
from catalog.uploads import FileStore, Upload
from catalog.workflow import add_comment, change_status
from tests.request_fixtures import answers

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC)


@pytest.fixture
def requests(app, session, laptop, employee, agent):
    """An old closed request, a recently closed one, and an old one still open."""
    store = FileStore(Path(app.instance_path) / "uploads", 1024 * 1024)
    made = {}
    for name, status in (("old", "closed"), ("recent", "closed"), ("open", "in_progress")):
        item = submit_request(session, laptop, employee, priority="normal", store=store,
                              values=answers(summary=f"The {name} one",
                                             quote=Upload(f"{name}.pdf", BytesIO(b"%PDF"))))
        add_comment(session, item, employee, f"A comment on the {name} one")
        change_status(session, item, agent, "resolved", "Done")
        if status == "closed":
            feedback.give_feedback(session, item, employee, 4, f"Fine, the {name} one")
            change_status(session, item, agent, "closed", "")
        else:
            change_status(session, item, agent, "in_progress", "Reopened")
        session.flush()
        made[name] = item
    session.commit()
    for name, age in (("old", 300), ("recent", 20), ("open", 300)):
        session.execute(update(ServiceRequest).where(ServiceRequest.id == made[name].id)
                        .values(updated_at=NOW - timedelta(days=age)))
    session.commit()
    return {"store": store, **made}


def _figures(session, department_id):
    return (adherence.records(session, "department", [department_id], NOW.replace(
        hour=0, minute=0, second=0, microsecond=0)), feedback.rating_summaries(session))


def _state(session, item):
    session.expire_all()
    item = session.get(ServiceRequest, item.id)
    return {"answers": item.answers, "files": [a.filename for a in item.attachments],
            "comments": [e.body for e in item.events if e.kind == "comment"],
            "status": item.status, "created_at": item.created_at, "purged": item.purged_at}


def test_purge_removes_what_closed_requests_said_after_the_retention_period(
        make_app, session, requests, it_dept):
    before = _figures(session, it_dept.id)
    old_created = requests["old"].created_at
    result = make_app(RETENTION_MONTHS=6).test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 request(s) and 1 file(s)." in result.output
    old = _state(session, requests["old"])
    assert old["answers"] == {} and old["files"] == [] and old["purged"] is not None
    assert old["comments"] == ["[removed]"]
    assert (old["status"], old["created_at"]) == ("closed", old_created)
    for name in ("recent", "open"):  # closed too recently, or not closed at all
        kept = _state(session, requests[name])
        assert kept["answers"]["summary"] == f"The {name} one" and kept["purged"] is None
        assert kept["files"] == [f"{name}.pdf"]
    assert len(list(requests["store"].directory.iterdir())) == 2
    assert _figures(session, it_dept.id) == before


def test_without_a_retention_period_nothing_is_purged(runner, session, requests):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "not set" in result.output
    assert _state(session, requests["old"])["answers"]["summary"] == "The old one"


@pytest.mark.parametrize("months", [-1, 0.5, "six"])
def test_a_retention_period_that_is_no_whole_number_purges_nothing(make_app, session, requests,
                                                                   months):
    result = make_app(RETENTION_MONTHS=months).test_cli_runner().invoke(args=["purge"])
    assert result.exit_code != 0 and "whole number of months" in result.output
    for name in ("old", "recent"):
        assert _state(session, requests[name])["purged"] is None


@pytest.mark.slow
def test_the_mail_worker_purges(app, session, requests, database_url):
    environment = {**os.environ, "PORTAL_DATABASE_URL": database_url,
                   "PORTAL_SECRET_KEY": "test", "PORTAL_RETENTION_MONTHS": "6",
                   "PORTAL_INSTANCE_PATH": app.instance_path,
                   "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": "9"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "send-mail", "--loop",
         "--interval", "0.2"], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while _state(session, requests["old"])["purged"] is None:
            assert time.monotonic() < deadline, "the worker did not purge"
            assert worker.poll() is None, worker.stderr.read()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=20)
    assert "Purged 1 expired request(s) and 1 file(s)." in errors
    assert _state(session, requests["recent"])["purged"] is None
