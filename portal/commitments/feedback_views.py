"""Rating a request, answering the follow-up of a poor rating, thanking, and the ratings list."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from catalog import directory, feedback, recognition
from catalog.catalog_file.validate import SLUG
from catalog.errors import CatalogError
from catalog.pagination import clamp_page
from catalog.permissions import can

from ..changes import reason_of, saving
from ..extensions import db
from ..lookup import visible_request
from . import bp
from .forms import FeedbackForm, FollowUpForm, ThanksForm


def _back(ref: str) -> Response:
    return redirect(url_for("requests.detail", ref=ref, _anchor="feedback"), 303)


def _failed(error: CatalogError) -> None:
    flash(reason_of(error), "error")


@bp.post("/requests/<ref>/feedback")
@login_required
def rate(ref: str) -> Response:
    item = visible_request(ref)
    form = FeedbackForm()
    try:
        with saving():
            given = feedback.give_feedback(db.session, item, current_user._get_current_object(),
                                           form.rating.data, form.comment.data or "")
    except CatalogError as error:
        _failed(error)
        return _back(ref)
    if given.follow_up is not None and given.follow_up.answered_at is None:
        flash(_("Thank you. We are sorry it did not go well; %(department)s will answer you"
                " here.", department=item.department.name), "success")
    else:
        flash(_("Thank you for your feedback."), "success")
    return _back(ref)


@bp.post("/requests/<ref>/thanks")
@login_required
def thank(ref: str) -> Response:
    item = visible_request(ref)
    form = ThanksForm()
    try:
        with saving():
            recognition.send_thanks(db.session, item, current_user._get_current_object(),
                                    form.message.data or "", bool(form.to_person.data),
                                    bool(form.show_name.data))
    except CatalogError as error:
        _failed(error)
        return _back(ref)
    flash(_("Your thanks have been sent."), "success")
    return _back(ref)


@bp.post("/requests/<ref>/follow-up/<int:follow_up_id>")
@login_required
def answer(ref: str, follow_up_id: int) -> Response:
    item = visible_request(ref)
    follow_up = feedback.find_follow_up(db.session, follow_up_id)
    if follow_up is None or follow_up.request_id != item.id:
        abort(404)
    form = FollowUpForm()
    try:
        with saving():
            feedback.answer_follow_up(db.session, follow_up, current_user._get_current_object(),
                                      form.answer.data)
    except CatalogError as error:
        _failed(error)
        return _back(ref)
    flash(_("Your answer has been sent to the requester."), "success")
    return _back(ref)


@bp.route("/manage/feedback/<dept>")
@login_required
def department_feedback(dept: str) -> str:
    if not SLUG.match(dept):
        abort(404)
    department = directory.find_department(db.session, dept).item
    if not can(current_user, "work_queue", department):
        abort(403)
    page = feedback.department_feedback(db.session, department.id,
                                        clamp_page(request.args.get("page")),
                                        current_app.config["PER_PAGE"])
    return render_template("commitments/feedback.html", department=department, page=page)
