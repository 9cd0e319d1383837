import contextlib
import signal
import time
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from catalog.mail_delivery import DeliveryReport, RetryPolicy, deliver_due, deliver_forever
from catalog.search_log import purge_search_log

from ..extensions import db
from ..mail import compose, smtp_settings
from .alerts import ALERT_EVERY_SECONDS, alert_due_requests
from .approvals import REMIND_EVERY_SECONDS, remind_approvers
from .retention import purge_expired_requests
from .retries import configured_policy
from .retries import report_pass as report_mail_pass
from .webhooks import deliver_webhooks_once, report_pass

PURGE_EVERY_SECONDS = 3600.0  # how often the worker applies the retention rule


def retry_policy() -> RetryPolicy:
    return configured_policy("MAIL")


def _report(report: DeliveryReport, quiet_if_idle: bool) -> None:
    report_mail_pass(report, quiet_if_idle, "Sent")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM or Ctrl-C).")
@click.option("--interval", type=float, default=30.0, show_default=True,
              help="Seconds between passes with --loop.")
@click.option("--batch", type=int, default=50, show_default=True,
              help="Messages taken per pass.")
@with_appcontext
def send_mail(loop: bool, interval: float, batch: int) -> None:
    """Deliver the outbox over SMTP: one pass, or passes until stopped with --loop (which
    does all the worker does; `worker` is its name in DESIGN.md)."""
    if not loop:
        _mail_pass(batch)
        return
    _work_until_stopped(interval)


@click.command("worker")
@click.option("--once", is_flag=True, help="One round of everything, then exit (for cron).")
@click.option("--interval", type=float, default=30.0, show_default=True,
              help="Seconds between rounds.")
@click.option("--batch", type=int, default=50, show_default=True,
              help="Messages taken per pass.")
@with_appcontext
def worker(once: bool, interval: float, batch: int) -> None:
    """Deliver the outbox (mail and webhooks) and run the periodic jobs (approval reminders,
    breach warnings and digests, the retention rule): rounds until stopped, or one round
    with --once."""
    if once:
        _mail_pass(batch)
        _deliver_webhooks_in_worker()
        _remind_in_worker()
        _alert_in_worker()
        _purge_in_worker()
        return
    _work_until_stopped(interval)


def _mail_pass(batch: int) -> None:
    report = deliver_due(db.session, smtp_settings(), compose, policy=retry_policy(), batch=batch)
    _report(report, quiet_if_idle=False)


def _work_until_stopped(interval: float) -> None:
    settings, policy = smtp_settings(), retry_policy()
    stopping = {"now": False}

    def stop(*_: Any) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Delivering mail via {settings.host}:{settings.port} every {interval:g} s; "
               "stop with Ctrl-C.", err=True)
    purge_at = [time.monotonic()]  # the first pass purges, then once every hour
    remind_at = [time.monotonic()]  # and reminds approvers, then every quarter hour
    alert_at = [time.monotonic()]  # and warns of targets nearly used up, then every minute

    def after_pass(report: DeliveryReport) -> None:
        _report(report, quiet_if_idle=True)
        _deliver_webhooks_in_worker()
        if time.monotonic() >= purge_at[0]:
            purge_at[0] = time.monotonic() + PURGE_EVERY_SECONDS
            _purge_in_worker()
        if time.monotonic() >= remind_at[0]:
            remind_at[0] = time.monotonic() + REMIND_EVERY_SECONDS
            _remind_in_worker()
        if time.monotonic() >= alert_at[0]:
            alert_at[0] = time.monotonic() + ALERT_EVERY_SECONDS
            _alert_in_worker()

    with contextlib.suppress(KeyboardInterrupt):
        deliver_forever(db.session, settings, compose, policy=policy, interval=interval,
                        should_stop=lambda: stopping["now"], on_pass=after_pass,
                        sleep=lambda seconds: _sleep_unless_stopped(seconds, stopping))
    click.echo("Stopped.", err=True)


def _purge_in_worker() -> None:
    """The retention rules (PORTAL_RETENTION_MONTHS, PORTAL_SEARCH_LOG_DAYS); a failure is
    reported, mail goes on."""
    _purge_search_log_in_worker()
    try:
        removal = purge_expired_requests()
    except Exception as error:  # noqa: BLE001 - the next hour tries again
        click.echo(f"Purging expired requests failed: {error}", err=True)
        return
    if removal is not None and removal.requests:
        click.echo(f"Purged {removal.requests} expired request(s) and {len(removal.files)} "
                   "file(s).", err=True)


def _purge_search_log_in_worker() -> None:
    """Search log entries older than PORTAL_SEARCH_LOG_DAYS; a failure is reported."""
    try:
        removed = purge_search_log(db.session, int(current_app.config["SEARCH_LOG_DAYS"]))
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - the next hour tries again
        db.session.rollback()
        click.echo(f"Purging the search log failed: {error}", err=True)
        return
    if removed:
        click.echo(f"Purged {removed} search log entr{'y' if removed == 1 else 'ies'}.",
                   err=True)


def _remind_in_worker() -> None:
    """Approval reminders; a failure is reported, mail goes on."""
    try:
        reminded = remind_approvers()
    except Exception as error:  # noqa: BLE001 - the next round tries again
        click.echo(f"Reminding approvers failed: {error}", err=True)
        return
    if reminded:
        click.echo(f"Reminded the approvers of {reminded} request(s).", err=True)


def _alert_in_worker() -> None:
    """Breach warnings, escalations and digests; a failure is reported, mail goes on."""
    try:
        alerts, digests = alert_due_requests()
    except Exception as error:  # noqa: BLE001 - the next round tries again
        click.echo(f"Warning of due requests failed: {error}", err=True)
        return
    if alerts or digests:
        click.echo(f"Queued {alerts} warning(s) or escalation(s) and {digests} digest(s).",
                   err=True)


def _deliver_webhooks_in_worker() -> None:
    """One pass over the webhook deliveries; a failure is reported, mail goes on."""
    try:
        report_pass(deliver_webhooks_once(), quiet_if_idle=True)
    except Exception as error:  # noqa: BLE001 - the next pass tries again
        db.session.rollback()
        click.echo(f"Delivering webhooks failed: {error}", err=True)


def _sleep_unless_stopped(seconds: float, stopping: dict[str, bool]) -> None:
    """Sleep in short steps so that a stop request ends the loop promptly."""
    deadline = time.monotonic() + seconds
    while not stopping["now"] and time.monotonic() < deadline:
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
