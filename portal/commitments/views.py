"""/commitments: every department's published commitments beside its record of keeping them."""

from __future__ import annotations

from flask import render_template

from catalog import public_record

from ..extensions import db
from ..page_cache import cached_page
from . import bp


@bp.route("/commitments")
@cached_page()
def index() -> str:
    return render_template("commitments/index.html",
                           overview=public_record.commitments_overview(db.session))
