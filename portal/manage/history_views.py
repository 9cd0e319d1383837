"""History of an offering and of a department's settings: list, compare two, restore one."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import editing, history
from catalog.department_settings import SettingsConflict, revert_department
from catalog.errors import CatalogError
from catalog.models import DepartmentRevision, OfferingRevision
from catalog.numbers import whole_number

from ..changes import reason_of, saving
from ..extensions import db
from . import bp
from .form_data import loaded_snapshot, settings_form_data
from .forms import SettingsRestoreForm, VersionForm
from .lookup import editable_department, editable_offering, page_number, per_page, version_of


def _number(name: str) -> int | None:
    """A revision number from the query string; None for "the current state"."""
    value = request.args.get(name, "")
    if value in ("", "current"):
        return None
    number = whole_number(value)
    if number is None:
        abort(404)
    return number


def _compare(model: type[history.Revision], owner_id: int, current: dict[str, Any],
             kind: str) -> dict[str, Any]:
    """Both sides of a comparison; `from` defaults to the revision before `to`."""
    newer_number = _number("to")
    newer = current if newer_number is None else _snapshot(model, owner_id, newer_number)
    older_number = _number("from")
    if older_number is None:
        latest = history.latest_revision(db.session, model, owner_id)
        older_number = (newer_number - 1) if newer_number else (latest.number if latest else 0)
    older = _snapshot(model, owner_id, older_number) if older_number else None
    return {"older": older_number, "newer": newer_number,
            "changes": history.compare(older, newer, kind)}


def _snapshot(model: type[history.Revision], owner_id: int, number: int) -> dict[str, Any]:
    revision = history.get_revision(db.session, model, owner_id, number)
    if revision is None:
        abort(404)
    return revision.snapshot


# Offerings ---------------------------------------------------------------------------------------

@bp.route("/departments/<dept>/offerings/<offering>/history")
def offering_history(dept: str, offering: str) -> str:
    item = editable_offering(dept, offering)
    revisions = history.list_revisions(db.session, OfferingRevision, item.id, page_number(),
                                       per_page())
    latest = history.latest_revision(db.session, OfferingRevision, item.id)
    untracked = latest is None or latest.version != item.version
    return render_template("manage/history.html", kind="offering", department=item.department,
                           offering=item, revisions=revisions, untracked=untracked)


@bp.route("/departments/<dept>/offerings/<offering>/history/compare")
def offering_compare(dept: str, offering: str) -> str:
    item = editable_offering(dept, offering)
    comparison = _compare(OfferingRevision, item.id, history.offering_snapshot(item), "offering")
    return render_template("manage/compare.html", kind="offering", department=item.department,
                           offering=item, **comparison)


@bp.post("/departments/<dept>/offerings/<offering>/history/<int:number>/restore")
def offering_restore(dept: str, offering: str, number: int) -> Response:
    item = editable_offering(dept, offering)
    form = VersionForm()
    back = url_for(".offering_history", dept=item.department.slug, offering=item.slug)
    if not form.validate_on_submit():
        flash(_("That did not work; please try again."), "error")
        return redirect(back)
    version = item.version
    try:
        with saving(reindex=True):
            editing.revert_offering(db.session, item, number, current_user,
                                    expected_version=version_of(form.version.data))
            changed = item.version != version
    except CatalogError as error:
        if error.status == 404:
            raise
        flash(_("Nothing was changed: %(reason)s", reason=reason_of(error, with_paths=True)),
              "error")
        return redirect(back)
    flash(_("Restored revision %(number)d as a new revision.", number=number) if changed
          else _("Revision %(number)d is already the current state.", number=number), "success")
    return redirect(url_for(".offering_history", dept=item.department.slug, offering=item.slug))


# Department settings -----------------------------------------------------------------------------

@bp.route("/departments/<dept>/settings/history")
def settings_history(dept: str) -> str:
    item = editable_department(dept)
    revisions = history.list_revisions(db.session, DepartmentRevision, item.id, page_number(),
                                       per_page())
    latest = history.latest_revision(db.session, DepartmentRevision, item.id)
    return render_template("manage/history.html", kind="department", department=item,
                           revisions=revisions, untracked=latest is None
                           or latest.snapshot != history.department_snapshot(item))


@bp.route("/departments/<dept>/settings/history/compare")
def settings_compare(dept: str) -> str:
    item = editable_department(dept)
    current = history.department_snapshot(item)
    comparison = _compare(DepartmentRevision, item.id, current, "department")
    return render_template("manage/compare.html", kind="department", department=item,
                           loaded=settings_form_data(current)["loaded"], **comparison)


@bp.post("/departments/<dept>/settings/history/<int:number>/restore")
def settings_restore(dept: str, number: int) -> Response:
    item = editable_department(dept)
    form = SettingsRestoreForm()
    back = url_for(".settings_history", dept=item.slug)
    if not form.validate_on_submit():
        flash(_("That did not work; please try again."), "error")
        return redirect(back)
    try:
        with saving(reindex=True):
            changed = revert_department(db.session, item, number, current_user,
                                        loaded=loaded_snapshot(form.loaded.data) or {})
    except SettingsConflict as error:
        flash(_("Nothing was changed: %(reason)s", reason=reason_of(error)), "error")
        return redirect(back)
    except CatalogError as error:
        if error.status == 404:
            raise
        flash(_("Nothing was changed: %(reason)s", reason=reason_of(error, with_paths=True)),
              "error")
        return redirect(back)
    flash(_("Restored revision %(number)d as a new revision.", number=number) if changed
          else _("Revision %(number)d is already the current state.", number=number), "success")
    return redirect(back)
