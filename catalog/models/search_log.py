"""What people searched for, without the person, and the shared synonym list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

SEARCH_SOURCES = ("page", "api")


class SearchLogEntry(Base):
    """One search from the search page or the API.

    Deliberately without user, session, address or any other link to the person: the text as
    normalised, the interface language, the hour, how many results it found and which of them
    was opened first (if any).
    """

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, so a search is named before its row is written (links, the API's search_id).
    token: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)
    # Rounded down to the hour: the exact second could tell who it was.
    searched_at: Mapped[datetime] = mapped_column(index=True)
    query: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(8))
    results: Mapped[int] = mapped_column(default=0)
    opened_offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="SET NULL"))


class SynonymList(Base):
    """One row: the shared synonym list as admins last saved it (none: the shipped list)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
