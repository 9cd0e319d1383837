"""Waiting for my approval: requests the signed-in person approves or rejects."""

from flask import Blueprint

from ..auth.identity import viewer

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.app_context_processor
def approvals_link() -> dict[str, object]:
    """Whether the header links to the approvals page (`identity.viewer`)."""
    person = viewer()
    return {"may_approve": person is not None and person.approves}


from . import views  # noqa: E402,F401  (registers the routes)
