"""`flask --app portal remind-approvers`: approval reminders; the mail worker (`send-mail
--loop`) runs it too, every few minutes (a step is reminded at most once per business day)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from catalog.requests.approvals import remind

from ..extensions import db

REMIND_EVERY_SECONDS = 900.0  # how often the worker looks for approvals to remind of


def remind_approvers() -> int:
    """Remind the approvers of every step waiting one business day or more; committed."""
    try:
        reminded = remind(db.session)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return reminded


@click.command("remind-approvers")
@with_appcontext
def remind_command() -> None:
    """Mail approvers whose decision has waited one business day (once per business day)."""
    click.echo(f"Reminded the approvers of {remind_approvers()} request(s).", err=True)
