"""Request references such as IT-2026-00042: per department and year, never handed out twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Department, ReferenceCounter

ATTEMPTS = 5


def next_reference(session: Session, department: Department, at: datetime) -> str:
    """The next reference of the department, numbered within the year of `at` in its zone.

    The counter row stays locked until the caller's transaction ends, so concurrent
    submissions to one department wait for each other instead of sharing a number.
    """
    year = at.astimezone(ZoneInfo(department.timezone)).year
    number = next_number(session, department.id, year)
    return f"{department.code}-{year}-{number:05d}"


def next_number(session: Session, department_id: int, year: int) -> int:
    """Increment the department's counter for the year, creating it at 1 if it is missing."""
    for _ in range(ATTEMPTS):
        number = _increment(session, department_id, year)
        if number is not None:
            return number
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(department_id=department_id, year=year,
                                             last_number=1))
            return 1
        except IntegrityError:
            # Another submission created the row meanwhile; the next round locks and counts it.
            continue
    raise RuntimeError(f"could not number a request of department {department_id} in {year}")


def _increment(session: Session, department_id: int, year: int) -> int | None:
    where = (ReferenceCounter.department_id == department_id, ReferenceCounter.year == year)
    if session.get_bind().dialect.name == "postgresql":
        current = session.scalar(
            select(ReferenceCounter.last_number).where(*where).with_for_update()
        )
        if current is None:
            return None
        session.execute(update(ReferenceCounter).where(*where).values(last_number=current + 1),
                        execution_options={"synchronize_session": False})
        return current + 1
    # SQLite has no row locks: the UPDATE takes the database's write lock, which the
    # transaction holds until it ends, so reading the number back afterwards is safe.
    changed = session.execute(
        update(ReferenceCounter).where(*where)
        .values(last_number=ReferenceCounter.last_number + 1),
        execution_options={"synchronize_session": False},
    )
    if changed.rowcount == 0:
        return None
    return session.scalar(select(ReferenceCounter.last_number).where(*where))
