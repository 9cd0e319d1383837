"""Admins only: the audit log of changes to rights and structure, newest first, with filters."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from catalog import audit

from ..extensions import db
from . import bp
from .lookup import page_number, per_page, require_admin

MAX_FILTER_TEXT = 200


def _date(name: str) -> date | None:
    """A date from the query string (YYYY-MM-DD, as a date field sends it); else no filter."""
    try:
        return date.fromisoformat(request.args.get(name, "").strip()[:10])
    except ValueError:
        return None


def _text(name: str) -> str:
    """A text filter from the query string, without NUL (which PostgreSQL refuses)."""
    return request.args.get(name, "").replace("\x00", "").strip()[:MAX_FILTER_TEXT]


@bp.route("/audit")
def audit_log() -> str:
    require_admin("read_audit_log")
    action = request.args.get("action", "")
    wanted = audit.AuditFilter(
        action=action if action in audit.ACTIONS else "",
        actor=_text("actor"), subject=_text("subject"),
        since=_date("since"), until=_date("until"))
    listing = audit.audit_page(db.session, wanted, page_number(), per_page())
    return render_template("manage/audit.html", listing=listing, filters=wanted,
                           actions=audit.ACTIONS,
                           filtered=wanted != audit.AuditFilter())
