"""Business-time targets as people write them ("30m", "4h", "3d") and as the clock counts them.

Minutes and hours are working time; a day is one working day of the department, so turning
"3d" into minutes needs the length of that department's day.
"""

from __future__ import annotations

import re

from .messages import _

_DURATION = re.compile(r"^\s*(\d{1,5})\s*([mhd])\s*$")


def parse_duration(text: str, day_minutes: int) -> int:
    """Business minutes for "30m", "4h" or "2d"; ValueError for anything else or zero."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(_("%(value)r is not a duration like 30m, 4h or 2d", value=text))
    amount, unit = int(match.group(1)), match.group(2)
    if amount <= 0:
        raise ValueError(_("a target must be longer than zero"))
    return amount * {"m": 1, "h": 60, "d": day_minutes}[unit]


def format_duration(minutes: int, day_minutes: int) -> str:
    """The shortest exact spelling of a number of business minutes: "3d", "4h" or "90m"."""
    if day_minutes and minutes % day_minutes == 0:
        return f"{minutes // day_minutes}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def duration_parts(minutes: int, day_minutes: int) -> tuple[int, str]:
    """The amount and unit ("days", "hours", "minutes") for a sentence about a target."""
    spelled = format_duration(minutes, day_minutes)
    unit = {"d": "days", "h": "hours", "m": "minutes"}[spelled[-1]]
    return int(spelled[:-1]), unit
