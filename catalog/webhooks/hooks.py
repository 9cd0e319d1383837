"""Registering, pausing and deleting webhooks, and what their pages list.

Admins manage every hook, also those told about all departments; a department's owners manage
the hooks of their department. Registering and deleting a hook are audited.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..errors import NotFound, PermissionDenied, ValidationError
from ..messages import _
from ..models import (
    TEST_EVENT,
    WEBHOOK_EVENTS,
    WEBHOOK_FORMATS,
    Department,
    User,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from ..permissions import can
from .addresses import check_url

RECENT_DELIVERIES = 20
MIN_SECRET, MAX_SECRET = 24, 100


def may_manage(actor: User | None, department: Department | None) -> bool:
    """Hooks of a department: its owners and admins; hooks of all departments: admins."""
    if department is None:
        return can(actor, "manage_all_webhooks")
    return can(actor, "manage_webhooks", department)


def _require(actor: User | None, department: Department | None) -> None:
    if not may_manage(actor, department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def register_hook(session: Session, actor: User | None, *, url: object, events: object,
                  department: Department | None, format: object = "json",
                  allow_local: bool = False, operator: bool = False,
                  secret: str | None = None) -> Webhook:
    """A new active hook with a fresh secret (the caller shows `hook.secret` once).

    `operator`: registered from the command line, by whoever runs the portal's commands, who
    may also bring the receiver's own `secret` (at least MIN_SECRET characters)."""
    if not operator:
        _require(actor, department)
    problems: dict[str, Any] = {}
    try:
        url = check_url(url, allow_local)
    except ValidationError as error:
        problems.update(error.fields)
    chosen = list(events) if isinstance(events, (list, tuple)) else []
    if not chosen or not all(isinstance(e, str) and e in WEBHOOK_EVENTS for e in chosen):
        problems["events"] = _("Choose at least one of the listed events.")
    if format not in WEBHOOK_FORMATS:
        problems["format"] = _("Choose one of the listed formats.")
    if secret is not None and (len(secret) < MIN_SECRET or len(secret) > MAX_SECRET
                               or not secret.isprintable() or " " in secret):
        problems["secret"] = _("A secret has %(min)d to %(max)d characters, without spaces.",
                               min=MIN_SECRET, max=MAX_SECRET)
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    hook = Webhook(url=url, events=[e for e in WEBHOOK_EVENTS if e in chosen],
                   department=department, format=format, secret=secret or new_secret(),
                   active=True)
    session.add(hook)
    session.flush()
    audit.record(session, actor=actor or audit.current_actor(session),
                 action="webhook.registered", subject=f"webhook:{hook.id}",
                 details=_described(hook))
    return hook


def _described(hook: Webhook) -> dict[str, str]:
    """What the audit log keeps about a hook (never its secret)."""
    details = {"url": hook.url, "events": ", ".join(hook.events), "format": hook.format}
    if hook.department is not None:
        details["department"] = hook.department.slug
    return details


def set_active(session: Session, actor: User | None, hook: Webhook, active: bool) -> Webhook:
    """Pause a hook (new events are not written for it, waiting ones wait) or resume it."""
    _require(actor, hook.department)
    hook.active = active
    session.flush()
    return hook


def delete_hook(session: Session, actor: User | None, hook: Webhook) -> None:
    """Remove the hook and its deliveries."""
    _require(actor, hook.department)
    audit.record(session, actor=actor or audit.current_actor(session), action="webhook.deleted",
                 subject=f"webhook:{hook.id}",
                 details=_described(hook))
    session.delete(hook)
    session.flush()


def send_test_event(session: Session, actor: User | None, hook: Webhook,
                    now: datetime | None = None) -> WebhookDelivery:
    """A `webhook.test` event for this hook alone, delivered (and signed) like any other."""
    _require(actor, hook.department)
    if not hook.active:
        raise ValidationError(_("This webhook is paused; resume it to send events."))
    department = hook.department
    delivery = WebhookDelivery(
        webhook=hook, event_id=str(uuid.uuid4()), event_type=TEST_EVENT,
        occurred_at=now or utcnow(), next_attempt_at=now or utcnow(),
        data={"message": "A test event from the service portal.",
              "department": ({"slug": department.slug, "name": department.name}
                             if department else None)})
    session.add(delivery)
    session.flush()
    return delivery


def find_hook(session: Session, actor: User | None, hook_id: int) -> Webhook:
    """The hook if the actor may manage it (someone else's hooks are not found)."""
    hook = session.scalar(select(Webhook).options(joinedload(Webhook.department))
                          .where(Webhook.id == hook_id))
    if hook is None or not may_manage(actor, hook.department):
        raise NotFound(_("There is no such webhook."))
    return hook


@dataclass(frozen=True)
class HookRow:
    """A hook on a list page, with its newest delivery (None: nothing sent yet)."""

    hook: Webhook
    latest: WebhookDelivery | None


def hooks_of(session: Session, department: Department | None,
             everything: bool = False) -> list[HookRow]:
    """The hooks of a department, or of all departments (`department` None), or every hook
    (`everything`, the admins' page), each with its newest delivery."""
    query = select(Webhook).options(joinedload(Webhook.department)).order_by(Webhook.id)
    if department is not None and not everything:
        query = query.where(Webhook.department_id == department.id)
    elif not everything:
        query = query.where(Webhook.department_id.is_(None))
    hooks = list(session.scalars(query))
    newest = (select(func.max(WebhookDelivery.id))
              .where(WebhookDelivery.webhook_id.in_([h.id for h in hooks]))
              .group_by(WebhookDelivery.webhook_id))
    latest = {d.webhook_id: d for d in session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.id.in_(newest.scalar_subquery())))
    } if hooks else {}
    return [HookRow(hook, latest.get(hook.id)) for hook in hooks]


def recent_deliveries(session: Session, hook: Webhook,
                      limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery)
                                .where(WebhookDelivery.webhook_id == hook.id)
                                .order_by(WebhookDelivery.id.desc()).limit(limit)))


def delivery_state(delivery: WebhookDelivery) -> str:
    """How a page names it: delivered, waiting (not tried yet), failing (retried), given_up."""
    if delivery.status == "delivered":
        return "delivered"
    if delivery.status == "failed":
        return "given_up"
    return "failing" if delivery.attempts else "waiting"
