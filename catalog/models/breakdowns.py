"""Where service breaks down: form openings counted per day, and the actions owners take."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department
    from .offerings import Offering


class FormOpening(Base):
    """How often an offering's request form was opened on a day (UTC): a count, nobody named.

    Opened minus sent is the number of forms abandoned (catalog.commitments.breakdowns).
    """

    __tablename__ = "form_opening"

    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    opened: Mapped[int] = mapped_column(default=0)


class ServiceAction(Base):
    """What a department did about a breakdown point, from a date; its effect is measured."""

    __tablename__ = "service_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True)
    # None: the action concerns the whole department.
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="SET NULL"), index=True)
    # The breakdown point's moment it answers (catalog.commitments.breakdowns.MOMENTS), if any.
    moment: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(500))
    taken_on: Mapped[date] = mapped_column(Date)
    # Shown with its effect on the department's public page.
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    department: Mapped[Department] = relationship()
    offering: Mapped[Offering | None] = relationship()
