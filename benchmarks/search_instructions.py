"""Instructions per signed-in search page with a new query, counted by callgrind: a measure
that repeats to within half a percent on an idle machine (a few percent on a busy one: work
done by the clock comes more often per page) where seconds on a shared machine move by a
quarter.

    .venv/bin/python benchmarks/search_instructions.py [--offerings 10000] [--requests 200]
                                                       [--warm-up 1500]

Needs valgrind (`apt-get install valgrind`); takes about two minutes. Builds the throughput
benchmark's catalog and a signed-in employee's session in this process (benchmarks/search.py,
throughput.py), then runs itself under callgrind with counting off: the warm-up's new queries
(as a running server has seen the words and offerings before), then counting on for
`--requests` more new queries through Flask's test client, each a two-word query from the
throughput benchmark's words. Prints the millions of instructions per search page. Compare
commits with the same arguments on the same Python.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate_offerings, load_catalog  # noqa: E402
from throughput import FRESH_WORDS, signed_in_cookie  # noqa: E402


def settings(instance: Path) -> dict[str, str]:
    return {"PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "benchmark",
            **{f"PORTAL_{name}_LIMIT": "10000000 per minute" for name in ("SEARCH", "SUGGEST")}}


def prepare(offerings: int) -> tuple[Path, str]:
    """A catalog with its index in a new instance folder, and a signed-in session's cookie."""
    instance = Path(tempfile.mkdtemp(prefix="search-instructions-")) / "instance"
    os.environ.update(settings(instance))
    from catalog.models import Base
    from portal import create_app
    from portal.extensions import db
    from portal.indexing import search_index

    app = create_app()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalog(db.session, generate_offerings(offerings))
        search_index().rebuild(db.session)
    cookie = signed_in_cookie(app)
    with app.app_context():
        db.engine.dispose()
    return instance, cookie


def counted(instance: Path, cookie: str, requests: int, warm_up: int) -> None:
    """Under callgrind: warm up uncounted, then count `requests` new-query search pages."""
    os.environ.update(settings(instance))
    from portal import create_app

    client = create_app().test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    pages = (f"/search?q={quote(a)}+{quote(b)}"
             for a, b in itertools.product(FRESH_WORDS, repeat=2))
    for _ in range(warm_up):
        assert client.get(next(pages)).status_code == 200
    switch = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(switch, check=True, capture_output=True)
    for _ in range(requests):
        client.get(next(pages))
    subprocess.run([*switch[:1], "--instr=off", *switch[2:]], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=1500)
    parser.add_argument("--counted", nargs=2, metavar=("INSTANCE", "COOKIE"),
                        help=argparse.SUPPRESS)  # the run under callgrind
    args = parser.parse_args()
    if args.counted:
        counted(Path(args.counted[0]), args.counted[1], args.requests, args.warm_up)
        return
    instance, cookie = prepare(args.offerings)
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--requests", str(args.requests),
         "--warm-up", str(args.warm_up), "--counted", str(instance), cookie],
        capture_output=True, text=True, check=True)
    collected = int(re.search(r"Collected : (\d+)", run.stderr).group(1))
    print(f"{args.offerings} offerings, {args.warm_up} new queries before, "
          f"{args.requests} counted: {collected / args.requests / 1e6:.2f} M instructions "
          f"per signed-in search page with a new query")


if __name__ == "__main__":
    main()
