"""A gunicorn config that reports where a portal worker's time goes, per request, at its exit.

    .venv/bin/python benchmarks/throughput.py --worker-config benchmarks/worker_phases.py

Each worker times the phases of a search page (building the query, scoring, the hits'
offerings and highlighting, the cards, rendering, the page key, the session, the rate limit)
and the garbage collector, and writes to standard error when it exits (throughput.py prints
it) the milliseconds each took per request served (every row of the run) and per call: a
search page's phases per call are what one search spent in them. In-process benchmarks
(search_page.py) run one process alone; here two workers share the machine with wrk, as the
throughput rows do.
"""

from __future__ import annotations

import gc
import os
import runpy
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPENT: Counter[str] = Counter()
CALLS: Counter[str] = Counter()
REQUESTS = "the whole request (Flask)"
_collecting = [0.0]


def _collector(phase: str, _info: dict[str, int]) -> None:
    if phase == "start":
        _collecting[0] = time.perf_counter()
    else:
        SPENT["garbage collection"] += time.perf_counter() - _collecting[0]
        CALLS["garbage collection"] += 1


# The portal's own gunicorn settings (gunicorn.conf.py, which a --config replaces) come first.
_PORTAL = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
post_fork = _PORTAL["post_fork"]


def post_worker_init(worker: Any) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import flask.sessions
    import flask_limiter._extension
    from timing import timed

    import catalog.search.operations as operations
    import catalog.search.searching as searching
    import portal.page_cache as page_cache
    import portal.search.views as views

    for owner, name in [
        (operations, "build_with_synonyms"), (searching, "run"), (operations, "_hits"),
        (operations, "page_offerings"), (views, "search"), (views, "result_cards"),
        (views, "render_template"), (page_cache, "page_key"),
        (flask.sessions.SecureCookieSessionInterface, "open_session"),
        (flask_limiter._extension.Limiter, "_check_request_limit"),
    ]:
        timed(owner, name, f"{owner.__name__.split('.')[-1]}.{name}", SPENT, CALLS)
    app = worker.wsgi
    flask_app: Callable[..., Any] = app.wsgi_app

    def whole(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        try:
            return flask_app(environ, start_response)
        finally:
            SPENT[REQUESTS] += time.perf_counter() - started
            CALLS[REQUESTS] += 1

    app.wsgi_app = whole
    gc.callbacks.append(_collector)


def worker_exit(_server: Any, _worker: Any) -> None:
    served = CALLS[REQUESTS] or 1
    used = os.times()
    lines = [f"worker {os.getpid()}: {served} requests, {used.user + used.system:.1f} s of CPU",
             f"  {'':45} {'ms per request':>15} {'calls':>7} {'ms per call':>12}"]
    for label, seconds in SPENT.most_common():
        lines.append(f"  {label:45} {seconds / served * 1000:15.3f} {CALLS[label]:7d} "
                     f"{seconds / CALLS[label] * 1000:12.3f}")
    sys.stderr.write("\n".join(lines) + "\n")
