"""Service requests, their timeline of events, and per-department reference counters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .approvals import RequestApproval
    from .attachments import Attachment
    from .departments import Department
    from .offerings import Offering
    from .users import User

# `awaiting_approval`: not the department's work yet; its clocks start at the last approval.
REQUEST_STATUSES = ("new", "in_progress", "waiting", "resolved", "closed", "cancelled",
                    "awaiting_approval")
OPEN_STATUSES = ("new", "in_progress", "waiting")


class ServiceRequest(Base):
    __tablename__ = "service_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id"), index=True)
    # The person the request is for: their audience decides eligibility, it is their request.
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Who filled in the form for them (a manager for a new hire), when that is someone else;
    # they follow the request as the requester does (page, list, API, e-mails).
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The form's field definitions as they were when the request was sent, so the answers
    # keep their labels after the department edits the form.
    form: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the commitment clock started: at submission, or at the last approval for an
    # offering that needs approval (None while it awaits approval).
    clock_started_at: Mapped[datetime | None]
    # The targets committed to at submission, in business minutes; None where the department
    # publishes no commitment (then nothing is due either).
    first_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    first_response_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    # When three quarters of a target are spent: from then on the request is "at risk".
    first_response_risk_at: Mapped[datetime | None]
    resolution_risk_at: Mapped[datetime | None]
    # Set while the resolution clock stands still (waiting on the requester, resolved, closed).
    paused_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Business time actually taken (department calendar, waiting pauses excluded), stored when
    # it happens so that adherence medians and percentiles are computed in SQL.
    first_response_business_minutes: Mapped[int | None]
    resolution_business_minutes: Mapped[int | None]
    # When the answers, texts and files were removed (retention, or the requester forgotten);
    # the dates and counts adherence needs stay.
    purged_at: Mapped[datetime | None]

    department: Mapped[Department] = relationship()
    offering: Mapped[Offering] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    approvals: Mapped[list[RequestApproval]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="RequestApproval.step"
    )

    # Adherence reads the unanswered requests that may still turn late: this keeps that read
    # bounded by the queue, not by the history (catalog.commitments.adherence).
    __table_args__ = (Index("ix_service_request_unanswered", "first_response_at", "status",
                            "paused_at"),)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def requester_side_ids(self) -> set[int]:
        """The people who asked: the one it is for and, if someone else sent it, the sender."""
        return {self.requester_id} | ({self.submitted_by_id} if self.submitted_by_id else set())

    @property
    def clock_start(self) -> datetime:
        """Where the commitment clock counts from: the last approval, else submission."""
        return self.clock_started_at or self.created_at


class RequestEvent(Base):
    """One entry of a request's timeline: created, comment, status change, assignment, priority
    change, move to another department; a "note" is internal (its department's staff only)."""

    __tablename__ = "request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    # For "assigned" events: who the request went to (None: unassigned).
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # What a "priority" or "moved" event changed: {"old": "normal", "new": "high"}, or the
    # departments and offerings as they were named then ({"from_department": ..., ...}).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class ReferenceCounter(Base):
    """The last request number used per department and year (row-locked when incremented)."""

    __tablename__ = "reference_counter"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
