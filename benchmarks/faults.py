"""Faults under load: nothing answered is lost or doubled, mail arrives, search heals itself.

    .venv/bin/python benchmarks/faults.py [--seconds 60] [--clients 6]   (as root)

Runs the portal as in production, all on this machine and all its own: gunicorn (2 workers)
and the mail worker (`send-mail --loop`) on a PostgreSQL cluster initialised into a temporary
directory (initdb as user postgres, port 55432 or another free one; the machine's own
PostgreSQL is never touched), with a real SMTP server (aiosmtpd) in this process. Several
client threads browse, search, submit requests with a file through the API and comment, with a
short pause between calls, while the script

  - restarts PostgreSQL (`pg_ctl restart -m fast`),
  - makes SMTP unreachable for a while (the server stops listening),
  - deletes the search index directory.

Afterwards it checks that every request answered 201 with a reference is stored exactly once,
that every mail about them was delivered once SMTP was back, that search answers again
(without anyone running `reindex`) and that no answer was a 500 with a stack trace; and prints
the figures, with the seconds each fault took to recover. Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import glob
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                     key=lambda p: int(Path(p).parent.name))[-1])
# A 1x1 PNG: the request form's "foto" field checks files by their content.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
CLIENT_USERS = ["emma.employee@example.com", "olivia.owner@example.com",
                "adam.agent@example.com", "frank.finance@example.com",
                "fiona.facilities@example.com", "chris.catering@example.com",
                "mia.marketing@example.com", "leo.legal@example.com"]
PAGES = ["/", "/departments/", "/departments/it", "/departments/it/druckerproblem",
         "/departments/facilities", "/commitments", "/api/v1/departments",
         "/api/v1/departments/it/druckerproblem"]
WORDS = ["Drucker", "laptop", "Passwort", "parking", "badge", "Schulung", "invoice", "VPN",
         "Urlaub", "travel", "printer", "Rechnung", "meeting room", "payslip"]


def free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


# -- the pieces: PostgreSQL, SMTP, portal ----------------------------------------------------

class Postgres:
    """A throwaway cluster owned by user postgres in `work`/pg."""

    def __init__(self, work: Path, port: int) -> None:
        self.data, self.port, self.log = work / "pg", port, work / "postgres.log"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> None:
        self.data.mkdir()
        shutil.chown(self.data, "postgres", "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres", "--no-sync")
        self.start()
        self._as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                          "-U", "postgres", "portal")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.data} -c max_connections=100")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                          "-w", "-o", options, action, *extra)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/portal"


class Mailbox:
    """aiosmtpd on a fixed port that can be taken down and brought back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, str, str]] = []   # (Message-ID, To, Subject)
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((str(message["Message-ID"]), str(message["To"]),
                                  str(message["Subject"])))
        return "250 Message accepted"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def portal_environment(work: Path, database_url: str, smtp_port: int, web_port: int
                       ) -> dict[str, str]:
    return {**os.environ, "PORTAL_INSTANCE_PATH": str(work / "instance"),
            "PORTAL_DATABASE_URL": database_url, "PORTAL_SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": f"http://127.0.0.1:{web_port}",
            "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(smtp_port),
            # Retries soon after SMTP is back, and never give up within the run.
            "PORTAL_MAIL_RETRY_SECONDS": "1", "PORTAL_MAIL_RETRY_MAX_SECONDS": "4",
            "PORTAL_MAIL_MAX_ATTEMPTS": "1000",
            # Faults are measured here, not rate limits: the clients all come from 127.0.0.1.
            **{f"PORTAL_{name}_LIMIT": "100000 per minute"
               for name in ("SEARCH", "SUGGEST", "SUBMIT", "COMMENT", "API_WRITE")}}


def flask(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "flask"), "--app", "portal", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout.strip()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} ended with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


# -- the load ----------------------------------------------------------------------------------

@dataclass
class Outcome:
    action: str
    started: float
    took: float
    status: int | None          # None: no HTTP answer
    error: str | None = None    # the kind of failure, if any
    stack_trace: bool = False

    @property
    def ended(self) -> float:
        return self.started + self.took


@dataclass
class Record:
    outcomes: list[Outcome] = field(default_factory=list)
    answered: dict[str, str] = field(default_factory=dict)   # marker -> ref (201)
    unanswered: list[str] = field(default_factory=list)      # markers sent without a 201
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def failure_kind(status: int | None, error: BaseException | None) -> str | None:
    if error is not None:
        return type(error).__name__
    if status is None or status >= 500:
        return f"HTTP {status}"
    if status == 429:
        return "HTTP 429 (rate limit)"
    if status >= 400:
        return f"HTTP {status}"
    return None


