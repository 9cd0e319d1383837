"""Writing the search log: one INSERT per search, one UPDATE when a result is opened.

No user id, session, address, cookie or exact time is stored: a row cannot be linked to a
person or to the person's other searches.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from ..models import SEARCH_SOURCES, SearchLogEntry
from ..models.base import utcnow
from ..search.query import clean_text

MAX_QUERY = 200


def normalised_query(text: str | None) -> str:
    """The query as logged and grouped: cleaned, lower case, single spaces."""
    return clean_text(text).casefold()[:MAX_QUERY]


def on_the_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def record_search(session: Session, text: str | None, language: str, results: int,
                  source: str, now: datetime | None = None) -> int | None:
    """Log one search; returns the entry's id (None for an empty query: nothing searched)."""
    query = normalised_query(text)
    if not query or source not in SEARCH_SOURCES:
        return None
    return session.execute(insert(SearchLogEntry).values(
        searched_at=on_the_hour(now or utcnow()), query=query, language=language[:8],
        source=source, results=max(0, results)).returning(SearchLogEntry.id)).scalar_one()


def record_opening(session: Session, entry_id: int, offering_id: int) -> bool:
    """Note the first result opened from a logged search; False if there is nothing to note."""
    done = session.execute(update(SearchLogEntry).where(
        SearchLogEntry.id == entry_id, SearchLogEntry.opened_offering_id.is_(None),
        SearchLogEntry.results > 0).values(opened_offering_id=offering_id))
    return bool(done.rowcount)


def purge_search_log(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete entries older than `days` days (0 or less: keep everything)."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    return session.execute(delete(SearchLogEntry).where(
        SearchLogEntry.searched_at < cutoff)).rowcount or 0
