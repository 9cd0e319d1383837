"""Signed reply addresses: `portal+IT-2026-00042.<token>@example.com`.

The token names the recipient (user id), the last day it is valid, and an HMAC over those and
the request's reference, keyed with the app's secret; it is lowercase letters, digits and
hyphens, because mail servers may change the case of a local part. The local part stays well
under the 64 characters RFC 5321 allows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

EPOCH = date(2000, 1, 1)
MAC_CHARS = 16  # 80 bits of base32
MAX_LOCAL_PART = 64


@dataclass(frozen=True)
class ReplyToken:
    ref: str
    user_id: int
    expires: date


def _mac(secret: bytes, ref: str, user_id: int, day: int) -> str:
    digest = hmac.new(secret, f"{ref.upper()}|{user_id}|{day}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode().lower()[:MAC_CHARS]


def make_token(secret: bytes, ref: str, user_id: int, expires: date) -> str:
    day = (expires - EPOCH).days
    return f"{user_id:x}-{day:x}-{_mac(secret, ref, user_id, day)}"


def reply_address(base: str, secret: bytes, ref: str, user_id: int, today: date,
                  days: int) -> str | None:
    """The Reply-To for `user_id`'s mail about `ref`; None if it would be too long."""
    local, at, domain = base.rpartition("@")
    if not at or not local or not domain:
        return None
    token = make_token(secret, ref, user_id, today + timedelta(days=days))
    local = f"{local.split('+', 1)[0]}+{ref}.{token}"
    return f"{local}@{domain}" if len(local) <= MAX_LOCAL_PART else None


def parse_address(base: str, address: str) -> tuple[str, str] | None:
    """(ref, token) from an address of the form `<local>+<ref>.<token>@<domain>`, else None."""
    address = address.strip().strip("<>")
    local, at, domain = address.rpartition("@")
    base_local, _, base_domain = base.rpartition("@")
    if not at or domain.lower() != base_domain.lower():
        return None
    prefix, plus, rest = local.partition("+")
    if not plus or prefix.lower() != base_local.split("+", 1)[0].lower():
        return None
    ref, dot, token = rest.rpartition(".")
    if not dot or not ref or not token:
        return None
    return ref.upper(), token.lower()


class BadToken(Exception):
    """The token was not made by us for this request (`expired` False) or has expired."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "not valid")
        self.expired = expired


def verify_token(secret: bytes, ref: str, token: str, today: date) -> ReplyToken:
    """The token's user and expiry if it was made by us for `ref`; BadToken if not, or if it
    has expired."""
    parts = token.lower().split("-")
    if len(parts) != 3 or not all(part.isalnum() and part.isascii() for part in parts):
        raise BadToken(expired=False)
    try:
        user_id, day = int(parts[0], 16), int(parts[1], 16)
    except ValueError:
        raise BadToken(expired=False) from None
    if not hmac.compare_digest(parts[2], _mac(secret, ref, user_id, day)):
        raise BadToken(expired=False)
    expires = EPOCH + timedelta(days=day)
    if today > expires:
        raise BadToken(expired=True)
    return ReplyToken(ref=ref.upper(), user_id=user_id, expires=expires)
