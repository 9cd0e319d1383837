"""Waiting for my approval: requests the signed-in person approves or rejects."""

from flask import Blueprint, g
from flask_login import current_user

from catalog.requests.approvals import may_approve_anything

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.app_context_processor
def approvals_link() -> dict[str, object]:
    """Whether the header links to the approvals page (from what the account loads with it,
    or what a cached page's key read without it)."""
    viewer = g.get("page_viewer")
    if viewer is not None:
        return {"may_approve": viewer.approves}
    return {"may_approve": current_user.is_authenticated
            and may_approve_anything(current_user)}


from . import views  # noqa: E402,F401  (registers the routes)
