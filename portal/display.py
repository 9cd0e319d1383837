"""Words and times shared by every blueprint: request statuses and states, due times in the
reader's zone, file sizes, and domain messages in the page's language."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from catalog.messages import Message

# "Tue 26 Nov, 11:00": the weekday helps more than the year for times a few days ahead.
DUE_FORMAT = "EEE d MMM, HH:mm"
STAMP_FORMAT = "d MMM yyyy, HH:mm"

STATUS_NAMES = {
    "new": _l("New"), "in_progress": _l("In progress"), "waiting": _l("Waiting for you"),
    "resolved": _l("Resolved"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
    "awaiting_approval": _l("Awaiting approval"),
}
STAFF_STATUS_NAMES = {**STATUS_NAMES, "waiting": _l("Waiting on the requester")}
STATE_NAMES = {"on_track": _l("On track"), "at_risk": _l("At risk"), "breached": _l("Overdue")}


def translate(message: str) -> str:
    """A domain message in the page's language (domain messages keep their msgid)."""
    if isinstance(message, Message):
        return gettext(message.msgid, **message.values)
    return gettext(message) if message else message


def due_filter(value: datetime | None) -> str:
    return format_datetime(value, DUE_FORMAT) if value else ""


def stamp_filter(value: datetime | None) -> str:
    return format_datetime(value, STAMP_FORMAT) if value else ""


def time_tag(value: datetime | None, pattern: str = DUE_FORMAT) -> Markup:
    """A <time> element: the local wording for people, the exact instant for machines."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(
        value.isoformat(), escape(format_datetime(value, pattern)))


def status_name(status: str, staff: bool = False) -> str:
    return str((STAFF_STATUS_NAMES if staff else STATUS_NAMES).get(status, status))


def state_name(state: str | None) -> str:
    return str(STATE_NAMES.get(state, "")) if state else ""


def translate_filter(message: str) -> str:
    return translate(message)


def filesize(size: int) -> str:
    """e.g. "820 bytes", "14.2 KB", "3.1 MB"."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return gettext("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1)))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(due=due_filter, stamp=stamp_filter, time_tag=time_tag,
                                 translate=translate_filter, filesize=filesize)
    app.jinja_env.globals.update(status_name=status_name, state_name=state_name)
