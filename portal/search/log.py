"""Logging searches from the page and the API without the person, and the opening of a result.

The search page is cached whole (page_cache.py), so its view does not run for a cached answer.
The page therefore carries what the log needs: a comment with its number of results, and a
marker in each result's link. Around the cache, every answer (cached or not) is logged and its
markers become `?from_search=<token>`; the offering page notes that token as the search's
opened result. Only the first page of results is a search; later pages are the same search
read further. A failure to log never fails the search.

A search is the most frequent thing people do, and a write per search would cost every one of
them a commit. Each process therefore gathers its searches and openings (`SearchLogBuffer`)
and writes them in one transaction at the end of a request once `SEARCH_LOG_WRITE_SECONDS`
have passed (and when it exits). A search is named by its random token before its row exists;
an opening whose search another process has not written yet is tried again for a minute.
A process killed outright loses at most those seconds of searches: the log is a tally, not a
record anyone relies on.
"""

from __future__ import annotations

import atexit
import re
import threading
import time
import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from catalog import directory
from catalog.numbers import whole_number
from catalog.search_log import record_opening, search_entry, write_searches
from catalog.search_log.recording import TOKEN_LIMIT

from ..extensions import db

# Placeholder in result links; a query echoed on the page is escaped, so it never matches.
LINK_MARKER = Markup("<!--from-search-->")
_RESULTS = re.compile(r"<!--search-results:(\d+)-->")
OPENED_PARAM = "from_search"
PENDING_LIMIT = 500  # searches gathered before they are written whatever the time
KEPT_LIMIT = 10_000  # searches kept while the database cannot be written
OPENING_PATIENCE = 60.0  # seconds an opening waits for its search to be written


class SearchLogBuffer:
    """One process's searches and openings not written yet (thread-safe)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.entries: list[dict[str, Any]] = []
        self.openings: list[tuple[int, int, float]] = []  # token, offering id, give up at
        self.written_at = time.monotonic()
        self.lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.entries.append(entry)

    def opened(self, token: int, offering_id: int) -> None:
        with self.lock:
            self.openings.append((token, offering_id, time.monotonic() + OPENING_PATIENCE))

    def due(self) -> bool:
        return bool(self.entries or self.openings) and (
            len(self.entries) >= PENDING_LIMIT
            or time.monotonic() - self.written_at >= self.seconds)

    def write(self, engine: Engine) -> None:
        """Write what is gathered in one transaction; keep it for later if that fails."""
        with self.lock:
            entries, self.entries = self.entries, []
            openings, self.openings = self.openings, []
            self.written_at = time.monotonic()
        if not entries and not openings:
            return
        try:
            with engine.begin() as connection:
                write_searches(connection, entries)
                now = time.monotonic()
                waiting = [(token, offering_id, until) for token, offering_id, until in openings
                           if not record_opening(connection, token, offering_id)
                           and until > now]
        except SQLAlchemyError:
            current_app.logger.warning("could not write the search log", exc_info=True)
            with self.lock:
                self.entries[:0] = entries[-KEPT_LIMIT:]
                self.openings[:0] = openings
            return
        with self.lock:
            self.openings.extend(waiting)


def buffer() -> SearchLogBuffer:
    return current_app.extensions["search_log"]


def log_search(text: str | None, results: int, source: str) -> int | None:
    """Log one search (written soon, see the module); its token, or None (nothing searched)."""
    if request.args.get("page", "1").strip() not in ("", "1"):
        return None
    entry = search_entry(text, str(get_locale()), results, source)
    if entry is None:
        return None
    buffer().add(entry)
    return int(entry["token"])


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
        token = whole_number(request.args.get(OPENED_PARAM, "")[:16], TOKEN_LIMIT)
        page = view(dept=dept, offering=offering)
        if token and isinstance(page, str):
            item = directory.find_offering(db.session, dept, offering).item
            buffer().opened(token, item.id)
        return page
    return noting


def init_app(app: Flask) -> None:
    """Gather each process's searches; write them after a request once they are due, and at
    exit."""
    app.extensions["search_log"] = gathered = SearchLogBuffer(
        float(app.config["SEARCH_LOG_WRITE_SECONDS"]))

    @app.teardown_request
    def write_when_due(_error: BaseException | None) -> None:
        if gathered.due():
            gathered.write(db.engine)

    made = weakref.ref(app)

    def write_at_exit() -> None:
        found = made()
        if found is not None and (gathered.entries or gathered.openings):
            with found.app_context():
                gathered.write(db.engine)

    atexit.register(write_at_exit)
