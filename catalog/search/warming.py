"""Filling a process's result caches ahead of the searches that need them.

A search page shows offerings: read from the database and made into what highlighting looks
through, then rendered as result cards, the first time each process shows each offering on an
index state (see operations.page_offerings, portal/search/cards.py). A new query finds one
such offering in about eight hits (10,000 generated offerings, two-word queries, a worker a
few seconds old), and reading and rendering a few at a time cost a fifth of a search page.
Read ahead in bulk, in one background thread per process, a chunk at a time, the same work is
about 90 µs an offering for the rows and 55 µs a card: for a catalog of 10,000 offerings about
1.5 s of one core per process after it starts and after each catalog change, after which the
pages find everything kept.

A job is a generator: each step does a few milliseconds' work (in a short database session of
its own, so no transaction stays open) and checks first that what it fills is still wanted
(the index state still reflects the catalog), stopping if not. Between steps the thread hands
the interpreter to a request waiting for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterator

log = logging.getLogger(__name__)

Job = Callable[[], Iterator[None]]
# Jobs asked for are remembered by key so that each runs once (keys name an index state).
KEYS_KEPT = 256


class Warming:
    """A queue of warming jobs run one after another by one daemon thread, started when a
    job is asked for and ended when the queue is empty."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._jobs: deque[Job] = deque()
        self._asked: OrderedDict[Hashable, None] = OrderedDict()
        self._thread: threading.Thread | None = None
        self._running = False

    def ask(self, key: Hashable, job: Job) -> bool:
        """Run the job in the background unless one of this key was asked for before;
        True if it was queued now."""
        with self._lock:
            if key in self._asked:
                return False
            self._asked[key] = None
            if len(self._asked) > KEYS_KEPT:
                self._asked.popitem(last=False)
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-warming",
                                                daemon=True)
                self._thread.start()
            return True

    def asked(self, key: Hashable) -> bool:
        """Whether a job of this key was asked for (a caller may skip making one)."""
        return key in self._asked

    def wait(self, timeout: float | None = None) -> bool:
        """Until every job asked for has ended (for tests and commands); False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._jobs and not self._running, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    return
                job = self._jobs.popleft()
                self._running = True
            try:
                for _ in job():
                    # Let a request that waits for the interpreter have it now, not at the
                    # next forced switch: each of its reads from a socket or the database lets
                    # go of it, and waiting up to 5 ms for it again each time would slow
                    # requests while warming far more than warming's own share of the CPU.
                    time.sleep(0)
            except Exception:  # a cache left cold: pages read what they need themselves
                log.warning("warming the search caches failed", exc_info=True)
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()
