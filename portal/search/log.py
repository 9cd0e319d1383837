"""Logging searches from the page and the API without the person, and the opening of a result.

The search page is cached whole (page_cache.py), so its view does not run for a cached answer.
The page therefore carries what the log needs: a comment with its number of results, and a
marker in each result's link. Around the cache, every answer (cached or not) is logged with
one INSERT and its markers become `?from_search=<entry id>`; the offering page notes that id
as the search's opened result. Only the first page of results is a search; later pages are
the same search read further. A failure to log never fails the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from catalog import directory
from catalog.numbers import whole_number
from catalog.search_log import record_opening, record_search

from ..changes import saving
from ..extensions import db

# Placeholder in result links; a query echoed on the page is escaped, so it never matches.
LINK_MARKER = Markup("<!--from-search-->")
_RESULTS = re.compile(r"<!--search-results:(\d+)-->")
OPENED_PARAM = "from_search"


def log_search(text: str | None, results: int, source: str) -> int | None:
    """Record one search and commit; the entry's id, or None (nothing searched, or failed)."""
    if request.args.get("page", "1").strip() not in ("", "1"):
        return None
    try:
        with saving():
            entry = record_search(db.session, text, str(get_locale()), results, source)
    except Exception:  # noqa: BLE001 - the search matters more than its log
        current_app.logger.warning("could not log a search", exc_info=True)
        return None
    return entry


def logged_search_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Log the search a results page (cached or not) answered, and link its results to it."""
    @wraps(view)
    def logged(*args: Any, **kwargs: Any) -> Any:
        page = view(*args, **kwargs)
        if not isinstance(page, str):
            return page
        found = _RESULTS.search(page)
        if found is None:
            return page  # no query: nothing was searched
        entry = log_search(request.args.get("q"), int(found.group(1)), "page")
        page = page.replace(found.group(0), "", 1)
        return page.replace(LINK_MARKER, f"?{OPENED_PARAM}={entry}" if entry else "")
    return logged


def notes_opening(view: Callable[..., Any]) -> Callable[..., Any]:
    """An offering page opened from a logged search (`?from_search=<id>`) is that search's
    opened result; the page itself (and its cache) never sees the parameter."""
    @wraps(view)
    def noting(dept: str, offering: str) -> Any:
        entry = whole_number(request.args.get(OPENED_PARAM, "")[:12])
        page = view(dept=dept, offering=offering)
        if entry and isinstance(page, str):
            try:
                with saving():
                    item = directory.find_offering(db.session, dept, offering).item
                    record_opening(db.session, entry, item.id)
            except Exception:  # noqa: BLE001 - the page matters more than its log
                current_app.logger.warning("could not note a search's opened result",
                                           exc_info=True)
        return page
    return noting
