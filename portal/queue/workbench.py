"""The department's staff at work on a request's page: internal notes, priority, moving it.

Plain HTML forms (CSRF-protected, no JavaScript needed); a refusal is flashed in the reader's
language and changes nothing. Handing over to a colleague is the queue's assign action.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from catalog.errors import CatalogError
from catalog.numbers import whole_number
from catalog.requests import handover, notes

from ..changes import reason_of, saving
from ..extensions import db
from ..lookup import worked_request
from ..rate_limits import comment as comment_limit
from . import bp


def _back(ref: str, anchor: str | None = None) -> Response:
    return redirect(url_for("requests.detail", ref=ref, _anchor=anchor), 303)


@bp.post("/requests/<ref>/notes")
@login_required
@comment_limit
def add_note(ref: str) -> Response:
    item = worked_request(ref)
    try:
        with saving():
            notes.add_note(db.session, item, current_user._get_current_object(),
                           request.form.get("body", ""))
    except CatalogError as error:
        flash(reason_of(error), "error")
        return _back(ref, "internal-note")
    flash(_("Your internal note has been added; the requester does not see it."), "success")
    return _back(ref, "conversation")


@bp.post("/requests/<ref>/priority")
@login_required
def change_priority(ref: str) -> Response:
    item = worked_request(ref)
    try:
        with saving():
            handover.change_priority(db.session, item, current_user._get_current_object(),
                                     request.form.get("priority"), request.form.get("reason", ""))
    except CatalogError as error:
        flash(reason_of(error), "error")
        return _back(ref, "change-priority")
    flash(_("The priority of %(ref)s has changed; its due times are counted again.", ref=ref),
          "success")
    return _back(ref)


@bp.post("/requests/<ref>/move")
@login_required
def move(ref: str) -> Response:
    item = worked_request(ref)
    before = item.department.slug
    try:
        with saving():
            event = handover.move_request(
                db.session, item, current_user._get_current_object(),
                whole_number(request.form.get("offering", "")), request.form.get("reason", ""))
    except CatalogError as error:
        flash(reason_of(error), "error")
        return _back(ref, "move-request")
    flash(_("%(ref)s has been moved to %(department)s.", ref=ref,
            department=event.details["to_department"]), "success")
    # The request is no longer this queue's work: back to the queue it left.
    return redirect(url_for(".department", dept=before), 303)
