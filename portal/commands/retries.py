"""What the mail and webhook workers share: their retry settings and how a pass is reported."""

from __future__ import annotations

import click
from flask import current_app

from catalog.mail_delivery import DeliveryReport, RetryPolicy


def configured_policy(prefix: str) -> RetryPolicy:
    """The retry policy of `<prefix>_RETRY_SECONDS`, `_RETRY_MAX_SECONDS`, `_MAX_ATTEMPTS`."""
    config = current_app.config
    return RetryPolicy(base_seconds=float(config[f"{prefix}_RETRY_SECONDS"]),
                       cap_seconds=float(config[f"{prefix}_RETRY_MAX_SECONDS"]),
                       max_attempts=int(config[f"{prefix}_MAX_ATTEMPTS"]))


def report_pass(report: DeliveryReport, quiet_if_idle: bool, done: str) -> None:
    """One line on standard error (after the pass's errors); `done` names the sent ones."""
    if quiet_if_idle and not (report.sent or report.retrying or report.given_up):
        return
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    click.echo(f"{done} {report.sent}, to retry later {report.retrying}, "
               f"given up {report.given_up}.", err=True)
