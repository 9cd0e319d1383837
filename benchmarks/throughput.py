"""Throughput: requests per second of the portal's pages against a bare Flask "hello" app.

    .venv/bin/python benchmarks/throughput.py [--offerings 10000] [--seconds 10]

Both run under gunicorn with 2 sync workers on 127.0.0.1; wrk (`apt-get install wrk`) loads
them with 2 threads and 8 connections for a fixed time per page. The portal runs on a SQLite
catalog of N generated offerings (see benchmarks/search.py) with its search index built.
Catalog pages are served from the portal's page cache once seen, for anonymous and signed-in
visitors; the "new query" row asks a search never asked before on every request (pairs of
catalog words), so each one runs the whole search, after a warm-up as long as the measurement
with other new queries (a running server has seen the words and offerings before).

The hello is measured before the first page and after every page, and each page is reported
against the mean of the hellos just before and after it: on a shared machine the hello alone
moved by a quarter within a minute, more than most changes move a page.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import QUERIES, generate_offerings, load_catalog  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# wrk runs this Lua to send the fixed mix of queries (answered by the page cache once seen;
# an argument the page does not read no longer gets past it).
ROTATING = """
local queries = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local q = queries[(counter %% #queries) + 1]
  return wrk.format(nil, "/search?q=" .. q)
end
"""
# A query not asked before on every request: pairs of catalog words. Each wrk thread walks its
# own stretch of the pairs, and the warm-up (phase 0) others than the measurement (phase 1), so
# no query is asked twice (search answers and pages are cached once asked).
FRESH = """
local words = {%s}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  local stretch = math.floor(#words * #words / 4)
  start = (2 * id + tonumber(args[1] or "1")) * stretch
  counter = 0
end
request = function()
  local n = start + counter
  counter = counter + 1
  local a = words[(n %% #words) + 1]
  local b = words[(math.floor(n / #words) %% #words) + 1]
  return wrk.format(nil, "/search?q=" .. a .. "+" .. b)
end
"""
# Words of the generated catalog (benchmarks/search.py): what people look for, places, teams.
FRESH_WORDS = ["laptop", "monitor", "printer", "password", "meeting", "room", "parking",
               "badge", "invoice", "travel", "booking", "repair", "request", "order", "account",
               "Laptop", "Bildschirm", "Drucker", "Passwort", "Parkplatz", "Schulung", "Umzug",
               "Rechnung", "Dienstreise", "Antrag", "Urlaub", "Konto", "Schluessel", "Berlin",
               "Hamburg", "neu", "kaputt", "defekt", "bestellen", "new", "broken", "help",
               "Zugang", "access", "card", "phone", "Headset", "VPN", "SAP", "Teams", "server",
               "backup", "desk", "office", "Besprechungsraum", "docking", "station", "mobile",
               "email", "mailbox", "shared", "drive", "software", "licence", "space", "key",
               "business", "expense", "report", "training", "course", "onboarding",
               "offboarding", "payslip", "sick", "note", "home", "equipment", "conference",
               "call", "catering", "event", "contract", "review", "purchase", "credit",
               "visitor", "pass", "company", "car", "bicycle", "lease", "team", "offsite",
               "press", "release", "logo", "file", "translation", "data", "firewall", "rule",
               "database", "Microsoft", "channel", "Dockingstation", "Diensthandy",
               "Berechtigung", "Postfach", "Gruppenlaufwerk", "Softwarelizenz", "Arbeitsplatz",
               "Büroschlüssel", "Schlüssel", "Zutrittskarte", "Visitenkarte",
               "Reisekostenabrechnung", "Urlaubsantrag", "Gehaltsabrechnung", "Krankmeldung",
               "Benutzerkonto", "Bestellung", "Firmenwagen", "Dienstfahrrad", "Übersetzung",
               "Datensicherung", "Besucherausweis", "Vertragsprüfung", "München", "Köln",
               "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Nürnberg", "Bremen", "Hannover",
               "Düsseldorf", "Wien", "Zürich", "Prag", "London", "Paris", "Madrid", "Mailand",
               "Warschau", "Personalabteilung", "Facility", "Management", "Finanzen",
               "Controlling", "Kantine", "Marketing", "Rechtsabteilung", "Einkauf",
               "Reisestelle", "Werkschutz", "Sicherheit", "Learning", "Development",
               "Unternehmenskommunikation"]


def signed_in_cookie(app) -> str:  # noqa: ANN001 (the portal app)
    """A "Cookie:" value of a signed-in employee, made the way signing in makes it."""
    from datetime import timedelta

    from catalog.models import User
    from catalog.people.sessions import start_session
    from portal.extensions import db

    client = app.test_client()
    with app.app_context():
        user = User(email="bench@example.com", name="Bench Mark", audience="employee")
        db.session.add(user)
        db.session.flush()
        start_session(db.session, user, lifetime=timedelta(hours=2))
        db.session.commit()
        user_id = user.get_id()
    with client.session_transaction() as http_session:
        http_session["_user_id"] = user_id
        http_session["_fresh"] = True
    # As a browser holds it after its first page: with the session's CSRF token (the header's
    # sign-out form), so that later pages do not set a new cookie.
    client.get("/")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return f"{cookie.key}={cookie.value}"


def start(arguments: list[str], port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         *arguments], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn on port {port} did not start")


def wrk(url: str, seconds: int, script: Path | None = None, cookie: str | None = None,
        warm_up: int = 2) -> float:
    """Requests per second, after a warm-up that fills caches (a script is told its phase:
    0 warming up, 1 measuring)."""
    extra = ["--script", str(script)] if script else []
    extra += ["-H", f"Cookie: {cookie}"] if cookie else []
    subprocess.run(["wrk", "-t2", "-c8", f"-d{warm_up}s", *extra, url, "--", "0"],
                   capture_output=True, check=True)
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *extra, url, "--", "1"],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", metavar="TEXT",
                        help="measure only the pages whose name contains TEXT")
    parser.add_argument("--worker-config", type=Path,
                        help="a gunicorn config file for the portal's workers, whose output "
                             "is printed at the end (e.g. benchmarks/worker_phases.py)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="throughput-bench-"))
    # wrk's connections all come from 127.0.0.1: limits per client address would measure the
    # 429 page. They stay on (counting is part of what a search costs), set out of reach.
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(work / "instance"),
           "PORTAL_SECRET_KEY": "benchmark",
           **{f"PORTAL_{name}_LIMIT": "10000000 per minute" for name in ("SEARCH", "SUGGEST")}}
    os.environ.update(env)
    from catalog.models import Base
    from portal import create_app
    from portal.extensions import db
    from portal.indexing import search_index

    app = create_app()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalog(db.session, generate_offerings(args.offerings))
        search_index().rebuild(db.session)
        db.engine.dispose()
    cookie = signed_in_cookie(app)
    with app.app_context():
        db.engine.dispose()
    fresh = work / "fresh.lua"
    fresh.write_text(FRESH % ", ".join(f'"{urllib.request.quote(word)}"'
                                       for word in FRESH_WORDS))
    script = work / "rotating.lua"
    script.write_text(ROTATING % ", ".join(
        '"' + urllib.request.quote(text) + '"' for _, text in QUERIES))

    servers = []
    try:
        servers.append(start(["hello_app:app"], 5301, Path(__file__).resolve().parent, env))
        config = ["--config", str(args.worker_config.resolve())] if args.worker_config else []
        servers.append(start([*config, "portal:create_app()"], 5302, ROOT, env))
        portal = "http://127.0.0.1:5302"

        def cookie_wrk(url: str, script: Path | None = None, **options: int) -> float:
            return wrk(url, args.seconds, script, cookie, **options)

        pages = [
            ("portal home", lambda: wrk(f"{portal}/", args.seconds)),
            ("department page", lambda: wrk(f"{portal}/departments/it", args.seconds)),
            ("offering page", lambda: wrk(f"{portal}/departments/it/service-0", args.seconds)),
            ("search, one query", lambda: wrk(f"{portal}/search?q=laptop", args.seconds)),
            ("search, query mix", lambda: wrk(portal, args.seconds, script)),
            ("search API, one query repeated",
             lambda: wrk(f"{portal}/api/v1/search?q=Reparatur", args.seconds)),
            ("home, signed in", lambda: cookie_wrk(f"{portal}/")),
            ("department page, signed in", lambda: cookie_wrk(f"{portal}/departments/it")),
            ("offering page, signed in",
             lambda: cookie_wrk(f"{portal}/departments/it/service-0")),
            ("search, signed in, query mix", lambda: cookie_wrk(portal, script)),
            # Warmed up as long as measured: a running server has seen the words before.
            ("search, signed in, new query",
             lambda: cookie_wrk(portal, fresh, warm_up=args.seconds)),
        ]
        hellos = [wrk("http://127.0.0.1:5301/", args.seconds)]
        rows = []
        for name, measure in pages:
            if not args.only or args.only in name:
                rows.append((name, measure()))
                hellos.append(wrk("http://127.0.0.1:5301/", args.seconds))
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
    if args.worker_config:
        print(servers[-1].stderr.read().decode(errors="replace"))
    print(f"{args.offerings} offerings, gunicorn 2 workers, wrk 2 threads 8 connections, "
          f"{args.seconds} s per page")
    print(f"  {'bare Flask hello':30} {sum(hellos) / len(hellos):8.0f} req/s   100.0 %"
          f"  ({min(hellos):.0f}-{max(hellos):.0f} req/s over the run)")
    for (name, rate), before, after in zip(rows, hellos, hellos[1:], strict=False):
        hello = (before + after) / 2
        print(f"  {name:30} {rate:8.0f} req/s   {100 * rate / hello:5.1f} % of the hello "
              f"around it ({before:.0f}, {after:.0f})")


if __name__ == "__main__":
    main()
