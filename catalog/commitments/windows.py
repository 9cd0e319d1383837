"""The windows (in days) the breakdown pages and the customer map offer, and reading one."""

from __future__ import annotations

from ..numbers import whole_number

WINDOW_CHOICES = (30, 90, 180, 365)
DEFAULT_DAYS = 90


def window_days(value: object) -> int:
    """The window asked for, if it is one of the choices; else the default."""
    days = whole_number(str(value))
    return days if days in WINDOW_CHOICES else DEFAULT_DAYS
