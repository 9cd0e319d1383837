"""Warnings and digests already sent, so that each goes out once, whatever restarts or runs
twice: the unique constraints make a second worker's insert fail instead of mailing again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

ALERT_KINDS = ("first_response_warning", "first_response_breach", "resolution_warning",
               "resolution_breach")


class SentAlert(Base):
    """One warning (a target nearly used up) or escalation (a target missed) of a request."""

    __tablename__ = "sent_alert"
    __table_args__ = (UniqueConstraint("request_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentDigest(Base):
    """The daily digest of one agent for one day (in the agent's time zone)."""

    __tablename__ = "sent_digest"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
