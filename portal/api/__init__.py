"""JSON API v1. Reads answer whoever may see the same page; writes need a session or a token."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog.people.tokens import allows

from ..auth.identity import api_token
from ..errors import json_error
from ..extensions import csrf
from ..rate_limits import api_write

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
api_write(bp)  # API_WRITE_LIMIT: every write, per user or client address

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# What a token needs beyond reading, by the view that writes.
WRITE_SCOPES = {"api.put_offering": "catalog"}


@bp.before_request
def protect_writes() -> tuple[Response, int] | None:
    """A token writes only within its scope; a write with a session cookie needs the CSRF
    token. A request that sent a Bearer token got here only if the token was valid."""
    if request.method in SAFE_METHODS:
        return None
    token = api_token()
    if token is not None:
        scope = WRITE_SCOPES.get(request.endpoint or "", "requests")
        if not allows(token, scope):
            return json_error(403, "insufficient_scope",
                              _("This API token may not do this; it needs the scope "
                                "'%(scope)s'.", scope=scope))
        return None
    if current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # no signed-in session means nothing to forge; the view answers 401
    return None


from . import catalog_write, departments, feedback, openapi, requests, search, workbench  # noqa: E402,F401  (registers the routes)
