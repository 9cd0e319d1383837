"""JSON API v1. Reads answer whoever may see the same page; writes need a session or a token."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.before_request
def protect_cookie_writes() -> None:
    """A write with a session cookie needs the CSRF token; a Bearer token is proof enough."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if not current_user.is_authenticated:
        return  # no signed-in session to forge a request with; the view answers 401
    csrf.protect()


from . import catalog_write, departments, feedback, openapi, requests, search  # noqa: E402,F401  (registers the routes)
