"""What a delivery posts: the body (the portal's JSON, or a chat message) and signed headers.

The signature is HMAC-SHA256 over "<timestamp>.<body>" with the hook's secret; a receiver
recomputes it and refuses old timestamps (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from ..models import Webhook, WebhookDelivery

# How chat formats name each event (English: the receiving channel has no language setting).
CHAT_TITLES = {
    "request.created": "New request {ref} for {offering}",
    "request.status_changed": "Request {ref} ({offering}) is now {status}",
    "request.commented": "New comment on request {ref} ({offering})",
    "request.resolved": "Request {ref} ({offering}) was resolved",
    "request.priority_changed": "Request {ref} ({offering}) now has priority {priority}",
    "request.moved": "Request {ref} moved to {offering}",
    "feedback.given": "Request {ref} ({offering}) was rated {rating} of 5",
    "offering.published": "Published: {offering}",
    "offering.changed": "Changed ({action}): {offering}",
    "webhook.test": "A test event from the service portal",
}


def event_body(delivery: WebhookDelivery, base_url: str) -> dict[str, Any]:
    """The portal's JSON event; `data.path` becomes an absolute `data.url`."""
    data = dict(delivery.data)
    path = data.pop("path", None)
    if path:
        data["url"] = base_url.rstrip("/") + path
    occurred = delivery.occurred_at.isoformat()
    return {"id": delivery.event_id, "type": delivery.event_type, "occurred_at": occurred,
            "created_at": occurred, "data": data}


def chat_text(body: dict[str, Any], style: str) -> str:
    """One line for a channel: what happened, in the department, with a link."""
    data = body["data"]
    fields = {
        "ref": data.get("ref", ""),
        "offering": (data.get("offering") or {}).get("title", ""),
        "status": data.get("status", ""), "rating": data.get("rating", ""),
        "action": data.get("action", ""), "priority": data.get("priority", ""),
    }
    text = CHAT_TITLES.get(body["type"], body["type"]).format(**fields)
    department = (data.get("department") or {}).get("name")
    if department:
        text = f"{text} · {department}"
    url = data.get("url")
    if url:
        text = f"{text} <{url}|Open>" if style == "slack" else f"{text} [Open]({url})"
    return text


def render(hook: Webhook, delivery: WebhookDelivery, base_url: str) -> bytes:
    """The request body, the same bytes on every attempt (for the same base URL)."""
    body = event_body(delivery, base_url)
    if hook.format in ("teams", "slack"):
        body = {"text": chat_text(body, hook.format)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def headers(hook: Webhook, delivery: WebhookDelivery, timestamp: int,
            body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "service-portal-webhooks/1",
        "X-Portal-Event": delivery.event_type,
        "X-Portal-Delivery": delivery.event_id,
        "X-Portal-Timestamp": str(timestamp),
        "X-Portal-Signature": signature(hook.secret, timestamp, body),
    }
