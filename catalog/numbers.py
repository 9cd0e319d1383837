"""Whole numbers from user input (URLs, forms, JSON): ASCII digits only, and never larger than
a database column holds, so odd input is refused instead of failing in `int()` or the database."""

from __future__ import annotations

# The largest id or number every supported database stores (PostgreSQL's `integer`).
MAX_INTEGER = 2**31 - 1


def whole_number(text: object, maximum: int = MAX_INTEGER) -> int | None:
    """`text` as a number from 0 to `maximum`; None for anything else: "²" and "٣" (which
    `str.isdigit` accepts), signs, spaces, and numbers too long for the database."""
    if not (isinstance(text, str) and text.isascii() and text.isdecimal()):
        return None
    if len(text) > len(str(maximum)):  # never int() of a thousand digits
        return None
    number = int(text)
    return number if number <= maximum else None
