"""Breakdown points of a department (its owners, admins) and of all departments (admins), the
requests behind each point, and the actions recorded on them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from catalog import directory
from catalog.commitments import actions, breakdowns, windows
from catalog.errors import PermissionDenied, ValidationError
from catalog.models import Department, utcnow
from catalog.pagination import paginate
from catalog.permissions import can

from ..changes import saving, show_on_form
from ..extensions import db
from . import bp
from .forms import MOMENT_NAMES, ActionForm
from .lookup import page_number, per_page, require_admin


def breakdown_department(slug: str) -> Department:
    """The department if the user may see its breakdown points (its owners and admins)."""
    department = directory.find_department(db.session, slug).item
    if not can(current_user, "act_on_breakdowns", department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))
    return department


def window_days() -> int:
    return windows.window_days(request.args.get("days", ""))


def action_form(department: Department) -> ActionForm:
    form = ActionForm()
    form.offering_id.choices = [SelectChoice("", _("The whole department"))] + [
        SelectChoice(str(o.id), o.title)
        for o in sorted(department.offerings, key=lambda o: o.title.lower())]
    return form


@bp.route("/<dept>/breakdowns")
def breakdowns_page(dept: str) -> str:
    department = breakdown_department(dept)
    form = action_form(department)
    if not form.taken_on.data:
        form.taken_on.data = utcnow().date().isoformat()
    return render_breakdowns(department, form, window_days())


def render_breakdowns(department: Department, form: ActionForm, days: int,
                      status: int = 200) -> tuple[str, int]:
    now = utcnow()
    found = breakdowns.department_breakdowns(db.session, department, days, now)
    taken = actions.department_actions(db.session, department)
    return render_template(
        "manage/breakdowns.html", department=department, found=found, days=days,
        choices=windows.WINDOW_CHOICES, weights=breakdowns.WEIGHTS, form=form,
        actions=taken, effects=actions.effects(db.session, taken, now),
        min_requests=actions.MIN_REQUESTS, effect_days=actions.EFFECT_DAYS,
        moment_names=MOMENT_NAMES), status


@bp.route("/<dept>/breakdowns/actions", methods=["POST"])
def record_action(dept: str) -> str | Response | tuple[str, int]:
    department = breakdown_department(dept)
    form = action_form(department)  # CSRF is checked app-wide; the catalog checks values
    try:
        with saving():
            actions.record_action(
                db.session, department, current_user, text=form.text.data,
                taken_on=form.taken_on.data, offering_id=form.offering_id.data or None,
                moment=form.moment.data or None, public=form.public.data)
    except ValidationError as error:
        show_on_form(form, error)
        return render_breakdowns(department, form, window_days(), 422)
    flash(_("The action is recorded; its effect is measured from its date."), "success")
    return redirect(url_for(".breakdowns_page", dept=department.slug, days=window_days(),
                            _anchor="actions"), 303)


@bp.route("/<dept>/breakdowns/requests")
def breakdown_requests(dept: str) -> str:
    department = breakdown_department(dept)
    moment = request.args.get("moment", "")
    offering = next((o for o in department.offerings
                     if o.slug == request.args.get("offering")), None)
    if offering is None or moment not in breakdowns.MOMENTS:
        abort(404)
    days = window_days()
    page = paginate(db.session, breakdowns.requests_behind(department, offering.id, moment, days),
                    page_number(), per_page())
    return render_template("manage/breakdown_requests.html", department=department,
                           offering=offering, moment=moment, days=days, page=page,
                           moment_names=MOMENT_NAMES)


@bp.route("/breakdowns")
def breakdowns_summary() -> str:
    require_admin("view_all_breakdowns")
    days = window_days()
    return render_template("manage/breakdowns_summary.html", days=days,
                           choices=windows.WINDOW_CHOICES,
                           rows=breakdowns.summary(db.session, days), moment_names=MOMENT_NAMES)
