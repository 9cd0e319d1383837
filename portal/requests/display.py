"""How requests read on pages: times in the reader's zone, statuses, states, translated errors."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from catalog.messages import Message

from . import bp

# "Tue 26 Nov, 11:00": the weekday helps more than the year for times a few days ahead.
DUE_FORMAT = "EEE d MMM, HH:mm"
STAMP_FORMAT = "d MMM yyyy, HH:mm"

STATUS_NAMES = {
    "new": _l("New"), "in_progress": _l("In progress"), "waiting": _l("Waiting for you"),
    "resolved": _l("Resolved"), "closed": _l("Closed"), "cancelled": _l("Cancelled"),
}
STAFF_STATUS_NAMES = {**STATUS_NAMES, "waiting": _l("Waiting on the requester")}
STATE_NAMES = {"on_track": _l("On track"), "at_risk": _l("At risk"), "breached": _l("Overdue")}


def translate(message: str) -> str:
    """A domain message in the page's language (domain messages keep their msgid)."""
    if isinstance(message, Message):
        return gettext(message.msgid, **message.values)
    return gettext(message) if message else message


@bp.app_template_filter("due")
def due_filter(value: datetime | None) -> str:
    return format_datetime(value, DUE_FORMAT) if value else ""


@bp.app_template_filter("stamp")
def stamp_filter(value: datetime | None) -> str:
    return format_datetime(value, STAMP_FORMAT) if value else ""


@bp.app_template_filter("time_tag")
def time_tag(value: datetime | None, pattern: str = DUE_FORMAT) -> Markup:
    """A <time> element: the local wording for people, the exact instant for machines."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(
        value.isoformat(), escape(format_datetime(value, pattern)))


@bp.app_template_global()
def status_name(status: str, staff: bool = False) -> str:
    return str((STAFF_STATUS_NAMES if staff else STATUS_NAMES).get(status, status))


@bp.app_template_global()
def state_name(state: str | None) -> str:
    return str(STATE_NAMES.get(state, "")) if state else ""


@bp.app_template_filter("translate")
def translate_filter(message: str) -> str:
    return translate(message)


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """e.g. "820 bytes", "14.2 KB", "3.1 MB"."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return gettext("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1)))
