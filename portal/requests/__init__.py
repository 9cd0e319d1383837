"""Requesting a service and following one's requests: forms, my requests, one request."""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from . import views  # noqa: E402,F401  (registers the routes)
