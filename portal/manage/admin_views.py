"""Admins only: create a department; rename it and name its owners and agents."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import directory
from catalog.administration import administer_department, create_department
from catalog.errors import ValidationError

from ..changes import saving
from ..extensions import db
from . import bp
from .form_data import lines, place_errors
from .forms import AdministerForm, NewDepartmentForm
from .lookup import require_admin


@bp.route("/new-department", methods=["GET", "POST"])
def new_department() -> str | Response | tuple[str, int]:
    require_admin("manage_departments")
    form = NewDepartmentForm()
    if request.method == "GET" or not form.validate_on_submit():
        failed = request.method != "GET"
        return render_template("manage/new_department.html", form=form,
                               failed=failed), 422 if failed else 200
    try:
        with saving(reindex=True):
            department = create_department(db.session, current_user, slug=form.slug.data or "",
                                           name=form.name.data or "", code=form.code.data or "")
    except ValidationError as error:
        problems = place_errors(form, error, [], "", "")
        return render_template("manage/new_department.html", form=form, failed=True,
                               problems=problems), 422
    flash(_("Created %(name)s. Now name its owners and set its hours and commitments.",
            name=department.name), "success")
    return redirect(url_for(".administer", dept=department.slug))


@bp.route("/departments/<dept>/people", methods=["GET", "POST"])
def administer(dept: str) -> str | Response | tuple[str, int]:
    require_admin("manage_people")
    department = directory.find_department(db.session, dept).item
    if request.method == "GET":
        form = AdministerForm(data={
            "name": department.name, "slug": department.slug,
            "owners": "\n".join(u.email for u in department.people("owner")),
            "agents": "\n".join(u.email for u in department.people("agent")),
        })
        return render_template("manage/people.html", form=form, department=department)
    form = AdministerForm()
    if not form.validate_on_submit():
        return render_template("manage/people.html", form=form, department=department,
                               failed=True), 422
    try:
        with saving(reindex=True):
            administer_department(db.session, department, current_user,
                                  name=form.name.data or "", slug=form.slug.data or "",
                                  owners=lines(form.owners.data), agents=lines(form.agents.data))
    except ValidationError as error:
        problems = place_errors(form, error, [], "", "")
        return render_template("manage/people.html", form=form, department=department,
                               failed=True, problems=problems), 422
    flash(_("Saved %(name)s.", name=department.name), "success")
    return redirect(url_for(".administer", dept=department.slug))
