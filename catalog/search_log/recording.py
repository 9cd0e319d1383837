"""Writing the search log: a row per search, an UPDATE when a result is opened.

No user id, session, address, cookie or exact time is stored: a row cannot be linked to a
person or to the person's other searches. A search is named by a random `token` (not a
counter), so that rows can be made without the database and written in batches
(portal/search/log.py): a link or API answer names its search before the row exists.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, update
from sqlalchemy.orm import Session

from ..models import SEARCH_SOURCES, SearchLogEntry
from ..models.base import utcnow
from ..search.query import clean_text

MAX_QUERY = 200
TOKEN_LIMIT = 2**53  # tokens stay exact as JSON numbers


def normalised_query(text: str | None) -> str:
    """The query as logged and grouped: cleaned, lower case, single spaces."""
    return clean_text(text).casefold()[:MAX_QUERY]


def on_the_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def search_entry(text: str | None, language: str, results: int, source: str,
                 now: datetime | None = None) -> dict[str, Any] | None:
    """The log row of one search, named by its new `token` (None for an empty query:
    nothing was searched)."""
    query = normalised_query(text)
    if not query or source not in SEARCH_SOURCES:
        return None
    return {"token": 1 + secrets.randbelow(TOKEN_LIMIT - 1),
            "searched_at": on_the_hour(now or utcnow()), "query": query,
            "language": language[:8], "source": source, "results": max(0, results)}


def write_searches(connection: Connection | Session, entries: list[dict[str, Any]]) -> None:
    """Insert log rows made by `search_entry`, in one statement."""
    if entries:
        connection.execute(insert(SearchLogEntry), entries)


def record_search(session: Session, text: str | None, language: str, results: int,
                  source: str, now: datetime | None = None) -> int | None:
    """Log one search at once; returns its token (None for an empty query)."""
    entry = search_entry(text, language, results, source, now)
    if entry is None:
        return None
    write_searches(session, [entry])
    return entry["token"]


def record_opening(connection: Connection | Session, token: int, offering_id: int) -> bool:
    """Note the first result opened from a logged search; False if there is nothing to note
    (no such search, or not yet written; one opened already; it found nothing)."""
    done = connection.execute(update(SearchLogEntry).where(
        SearchLogEntry.token == token, SearchLogEntry.opened_offering_id.is_(None),
        SearchLogEntry.results > 0).values(opened_offering_id=offering_id))
    return bool(done.rowcount)


def purge_search_log(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete entries older than `days` days (0 or less: keep everything)."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    return session.execute(delete(SearchLogEntry).where(
        SearchLogEntry.searched_at < cutoff)).rowcount or 0
