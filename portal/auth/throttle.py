"""Sign-in throttling: failed passwords are counted per account and per client address.

Only failures count; once an account or an address used up its allowance, every attempt is
refused with 429, the right password too, until the window has passed.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from catalog.people.accounts import normalize_email

from ..extensions import limiter


def _limits(email: str) -> list[tuple[RateLimitItem, str, str]]:
    config = current_app.config
    return [
        (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), "login-account", normalize_email(email)),
        (parse(config["LOGIN_LIMIT_PER_ADDRESS"]), "login-address", get_remote_address()),
    ]


def retry_after(email: str) -> int | None:
    """Seconds until another attempt is allowed, or None if one is allowed now."""
    waits = []
    for item, scope, key in _limits(email):
        if not limiter.limiter.test(item, scope, key):
            reset_at = limiter.limiter.get_window_stats(item, scope, key).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(email: str) -> None:
    for item, scope, key in _limits(email):
        limiter.limiter.hit(item, scope, key)


