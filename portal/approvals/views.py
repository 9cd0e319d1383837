from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from catalog.errors import CatalogError, ValidationError
from catalog.models import ServiceRequest
from catalog.permissions import approves
from catalog.requests import approvals

from ..changes import reason_of, saving
from ..extensions import db
from ..lookup import visible_request
from . import bp


def approval_rows(item: ServiceRequest) -> list[dict[str, Any]]:
    """What the page shows of each approval step (gathered here: templates run no queries)."""
    return [{"kind": step.kind, "state": step.state, "asked_at": step.asked_at,
             "decided_at": step.decided_at, "comment": step.comment,
             "approver": step.approver.name if step.approver else None,
             "decided_by": step.decided_by.name if step.decided_by else None,
             "department": item.department.name}
            for step in item.approvals]


def may_decide(item: ServiceRequest) -> bool:
    step = approvals.current_step(item)
    return step is not None and approves(current_user, step)


def render_list(errors: dict[str, str] | None = None, comments: dict[str, str] | None = None,
                status: int = 200) -> tuple[str, int]:
    waiting = approvals.waiting_for(db.session, current_user._get_current_object())
    rows = [{"item": item, "since": approvals.current_step(item).asked_at,  # type: ignore[union-attr]
             "steps": approval_rows(item)} for item in waiting]
    return render_template("approvals/index.html", rows=rows, errors=errors or {},
                           comments=comments or {}), status


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    return render_list()


@bp.post("/<ref>")
@login_required
def decide(ref: str) -> Response | tuple[str, int]:
    item = visible_request(ref)
    decision, comment = request.form.get("decision", ""), request.form.get("comment", "")
    back = request.form.get("back") == "request"
    try:
        with saving():
            approvals.decide(db.session, item, current_user._get_current_object(), decision,
                             comment)
    except ValidationError as error:
        message = reason_of(error)
        if back:
            flash(message, "error")
            return redirect(url_for("requests.detail", ref=ref, _anchor="approval"), 303)
        return render_list({ref: message}, {ref: comment}, 422)
    except CatalogError as error:
        flash(reason_of(error), "error")
        return redirect(url_for("requests.detail", ref=ref) if back else url_for(".index"), 303)
    if decision == "approve":
        flash(_("You approved %(ref)s.", ref=ref), "success")
    else:
        flash(_("You rejected %(ref)s; the requester has been told why.", ref=ref), "success")
    return redirect(url_for("requests.detail", ref=ref) if back else url_for(".index"), 303)
