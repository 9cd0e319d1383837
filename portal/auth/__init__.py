"""Signing in and out, and who the current user is (session cookie or API token)."""

from __future__ import annotations

from flask import Blueprint, Flask, Request
from flask_babel import lazy_gettext as _l

from catalog.models import User
from catalog.people import accounts

from ..extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def load_user_from_token(request: Request) -> User | None:
    """Scripts send `Authorization: Bearer <token>`; such requests carry no session cookie."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = accounts.user_for_token(db.session, token.strip())
    if user is not None:
        db.session.commit()
    return user


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (registers the routes)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
