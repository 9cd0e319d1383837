"""What requesters say after a request: ratings, the follow-ups poor ones open, and thanks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department
    from .requests import ServiceRequest
    from .users import User


class Feedback(Base):
    """The requester's rating (1-5) of a resolved request: one per request."""

    __tablename__ = "request_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), unique=True)
    # Copied from the request so that averages per department or offering need no join.
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id", ondelete="CASCADE"),
                                             index=True)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    request: Mapped[ServiceRequest] = relationship()
    follow_up: Mapped[FollowUp | None] = relationship(back_populates="feedback",
                                                      cascade="all, delete-orphan")


class FollowUp(Base):
    """A poor rating the department must answer; the requester sees the answer."""

    __tablename__ = "feedback_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("request_feedback.id", ondelete="CASCADE"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id", ondelete="CASCADE"),
                                            index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(index=True)  # newest: activity.py
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Business minutes from the rating to the answer, on the department's calendar.
    answer_business_minutes: Mapped[int | None]

    feedback: Mapped[Feedback] = relationship(back_populates="follow_up")
    request: Mapped[ServiceRequest] = relationship()
    department: Mapped[Department] = relationship()
    answered_by: Mapped[User | None] = relationship()


class Thanks(Base):
    """A requester's thank-you to the department, or to the person who handled the request."""

    __tablename__ = "thanks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # None: the whole department is thanked.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(String(500), default="")
    # The sender's consent to be named with the thanks on public pages (opt-in).
    show_name: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    request: Mapped[ServiceRequest] = relationship()
    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
