"""The mail worker outlives its database or SMTP server going away (a restart, a failover): it
waits, then delivers; messages of an interrupted pass are due again at once or after their retry
delay, not held until their lease runs out."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from catalog.mail_delivery import RetryPolicy, SmtpSettings, deliver_due, deliver_forever
from catalog.models import Base, OutboxMessage
from catalog.outbox import enqueue

pytestmark = pytest.mark.slow
# A lease far longer than the test: a message is taken again only if the worker gives it back.
POLICY = RetryPolicy(base_seconds=0, cap_seconds=0, max_attempts=5, lease_seconds=3600)


def compose(message: OutboxMessage) -> tuple[str, str]:
    return f"[{message.data['ref']}] received", "Hello\n"


def settings_for(server) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)


def add_message(session: Session, ref: str) -> None:
    enqueue(session, "submitted", "emma@example.com", None, {"ref": ref})
    session.commit()


def test_worker_keeps_running_while_the_database_is_away(tmp_path, smtp_server):
    path, away = tmp_path / "portal.sqlite3", tmp_path / "moved-away.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        add_message(session, "IT-2026-00001")
    smtp_server.start()
    sleeps = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:      # the database goes away: new connections find no tables
            path.rename(away)
            engine.dispose()
        elif len(sleeps) == 3:    # and comes back, with a new message waiting
            away.replace(path)
            engine.dispose()
            with Session(engine) as session:
                add_message(session, "IT-2026-00002")

    with Session(engine) as worker:
        deliver_forever(worker, settings_for(smtp_server), compose, policy=POLICY,
                        interval=0, sleep=sleep,
                        should_stop=lambda: len(smtp_server.messages) >= 2 or len(sleeps) > 8)

    assert [m["Subject"] for m in smtp_server.messages] == ["[IT-2026-00001] received",
                                                            "[IT-2026-00002] received"]
    engine.dispose()


def test_messages_of_a_dropped_pass_are_taken_again_without_waiting_for_the_lease(
        engine, session, smtp_server):
    if engine.dialect.name != "postgresql":
        pytest.skip("terminates the worker's PostgreSQL connection")
    add_message(session, "IT-2026-00003")
    smtp_server.start()
    sleeps = []
    with Session(engine) as worker:
        def compose_then_drop_the_connection(message: OutboxMessage) -> tuple[str, str]:
            if not sleeps:  # the first pass: the server ends the worker's connection
                pid = worker.execute(text("SELECT pg_backend_pid()")).scalar_one()
                with engine.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            return compose(message)

        deliver_forever(worker, settings_for(smtp_server), compose_then_drop_the_connection,
                        policy=POLICY, interval=0, sleep=sleeps.append,
                        should_stop=lambda: len(sleeps) > 4)

    session.expire_all()
    assert session.scalars(select(OutboxMessage.status)).all() == ["sent"]
    # Sent before the connection dropped and again after (its outcome was lost): at least once.
    assert [m["Subject"] for m in smtp_server.messages] == ["[IT-2026-00003] received"] * 2


def test_smtp_going_away_in_a_pass_leaves_the_rest_due_for_a_retry(session, smtp_server):
    for number in (4, 5, 6):
        add_message(session, f"IT-2026-0000{number}")
    smtp_server.start()
    composed = []

    def compose_while_smtp_stops(message: OutboxMessage) -> tuple[str, str]:
        composed.append(message.id)
        if len(composed) == 2:   # the server goes away after the first message
            smtp_server.stop()
        return compose(message)

    report = deliver_due(session, settings_for(smtp_server), compose_while_smtp_stops,
                         policy=POLICY)

    assert (report.sent, report.retrying) == (1, 2)
    session.expire_all()
    rows = session.execute(select(OutboxMessage.status, OutboxMessage.lease_token,
                                  OutboxMessage.attempts).order_by(OutboxMessage.id)).all()
    # Not held under a lease for an hour: due again after the retry delay (0 s here).
    assert rows == [("sent", None, 1), ("pending", None, 1), ("pending", None, 1)]
