"""Adherence rollups: per department, offering, priority and day of creation, the closed facts
(requests created, first responses and resolutions given, met or not) and the measured minutes.

Derived from `service_request` (catalog.commitments.rollups keeps them up to date and can
rebuild them); the database of requests stays the source of truth.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, String
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


class AdherenceHistogram(Base):
    """Measured minutes of the requests created in a span of days, per department or offering.

    Spans are dyadic (`node` = level << 20 | day ordinal >> level, 2**level days, level 0..6),
    so that any window is a few dozen nodes whatever its history. Each node holds counts per
    bucket of minutes (`exact` false: a few dozen buckets per power of two) and per exact minute
    (`exact` true): the buckets locate a percentile, the exact minutes of that one bucket give
    it (catalog.commitments.histograms).
    """

    __tablename__ = "adherence_histogram"

    # In reading order: a window's nodes are found by seeking, whatever the history's length.
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # department, offering
    exact: Mapped[bool] = mapped_column(primary_key=True)
    node: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key: Mapped[int] = mapped_column(primary_key=True)  # the department's or offering's id
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)  # first_response, resolution
    priority: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(primary_key=True)  # minutes, or the bucket's number
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = ({"sqlite_with_rowid": False},)  # the primary key is the table: covering


class BreakdownDay(Base):
    """Requests created on one day (UTC) of one offering that went back and forth or were
    cancelled by their requester (catalog.commitments.breakdown_rollups)."""

    __tablename__ = "breakdown_day"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    back_and_forth: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_breakdown_day_day", "day"),)


class WaitDay(Base):
    """The ended stays at one status of the requests created on one day (UTC) of one offering,
    per bucket of minutes (the buckets of catalog.commitments.breakdowns: medians)."""

    __tablename__ = "wait_day"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)  # minutes
    stays: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[float] = mapped_column(Float, default=0.0)

    __table_args__ = (Index("ix_wait_day_day", "day"),)
