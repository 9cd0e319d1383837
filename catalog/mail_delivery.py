"""Delivering the outbox over SMTP, with retries and exponential backoff.

A pass claims due messages with a lease (one UPDATE, so two workers never take the same
message), sends them over one SMTP connection, and records each outcome. Nothing is held
locked while talking to the mail server. A message whose attempts fail is retried after
base, 2 x base, 4 x base ... (capped) and given up after `max_attempts`.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from .mail.reply_address import reply_address
from .models import OutboxMessage, utcnow

Compose = Callable[[OutboxMessage], tuple[str, str]]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "service-portal@example.com"
    timeout: float = 10.0
    # Replies to notifications (docs/mail-in.md): the base address, e.g. portal@example.com
    # (None: no Reply-To), the key that signs reply tokens, and their days of validity.
    reply_address: str | None = None
    reply_secret: bytes = b""
    reply_days: int = 90


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 60.0
    cap_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 300.0

    def delay(self, attempts: int) -> timedelta:
        """The wait before the next attempt, after `attempts` failed ones."""
        return timedelta(seconds=min(self.cap_seconds, self.base_seconds * 2 ** (attempts - 1)))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.given_up += other.given_up
        self.errors += other.errors


class PermanentFailure(Exception):
    """The server refused the message for good (5xx); retrying will not help."""


def claim(session: Session, now: datetime, policy: RetryPolicy, batch: int,
          token: str | None = None) -> list[OutboxMessage]:
    """Lease up to `batch` due messages to this worker (under `token`) and commit the lease."""
    token = token or secrets.token_hex(16)
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), OutboxMessage.status == "pending",
               or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .values(lease_token=token, lease_until=now + timedelta(seconds=policy.lease_seconds)),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    # populate_existing: objects a session already holds must show the lease just written.
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.lease_token == token)
        .order_by(OutboxMessage.id).execution_options(populate_existing=True)
    ))


def build_email(message: OutboxMessage, settings: SmtpSettings, compose: Compose) -> EmailMessage:
    """The e-mail for an outbox message; its Message-ID is kept for retries."""
    if message.message_id is None:
        domain = settings.sender.rpartition("@")[2] or "localhost"
        message.message_id = make_msgid(domain=domain)
    subject, body = compose(message)
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to_address
    email["Subject"] = subject
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    reply_to = _reply_to(message, settings)
    if reply_to:
        email["Reply-To"] = reply_to
    email.set_content(body)
    return email


def _reply_to(message: OutboxMessage, settings: SmtpSettings) -> str | None:
    """A signed address for answering by mail: only in mail about a request to a user."""
    ref = message.data.get("ref") if isinstance(message.data, dict) else None
    if not settings.reply_address or message.recipient_id is None or not ref:
        return None
    return reply_address(settings.reply_address, settings.reply_secret, ref,
                         message.recipient_id, utcnow().date(), settings.reply_days)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send(smtp: smtplib.SMTP, email: EmailMessage) -> None:
    try:
        refused = smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentFailure(str(error.recipients)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPSenderRefused):
            raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise
    if refused:
        raise PermanentFailure(str(refused))


def _failed(message: OutboxMessage, error: str, now: datetime, policy: RetryPolicy,
            permanent: bool, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.lease_token = message.lease_until = None
    report.errors.append(f"#{message.id} to {message.to_address}: {error}")
    if permanent or message.attempts >= policy.max_attempts:
        message.status = "failed"
        report.given_up += 1
    else:
        message.next_attempt_at = now + policy.delay(message.attempts)
        report.retrying += 1


def deliver_due(session: Session, settings: SmtpSettings, compose: Compose, *,
                policy: RetryPolicy = RetryPolicy(), batch: int = 50,
                now: Callable[[], datetime] = utcnow, lease: str | None = None
                ) -> DeliveryReport:
    """One pass: send what is due now; a server that cannot be reached fails the whole batch.

    `lease`: the token the pass claims its messages under (a fresh one if not given)."""
    report = DeliveryReport()
    messages = claim(session, now(), policy, batch, lease)
    if not messages:
        return report
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            _failed(message, f"cannot reach {settings.host}:{settings.port}: {error}", now(),
                    policy, False, report)
        session.commit()
        return report
    try:
        for position, message in enumerate(messages):
            try:
                email = build_email(message, settings, compose)
            except Exception as error:  # one message that cannot be written must not stop all
                _failed(message, f"cannot compose the message: {error!r}", now(), policy, False,
                        report)
                session.commit()
                continue
            try:
                _send(smtp, email)
            except PermanentFailure as error:
                _failed(message, str(error), now(), policy, True, report)
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, str(error) or type(error).__name__, now(), policy, False, report)
                if isinstance(error, (smtplib.SMTPServerDisconnected, socket.timeout)):
                    smtp = _reconnect(smtp, settings)
                    if smtp is None:  # the rest wait for their retry, not for the lease
                        for rest in messages[position + 1:]:
                            _failed(rest, f"cannot reach {settings.host}:{settings.port}",
                                    now(), policy, False, report)
                        session.commit()
                        break
            else:
                message.status, message.sent_at = "sent", now()
                message.attempts += 1
                message.lease_token = message.lease_until = None
                report.sent += 1
            session.commit()  # each outcome is kept, even if a later message breaks the pass
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return report


def _reconnect(smtp: smtplib.SMTP, settings: SmtpSettings) -> smtplib.SMTP | None:
    smtp.close()
    try:
        return _connect(settings)
    except (OSError, smtplib.SMTPException):
        return None  # the rest keep their lease and are taken again when it ends


def release(session: Session, leases: set[str]) -> None:
    """Give back the messages still pending under these leases, due again now."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.lease_token.in_(leases), OutboxMessage.status == "pending")
        .values(lease_token=None, lease_until=None),
        execution_options={"synchronize_session": False},
    )
    session.commit()


def deliver_forever(session: Session, settings: SmtpSettings, compose: Compose, *,
                    policy: RetryPolicy = RetryPolicy(), interval: float = 30.0,
                    should_stop: Callable[[], bool] = lambda: False,
                    on_pass: Callable[[DeliveryReport], None] = lambda report: None,
                    sleep: Callable[[float], None] = time.sleep) -> None:
    """Deliver, wait `interval` seconds (less while more is due), repeat until told to stop.

    The database going away (a restart, a failover) does not end the loop: the pass is
    abandoned, and once the database answers again the messages it had claimed are given
    back at once instead of waiting for their lease to run out. (A message sent just before
    the connection dropped, whose outcome was not stored, is sent again: at least once.)
    """
    interrupted: set[str] = set()
    while not should_stop():
        lease = secrets.token_hex(16)
        try:
            if interrupted:
                release(session, interrupted)
                interrupted.clear()
            report = deliver_due(session, settings, compose, policy=policy, lease=lease)
        except (OperationalError, InterfaceError) as error:
            interrupted.add(lease)
            log.warning("the database is unavailable; mail waits for it: %s", error)
            session.close()
            sleep(interval)
            continue
        on_pass(report)
        session.close()
        if not report.sent or report.retrying or report.given_up:
            sleep(interval)
