"""Adherence rollups: per department, offering, priority and day of creation, the closed facts
(requests created, first responses and resolutions given, met or not) and the measured minutes.

Derived from `service_request` (catalog.commitments.rollups keeps them up to date and can
rebuild them); the database of requests stays the source of truth.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AdherenceDay(Base):
    """Counts of one day's requests (by creation) of one offering and priority."""

    __tablename__ = "adherence_day"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    requests: Mapped[int] = mapped_column(default=0)
    first_response_known: Mapped[int] = mapped_column(default=0)
    first_response_kept: Mapped[int] = mapped_column(default=0)
    resolution_known: Mapped[int] = mapped_column(default=0)
    resolution_kept: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_adherence_day_offering_id_day", "offering_id", "day"),)


class AdherenceMinutes(Base):
    """How many of one day's requests took exactly `minutes` business minutes to a measure."""

    __tablename__ = "adherence_minutes"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)  # first_response, resolution
    minutes: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        # Covering, in GROUP BY order: the histogram of a window is one ordered index scan.
        Index("ix_adherence_minutes_histogram", "department_id", "measure", "priority",
              "minutes", "day", "count"),
        Index("ix_adherence_minutes_offering_id_day", "offering_id", "day"),
    )
