"""Breach warnings, escalations and the daily digest: a periodic job of the worker."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from catalog.models import utcnow
from catalog.requests.alerts import send_alerts, send_digests

from ..extensions import db

ALERT_EVERY_SECONDS = 60.0  # how often the worker looks for targets nearly used up or missed


def alert_due_requests(now: datetime | None = None) -> tuple[int, int]:
    """Queue the warnings, escalations and digests due at `now`; committed. Returns (alerts,
    digests)."""
    now = now or utcnow()
    config = current_app.config
    try:
        alerts = send_alerts(db.session, now, share=float(config["WARN_AT_SHARE"]))
        digests = send_digests(db.session, now, hour=int(config["DIGEST_HOUR"]))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return alerts, digests
