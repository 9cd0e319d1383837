"""Instructions per signed-in search page with a new query, counted by callgrind: a measure
that repeats to within half a percent on an idle machine (a few percent on a busy one: work
done by the clock comes more often per page) where seconds on a shared machine move by a
quarter.

    .venv/bin/python benchmarks/search_instructions.py [--offerings 10000] [--requests 200]
                                                       [--warm-up 1500] [--phases]

Needs valgrind (`apt-get install valgrind`); takes about two minutes. Builds the throughput
benchmark's catalog and a signed-in employee's session in this process (benchmarks/search.py,
throughput.py), then runs itself under callgrind with counting off: the warm-up's new queries
(as a running server has seen the words and offerings before), then counting on for
`--requests` more new queries through Flask's test client, each a two-word query from the
throughput benchmark's words. Prints the millions of instructions per search page. Compare
commits with the same arguments on the same Python.

With `--phases` (also needs a C compiler: a three-line helper is compiled to a temporary
directory, where callgrind writes about 4 MB per page; `--requests 60` is plenty) it also says
where they go: each phase of a search page (`PHASES`, wrapped where
they are looked up) has callgrind write its count at the phase's start and end, and each
phase is charged what ran while it was the innermost one (its own part: the rendering of
cards inside the cards' phase is the cards', not the page's). "outside" is what no phase
covers: Flask's test client; the view's decorators' own code is `dispatch_request`'s.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import itertools
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import generate_offerings, load_catalog  # noqa: E402
from throughput import FRESH_WORDS, signed_in_cookie  # noqa: E402

# Where a search page's instructions go: (module, attribute path) of each phase's function.
PHASES = [
    ("catalog.search.operations", "build_with_synonyms"),  # building the query
    ("catalog.search.searching", "run"),  # scoring, ranking, counting the filters
    ("portal.search.views", "search"),  # the rest of the search (answer cache)
    ("catalog.search.operations", "_hits"),
    ("catalog.search.operations", "page_offerings"),  # the hits' offerings, kept or read
    ("catalog.search.operations", "highlighted"),  # marking the words found
    ("portal.search.views", "result_cards"),
    ("portal.search.views", "result_facets"),
    ("portal.search.views", "render_template"),  # the page around the cards
    ("portal.search.views", "search_criteria"),
    ("portal.page_cache", "page_key"),  # the session's viewer and the activity mark
    ("portal.page_cache", "personal_nav"),
    ("portal.search.log", "log_search"),
    ("flask_limiter._extension", "Limiter._check_request_limit"),
    ("flask.sessions", "SecureCookieSessionInterface.open_session"),
    ("flask.sessions", "SecureCookieSessionInterface.save_session"),
    ("flask.app", "Flask.wsgi_app"),
    ("flask.app", "Flask.full_dispatch_request"),
    ("flask.app", "Flask.dispatch_request"),
    ("flask.app", "Flask.preprocess_request"),  # before-request functions
    ("flask.app", "Flask.process_response"),  # after-request functions
    ("flask.app", "Flask.do_teardown_request"),  # writing the search log when due
    ("flask.app", "Flask.do_teardown_appcontext"),  # ending the database session
]
MARKER = """#include <valgrind/callgrind.h>
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""


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


