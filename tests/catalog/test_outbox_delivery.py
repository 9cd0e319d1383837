"""Delivering the outbox to a real SMTP server: retries, backoff, giving up, one sender each."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.mail_delivery import (
    RetryPolicy,
    SmtpSettings,
    deliver_due,
    deliver_forever,
)
from catalog.models import OutboxMessage
from catalog.outbox import enqueue

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=60, cap_seconds=600, max_attempts=4)


def compose(message: OutboxMessage) -> tuple[str, str]:
    return f"[{message.data['ref']}] {message.kind}", f"Hello {message.to_address}\n"


def settings_for(server) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, sender="portal@example.com",
                        timeout=5)


def add_messages(session: Session, count: int = 1, **values) -> list[OutboxMessage]:
    messages = [enqueue(session, "submitted", values.get("to", f"person{n}@example.com"), None,
                        {"ref": f"IT-2026-{n:05d}"}) for n in range(1, count + 1)]
    for message in messages:
        message.next_attempt_at = T0
    session.commit()
    return messages


def at(seconds: float):
    return lambda: T0 + timedelta(seconds=seconds)


@pytest.mark.slow
def test_pending_mail_is_sent_once(session, smtp_server):
    add_messages(session, 2)
    smtp_server.start()
    report = deliver_due(session, settings_for(smtp_server), compose, policy=POLICY, now=at(0))
    assert (report.sent, report.retrying, report.given_up) == (2, 0, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == ["person1@example.com",
                                                             "person2@example.com"]
    first = smtp_server.messages[0]
    assert first["Subject"].startswith("[IT-2026-0000") and first["From"] == "portal@example.com"
    assert first.get_content().replace("\r\n", "\n") == f"Hello {first['To']}\n"
    session.expire_all()
    assert {m.status for m in session.scalars(select(OutboxMessage))} == {"sent"}
    # A second pass finds nothing more to send.
    assert deliver_due(session, settings_for(smtp_server), compose, now=at(1)).sent == 0
    assert len(smtp_server.messages) == 2


@pytest.mark.slow
def test_unreachable_server_means_retry_later_with_growing_waits(session, smtp_server):
    [message] = add_messages(session)
    settings = settings_for(smtp_server)  # nothing listens on that port yet
    report = deliver_due(session, settings, compose, policy=POLICY, now=at(0))
    assert (report.sent, report.retrying) == (0, 1)
    session.expire_all()
    assert message.status == "pending" and message.attempts == 1
    assert "cannot reach 127.0.0.1" in message.last_error
    assert message.next_attempt_at == T0 + timedelta(seconds=60)
    # Not due yet: a pass 59 s later does not even try.
    assert deliver_due(session, settings, compose, policy=POLICY, now=at(59)).retrying == 0
    deliver_due(session, settings, compose, policy=POLICY, now=at(60))
    session.expire_all()
    assert message.attempts == 2 and message.next_attempt_at == T0 + timedelta(seconds=180)
    # The server comes back: the next due pass delivers, with the Message-ID of the first try.
    smtp_server.start()
    report = deliver_due(session, settings, compose, policy=POLICY, now=at(180))
    assert report.sent == 1
    session.expire_all()
    assert message.status == "sent" and message.sent_at == T0 + timedelta(seconds=180)
    assert smtp_server.messages[0]["Message-ID"] == message.message_id


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(base_seconds=60, cap_seconds=600, max_attempts=10)
    assert [policy.delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600,
                                                                       600]


@pytest.mark.slow
def test_gives_up_after_the_last_attempt(session, smtp_server):
    [message] = add_messages(session)
    settings = settings_for(smtp_server)
    elapsed = 0.0
    for attempt in range(1, POLICY.max_attempts + 1):
        report = deliver_due(session, settings, compose, policy=POLICY, now=at(elapsed))
        elapsed += POLICY.delay(attempt).total_seconds()
    assert report.given_up == 1
    session.expire_all()
    assert message.status == "failed" and message.attempts == POLICY.max_attempts
    smtp_server.start()
    assert deliver_due(session, settings, compose, policy=POLICY, now=at(10**6)).sent == 0


@pytest.mark.slow
def test_a_refused_address_fails_for_good_and_the_others_still_go(session, smtp_server):
    add_messages(session, 3)
    smtp_server.recorder.refuse = {"person2@example.com"}
    smtp_server.start()
    report = deliver_due(session, settings_for(smtp_server), compose, policy=POLICY, now=at(0))
    assert (report.sent, report.given_up) == (2, 1)
    session.expire_all()
    statuses = dict(session.execute(select(OutboxMessage.to_address, OutboxMessage.status)).all())
    assert statuses == {"person1@example.com": "sent", "person2@example.com": "failed",
                        "person3@example.com": "sent"}


@pytest.mark.slow
def test_a_message_that_cannot_be_written_does_not_block_the_others(session, smtp_server):
    add_messages(session, 2)

    def broken_first(message: OutboxMessage) -> tuple[str, str]:
        if message.to_address == "person1@example.com":
            raise KeyError("missing template value")
        return compose(message)

    smtp_server.start()
    report = deliver_due(session, settings_for(smtp_server), broken_first, policy=POLICY,
                         now=at(0))
    assert (report.sent, report.retrying) == (1, 1)
    assert "cannot compose" in report.errors[0]


@pytest.mark.slow
def test_a_leased_message_is_left_to_its_worker(session, smtp_server):
    [message] = add_messages(session)
    message.lease_token, message.lease_until = "other-worker", T0 + timedelta(minutes=5)
    session.commit()
    smtp_server.start()
    assert deliver_due(session, settings_for(smtp_server), compose, now=at(60)).sent == 0
    # A worker that died keeps nothing forever: after the lease ends, the mail goes out.
    assert deliver_due(session, settings_for(smtp_server), compose, now=at(301)).sent == 1


@pytest.mark.slow
def test_two_workers_at_once_send_every_message_exactly_once(session, engine, smtp_server):
    add_messages(session, 40)
    smtp_server.start()
    start = threading.Barrier(2, timeout=30)
    reports = []

    def worker() -> None:
        with Session(engine) as own:
            start.wait()
            while True:
                report = deliver_due(own, settings_for(smtp_server), compose, batch=5,
                                     now=at(0))
                reports.append(report.sent)
                if not report.sent:
                    break

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    recipients = [m["To"] for m in smtp_server.messages]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    assert sum(reports) == 40
    session.expire_all()
    assert session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 40


@pytest.mark.slow
def test_deliver_forever_keeps_going_until_told_to_stop(session, engine, smtp_server):
    add_messages(session, 1)
    smtp_server.start()
    passes = []

    def stop_when_delivered() -> bool:
        return len(smtp_server.messages) >= 1 and len(passes) >= 2

    with Session(engine) as own:
        deliver_forever(own, settings_for(smtp_server), compose, interval=0,
                        should_stop=stop_when_delivered, on_pass=passes.append,
                        sleep=lambda seconds: None)
    assert [report.sent for report in passes][:2] == [1, 0]
