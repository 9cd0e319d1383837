"""/commitments: every department's published commitments beside its record of keeping them;
the internal customer map; each month's recognition."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from catalog import public_record
from catalog.commitments import comparison, customer_map, month_recognition, windows

from ..extensions import db
from ..page_cache import cached_page
from . import bp
from .map_drawing import draw


@bp.route("/commitments")
@cached_page(params=("sort", "order"))
def index() -> str:
    sort, descending = comparison.parse_sort(request.args.get("sort"), request.args.get("order"))
    page = public_record.commitments_page(db.session, sort, descending)
    return render_template("commitments/index.html", overview=page.departments,
                           comparison=page.comparison, sort=sort, descending=descending,
                           compare_days=comparison.COMPARE_DAYS)


@bp.route("/commitments/map")
@cached_page(params=("days",))
def customer_map_page() -> str:
    reader = current_user._get_current_object() if current_user.is_authenticated else None
    found = customer_map.customer_map(db.session, reader,
                                      windows.window_days(request.args.get("days")))
    return render_template("commitments/map.html", map=found, drawing=draw(found),
                           choices=windows.WINDOW_CHOICES,
                           min_ratings=customer_map.MIN_MEASURED)


@bp.route("/commitments/recognition")
@cached_page(params=("month",))
def recognition_page() -> tuple[str, int] | str:
    latest = month_recognition.last_full_month()
    asked = request.args.get("month")
    month = month_recognition.parse_month(asked) if asked else latest
    problem = asked is not None and (month is None or month > latest)
    if problem or month is None:
        month = latest
    page = render_template(
        "commitments/recognition.html", asked=asked if problem else None,
        found=month_recognition.month_recognition(db.session, month),
        previous=month_recognition.add_months(month, -1),
        next=month_recognition.add_months(month, 1) if month < latest else None,
        rules=month_recognition)
    return (page, 400) if problem else page
