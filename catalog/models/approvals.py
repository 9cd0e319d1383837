"""The approvals a request needs before its department starts: one row per step, in order."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .requests import ServiceRequest
    from .users import User

APPROVAL_KINDS = ("manager", "department")
APPROVAL_STATES = ("pending", "approved", "rejected")


class RequestApproval(Base):
    """One approval step of a request: the requester's manager, or the department's approvers.

    Steps are decided in `step` order; only the first pending one is asked (`asked_at` set).
    """

    __tablename__ = "request_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    # The one person who decides a manager step; None for a department step (any approver).
    approver_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # Since when the step waits for a decision (None: an earlier step is still open).
    asked_at: Mapped[datetime | None]
    # The last reminder sent about this step (at most one per business day).
    reminded_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="approvals")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
