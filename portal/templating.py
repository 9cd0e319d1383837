"""Template filters and globals: safe Markdown, business time in words, permissions."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_datetime, get_locale, ngettext
from flask_login import current_user
from markupsafe import Markup

from catalog.durations import duration_parts
from catalog.markdown import render_markdown
from catalog.models import Department
from catalog.permissions import can


def markdown_filter(text: str | None) -> Markup:
    return Markup(render_markdown(text))


def business_time(minutes: int, department: Department) -> str:
    """e.g. "4 business hours", "3 business days", "30 business minutes"."""
    amount, unit = duration_parts(minutes, department.day_minutes)
    if unit == "days":
        return ngettext("%(num)d business day", "%(num)d business days", amount)
    if unit == "hours":
        return ngettext("%(num)d business hour", "%(num)d business hours", amount)
    return ngettext("%(num)d business minute", "%(num)d business minutes", amount)


def url_with(**changes: object) -> str:
    """The current page's URL with some query arguments changed (for filters and pages)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return request.path + ("?" + urlencode(args) if args else "")


def user_can(action: str, target: object = None) -> bool:
    return can(current_user, action, target)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["business_time"] = business_time
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals.update(url_with=url_with, can=user_can, get_locale=get_locale)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
