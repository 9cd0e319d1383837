"""The management start page, a department's offerings, and its settings."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from catalog import history, reviews
from catalog.department_settings import SettingsConflict, save_department_settings
from catalog.errors import PermissionDenied, ValidationError
from catalog.models import OFFERING_STATUSES, PRIORITIES, Offering
from catalog.pagination import paginate
from catalog.permissions import managed_departments, roles_in
from catalog.translations import other_language

from ..changes import saving
from ..extensions import db
from . import bp
from .form_data import loaded_snapshot, place_errors, settings_form_data, settings_raw
from .forms import DepartmentSettingsForm
from .lookup import editable_department, page_number, per_page
from .translation_fields import name_description


@bp.route("/")
def index() -> str:
    departments = managed_departments(db.session, current_user)
    if not departments and not current_user.is_admin:
        raise PermissionDenied(_("You do not own or work for any department."))
    rows = [(d, roles_in(current_user, d)) for d in departments]
    return render_template("manage/index.html", rows=rows,
                           queue_home=_queue_home())


def _queue_home() -> str | None:
    """The request queue's start page, if that feature is installed."""
    return "/manage/queue/" if any(rule.rule == "/manage/queue/"
                                   for rule in current_app.url_map.iter_rules()) else None


@bp.route("/departments/<dept>/")
def department(dept: str) -> str:
    item = editable_department(dept)
    status = request.args.get("status")
    query = select(Offering).where(Offering.department_id == item.id)
    if status in OFFERING_STATUSES:
        query = query.where(Offering.status == status)
    offerings = paginate(db.session, query.order_by(Offering.title, Offering.id),
                         page_number(), per_page())
    # Every offering's review date, by title, in one query of three columns.
    due = reviews.due_for_review(db.session.execute(
        select(Offering.id, Offering.slug, Offering.title, Offering.status, Offering.version,
               Offering.reviewed_at, Offering.created_at, Offering.review_interval_months)
        .where(Offering.department_id == item.id, Offering.status != "retired")).all())
    return render_template("manage/department.html", department=item, offerings=offerings,
                           status=status if status in OFFERING_STATUSES else None, due=due)


@bp.route("/departments/<dept>/settings", methods=["GET", "POST"])
def settings(dept: str) -> str | Response | tuple[str, int]:
    item = editable_department(dept)
    current = history.department_snapshot(item)
    other = other_language(item.language)
    if request.method == "GET":
        form = DepartmentSettingsForm(data={**settings_form_data(current, other),
                                            "confidential": item.confidential})
        return render_settings(form, item)
    form = DepartmentSettingsForm()
    if not form.validate_on_submit():
        return render_settings(form, item, 422)
    raw, rows = settings_raw(form, other)
    try:
        with saving(reindex=True):
            changed = save_department_settings(db.session, item, raw, current_user,
                                               loaded=loaded_snapshot(form.loaded.data) or {})
    except ValidationError as error:
        unplaced = place_errors(form, error, rows, "commitments", "commitments")
        return render_settings(form, item, 422, problems=unplaced)
    except SettingsConflict as conflict:
        form.loaded.data = settings_form_data(conflict.current, other)["loaded"]
        return render_settings(form, item, 409, conflict=conflict)
    flash(_("Saved the settings of %(name)s.", name=item.name) if changed
          else _("Nothing changed."), "success")
    return redirect(url_for(".settings", dept=item.slug))


def render_settings(form: DepartmentSettingsForm, department: object, status: int = 200,
                    **context: object) -> tuple[str, int]:
    # The rows come back in the order of PRIORITIES; a tampered form still shows four of them.
    while len(form.commitments) < len(PRIORITIES):
        form.commitments.append_entry({"priority": PRIORITIES[len(form.commitments)]})
    name_description(form, department.language)  # type: ignore[attr-defined]
    return render_template("manage/settings.html", form=form, department=department,
                           failed=status == 422, **context), status
