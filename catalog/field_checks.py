"""Answers checked against their field's rules and conditions (see `catalog.field_rules`), and
the same rules as HTML attributes, so the browser can help before anything is sent."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

import puremagic

from .clock import BusinessCalendar
from .field_rules import FILE_TYPES, decimal_of
from .messages import Message, _

SNIFF_BYTES = 64 * 1024


class RuleBroken(Exception):
    """An answer does not keep one of its field's rules."""

    def __init__(self, message: Message | str) -> None:
        super().__init__(message)
        self.message = message


# Conditions ---------------------------------------------------------------------------------------

def condition_met(condition: Mapping[str, Any], value: Any) -> bool:
    """Whether the controlling field's cleaned answer makes the conditional field appear."""
    if "checked" in condition:
        return bool(value) is condition["checked"]
    wanted = [condition["equals"]] if "equals" in condition else list(condition["in"])
    chosen = value if isinstance(value, list) else [value]
    return any(choice in wanted for choice in chosen)


def condition_in_words(condition: Mapping[str, Any], label: str) -> Message:
    """"Only if you chose “Other” for “Reason”.", for pages read without JavaScript."""
    if "checked" in condition:
        if condition["checked"]:
            return _("Only if you ticked “%(field)s”.", field=label)
        return _("Only if you did not tick “%(field)s”.", field=label)
    if "equals" in condition:
        return _("Only if you chose “%(value)s” for “%(field)s”.", value=condition["equals"],
                 field=label)
    return _("Only if you chose one of these for “%(field)s”: %(values)s.",
             values=", ".join(condition["in"]), field=label)


# Answers ------------------------------------------------------------------------------------------

def earliest_date(rules: Mapping[str, Any], calendar: BusinessCalendar | None,
                  today: date) -> date | None:
    """The first date the date rules allow (None: any date)."""
    days = rules.get("min_business_days_ahead")
    if days is None:
        return today if rules.get("not_in_past") else None
    day, counted = today, 0
    calendar = calendar or BusinessCalendar()
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def check_text(rules: Mapping[str, Any], value: str) -> None:
    pattern = rules.get("pattern")
    if pattern and re.fullmatch(pattern, value) is None:
        raise RuleBroken(rules.get("pattern_message")
                         or _("This answer is not in the form this field asks for."))
    if len(value) < rules.get("min_length", 0):
        raise RuleBroken(_("Enter at least %(min)d characters (this is %(length)d).",
                           min=rules["min_length"], length=len(value)))
    if len(value) > rules.get("max_length", len(value)):
        raise RuleBroken(_("Enter at most %(max)d characters (this is %(length)d).",
                           max=rules["max_length"], length=len(value)))


def check_number(rules: Mapping[str, Any], value: int | float) -> None:
    number = Decimal(str(value))
    low, high, step = (decimal_of(rules.get(key)) for key in ("min", "max", "step"))
    if low is not None and number < low:
        raise RuleBroken(_("Enter %(min)s or more.", min=_plain(low)))
    if high is not None and number > high:
        raise RuleBroken(_("Enter %(max)s or less.", max=_plain(high)))
    if step is not None and (number - (low or 0)) % step != 0:
        raise RuleBroken(_("Enter a number in steps of %(step)s, starting from %(base)s.",
                           step=_plain(step), base=_plain(low or Decimal(0))))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def check_date(rules: Mapping[str, Any], value: str, *, today: date,
               calendar: BusinessCalendar | None, after: tuple[str, str] | None) -> None:
    """`after` is the label and answer of the field this date must not be before."""
    day = date.fromisoformat(value)
    earliest = earliest_date(rules, calendar, today)
    if earliest is not None and day < earliest:
        if rules.get("min_business_days_ahead"):
            raise RuleBroken(_("Choose %(date)s or later: the department needs %(days)d "
                               "working days.", date=earliest.isoformat(),
                               days=rules["min_business_days_ahead"]))
        raise RuleBroken(_("Choose today (%(date)s) or a later date.", date=earliest.isoformat()))
    if after is not None and day < date.fromisoformat(after[1]):
        raise RuleBroken(_("Choose %(date)s (“%(field)s”) or a later date.", date=after[1],
                           field=after[0]))


def check_choices(rules: Mapping[str, Any], chosen: list[str]) -> None:
    if not chosen:
        return
    if len(chosen) < rules.get("min_choices", 0):
        raise RuleBroken(_("Choose at least %(min)d options.", min=rules["min_choices"]))
    if len(chosen) > rules.get("max_choices", len(chosen)):
        raise RuleBroken(_("Choose at most %(max)d options.", max=rules["max_choices"]))


def check_file(rules: Mapping[str, Any], filename: str, stream: BinaryIO) -> None:
    """The file's name and its content must both be of an allowed type."""
    kinds = rules.get("file_types")
    if not kinds:
        return
    names = ", ".join(kind.upper() for kind in kinds)
    lowered = filename.lower()
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    for kind in kinds:
        endings, contents = FILE_TYPES[kind]
        if lowered.endswith(endings) and _content_is(head, contents):
            return
    raise RuleBroken(_("Attach a file of type %(types)s; this file's content is not one of "
                       "them.", types=names))


def _content_is(head: bytes, contents: tuple[str, ...]) -> bool:
    if "text" in contents:
        try:  # the sample may end inside a character: only a complete file must decode fully
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            return False
        return b"\x00" not in head
    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return False
    return any(match.extension.lower() in contents for match in found)


def html_accept(rules: Mapping[str, Any]) -> str | None:
    """The file input's `accept`: the allowed endings, e.g. ".pdf,.png"."""
    kinds = rules.get("file_types")
    if not kinds:
        return None
    return ",".join(ending for kind in kinds for ending in FILE_TYPES[kind][0])
