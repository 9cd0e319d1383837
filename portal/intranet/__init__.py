"""What intranet pages use besides links: Atom feeds of catalog changes and cards for iframes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intranet", __name__)

from . import views  # noqa: E402,F401  (registers the routes)
