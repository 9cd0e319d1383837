"""Running the portal: what /healthz reports, and what `check` refuses in production."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy.orm import Session

from catalog import health
from catalog.demo import active_demo_accounts
from catalog.models import utcnow

from . import MIGRATIONS
from .extensions import db
from .indexing import search_index
from .mail import smtp_settings

# The trivial select of the probe may take this long before the database counts as down.
DATABASE_TIMEOUT_MS = 2000
# Index states in which search answers normally; in the others the database answers
# searches until the next search has rebuilt the index (catalog/search/index.py).
SEARCH_HEALTHY = {health.CURRENT, health.BEHIND}
# Secret keys from examples and tutorials, and anything this short, sign nothing safely.
WEAK_SECRET_KEYS = {"dev", "development", "secret", "changeme", "change-me", "test",
                    "please-change", "your-secret-key", "secret-key"}
MIN_SECRET_KEY_LENGTH = 32


def health_report() -> tuple[dict[str, Any], int]:
    """The /healthz answer: "ok" or "degraded" with 200 while the database answers, else
    "down" with 503 (a load balancer then sends no more requests to this host)."""
    if not health.database_answers(db.session, DATABASE_TIMEOUT_MS):
        return {"status": "down", "database": "unreachable", "search": None,
                "outbox": None}, 503
    index = health.index_status(search_index().root, db.session)
    backlog = health.mail_backlog(db.session, utcnow())
    mail_stuck = (backlog.oldest_pending_seconds or 0) > float(
        current_app.config["MAIL_RETRY_MAX_SECONDS"])
    status = "ok" if index in SEARCH_HEALTHY and not mail_stuck else "degraded"
    oldest = backlog.oldest_pending_seconds
    return {
        "status": status,
        "database": "ok",
        "search": {"index": index},
        "outbox": {"pending": backlog.pending,
                   "oldest_pending_seconds": None if oldest is None else round(oldest, 1)},
    }, 200


@dataclass(frozen=True)
class Problem:
    what: str
    fix: str


def configured_workers(environ: dict[str, str] | None = None) -> int:
    """Gunicorn's worker count as its environment sets it (WEB_CONCURRENCY, or --workers in
    GUNICORN_CMD_ARGS); 1 if neither says."""
    environ = dict(os.environ) if environ is None else environ
    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers") and index + 1 < len(args):
            return int(args[index + 1])
        if arg.startswith("--workers="):
            return int(arg.partition("=")[2])
    return int(environ.get("WEB_CONCURRENCY") or 1)


def schema_is_current(session: Session) -> bool:
    """True if the database carries every Alembic migration of this version of the portal."""
    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    applied = set(MigrationContext.configure(session.connection()).get_current_heads())
    return applied == heads


def production_problems(app: Flask, session: Session, workers: int) -> list[Problem]:
    """Everything that makes this configuration unsafe to run for real, each with its fix."""
    config = app.config
    if not health.database_answers(session, DATABASE_TIMEOUT_MS):
        return [Problem("the database does not answer",
                        "check PORTAL_DATABASE_URL and that the server runs (details in the "
                        "log above)")]
    if not schema_is_current(session):
        return [Problem("the database schema is not the current one",
                        "run `flask --app portal db upgrade` (or `init-db`)")]
    problems: list[Problem] = []
    demo = active_demo_accounts(session)
    if demo:
        problems.append(Problem(
            f"{len(demo)} demo account(s) can sign in with the published password "
            f"({', '.join(demo[:3])}{', …' if len(demo) > 3 else ''})",
            "run `flask --app portal users deactivate EMAIL` for each, or install on an empty "
            "database without `demo-data`"))
    base_url = str(config["BASE_URL"])
    if not base_url.lower().startswith("https://"):
        problems.append(Problem(
            f"PORTAL_BASE_URL is {base_url}: the session cookies are sent without `Secure`, "
            "readable on the network",
            "serve the portal behind a TLS proxy and set PORTAL_BASE_URL=https://<its name>"))
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and workers > 1:
        problems.append(Problem(
            f"SQLite with {workers} gunicorn workers: writers lock each other out and "
            "requests fail with `database is locked`",
            "use PostgreSQL (PORTAL_DATABASE_URL=postgresql://user@host:5432/portal), or run "
            "one worker (WEB_CONCURRENCY=1)"))
    if str(config["RATELIMIT_STORAGE_URL"]).startswith("memory://") and workers > 1:
        problems.append(Problem(
            f"rate limits and sign-in throttling are counted in each of the {workers} "
            f"workers' memory: every limit allows {workers} times what it says",
            "count them in Redis, shared by all workers and hosts: "
            "PORTAL_RATELIMIT_STORAGE_URL=redis://127.0.0.1:6379"))
    smtp = health.smtp_problem(smtp_settings())
    if smtp is not None:
        problems.append(Problem(
            f"no mail can be sent: {smtp}",
            "set PORTAL_SMTP_HOST and PORTAL_SMTP_PORT to the company's mail relay (and "
            "PORTAL_SMTP_USER, PORTAL_SMTP_PASSWORD, PORTAL_SMTP_STARTTLS if it asks)"))
    key = str(config["SECRET_KEY"] or "")
    if key.lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(Problem(
            "the secret key is missing, a well-known example or shorter than "
            f"{MIN_SECRET_KEY_LENGTH} characters: anyone could forge sessions",
            "remove PORTAL_SECRET_KEY to let the portal keep its own random key in "
            "<instance>/secret_key, or set it to `python3 -c 'import secrets; "
            "print(secrets.token_hex(32))'` (the same on every host)"))
    if app.debug:
        problems.append(Problem(
            "debug mode is on: errors show code and an interactive debugger",
            "unset FLASK_DEBUG (and do not pass --debug)"))
    return problems
