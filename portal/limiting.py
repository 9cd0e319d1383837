"""Flask-Limiter, minus two costs of every limited request.

The portal's limits are on views and one blueprint (portal/rate_limits.py), none on the whole
app; Flask-Limiter still looked for limits before every view (about 0.12 ms of a search page,
as much as the view's own check), which `Limiter` skips where nothing applies.

Counts in the process's memory (`RATELIMIT_STORAGE_URL` `memory://`, the default) are kept
without a thread per count: limits' MemoryStorage drops expired counts from a timer thread
that every count starts anew once the last one has run, 10 ms later (under load, a thread
started for about every second search, each start waiting for the new thread to take the
interpreter lock). Here the request that counts sweeps expired counts itself, at most once a
second. Expired counts are never read either way (a count's expiry is checked when it is
read); the sweep only frees memory.
"""

from __future__ import annotations

import time

import flask_limiter
from flask import current_app, request
from limits.storage import MemoryStorage

SCHEME = "portal-memory"


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (limits registers storages by this list)
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept_at = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (replaces the timer)
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def storage_uri(url: str) -> str:
    """The limits storage for a `RATELIMIT_STORAGE_URL`: memory is counted by this module's."""
    return f"{SCHEME}://" if url.strip() == "memory://" else url


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter's extension, its check before a view skipped where no limit of the whole
    app or of the view's blueprint applies (views' own limits are checked by their
    decorators)."""

    def _check_request_limit(self, callable_name: str | None = None,
                             in_middleware: bool = True) -> None:
        if in_middleware and not self._limits_before_views():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _limits_before_views(self) -> bool:
        manager = self.limit_manager
        return bool(manager.application_limits or manager.default_limits or self._meta_limits
                    or manager.blueprint_limits(current_app, request.blueprint or ""))
