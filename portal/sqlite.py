"""SQLite as a web application's database: write-ahead logging on every connection.

In its default journal mode SQLite locks the whole file for a write, so a page read in one
gunicorn worker waits for a search being logged or a request being saved in another, and a
commit costs several fsyncs. With write-ahead logging readers never wait for the writer and a
commit appends to one log file (one fsync: `synchronous` stays FULL, so a committed request
survives a power cut). The mode is kept in the database file; setting it again costs nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def _on_connect(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database stays "memory"
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def install(engine: Engine) -> None:
    """Use write-ahead logging on the engine's connections if it is SQLite (idempotent)."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
