"""Owners' pages: departments, offerings, the request-form builder, history and reviews."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_babel import format_date
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import reviews

from ..auth.identity import viewer

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.before_request
def require_sign_in() -> Response | None:
    """Everything here needs a signed-in user; the views then ask catalog.permissions."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


@bp.app_context_processor
def manage_link() -> dict[str, object]:
    """Before any page renders: whether its header shows the "Manage" link
    (`identity.viewer`)."""
    person = viewer()
    return {"may_manage": person is not None and person.manages}


bp.add_app_template_global(reviews.review_due_at, "review_due_at")
bp.add_app_template_global(reviews.stale_at, "review_stale_at")
bp.add_app_template_global(reviews.is_overdue, "review_overdue")
bp.add_app_template_test(reviews.is_overdue, "review_overdue")
bp.add_app_template_filter(format_date, "format_date")

from . import (  # noqa: E402,F401
    admin_views,
    audit_views,
    breakdown_views,
    department_views,
    history_views,
    offering_views,
    reply_template_views,
    search_views,
    webhook_views,
)
