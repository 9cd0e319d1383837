"""Published commitments and their record; feedback, follow-ups and thanks on requests."""

from flask import Blueprint

bp = Blueprint("commitments", __name__)

from . import display, feedback_views, views  # noqa: E402,F401  (registers routes and globals)