def counted(instance: Path, cookie: str, requests: int, warm_up: int,
            marker: Path | None = None) -> None:
    """Under callgrind: warm up uncounted, then count `requests` new-query search pages
    (with `marker`, the compiled helper, a count written at every phase's edges)."""
    os.environ.update(settings(instance))
    counting = [False]
    dump = ctypes.CDLL(str(marker)).dump if marker is not None else None
    stack = ["outside"]
    if dump is not None:
        for module, path in PHASES:
            _mark_phase(module, path, dump, stack, counting)
    from portal import create_app
    from portal.indexing import search_index

    # The garbage collector as gunicorn's workers run it (gunicorn.conf.py).
    gc.set_threshold(*runpy.run_path(str(ROOT / "gunicorn.conf.py"))["GC_THRESHOLDS"])
    app = create_app()
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    pages = (f"/search?q={quote(a)}+{quote(b)}"
             for a, b in itertools.product(FRESH_WORDS, repeat=2))
    for _ in range(warm_up):
        assert client.get(next(pages)).status_code == 200
    with app.app_context():  # what a running server has read ahead (SEARCH_WARM_UP)
        search_index().warming.wait(600)
    switch = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(switch, check=True, capture_output=True)
    counting[0] = True
    for _ in range(requests):
        client.get(next(pages))
    counting[0] = False
    if dump is not None:
        dump(b"outside")  # the last stretch
    subprocess.run([*switch[:1], "--instr=off", *switch[2:]], check=True, capture_output=True)


def _mark_phase(module: str, path: str, dump: Callable[[bytes], None], stack: list[str],
                counting: list[bool]) -> None:
    """Wrap the phase's function: while counting, callgrind writes what ran since the last
    edge, labelled with the phase it belongs to (the innermost one running)."""
    *owner_path, name = path.split(".")
    owner: Any = importlib.import_module(module)
    for part in owner_path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    label = path.rpartition(".")[2] if owner_path else f"{module.rpartition('.')[2]}.{name}"

    def phase(*args: Any, **kwargs: Any) -> Any:
        if not counting[0]:
            return original(*args, **kwargs)
        dump(stack[-1].encode())
        stack.append(label)
        try:
            return original(*args, **kwargs)
        finally:
            dump(stack.pop().encode())

    setattr(owner, name, phase)


def phase_counts(directory: Path) -> Counter[str]:
    """Instructions per phase from the counts callgrind wrote at the phases' edges."""
    spent: Counter[str] = Counter()
    for dumped in directory.glob("callgrind.out*"):
        text = dumped.read_text(errors="replace")
        label = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.MULTILINE)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
        if label and total:
            spent[label.group(1)] += int(total.group(1))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=1500)
    parser.add_argument("--phases", action="store_true",
                        help="also count each phase of a search page (needs a C compiler)")
    parser.add_argument("--counted", nargs=2, metavar=("INSTANCE", "COOKIE"),
                        help=argparse.SUPPRESS)  # the run under callgrind
    parser.add_argument("--marker", type=Path, help=argparse.SUPPRESS)  # with --counted
    args = parser.parse_args()
    if args.counted:
        counted(Path(args.counted[0]), args.counted[1], args.requests, args.warm_up,
                args.marker)
        return
    instance, cookie = prepare(args.offerings)
    work = Path(tempfile.mkdtemp(prefix="search-phases-")) if args.phases else None
    marking = []
    if work is not None:
        (work / "marker.c").write_text(MARKER)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(work / "marker.so"),
                        str(work / "marker.c")], check=True)
        marking = ["--marker", str(work / "marker.so")]
    out = str(work / "callgrind.out") if work is not None else "/dev/null"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         "--dump-instr=no", "--dump-line=no", sys.executable, __file__,
         "--requests", str(args.requests), "--warm-up", str(args.warm_up),
         "--counted", str(instance), cookie, *marking],
        capture_output=True, text=True, check=True)
    collected = int(re.search(r"Collected : (\d+)", run.stderr).group(1))
    print(f"{args.offerings} offerings, {args.warm_up} new queries before, "
          f"{args.requests} counted: {collected / args.requests / 1e6:.2f} M instructions "
          f"per signed-in search page with a new query")
    if work is not None:
        spent = phase_counts(work)
        shutil.rmtree(work)
        for label, instructions in spent.most_common():
            print(f"  {label:45} {instructions / args.requests / 1e6:6.2f} M "
                  f"{100 * instructions / collected:5.1f} %")


if __name__ == "__main__":
    main()
