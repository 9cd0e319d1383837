"""`flask --app portal mail-in`: receive replies to notifications by SMTP or LMTP."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..mail_in import ReplyServer


@click.command("mail-in")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8025, show_default=True, help="Port to listen on.")
@click.option("--lmtp", is_flag=True, help="Speak LMTP instead of SMTP.")
@with_appcontext
def mail_in(host: str, port: int, lmtp: bool) -> None:
    """Receive replies to notifications (PORTAL_REPLY_ADDRESS) and file them as comments,
    until stopped (SIGTERM or Ctrl-C)."""
    if not current_app.config["REPLY_ADDRESS"]:
        raise click.UsageError("Set PORTAL_REPLY_ADDRESS (e.g. portal@example.com) first.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    server = ReplyServer(app, host, port, lmtp=lmtp)
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    click.echo(f"Receiving replies by {'LMTP' if lmtp else 'SMTP'} on {host}:{port}; "
               "stop with Ctrl-C.", err=True)
    try:
        stopping.wait()
    finally:
        server.stop()
    click.echo("Stopped.", err=True)
