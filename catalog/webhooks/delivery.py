"""Posting due webhook deliveries, with retries and exponential backoff (as mail is sent).

A pass leases due deliveries of active hooks (one UPDATE, so two workers never post the same
one), posts each with a short timeout and no redirects followed, and records the outcome: a 2xx
answer is delivered; anything else is retried after base, 2 x base, 4 x base ... (capped) and
given up after `max_attempts`. Nothing is held locked while waiting for a receiver.
"""

from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from ..errors import ValidationError
from ..mail_delivery import DeliveryReport, RetryPolicy
from ..models import Webhook, WebhookDelivery, utcnow
from .addresses import check_host
from .payload import headers, render

MAX_ERROR = 500
DEFAULT_POLICY = RetryPolicy(base_seconds=60, cap_seconds=3600, max_attempts=10)


@dataclass(frozen=True)
class WebhookSettings:
    base_url: str = "http://localhost:5000"
    timeout: float = 5.0
    allow_local: bool = False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: not followed (it could point inward)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def post(url: str, body: bytes, request_headers: dict[str, str], settings: WebhookSettings
         ) -> int:
    """POST and return the HTTP status; OSError when there is no answer at all."""
    parts = urlsplit(url)
    try:
        check_host(parts.hostname or "", parts.port or 443, settings.allow_local)
    except ValidationError as error:
        raise OSError(str(error.fields.get("url", error))) from None
    request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
    try:
        with _OPENER.open(request, timeout=settings.timeout) as answer:
            answer.read(65536)
            return int(answer.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def claim(session: Session, now: datetime, policy: RetryPolicy, batch: int,
          token: str) -> list[WebhookDelivery]:
    """Lease up to `batch` due deliveries of active hooks to this worker and commit the lease."""
    free = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
    due = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
               free,
               WebhookDelivery.webhook_id.in_(select(Webhook.id).where(Webhook.active.is_(True))))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(batch)
    )
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(due.scalar_subquery()),
               WebhookDelivery.status == "pending", free)
        .values(lease_token=token, lease_until=now + timedelta(seconds=policy.lease_seconds)),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    return list(session.scalars(
        select(WebhookDelivery).options(joinedload(WebhookDelivery.webhook))
        .where(WebhookDelivery.lease_token == token)
        .order_by(WebhookDelivery.id).execution_options(populate_existing=True)
    ))


def _record(delivery: WebhookDelivery, code: int | None, error: str | None, now: datetime,
            policy: RetryPolicy, report: DeliveryReport) -> None:
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.lease_token = delivery.lease_until = None
    if error is None:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
        report.sent += 1
        return
    delivery.last_error = error[:MAX_ERROR]
    report.errors.append(f"webhook #{delivery.webhook_id} event {delivery.event_id}: {error}")
    if delivery.attempts >= policy.max_attempts:
        delivery.status = "failed"
        report.given_up += 1
    else:
        delivery.next_attempt_at = now + policy.delay(delivery.attempts)
        report.retrying += 1


def deliver_due(session: Session, settings: WebhookSettings, *,
                policy: RetryPolicy = DEFAULT_POLICY, batch: int = 50,
                now: Callable[[], datetime] = utcnow,
                clock: Callable[[], float] = time.time) -> DeliveryReport:
    """One pass: post what is due now, each outcome committed as it comes."""
    report = DeliveryReport()
    for delivery in claim(session, now(), policy, batch, secrets.token_hex(16)):
        hook = delivery.webhook
        body = render(hook, delivery, settings.base_url)
        sent = headers(hook, delivery, int(clock()), body)
        try:
            code: int | None = post(hook.url, body, sent, settings)
            error = None if 200 <= code < 300 else f"HTTP {code}"
        except (OSError, ValueError) as failure:  # no answer: refused, timed out, bad address
            code, error = None, str(failure) or type(failure).__name__
        _record(delivery, code, error, now(), policy, report)
        session.commit()
    return report
