"""Words and times shared by every blueprint, and every formatting filter: request statuses
and states, due times in the reader's zone, business durations, feed times, file sizes,
numbers, and domain messages in the page's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache

from babel import Locale
from babel.dates import format_skeleton
from flask import Flask
from flask_babel import format_decimal, get_locale, get_timezone, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from catalog.durations import duration_parts
from catalog.messages import Message
from catalog.models import Department

from .locale_memo import page_memo

# Times in words, each the locale's own way of writing it (Babel's CLDR skeletons): "due" is
# "Fri 3 Jan, 16:30" / "Fr., 3. Jan., 16:30" (the weekday helps more than the year for times a
# few days ahead), "stamp" "3 Jan 2025, 16:30" / "3. Jan. 2025, 16:30", "date" without the time,
# "day" without the year, "month" the month and year ("October 2026" / "Oktober 2026").
TIME_STYLES = {"due": ("MMMEd", "Hm"), "stamp": ("yMMMd", "Hm"), "date": ("yMMMd", None),
               "day": ("MMMd", None), "weekday_day": ("MMMEd", None), "time": (None, "Hm"),
               "month": ("yMMMM", None)}
# English pages write dates the British way ("3 Jan"), as the portal always has; German ones
# the German way.
FORMAT_LOCALES = {"en": "en_GB"}

# Whom an offering is open to, as a list of them reads ("open to employees, contractors").
AUDIENCE_GROUPS = {"employee": _l("employees"), "temporary": _l("temporary and agency staff"),
                   "contractor": _l("contractors"), "shareholder": _l("shareholders")}

STATUS_NAMES = {
    "new": _l("New"), "in_progress": _l("In progress"), "waiting": _l("Waiting for you"),
    "resolved": _l("Resolved"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
    "awaiting_approval": _l("Awaiting approval"),
}
STAFF_STATUS_NAMES = {**STATUS_NAMES, "waiting": _l("Waiting on the requester")}
STATE_NAMES = {"on_track": _l("On track"), "at_risk": _l("At risk"), "breached": _l("Overdue")}
PRIORITY_NAMES = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"),
                  "critical": _l("Critical")}


def translate(message: str) -> str:
    """A domain message in the page's language (domain messages keep their msgid)."""
    if isinstance(message, Message):
        # A value may be a message too (an audience's name inside a refusal).
        return gettext(message.msgid, **{name: translate(value) if isinstance(value, Message)
                                         else value for name, value in message.values.items()})
    return gettext(message) if message else message


def format_time(value: datetime | date, style: str = "due", *, zone: tzinfo | None = None,
                locale: str | Locale | None = None) -> str:
    """A date or time in one of TIME_STYLES, in the reader's (or the given) zone and language.

    A datetime is shown in `zone` (default: the reader's time zone); a date as it is."""
    date_skeleton, time_skeleton = TIME_STYLES[style]
    language = str(locale or get_locale())
    babel_locale = Locale.parse(FORMAT_LOCALES.get(language, language))
    if isinstance(value, datetime):
        value = value.astimezone(zone or get_timezone())
    parts = []
    if date_skeleton:
        parts.append(format_skeleton(date_skeleton, value, locale=babel_locale))
    if time_skeleton and isinstance(value, datetime):
        parts.append(format_skeleton(time_skeleton, value, locale=babel_locale))
    if len(parts) == 2:
        return babel_locale.datetime_formats["medium"].replace("{1}", parts[0]) \
            .replace("{0}", parts[1])
    return parts[0] if parts else ""


def due_filter(value: datetime | None) -> str:
    return format_time(value, "due") if value else ""


def stamp_filter(value: datetime | None) -> str:
    return format_time(value, "stamp") if value else ""


def datetime_filter(value: datetime | date | None, style: str = "stamp") -> str:
    return format_time(value, style) if value else ""


def time_tag(value: datetime | None, style: str = "due") -> Markup:
    """A <time> element: the local wording for people, the exact instant for machines."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(
        value.isoformat(), escape(format_time(value, style)))


def status_name(status: str, staff: bool = False) -> str:
    return str((STAFF_STATUS_NAMES if staff else STATUS_NAMES).get(status, status))


def priority_name(priority: str) -> str:
    return str(PRIORITY_NAMES.get(priority, priority))


def state_name(state: str | None) -> str:
    return str(STATE_NAMES.get(state, "")) if state else ""


def translate_filter(message: str) -> str:
    return translate(message)


def decimal_filter(value: float | None, digits: int = 1) -> str:
    """A number with `digits` decimals in the page's language: "3.3" / "3,3", "1.0"."""
    if value is None:
        return ""
    return format_decimal(round(value, digits), format="#,##0." + "0" * digits if digits
                          else "#,##0")


def answer_filter(value: object, field_type: str) -> str:
    """A form answer as the reader writes it: dates and numbers in the page's language."""
    if field_type == "date" and isinstance(value, str):
        try:
            return format_time(date.fromisoformat(value), "date")
        except ValueError:
            return value
    if field_type == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value)
    return str(value)


def filesize(size: int) -> str:
    """e.g. "820 bytes", "14.2 KB", "3.1 MB"."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return gettext("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1)))


def audience_group(audience: str) -> str:
    """One of the groups an offering is open to, in the page's language (each language's
    names translated once: a results page names them in its filters and cards)."""
    return page_memo("audience_groups", lambda: _audience_groups(str(get_locale()))).get(
        audience, audience)


@cache
def _audience_groups(locale: str) -> dict[str, str]:
    """AUDIENCE_GROUPS translated, in the language of the page asking (`locale`)."""
    return {audience: str(name) for audience, name in AUDIENCE_GROUPS.items()}


def business_time(minutes: int, department: Department) -> str:
    """e.g. "4 business hours", "3 business days", "30 business minutes"."""
    amount, unit = duration_parts(minutes, department.day_minutes)
    if unit == "days":
        return ngettext("%(num)d business day", "%(num)d business days", amount)
    if unit == "hours":
        return ngettext("%(num)d business hour", "%(num)d business hours", amount)
    return ngettext("%(num)d business minute", "%(num)d business minutes", amount)


def rfc3339(value: datetime) -> str:
    """A time as Atom writes it, in UTC: 2026-11-28T09:30:00Z (stored times may be naive UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(due=due_filter, stamp=stamp_filter, time_tag=time_tag,
                                 translate=translate_filter, filesize=filesize,
                                 datetime=datetime_filter, decimal=decimal_filter,
                                 answer=answer_filter, business_time=business_time,
                                 rfc3339=rfc3339)
    app.jinja_env.globals.update(status_name=status_name, state_name=state_name,
                                 priority_label=priority_name, audience_group=audience_group)
