"""Revisions: every save of an offering or of a department's settings, kept for history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department
    from .offerings import Offering
    from .users import User

# What a revision records. "imported" and "outside" are states the portal found already written
# (by a catalog file import, say) and recorded before the next save, so that no diff has a gap.
REVISION_ACTIONS = (
    "created", "edited", "published", "retired", "restored", "reverted", "reviewed",
    "imported", "outside",
)


class OfferingRevision(Base):
    """One saved state of an offering, as the catalog file writes it."""

    __tablename__ = "offering_revision"
    __table_args__ = (UniqueConstraint("offering_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id", ondelete="CASCADE"))
    # 1, 2, 3, ... per offering; the unique constraint refuses a second save racing for a number.
    number: Mapped[int]
    # The offering's version after this save, so that an edit form's version finds its state.
    version: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    # The keys of the snapshot that differ from the revision before (empty for the first one).
    changed: Mapped[list[str]] = mapped_column(default=list)
    restored_from: Mapped[int | None]
    snapshot: Mapped[dict[str, Any]]

    offering: Mapped[Offering] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OfferingRevision {self.offering_id}#{self.number} {self.action}>"


class DepartmentRevision(Base):
    """One saved state of a department's settings: description, contact, hours, commitments."""

    __tablename__ = "department_revision"
    __table_args__ = (UniqueConstraint("department_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    changed: Mapped[list[str]] = mapped_column(default=list)
    restored_from: Mapped[int | None]
    snapshot: Mapped[dict[str, Any]]

    department: Mapped[Department] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DepartmentRevision {self.department_id}#{self.number} {self.action}>"
