"""The current page's address with some of its query arguments changed: the links of filters
and of a list's pages, which keep the rest of what the page was asked for."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote_plus, urlencode

from flask import g, request


def url_with(**changes: object) -> str:
    """The current page's URL with some query arguments changed (for filters and pages).

    The unchanged arguments are encoded once per request: a search page links every facet."""
    path, args = _changed_args(changes)
    return path + ("?" + "&".join(args.values()) if args else "")


def urls_with_each(name: str, values: Iterable[object], **changes: object) -> list[str]:
    """`url_with(name=value, **changes)` for each of the values, the rest of the address
    built once (a results page links a filter per department and a page per number)."""
    path, args = _changed_args(changes)
    args[name] = ""  # keeps its place if the page has it, else comes last
    encoded = list(args.values())
    at = list(args).index(name)
    before, after = "&".join(encoded[:at]), "&".join(encoded[at + 1:])
    head = f"{path}?{before}{'&' if before else ''}{quote_plus(name)}="
    tail = f"&{after}" if after else ""
    return [f"{head}{quote_plus(str(value))}{tail}" for value in values]


def _changed_args(changes: dict[str, object]) -> tuple[str, dict[str, str]]:
    """The current path, and its query arguments encoded one by one with `changes` made."""
    found = g.get("url_with_args")
    if found is None:
        found = g.url_with_args = (request.path, {
            key: urlencode({key: value}) for key, value in request.args.to_dict().items()})
    path, unchanged = found
    args = unchanged.copy()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:  # as urlencode writes it
            args[key] = f"{quote_plus(key)}={quote_plus(str(value))}"
    return path, args
