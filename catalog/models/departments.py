"""Departments, the people who run them, and the response commitments they publish."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from ..clock import BusinessCalendar
    from .offerings import Offering
    from .users import User

PRIORITIES = ("low", "normal", "high", "critical")
ROLES = ("owner", "agent", "approver")


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The language of name and description; the other language's are in `translations`.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    work_days: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri")
    day_start: Mapped[str] = mapped_column(String(5), default="08:00")
    day_end: Mapped[str] = mapped_column(String(5), default="17:00")
    holiday_region: Mapped[str | None] = mapped_column(String(20))
    # Confidential (HR, Legal): nothing about its requesters is ever shown in public.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="department", cascade="all, delete-orphan", order_by="Commitment.rank"
    )
    roles: Mapped[list[DepartmentRole]] = relationship(
        back_populates="department", cascade="all, delete-orphan"
    )
    offerings: Mapped[list[Offering]] = relationship(
        back_populates="department", cascade="all, delete-orphan", order_by="Offering.title"
    )

    @property
    def calendar(self) -> BusinessCalendar:
        """The business calendar the department's commitments run on."""
        from ..clock import BusinessCalendar

        return BusinessCalendar(
            timezone=self.timezone,
            days=tuple(self.work_days.split(",")),
            start=time.fromisoformat(self.day_start),
            end=time.fromisoformat(self.day_end),
            holidays=self.holiday_region,
        )

    @property
    def day_minutes(self) -> int:
        start, end = time.fromisoformat(self.day_start), time.fromisoformat(self.day_end)
        return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)

    def people(self, role: str) -> list[User]:
        return sorted((r.user for r in self.roles if r.role == role), key=lambda u: u.email)

    def targets(self) -> list[tuple[str, int, int]]:
        """(priority, first response, resolution) in business minutes, by priority."""
        return [(c.priority, c.first_response_minutes, c.resolution_minutes)
                for c in self.commitments]

    def commitment_for(self, priority: str) -> Commitment | None:
        return next((c for c in self.commitments if c.priority == priority), None)

    def __repr__(self) -> str:
        return f"<Department {self.slug}>"


class DepartmentRole(Base):
    """A user's role in a department: owner (edits the catalog) or agent (works the queue)."""

    __tablename__ = "department_role"
    __table_args__ = (UniqueConstraint("department_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    # Indexed: every signed-in page reads the viewer's roles (the unique constraint's index
    # starts with the department).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(10))

    department: Mapped[Department] = relationship(back_populates="roles")
    user: Mapped[User] = relationship(lazy="joined")


class Commitment(Base):
    """A published response commitment: targets in business minutes for one priority."""

    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("department_id", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    priority: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(default=0)
    first_response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]

    department: Mapped[Department] = relationship(back_populates="commitments")


class DepartmentAlias(Base):
    """A department's former slug, kept so that old links answer with a redirect."""

    __tablename__ = "department_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))

    department: Mapped[Department] = relationship()
