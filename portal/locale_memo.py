"""What follows from a request's language, worked out once per request and language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import flask_babel
from flask import g

T = TypeVar("T")


def page_memo(name: str, compute: Callable[[], T]) -> T:
    """A value that follows from the request's language, worked out once per request.

    Flask-Babel finds its context and the locale again on every call, and a search page asks
    for its translations and reading language about a hundred times. `force_locale` (mail,
    error pages) starts an empty memo for its block and restores the page's afterwards."""
    memo = g.get("_language_memo")
    if memo is None:
        memo = g._language_memo = {}
    found = memo.get(name)
    if found is None:
        found = memo[name] = compute()
    return found


@contextmanager
def force_locale(locale: str) -> Iterator[None]:
    """Flask-Babel's force_locale, with this module's memo (see `page_memo`) following it."""
    page = g.pop("_language_memo", None)
    try:
        with flask_babel.force_locale(locale):  # noqa: TID251 (the one use)
            yield
    finally:
        g._language_memo = page
