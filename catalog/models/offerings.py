"""What a department offers: offerings with their service standard and request form."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .departments import PRIORITIES

if TYPE_CHECKING:
    from .departments import Department

OFFERING_STATUSES = ("draft", "published", "retired")
LANGUAGES = ("en", "de")
FIELD_TYPES = (
    "text", "textarea", "email", "number", "date", "select", "multiselect", "checkbox", "file",
)
STANDARD_SECTIONS = ("included", "not_included", "prerequisites", "process")


class Offering(Base):
    __tablename__ = "offering"
    __table_args__ = (
        UniqueConstraint("department_id", "slug"),
        # Department pages list and count published offerings by title; home tops up by title.
        Index("ix_offering_department_status_title", "department_id", "status", "title"),
        Index("ix_offering_status_title", "status", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="published")
    language: Mapped[str] = mapped_column(String(5), default="en")
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    # Empty means open to every audience.
    audience: Mapped[list[str]] = mapped_column(default=list)
    included: Mapped[str] = mapped_column(Text, default="")
    not_included: Mapped[str] = mapped_column(Text, default="")
    prerequisites: Mapped[str] = mapped_column(Text, default="")
    process: Mapped[str] = mapped_column(Text, default="")
    # An override of the department's commitments, for every priority, in business minutes.
    first_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    # Own commitments per priority, {priority: [first response, resolution]} in business
    # minutes; they replace the department's (and the override above) for those priorities.
    priority_targets: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The priorities an employee may choose (None: all offered); staff may set any of them.
    employee_priorities: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # A one-line hint per priority shown on the form, e.g. {"critical": "A line stands still"}.
    priority_hints: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    form: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # The other language's texts in the catalog file's shape, e.g. {"de": {"title": ..,
    # "service_standard": {..}}}; the texts above are in `language` (catalog/translations.py).
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # Who approves a request before the department starts, in order: "manager" (the
    # requester's), "department" (its approvers); empty: no approval.
    approval: Mapped[list[str]] = mapped_column(default=list)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="SET NULL")
    )
    review_interval_months: Mapped[int] = mapped_column(default=12)
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Bumped on every save; the ETag and the "no lost updates" check compare it.
    version: Mapped[int] = mapped_column(default=1)

    department: Mapped[Department] = relationship(back_populates="offerings", lazy="joined")
    replaced_by: Mapped[Offering | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_own_commitment(self) -> bool:
        return self.first_response_minutes is not None and self.resolution_minutes is not None

    def targets(self) -> list[tuple[str, int, int]]:
        """(priority, first response, resolution) in business minutes, for every priority.

        An offering's own commitment for all priorities replaces the department's for every
        priority it publishes; its own per-priority commitments replace those of their
        priority (and add a priority the department does not publish).
        """
        published = self.department.targets()
        if self.has_own_commitment:
            priorities = [p for p, _, _ in published] or ["normal"]
            published = [(p, self.first_response_minutes, self.resolution_minutes)
                         for p in priorities]
        own = self.priority_targets or {}
        if not own:
            return published
        merged = {p: (first, resolution) for p, first, resolution in published}
        merged.update({p: (int(pair[0]), int(pair[1])) for p, pair in own.items()})
        return [(p, *merged[p]) for p in PRIORITIES if p in merged]

    def priority_hint(self, priority: str) -> str:
        """The owner's one-line hint for the priority ("" if none)."""
        return str((self.priority_hints or {}).get(priority, ""))

    @property
    def headline_target(self) -> tuple[str, int, int] | None:
        """The target a card shows: normal priority if published, else the first one."""
        targets = self.targets()
        return next((t for t in targets if t[0] == "normal"), targets[0] if targets else None)

    def is_open_to(self, audience: str | None) -> bool:
        """True if a user of that audience may request it (no audience listed: everyone)."""
        return not self.audience or audience in self.audience

    def __repr__(self) -> str:
        return f"<Offering {self.id} {self.slug}>"


class OfferingAlias(Base):
    """An offering's former address (department and slug), answered with a redirect."""

    __tablename__ = "offering_alias"
    __table_args__ = (UniqueConstraint("department_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    offering_id: Mapped[int] = mapped_column(ForeignKey("offering.id", ondelete="CASCADE"))

    offering: Mapped[Offering] = relationship()


class CatalogState(Base):
    """One row: the catalog's revision, bumped in the same transaction as every catalog change.

    The search index records the revision it reflects, so any host can tell it is behind.
    """

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
