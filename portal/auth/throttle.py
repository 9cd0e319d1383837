"""Sign-in throttling: failed passwords are counted per account and per client address.

Only failures count; once an account or an address used up its allowance, every attempt is
refused with 429, the right password too, until the window has passed.
"""

from __future__ import annotations

import logging
import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from catalog.people.accounts import normalize_email

from ..extensions import limiter

log = logging.getLogger(__name__)


def _limits(email: str) -> list[tuple[RateLimitItem, str, str]]:
    config = current_app.config
    return [
        (parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), "login-account", normalize_email(email)),
        (parse(config["LOGIN_LIMIT_PER_ADDRESS"]), "login-address", get_remote_address()),
    ]


def retry_after(email: str) -> int | None:
    """Seconds until another attempt is allowed, or None if one is allowed now."""
    counts = _counts()
    waits = []
    for item, scope, key in _limits(email):
        if not counts.test(item, scope, key):
            reset_at = counts.get_window_stats(item, scope, key).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(email: str) -> None:
    counts = _counts()
    for item, scope, key in _limits(email):
        counts.hit(item, scope, key)


# Counts kept in this process while the shared store does not answer.
_fallback = FixedWindowRateLimiter(MemoryStorage())


def _counts() -> RateLimiter:
    """The shared store's counts, or this process's while that store (Redis) is down: signing
    in keeps working and stays throttled, per process, until it is back."""
    shared = limiter.limiter
    try:
        if shared.storage.check():
            return shared
    except Exception:  # the storage's own connection error, whatever the backend
        pass
    log.warning("the rate-limit store does not answer; counting sign-in failures in memory")
    return _fallback
