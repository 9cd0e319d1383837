"""Throughput: requests per second of the portal's pages against a bare Flask "hello" app.

    .venv/bin/python benchmarks/throughput.py [--offerings 10000] [--seconds 10]

Both run under gunicorn with 2 sync workers on 127.0.0.1; wrk (`apt-get install wrk`) loads
them with 2 threads and 8 connections for a fixed time per page. The portal runs on a SQLite
catalog of N generated offerings (see benchmarks/search.py) with its search index built.
Catalog pages are served from the portal's page cache once seen, for anonymous and signed-in
visitors; the "new query" row asks a search never asked before on every request, so each one
runs the whole search.
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
# A query not asked before on every request: pairs of catalog words, walked in order (search
# answers are cached per process, so this is what a search costs the first time).
FRESH = """
local words = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local a = words[(counter %% #words) + 1]
  local b = words[(math.floor(counter / #words) %% #words) + 1]
  return wrk.format(nil, "/search?q=" .. a .. "+" .. b)
end
"""
FRESH_WORDS = ["laptop", "monitor", "printer", "password", "meeting", "room", "parking",
               "badge", "invoice", "travel", "booking", "repair", "request", "order", "account",
               "Laptop", "Bildschirm", "Drucker", "Passwort", "Parkplatz", "Schulung", "Umzug",
               "Rechnung", "Dienstreise", "Antrag", "Urlaub", "Konto", "Schluessel", "Berlin",
               "Hamburg", "neu", "kaputt", "defekt", "bestellen", "new", "broken", "help",
               "Zugang", "access", "card", "phone", "Headset", "VPN", "SAP", "Teams", "server",
               "backup", "desk", "office", "Besprechungsraum"]


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


def wrk(url: str, seconds: int, script: Path | None = None, cookie: str | None = None) -> float:
    """Requests per second (after a short warm-up that also fills caches)."""
    extra = ["--script", str(script)] if script else []
    extra += ["-H", f"Cookie: {cookie}"] if cookie else []
    subprocess.run(["wrk", "-t2", "-c8", "-d2s", *extra, url], capture_output=True, check=True)
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
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
    fresh.write_text(FRESH % ", ".join(f'"{word}"' for word in FRESH_WORDS))
    script = work / "rotating.lua"
    script.write_text(ROTATING % ", ".join(
        '"' + urllib.request.quote(text) + '"' for _, text in QUERIES))

    servers = []
    try:
        servers.append(start(["hello_app:app"], 5301, Path(__file__).resolve().parent, env))
        servers.append(start(["portal:create_app()"], 5302, ROOT, env))
        portal = "http://127.0.0.1:5302"
        rows = [
            ("bare Flask hello", wrk("http://127.0.0.1:5301/", args.seconds)),
            ("portal home", wrk(f"{portal}/", args.seconds)),
            ("department page", wrk(f"{portal}/departments/it", args.seconds)),
            ("offering page", wrk(f"{portal}/departments/it/service-0", args.seconds)),
            ("search, one query", wrk(f"{portal}/search?q=laptop", args.seconds)),
            ("search, query mix", wrk(portal, args.seconds, script)),
            ("search API, one query repeated", wrk(f"{portal}/api/v1/search?q=Reparatur",
                                                   args.seconds)),
            ("home, signed in", wrk(f"{portal}/", args.seconds, cookie=cookie)),
            ("department page, signed in", wrk(f"{portal}/departments/it", args.seconds,
                                               cookie=cookie)),
            ("offering page, signed in", wrk(f"{portal}/departments/it/service-0",
                                             args.seconds, cookie=cookie)),
            ("search, signed in, query mix", wrk(portal, args.seconds, script, cookie)),
            ("search, signed in, new query", wrk(portal, args.seconds, fresh, cookie)),
        ]
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
    hello = rows[0][1]
    print(f"{args.offerings} offerings, gunicorn 2 workers, wrk 2 threads 8 connections, "
          f"{args.seconds} s per page")
    for name, rate in rows:
        print(f"  {name:30} {rate:8.0f} req/s   {100 * rate / hello:5.1f} % of hello")


if __name__ == "__main__":
    main()
