"""`deliver-webhooks` (one pass; `send-mail --loop` runs one after each of its passes) and
`webhooks add|list` for registering hooks without the pages."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from catalog import audit, directory
from catalog.errors import CatalogError
from catalog.mail_delivery import DeliveryReport, RetryPolicy
from catalog.models import WEBHOOK_EVENTS, WEBHOOK_FORMATS
from catalog.webhooks import hooks
from catalog.webhooks.delivery import WebhookSettings, deliver_due

from ..extensions import db
from . import retries
from .retries import configured_policy


def webhook_settings() -> WebhookSettings:
    config = current_app.config
    return WebhookSettings(base_url=str(config["BASE_URL"]),
                           timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
                           allow_local=bool(config["WEBHOOK_ALLOW_HTTP"]))


def webhook_policy() -> RetryPolicy:
    return configured_policy("WEBHOOK")


def deliver_webhooks_once(batch: int = 50) -> DeliveryReport:
    return deliver_due(db.session, webhook_settings(), policy=webhook_policy(), batch=batch)


def report_pass(report: DeliveryReport, quiet_if_idle: bool) -> None:
    retries.report_pass(report, quiet_if_idle, "Webhooks: delivered")


@click.command("deliver-webhooks")
@click.option("--batch", type=int, default=50, show_default=True,
              help="Deliveries taken per pass.")
@with_appcontext
def deliver_webhooks(batch: int) -> None:
    """Post the webhook deliveries that are due (one pass)."""
    report_pass(deliver_webhooks_once(batch), quiet_if_idle=False)


@click.group("webhooks")
def webhooks() -> None:
    """Register and list webhooks (admins' rights; the pages are under /manage/webhooks)."""


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(WEBHOOK_EVENTS),
              help="An event to send (repeat it); all events if none is given.")
@click.option("--department", default=None, help="Only this department's events.")
@click.option("--secret", default=None,
              help="The receiver's own secret (24-100 characters); made up if not given.")
@click.option("--format", "format_", type=click.Choice(WEBHOOK_FORMATS), default="json",
              show_default=True, help="json, or a channel message for Teams or Slack.")
@with_appcontext
def add(url: str, events: tuple[str, ...], department: str | None, format_: str,
        secret: str | None) -> None:
    """Register a webhook and print its secret (shown only now)."""
    try:
        with audit.acting_as(db.session, audit.COMMAND_LINE):
            place = directory.find_department(db.session, department).item if department else None
            hook = hooks.register_hook(
                db.session, None, url=url, events=list(events or WEBHOOK_EVENTS),
                department=place, format=format_,
                allow_local=bool(current_app.config["WEBHOOK_ALLOW_HTTP"]), operator=True,
                secret=secret)
            db.session.commit()
    except CatalogError as error:
        db.session.rollback()
        problems = "; ".join(str(v) for v in getattr(error, "fields", {}).values())
        raise click.ClickException(problems or str(error)) from None
    click.echo(f"Webhook {hook.id} registered. Its secret (shown only now): {hook.secret}")


@webhooks.command("list")
@with_appcontext
def list_hooks() -> None:
    """Every webhook: id, state, department, format, events and URL."""
    for row in hooks.hooks_of(db.session, None, everything=True):
        hook = row.hook
        place = hook.department.slug if hook.department else "*"
        state = "active" if hook.active else "paused"
        click.echo(f"{hook.id}\t{state}\t{place}\t{hook.format}\t{','.join(hook.events)}\t"
                   f"{hook.url}")