class Client(threading.Thread):
    def __init__(self, base: str, token: str, record: Record, clock: float,
                 stop: threading.Event, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.record, self.clock, self.stop_event = base, record, clock, stop
        self.random = random.Random(seed)
        self.http = requests.Session()
        self.auth = {"Authorization": f"Bearer {token}"}
        self.refs: list[str] = []

    def call(self, action: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        started = time.monotonic()
        response, error = None, None
        try:
            response = self.http.request(method, self.base + path, timeout=15, **kwargs)
        except requests.RequestException as failure:
            error = failure
        status = response.status_code if response is not None else None
        body = response.text if response is not None else ""
        self.record.add(Outcome(action, started - self.clock, time.monotonic() - started,
                                status, failure_kind(status, error),
                                "Traceback (most recent call last)" in body))
        return response

    def run(self) -> None:
        actions = ["browse"] * 7 + ["search"] * 5 + ["submit"] * 5 + ["comment"] * 3
        while not self.stop_event.is_set():
            getattr(self, self.random.choice(actions))()
            self.stop_event.wait(self.random.uniform(0.05, 0.25))

    def browse(self) -> None:
        self.call("browse", "GET", self.random.choice(PAGES))

    def search(self) -> None:
        words = self.random.choice(WORDS)
        if self.random.random() < 0.5:
            self.call("search", "GET", "/search", params={"q": words})
        else:
            self.call("search", "GET", "/api/v1/search", params={"q": words})

    def submit(self) -> None:
        marker = f"bench-{uuid.uuid4().hex}"
        body = {"department": "it", "offering": "druckerproblem", "priority": "normal",
                "fields": {"standort": marker, "fehlerbild": "Papierstau",
                           "foto": {"filename": "fehler.png", "content_type": "image/png",
                                    "content": base64.b64encode(PNG).decode()}}}
        response = self.call("submit", "POST", "/api/v1/requests", json=body, headers=self.auth)
        ref = None
        if response is not None and response.status_code == 201:
            ref = response.json().get("ref")
        with self.record.lock:
            if ref:
                self.record.answered[marker] = ref
                self.refs.append(ref)
            else:
                self.record.unanswered.append(marker)

    def comment(self) -> None:
        if not self.refs:
            return self.submit()
        ref = self.random.choice(self.refs)
        self.call("comment", "POST", f"/api/v1/requests/{ref}/comments",
                  json={"body": "Any news? The printer still jams."}, headers=self.auth)
        return None


class Monitor(threading.Thread):
    """Reads /healthz every quarter second: when the database, the index and mail are back."""

    def __init__(self, base: str, clock: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.clock, self.stop_event = base, clock, stop
        self.readings: list[tuple[float, int | None, dict[str, Any]]] = []

    def run(self) -> None:
        http = requests.Session()
        while not self.stop_event.is_set():
            at = time.monotonic() - self.clock
            try:
                response = http.get(self.base + "/healthz", timeout=5)
                self.readings.append((at, response.status_code, response.json()))
            except (requests.RequestException, ValueError):
                self.readings.append((at, None, {}))
            self.stop_event.wait(0.25)


# -- recovery times --------------------------------------------------------------------------

def database_recovery(record: Record, fault_at: float, until: float) -> float | None:
    """From the restart until the first answered submission after the last failed call."""
    window = [o for o in record.outcomes if fault_at <= o.started < until]
    failed = [o.ended for o in window if o.error and not o.error.startswith("HTTP 4")]
    after = max(failed, default=fault_at)
    done = [o.ended for o in window
            if o.action == "submit" and o.status == 201 and o.started >= after]
    return min(done) - fault_at if done else None


def mail_recovery(monitor: Monitor, back_at: float) -> float | None:
    """From SMTP's return until nothing queued before it is still pending."""
    for at, _, body in monitor.readings:
        outbox = body.get("outbox") or {}
        oldest = outbox.get("oldest_pending_seconds")
        if at >= back_at and outbox and (oldest is None or at - oldest > back_at):
            return at - back_at
    return None


def index_recovery(monitor: Monitor, deleted_at: float) -> float | None:
    for at, _, body in monitor.readings:
        if at > deleted_at and (body.get("search") or {}).get("index") == "current":
            return at - deleted_at
    return None


# -- after the run -----------------------------------------------------------------------------

def stored(database_url: str, record: Record) -> tuple[dict[str, list[str]], list[tuple]]:
    """{marker: refs stored with it}, and (status, Message-ID, ref, kind) of every outbox
    message about the requests answered 201."""
    import psycopg
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT answers::text, ref FROM service_request WHERE answers::text LIKE %s",
            ("%bench-%",)).fetchall()
        by_marker: dict[str, list[str]] = collections.defaultdict(list)
        for answers, ref in rows:
            start = answers.index("bench-")
            by_marker[answers[start:start + len("bench-") + 32]].append(ref)
        mails = connection.execute(
            "SELECT m.status, m.message_id, r.ref, m.kind FROM outbox_message m "
            "JOIN service_request r ON r.id = m.request_id WHERE r.ref = ANY(%s)",
            (list(record.answered.values()),)).fetchall()
    return by_marker, mails


def wait_for_outbox(base: str, seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            body = requests.get(base + "/healthz", timeout=5).json()
            if body.get("outbox", {}).get("pending") == 0:
                return body
        except (requests.RequestException, ValueError):
            pass
        time.sleep(1)
    return body


@dataclass
class Run:
    record: Record
    monitor: Monitor
    faults: dict[str, tuple[float, float]]   # name -> (began, ended), seconds into the run
    worker_alive: bool


def load_with_faults(base: str, tokens: list[str], seconds: float, postgres: Postgres,
                     mailbox: Mailbox, index_dir: Path, worker: subprocess.Popen) -> Run:
    """The clients' load for `seconds`, with the three faults at fixed points of it."""
    record, stop, clock = Record(), threading.Event(), time.monotonic()
    monitor = Monitor(base, clock, stop)
    clients = [Client(base, token, record, clock, stop, seed)
               for seed, token in enumerate(tokens)]
    for thread in [monitor, *clients]:
        thread.start()
    faults: dict[str, tuple[float, float]] = {}

    def at(fraction: float) -> float:
        time.sleep(max(0.0, clock + fraction * seconds - time.monotonic()))
        return time.monotonic() - clock

    began = at(1 / 6)
    postgres.restart()
    faults["PostgreSQL restart"] = (began, time.monotonic() - clock)
    began = at(3 / 8)
    mailbox.stop()
    at(5 / 8)
    mailbox.start()
    faults["SMTP unreachable"] = (began, time.monotonic() - clock)
    began = at(3 / 4)
    shutil.rmtree(index_dir)
    faults["search index deleted"] = (began, time.monotonic() - clock)
    at(1.0)
    stop.set()
    for thread in clients:
        thread.join(30)
    worker_alive = worker.poll() is None
    wait_for_outbox(base, 90)
    monitor.join(10)
    return Run(record, monitor, faults, worker_alive)


def check(run: Run, base: str, database_url: str, mailbox: Mailbox) -> int:
    """Print the figures and the checks; 0 if every check passed."""
    record = run.record
    search_after = requests.get(base + "/api/v1/search", params={"q": "Drucker"}, timeout=30)
    health_after = requests.get(base + "/healthz", timeout=10).json()
    by_marker, mails = stored(database_url, record)
    received = collections.Counter(message_id for message_id, _, _ in mailbox.received)
    lost = [m for m, ref in record.answered.items() if ref not in by_marker.get(m, [])]
    duplicated = [m for m, refs in by_marker.items() if len(refs) > 1]
    stored_unanswered = [m for m in record.unanswered if by_marker.get(m)]
    undelivered = [row for row in mails if row[0] != "sent" or row[1] not in received]
    mail_twice = sum(1 for row in mails if received.get(row[1], 0) > 1)
    told = {ref for _, _, ref, kind in mails if kind == "submitted"}
    statuses = collections.Counter(o.status for o in record.outcomes)
    errors = collections.Counter(o.error for o in record.outcomes if o.error)
    traces = sum(1 for o in record.outcomes if o.stack_trace)
    faults = run.faults
    recovery = {
        "PostgreSQL restart": database_recovery(record, faults["PostgreSQL restart"][0],
                                                faults["SMTP unreachable"][0]),
        "SMTP unreachable": mail_recovery(run.monitor, faults["SMTP unreachable"][1]),
        "search index deleted": index_recovery(run.monitor, faults["search index deleted"][0]),
    }
    search_ok = (search_after.status_code == 200 and search_after.json().get("total", 0) > 0
                 and (health_after.get("search") or {}).get("index") == "current")
    checks = {
        "no request answered 201 is lost": not lost,
        "no request is stored twice": not duplicated,
        "every mail about them delivered": not undelivered
        and told == set(record.answered.values()),
        "search answers again by itself": search_ok,
        "no 500 with a stack trace": traces == 0,
        "the mail worker kept running": run.worker_alive,
    }
    by_action = collections.Counter((o.action, bool(o.error)) for o in record.outcomes)
    print(f"  requests sent            {len(record.outcomes)}")
    print("  answers by status        " + ", ".join(
        f"{status if status is not None else 'none'}: {count}"
        for status, count in sorted(statuses.items(), key=lambda kv: (kv[0] is None, kv[0]))))
    print("  errors by kind           " + (", ".join(
        f"{kind}: {count}" for kind, count in errors.most_common()) or "none"))
    print("  by action (ok/failed)    " + ", ".join(
        f"{action} {by_action[(action, False)]}/{by_action[(action, True)]}"
        for action in ("browse", "search", "submit", "comment")))
    print(f"  submissions answered 201 {len(record.answered)}, stored "
          f"{sum(1 for m in record.answered if by_marker.get(m))}")
    print(f"  lost                     {len(lost)}")
    print(f"  duplicated               {len(duplicated)}")
    print(f"  stored, no 201 seen      {len(stored_unanswered)} "
          f"(of {len(record.unanswered)} submissions without a 201)")
    print(f"  mails about them         {len(mails)}, delivered "
          f"{len(mails) - len(undelivered)}, received twice {mail_twice}")
    print(f"  500 answers              {statuses.get(500, 0)}, with a stack trace {traces}")
    windows = []
    for name, (began, ended) in faults.items():
        seconds = recovery[name]
        since = "SMTP was back" if name == "SMTP unreachable" else "it began"
        until = (ended if name == "SMTP unreachable" else began) + (seconds or 0.0)
        windows.append((began, until))
        failed = sum(1 for o in record.outcomes if o.error and began <= o.ended <= until)
        print(f"  {name:24} at {began:4.1f} s for {ended - began:4.1f} s: recovered "
              + (f"{seconds:.1f} s after {since}" if seconds is not None
                 else "NOT within the run") + f"; {failed} failed call(s) meanwhile")
    elsewhere = sum(1 for o in record.outcomes if o.error and not any(
        began <= o.ended <= until for began, until in windows))
    print(f"  failed calls outside the faults: {elsewhere}")
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'FAILED'}] {name}")
    return 0 if all(checks.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="Keep the work directory.")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("Run as root: the PostgreSQL cluster is created and run as user postgres.")

    work = Path(tempfile.mkdtemp(prefix="faults-bench-"))
    work.chmod(0o755)   # user postgres reaches its data directory inside
    postgres, mailbox, web_port = Postgres(work, free_port(55432)), Mailbox(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = portal_environment(work, postgres.url, mailbox.port, web_port)
    processes: list[subprocess.Popen] = []
    with contextlib.ExitStack() as logs:
        try:
            print(f"Work directory {work}; PostgreSQL on port {postgres.port}", file=sys.stderr)
            postgres.init()
            mailbox.start()
            flask(env, "init-db")
            flask(env, "demo-data")
            tokens = [flask(env, "users", "token", email, "--name", "faults benchmark")
                      for email in CLIENT_USERS[:args.clients]]
            web = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{web_port}",
                 "--timeout", "30", "portal:create_app()"], cwd=ROOT, env=env,
                stdout=logs.enter_context(open(work / "gunicorn.log", "w")),
                stderr=subprocess.STDOUT)
            worker = subprocess.Popen(
                [str(BIN / "flask"), "--app", "portal", "send-mail", "--loop", "--interval",
                 "1"], cwd=ROOT, env=env,
                stdout=logs.enter_context(open(work / "worker.log", "w")),
                stderr=subprocess.STDOUT)
            processes += [web, worker]
            wait_until_up(base + "/", web)
            requests.get(base + "/search", params={"q": "Drucker"}, timeout=30)  # index built
            run = load_with_faults(base, tokens, args.seconds, postgres, mailbox,
                                   work / "instance" / "search-index", worker)
            print(f"Faults benchmark: {args.clients} clients for {args.seconds:g} s, gunicorn "
                  f"2 workers, PostgreSQL {PG_BIN.parent.name}, send-mail --loop --interval 1")
            return check(run, base, postgres.url, mailbox)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
            mailbox.stop()
            with contextlib.suppress(subprocess.CalledProcessError):
                postgres.stop()
            if args.keep:
                print(f"Kept {work}", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
