"""Counting request forms opened, per offering and day, without anyone's name.

Each GET of a request form adds one to its offering's count of the day; sending does not take
one off. Opened minus sent over a window is the number of forms given up (breakdowns).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import FormOpening, utcnow


def count_form_opening(session: Session, offering_id: int, day: date | None = None) -> None:
    """One more opening of the offering's form on `day` (today, UTC); safe when concurrent."""
    day = day or utcnow().date()
    bump = update(FormOpening).where(FormOpening.offering_id == offering_id,
                                     FormOpening.day == day).values(opened=FormOpening.opened + 1)
    if session.execute(bump).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(FormOpening(offering_id=offering_id, day=day, opened=1))
    except IntegrityError:  # another request inserted the day's row first
        session.execute(bump)
