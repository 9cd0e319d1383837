"""The time one search may take, started before its query is built: the fuzzy look-ups of
typos (query.py, spelling.py) and the scoring of postings (scoring.py) all check it, and an
answer that ran out of time says it is partial."""

from __future__ import annotations

import math
import time


class Deadline:
    """The time a search may take; checked between fuzzy look-up steps and posting blocks."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.passed = False

    @classmethod
    def none(cls) -> Deadline:
        """No time limit (for callers that build queries outside a search)."""
        return cls(math.inf)

    def check(self) -> bool:
        if not self.passed and time.monotonic() > self.end:
            self.passed = True
        return self.passed

    @property
    def remaining(self) -> float:
        return max(0.001, self.end - time.monotonic())
