"""Rate-limit counts in the process's memory (`RATELIMIT_STORAGE_URL` `memory://`, the default)
without a thread per count.

limits' MemoryStorage drops expired counts from a timer thread that every count starts anew
once the last one has run, 10 ms later: under load, a thread started for about every second
search, each start waiting for the new thread to take the interpreter lock. Here the request
that counts sweeps expired counts itself, at most once a second. Expired counts are never
read either way (a count's expiry is checked when it is read); the sweep only frees memory.
"""

from __future__ import annotations

import time

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
