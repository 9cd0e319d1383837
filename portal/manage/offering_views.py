"""Creating and editing an offering (with the request-form builder), publishing, retiring,
restoring and marking it reviewed."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from catalog import editing, history
from catalog.errors import ValidationError
from catalog.models import OFFERING_STATUSES, Department, Offering

from ..changes import reason_of, saving
from ..extensions import db
from . import bp
from .form_data import (
    offering_form_data,
    offering_raw,
    place_errors,
    priority_rows_data,
    rebuild_rows,
)
from .forms import FormFieldRow, OfferingForm, VersionForm
from .lookup import editable_department, editable_offering, version_of
from .translation_fields import name_languages

BUILDER_COMMANDS = ("add", "remove", "up", "down", "preview")


def replacement_choices(department: Department, offering: Offering | None,
                        current: str | None) -> list[SelectChoice]:
    """Published offerings of the department that could stand in for this one."""
    query = (select(Offering.slug, Offering.title)
             .where(Offering.department_id == department.id, Offering.status == "published")
             .order_by(Offering.title))
    if offering is not None:
        query = query.where(Offering.id != offering.id)
    choices = [SelectChoice("", _("(none)"))] + [
        SelectChoice(slug, title) for slug, title in db.session.execute(query)]
    if current and all(choice.value != current for choice in choices):
        choices.append(SelectChoice(current))  # e.g. an offering of another department
    return choices


def render_offering_form(form: OfferingForm, department: Department, offering: Offering | None,
                         status: int = 200, focus_row: int | None = None,
                         **context: Any) -> tuple[str, int]:
    form.replaced_by.choices = replacement_choices(department, offering, form.replaced_by.data)
    if focus_row is not None:
        # After a builder button (no script), the row it changed gets the keyboard focus.
        form.form_fields[focus_row].form.label.render_kw = {"autofocus": True}
    blank_row = FormFieldRow(prefix="form_fields-__index__-")
    other = name_languages(form, blank_row)
    return render_template("manage/offering_form.html", form=form, department=department,
                           offering=offering, blank_row=blank_row, failed=status == 422,
                           other_language=other, **context), status


def builder_command() -> str | None:
    """The request-form builder's button that was pressed, if any (they submit the form)."""
    command = request.form.get("builder", "")
    return command if command.partition("-")[0] in BUILDER_COMMANDS else None


def handle_offering_form(department: Department, offering: Offering | None) -> str | Response \
        | tuple[str, int]:
    """Shared by create and edit: builder commands re-show the form; "save" saves it."""
    if offering is None:
        initial = {"status": "draft", "language": current_app.config["CONTENT_LANGUAGE"],
                   "review_interval_months": "12", "form_fields": [],
                   "priority_rows": priority_rows_data({})}
    else:
        initial = offering_form_data(history.offering_snapshot(offering), offering.version)
    form = OfferingForm(data=initial) if request.method == "GET" else OfferingForm()
    if request.method == "GET":
        return render_offering_form(form, department, offering)
    if not form.validate_on_submit():
        return render_offering_form(form, department, offering, 422)
    command = builder_command()
    if command is not None:
        if command == "preview":
            return render_offering_form(form, department, offering, preview=True)
        rows, focus = rebuild_rows(form, command)
        rebuilt = OfferingForm(formdata=None, data={**form.data, "form_fields": rows})
        return render_offering_form(rebuilt, department, offering, focus_row=focus)
    raw, rows = offering_raw(form, creating=offering is None)
    try:
        with saving(reindex=True):
            saved = editing.save_offering(
                db.session, department, raw, current_user, offering=offering,
                expected_version=None if offering is None else version_of(form.version.data),
                default_language=current_app.config["CONTENT_LANGUAGE"])
    except ValidationError as error:
        unplaced = place_errors(form, error, rows, "form", "form_fields")
        return render_offering_form(form, department, offering, 422, problems=unplaced)
    except editing.EditConflict as conflict:
        form.version.data = str(offering.version)  # a second save, after reading, is deliberate
        return render_offering_form(form, department, offering, 409, conflict=conflict)
    flash(_("Saved “%(title)s”.", title=saved.title), "success")
    return redirect(url_for(".edit_offering", dept=department.slug, offering=saved.slug))


@bp.route("/departments/<dept>/offerings/new", methods=["GET", "POST"])
def new_offering(dept: str) -> str | Response | tuple[str, int]:
    return handle_offering_form(editable_department(dept), None)


@bp.route("/departments/<dept>/offerings/<offering>/edit", methods=["GET", "POST"])
def edit_offering(dept: str, offering: str) -> str | Response | tuple[str, int]:
    item = editable_offering(dept, offering)
    if request.method == "GET" and (item.slug != offering or item.department.slug != dept):
        return redirect(url_for(".edit_offering", dept=item.department.slug, offering=item.slug))
    return handle_offering_form(item.department, item)


@bp.post("/departments/<dept>/offerings/<offering>/status")
def offering_status(dept: str, offering: str) -> Response:
    item = editable_offering(dept, offering)
    form = VersionForm()
    back = url_for(".department", dept=item.department.slug)
    if not form.validate_on_submit() or form.status.data not in OFFERING_STATUSES:
        flash(_("That did not work; please try again."), "error")
        return redirect(back)
    try:
        with saving(reindex=True):
            editing.change_status(db.session, item, form.status.data, current_user,
                                  expected_version=version_of(form.version.data))
    except (editing.EditConflict, ValidationError) as error:
        flash(_("Nothing was changed: %(reason)s", reason=reason_of(error)), "error")
        return redirect(back)
    title = item.title
    messages = {"published": _("Published “%(title)s”.", title=title),
                "retired": _("Retired “%(title)s”; its page stays and says so.", title=title),
                "draft": _("“%(title)s” is a draft again.", title=title)}
    flash(messages[form.status.data], "success")
    return redirect(back)


@bp.post("/departments/<dept>/offerings/<offering>/reviewed")
def offering_reviewed(dept: str, offering: str) -> Response:
    item = editable_offering(dept, offering)
    form = VersionForm()
    back = request.form.get("back") == "edit" and url_for(
        ".edit_offering", dept=item.department.slug, offering=item.slug) or url_for(
        ".department", dept=item.department.slug)
    if not form.validate_on_submit():
        flash(_("That did not work; please try again."), "error")
        return redirect(back)
    try:
        with saving(reindex=True):
            editing.mark_reviewed(db.session, item, current_user,
                                  expected_version=version_of(form.version.data))
    except editing.EditConflict as error:
        flash(_("Nothing was changed: %(reason)s", reason=reason_of(error)), "error")
        return redirect(back)
    flash(_("Marked “%(title)s” as reviewed today.", title=item.title), "success")
    return redirect(back)
