"""Search page benchmark: where a signed-in search page's time goes, in-process.

    .venv/bin/python benchmarks/search_page.py [--offerings 10000] [--requests 200]
                                               [--warm-up 1000]

Builds the throughput benchmark's catalog (benchmarks/search.py: N generated offerings in a
throwaway SQLite file, the index built) and a signed-in employee's session, then asks the
portal through Flask's test client (no server, no network) for:

- a cached department page (the baseline: a page the page cache answers, signed in),
- a search page with a two-word query never asked before, from the same word list as the
  throughput benchmark's "new query" row, timed per phase (building the query with its
  synonyms, scoring, the hits' offerings and highlighting, the results' cards, rendering the
  page),
- a search page with a new query that finds nothing (it shows popular services and the
  departments instead),

and prints the mean milliseconds per request of each, and of each phase per search page.
Wall-clock time of one process: compare rows of one run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate_offerings, load_catalog  # noqa: E402
from throughput import FRESH_WORDS, signed_in_cookie  # noqa: E402
from timing import timed  # noqa: E402

PHASES: Counter[str] = Counter()


def mean_ms(client: Any, urls: Iterator[str], requests: int, warm_up: int) -> float:
    for _ in range(warm_up):  # templates, the index's word lists, per-word scores, cards
        assert client.get(next(urls)).status_code == 200
    PHASES.clear()
    started = time.perf_counter()
    for _ in range(requests):
        client.get(next(urls))
    return (time.perf_counter() - started) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=1000,
                        help="requests before measuring (other new queries), as a running "
                             "server has seen the words before")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-page-bench-"))
    os.environ.update({"PORTAL_INSTANCE_PATH": str(work / "instance"),
                       "PORTAL_SECRET_KEY": "benchmark",
                       **{f"PORTAL_{name}_LIMIT": "10000000 per minute"
                          for name in ("SEARCH", "SUGGEST")}})
    import catalog.search.operations as operations
    import catalog.search.searching as searching
    import portal.search.views as views
    from catalog.models import Base
    from portal import create_app
    from portal.extensions import db
    from portal.indexing import search_index

    app = create_app()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalog(db.session, generate_offerings(args.offerings))
        search_index().rebuild(db.session)
    name, value = signed_in_cookie(app).split("=", 1)
    client = app.test_client()
    client.set_cookie(name, value)

    timed(operations, "build_with_synonyms", "building the query with its synonyms", PHASES)
    timed(searching, "run", "scoring", PHASES)
    timed(operations, "_hits", "the hits' offerings and highlighting", PHASES)
    timed(views, "render_template", "rendering the page", PHASES)
    timed(views, "result_cards", "the results' cards (kept per offering)", PHASES)

    pairs = (f"/search?q={quote(a)}+{quote(b)}"
             for a, b in itertools.product(FRESH_WORDS, repeat=2))
    nothing = (f"/search?q=zzqx{n}+yyqv{n}" for n in itertools.count())
    rows: list[tuple[str, float, dict[str, float]]] = []
    cases: list[tuple[str, Callable[[], Iterator[str]]]] = [
        ("department page, signed in, cached (baseline)",
         lambda: itertools.repeat("/departments/it")),
        ("search page, a new query", lambda: pairs),
        ("search page, a new query that finds nothing", lambda: nothing),
    ]
    for label, urls in cases:
        total = mean_ms(client, urls(), args.requests, args.warm_up)
        rows.append((label, total, {k: v / args.requests * 1000 for k, v in PHASES.items()}))
    print(f"{args.offerings} offerings, signed in, {args.requests} requests each, in-process")
    for label, total, phases in rows:
        print(f"  {label:46} {total:6.2f} ms")
        for phase, ms in sorted(phases.items(), key=lambda item: -item[1]):
            print(f"      {phase:42} {ms:6.2f} ms")


if __name__ == "__main__":
    main()
