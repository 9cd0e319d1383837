from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from catalog import directory, feedback, queue, workflow
from catalog.catalog_file.validate import SLUG
from catalog.errors import CatalogError
from catalog.models import PRIORITIES, ServiceRequest, User
from catalog.numbers import whole_number
from catalog.pagination import clamp_page
from catalog.permissions import can, managed_departments

from ..changes import reason_of, saving
from ..display import status_name
from ..due_display import next_deadline_explanations
from ..extensions import db
from ..lookup import worked_request
from . import bp


def worked_departments() -> list:
    """The departments whose queue the user works (all of them for admins)."""
    return [d for d in managed_departments(db.session, current_user)
            if can(current_user, "work_queue", d)]


@bp.route("/")
@login_required
def index() -> str | Response:
    departments = worked_departments()
    if not departments:
        abort(403)
    if len(departments) == 1:
        return redirect(url_for(".department", dept=departments[0].slug))
    return render_template("queue/index.html", departments=[
        (d, queue.state_counts(db.session, [d])) for d in departments])


@bp.route("/<dept>")
@login_required
def department(dept: str) -> str | Response:
    if not SLUG.match(dept):
        abort(404)
    found = directory.find_department(db.session, dept)
    if not can(current_user, "work_queue", found.item):
        abort(403)
    if found.moved:
        kept = {key: value for key, value in request.args.items() if key != "dept"}
        return redirect(url_for(".department", dept=found.item.slug, **kept), 301)
    args = request.args
    filters = queue.QueueFilters(
        state=args.get("state") if args.get("state") in queue.STATES else None,
        status=args.get("status") if args.get("status") in queue.STATUS_FILTERS else "open",
        assignee=args.get("assignee") if args.get("assignee") in queue.ASSIGNEE_FILTERS
        else "anyone",
        priority=args.get("priority") if args.get("priority") in PRIORITIES else None,
    )
    page = queue.department_queue(db.session, [found.item], current_user, filters,
                                  clamp_page(args.get("page")), current_app.config["PER_PAGE"])
    return render_template(
        "queue/department.html", department=found.item, page=page, filters=filters,
        states=queue.states_of(db.session, page.items),
        counts=queue.state_counts(db.session, [found.item]),
        status_filters=queue.STATUS_FILTERS, priorities=PRIORITIES,
        status_choices=workflow.status_choices,
        follow_ups=feedback.open_follow_ups(db.session, found.item.id),
        explained=next_deadline_explanations(page.items),
    )


def back_to(item: ServiceRequest) -> Response:
    """Back to the queue if the form came from there, else to the request."""
    if request.form.get("next") == "queue":
        return redirect(url_for(".department", dept=item.department.slug), 303)
    return redirect(url_for("requests.detail", ref=item.ref), 303)


@bp.post("/requests/<ref>/status")
@login_required
def status(ref: str) -> Response:
    item = worked_request(ref)
    try:
        with saving():
            changed = workflow.change_status(
                db.session, item, current_user._get_current_object(),
                request.form.get("status"), request.form.get("note", ""))
    except CatalogError as error:
        flash(reason_of(error), "error")
        return back_to(item)
    if changed is None:
        flash(_("Nothing changed: %(ref)s stays %(status)s.", ref=item.ref,
                status=status_name(item.status, staff=True)), "info")
        return back_to(item)
    flash(_("%(ref)s is now: %(status)s.", ref=item.ref,
            status=status_name(item.status, staff=True)), "success")
    return back_to(item)


@bp.post("/requests/<ref>/assign")
@login_required
def assign(ref: str) -> Response:
    item = worked_request(ref)
    choice = request.form.get("assignee", "")
    user_id = whole_number(choice)
    if choice not in ("", "me") and user_id is None:
        abort(422)
    assignee: User | None = None
    try:
        with saving():
            if choice == "me":
                assignee = current_user._get_current_object()
            elif user_id is not None:
                assignee = workflow.staff_member(db.session, item, user_id)
            workflow.assign(db.session, item, current_user._get_current_object(), assignee)
    except CatalogError as error:
        flash(reason_of(error), "error")
        return back_to(item)
    flash(_("You took %(ref)s.", ref=item.ref) if assignee is not None
          and assignee.id == current_user.id else _("The assignment of %(ref)s has changed.",
                                                       ref=item.ref), "success")
    return back_to(item)
