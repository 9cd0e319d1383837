"""Bounds on what a request may send, so hostile input is answered 400, 404 or 413, never 500.

- Ids in URLs (`<int:...>` in every route) are ASCII digits within the database's integer
  range; anything else matches no route (404).
- A JSON body may nest at most `MAX_JSON_DEPTH` levels (400): the parser would otherwise
  recurse until Python gives up. Its size is bounded like every body's, by MAX_CONTENT_LENGTH
  (from PORTAL_MAX_UPLOAD_MB, as the API takes files in JSON): 413.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from catalog.numbers import MAX_INTEGER

# Catalog files nest about eight levels; nothing the API takes needs more.
MAX_JSON_DEPTH = 32
# A string, or an unterminated one to the end: it always matches where it starts and never
# backtracks (possessive), so the scan stays linear; a pattern that fails at every escaped quote
# of `"\"\"\"...` took minutes for a few hundred kilobytes.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>`: at most ten ASCII digits and no larger than an integer column holds."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than MAX_JSON_DEPTH before parsing them."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode("utf-8", "replace") if isinstance(s, bytes) else s
        if nesting_depth(text) > MAX_JSON_DEPTH:
            raise BadRequest(_("The JSON body nests deeper than %(depth)d levels.",
                               depth=MAX_JSON_DEPTH))
        return super().loads(s, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    app.json = BoundedJSONProvider(app)
