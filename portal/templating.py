"""Template filters and globals: safe Markdown, marked search text, offering links and
commitment lines, permissions (formatting filters are in display.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from flask import Flask, g, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from catalog.markdown import render_markdown
from catalog.models import Offering
from catalog.permissions import can
from catalog.search.highlight import Segments

from .display import business_time
from .form_errors import field_errors
from .page_links import page_links
from .page_urls import url_with
from .security_headers import markdown_image_sources


def markdown_filter(text: str | None) -> Markup:
    return Markup(render_markdown(text, markdown_image_sources()))


def commitment_line(offering: Offering) -> str:
    """The headline first-response target of an offering in words ("" if none).

    Worked out once per request for each target and working day: a results page lists many
    offerings of few departments, and translating is what costs."""
    target = offering.headline_target
    if not target:
        return ""
    department = offering.department
    key = (target[1], department.day_minutes)
    lines: dict[tuple[int, int], str] = g.setdefault("commitment_lines", {})
    if key not in lines:
        lines[key] = gettext("First response within %(time)s",
                             time=business_time(target[1], department))
    return lines[key]


# Slugs that need no quoting in a URL (all that the catalog accepts).
_PLAIN_SLUG = re.compile(r"[a-z0-9-]+\Z")


def offering_urls(external: bool = False) -> Callable[[str, str], str]:
    """A maker of offering page addresses (department slug, offering slug) as url_for builds
    them: slugs that need no quoting (all that the catalog accepts) are put into one address
    built beforehand, for pages and answers that list many offerings."""
    pattern = url_for("browse.offering", dept="-dept-", offering="-slug-", _external=external)
    head, _, rest = pattern.partition("-dept-")
    middle, _, tail = rest.partition("-slug-")

    def address(dept: str, slug: str) -> str:
        if not (_PLAIN_SLUG.match(dept) and _PLAIN_SLUG.match(slug)):
            return url_for("browse.offering", dept=dept, offering=slug, _external=external)
        return f"{head}{dept}{middle}{slug}{tail}"

    return address


def offering_url(offering: Offering) -> str:
    """The offering's page (the maker is built once per request: a results page has many)."""
    if "offering_url" not in g:
        g.offering_url = offering_urls()
    return g.offering_url(offering.department.slug, offering.slug)


def marked(segments: Segments) -> Markup:
    """Text cut into (text, matched) pieces by catalog.search, the matched pieces marked.

    Each piece is escaped (the standard library's escape: markupsafe's makes a Markup of
    each) and joined as plain text, then wrapped once: Markup's own % and join escape
    through Python helpers, three times the cost (a results page marks 40)."""
    return Markup("".join([f"<mark>{html.escape(text)}</mark>" if matched
                           else html.escape(text) for text, matched in segments]))


def user_can(action: str, target: object = None) -> bool:
    return can(current_user, action, target)


def init_app(app: Flask) -> None:
    from . import entry_texts

    entry_texts.init_app(app)
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.globals.update(url_with=url_with, page_links=page_links, can=user_can,
                                 get_locale=get_locale, commitment_line=commitment_line,
                                 offering_url=offering_url, field_errors=field_errors)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
