"""The signed-in user's own page: name, language, time zone, password, API tokens, sessions."""

from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

from . import views  # noqa: E402,F401  (registers the routes)
