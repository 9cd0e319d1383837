"""Webhooks: endpoints other systems register, and the deliveries waiting for them.

A delivery row is written in the same transaction as the change it tells about (as the mail
outbox is), so a change and its event are stored together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department

WEBHOOK_EVENTS = (
    "request.created",
    "request.status_changed",
    "request.commented",
    "request.resolved",
    "request.priority_changed",
    "request.moved",
    "feedback.given",
    "offering.published",
    "offering.changed",
)
# The event the "Send a test event" button sends; no hook subscribes to it.
TEST_EVENT = "webhook.test"
# json: the portal's own body; teams, slack: a text message for an incoming webhook.
WEBHOOK_FORMATS = ("json", "teams", "slack")
DELIVERY_STATUSES = ("pending", "delivered", "failed")


class Webhook(Base):
    """An endpoint told about events of one department (or of all, department None)."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(default=list)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    # Signs every delivery; shown once when the hook is registered.
    secret: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(10), default="json")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship()
    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WebhookDelivery.id.desc()",
    )

    def __repr__(self) -> str:
        return f"<Webhook {self.id} {self.format} {self.url}>"


class WebhookDelivery(Base):
    """One event for one hook; the worker posts it until it is answered 2xx or given up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        UniqueConstraint("webhook_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    # The same on every attempt: receivers recognise a replay by it.
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The event's `data`, as it was at the change (links as paths below the base URL).
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(32), index=True)
    lease_until: Mapped[datetime | None]
    # The receiver's last HTTP status (None: no answer) and what went wrong.
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event_type} {self.status}>"
