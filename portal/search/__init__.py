"""Search: the results page, OpenSearch, and (in portal/api/search.py) the JSON endpoints."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import views  # noqa: E402,F401  (registers the routes)
