"""Mail waiting to be sent: written in the same transaction as the change it tells about."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .requests import ServiceRequest
    from .users import User

MAIL_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(Base):
    """One notification to one address; `send-mail` renders and delivers it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    # What the message tells, as it was at the change (status, comment, due times...).
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker that claims a message sets both; another worker skips it until the lease ends.
    lease_token: Mapped[str | None] = mapped_column(String(32), index=True)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Kept from the first attempt, so a retry sends the same message again.
    message_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    recipient: Mapped[User | None] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_address} {self.status}>"
