from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import directory, public_record, recognition
from catalog.commitments import customer_map, month_recognition
from catalog.pagination import clamp_page
from catalog.permissions import can
from catalog.requests.home_work import home_work

from ..extensions import db
from ..page_cache import cached_page, viewer_audience
from ..search.log import notes_opening
from . import bp


def my_work() -> str:
    """The home page's personal part: the signed-in person's work and requests."""
    if not current_user.is_authenticated:
        return ""
    work = home_work(db.session, current_user._get_current_object())
    return render_template("browse/_my_work.html", work=work)


@bp.route("/")
@cached_page(personal=my_work)
def home() -> str:
    return render_template(
        "browse/home.html",
        departments=directory.departments_with_counts(db.session),
        popular=directory.popular_offerings(
            db.session, curated=current_app.config["POPULAR_FALLBACK"].split(",")),
        thanked=recognition.most_thanked(db.session),
        audience=viewer_audience(),
    )


@bp.route("/departments/")
@cached_page()
def departments() -> str:
    return render_template(
        "browse/departments.html", departments=directory.departments_with_counts(db.session)
    )


@bp.route("/departments/<dept>")
@cached_page(params=("page", "open_to_me"))
def department(dept: str) -> str | Response:
    found = directory.find_department(db.session, dept)
    if found.moved:
        return redirect(url_for(".department", dept=found.item.slug), 301)
    audience = viewer_audience()
    only_mine = audience is not None and request.args.get("open_to_me") == "1"
    return render_template(
        "browse/department.html",
        department=found.item,
        offerings=directory.listed_offerings(db.session, found.item,
                                             clamp_page(request.args.get("page")),
                                             open_to=audience if only_mine else None),
        record=public_record.department_record(db.session, found.item),
        links=customer_map.department_links(
            db.session, found.item,
            current_user._get_current_object() if current_user.is_authenticated else None),
        recognitions=month_recognition.department_recognitions(db.session, found.item),
        audience=audience, only_mine=only_mine,
        closed_to_viewer=audience is not None
        and directory.has_offerings_closed_to(db.session, found.item, audience),
    )


@bp.route("/departments/<dept>/<offering>")
@notes_opening
@cached_page()
def offering(dept: str, offering: str) -> str | Response:
    found = directory.find_offering(db.session, dept, offering)
    item = found.item
    if item.status == "draft" and not can(current_user, "edit_catalog", item):
        abort(404)
    if found.moved:
        return redirect(url_for(".offering", dept=item.department.slug, offering=item.slug), 301)
    return render_template(
        "browse/offering.html",
        offering=item,
        department=item.department,
        may_request=can(current_user, "request", item),
        record=public_record.offering_record(db.session, item),
    )


@bp.route("/o/<int:offering_id>")
def permalink(offering_id: int) -> Response:
    item = directory.get_offering(db.session, offering_id)
    if item.status == "draft" and not can(current_user, "edit_catalog", item):
        abort(404)  # as the draft's own address: not even its name is given away
    return redirect(url_for(".offering", dept=item.department.slug, offering=item.slug), 302)
