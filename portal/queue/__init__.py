"""The department queue for its agents and owners: open requests by due time, and actions."""

from flask import Blueprint

bp = Blueprint("queue", __name__, url_prefix="/manage/queue")

from . import views, workbench  # noqa: E402,F401  (registers the routes)
