"""Timing a function where it is looked up, for the benchmarks that say where time goes."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any


def timed(owner: Any, name: str, label: str, spent: Counter[str],
          calls: Counter[str] | None = None) -> None:
    """Replace owner.name by a wrapper that adds its time to spent[label] (and counts its
    calls in `calls`)."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started
            if calls is not None:
                calls[label] += 1

    setattr(owner, name, wrapper)
