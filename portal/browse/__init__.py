"""Reading the catalog: home, departments, offerings, permanent links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request
from flask_login import current_user, login_url
from werkzeug.wrappers import Response

bp = Blueprint("browse", __name__)

OPEN_ENDPOINTS = {"auth.login", "static", "health.healthz"}


@bp.before_app_request
def require_login_to_browse() -> Response | None:
    """With PORTAL_REQUIRE_LOGIN_TO_BROWSE, only the sign-in page and static files stay open."""
    if not current_app.config["REQUIRE_LOGIN_TO_BROWSE"] or current_user.is_authenticated:
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(login_url("auth.login", next_url=request.full_path.rstrip("?")))


from . import views  # noqa: E402,F401  (registers the routes)
