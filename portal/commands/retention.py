"""`flask --app portal purge`: the retention rule (`PORTAL_RETENTION_MONTHS`); the mail worker
(`send-mail --loop`) runs it too, once an hour."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from catalog.numbers import whole_number
from catalog.people.privacy import Removal, purge_expired, remove_files

from ..extensions import db
from ..uploads import file_store

BATCH = 500  # requests per transaction


def purge_expired_requests() -> Removal | None:
    """Purge every request past the retention period, a batch per transaction, deleting the
    files after each commit; None if no retention period is set."""
    setting = current_app.config["RETENTION_MONTHS"]
    if not setting:
        return None
    # -1 or 0.5 would make the cut-off now or later: every closed request's data gone at once.
    months = whole_number(str(setting))
    if not months:
        raise click.ClickException(f"PORTAL_RETENTION_MONTHS must be a whole number of months "
                                   f"(1 or more), not {setting!r}: nothing was purged.")
    total = Removal()
    while True:
        try:
            removal = purge_expired(db.session, months, batch=BATCH)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        remove_files(file_store(), removal.files)
        total.requests += removal.requests
        total.files += removal.files
        if removal.requests < BATCH:
            return total


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Remove answers, texts and files of requests closed longer than PORTAL_RETENTION_MONTHS."""
    removal = purge_expired_requests()
    if removal is None:
        click.echo("PORTAL_RETENTION_MONTHS is not set: nothing was purged.", err=True)
        return
    click.echo(f"Purged {removal.requests} request(s) and {len(removal.files)} file(s).")
