"""What a health probe reports: can the database answer, is the search index usable, is mail
flowing. Read-only and cheap: one trivial statement, two aggregate ones, one small index read."""

from __future__ import annotations

import logging
import smtplib
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from whoosh.util.filelock import FileLock

from .mail_delivery import SmtpSettings
from .models import OutboxMessage
from .revision import catalog_revision
from .search import store
from .search.schema import SCHEMA_VERSION
from .search.sync import IndexState, read_state

log = logging.getLogger(__name__)

# Index states: the probe is healthy with the first three.
CURRENT, BEHIND, REBUILDING, MISSING, UNREADABLE = (
    "current", "behind", "rebuilding", "missing", "unreadable")


@dataclass(frozen=True)
class MailBacklog:
    pending: int
    oldest_pending_seconds: float | None


def database_answers(session: Session, timeout_ms: int) -> bool:
    """True if the database answers a trivial select (within `timeout_ms` on PostgreSQL)."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
        session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:  # the details go to the log, not to the probe's caller
        log.warning("health: the database does not answer: %s", error)
        return False
    finally:
        with suppress(SQLAlchemyError):  # a connection dropped meanwhile cannot roll back
            session.rollback()


def mail_backlog(session: Session, now: datetime) -> MailBacklog:
    """How many messages wait for delivery, and how long the oldest has waited."""
    pending, oldest = session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == "pending")).one()
    if oldest is not None and oldest.tzinfo is None:  # SQLite's aggregate loses the zone
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else None
    return MailBacklog(int(pending), age)


def index_status(root: Path, session: Session) -> str:
    """CURRENT, BEHIND (the next search catches up), REBUILDING, MISSING or UNREADABLE."""
    if root.is_dir() and _rebuild_running(root):
        return REBUILDING

    def state() -> IndexState:
        with store.open_current(root).searcher() as searcher:
            return read_state(searcher.reader())

    try:
        found = store.without_leaks(state)
    except store.IndexMissing:
        return MISSING
    except store.IndexDamaged:
        return UNREADABLE
    if found == IndexState(catalog_revision(session), SCHEMA_VERSION):
        return CURRENT
    return BEHIND


def _rebuild_running(root: Path) -> bool:
    """True while another process holds the rebuild lock (see store.rebuild_lock)."""
    lock = FileLock(str(root / store.REBUILD_LOCK))
    if not lock.acquire(blocking=False):
        return True
    lock.release()
    return False


def smtp_problem(settings: SmtpSettings) -> str | None:
    """Why the SMTP server cannot take mail (connect, STARTTLS, log in), or None if it can."""
    if not settings.host:
        return "no SMTP host is set"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls()
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        why = str(error) or type(error).__name__
        return f"{settings.host}:{settings.port} does not take mail: {why}"
    return None
