"""Signing in and out (password, OpenID Connect, trusted proxy), sessions and API tokens."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import limiter, login_manager

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from . import identity, oidc, views  # noqa: F401  (registers the routes and loaders)

    # Templates get the account as a lazy proxy, loaded where a template reads it: Flask-Login's
    # own context processor would load it for every page rendered, cached catalog pages too.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    identity.init_app(app)
    # After identity: the limits' before-request check needs to know who called with a token.
    limiter.init_app(app)
    oidc.init_app(app)
    app.register_blueprint(bp)
