"""/commitments: every department's published commitments beside its record of keeping them."""

from __future__ import annotations

from flask import render_template, request

from catalog import public_record
from catalog.commitments import comparison

from ..extensions import db
from ..page_cache import cached_page
from . import bp


@bp.route("/commitments")
@cached_page(params=("sort", "order"))
def index() -> str:
    sort, descending = comparison.parse_sort(request.args.get("sort"), request.args.get("order"))
    page = public_record.commitments_page(db.session, sort, descending)
    return render_template("commitments/index.html", overview=page.departments,
                           comparison=page.comparison, sort=sort, descending=descending,
                           compare_days=comparison.COMPARE_DAYS)
