"""Reply templates: a department's owners list, add, edit and delete them; its staff insert
them into comments on the request page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField

from catalog import directory
from catalog.errors import PermissionDenied, ValidationError
from catalog.models import Department
from catalog.requests import reply_templates

from ..changes import saving, show_on_form
from ..extensions import db
from . import bp


class ReplyTemplateForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": reply_templates.MAX_TITLE},
                        description=_l("What staff pick from the list, e.g. “Laptop ready”."))
    body = TextAreaField(_l("Template text"),
                         render_kw={"rows": 8, "maxlength": reply_templates.MAX_BODY},
                         description=_l("{name} becomes the requester's name and {ref} the "
                                        "request's reference; staff can edit the text before "
                                        "sending it."))


def _department(dept: str) -> Department:
    department = directory.find_department(db.session, dept).item
    if not reply_templates.may_manage(current_user, department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))
    return department


def _save(form: ReplyTemplateForm, action: object) -> list[str] | None:
    """Run the change; the problems to show if it was refused, else None."""
    try:
        with saving():
            action()
    except ValidationError as error:
        return show_on_form(form, error, flash_rest=False)
    return None


@bp.route("/departments/<dept>/reply-templates", methods=["GET", "POST"])
def reply_templates_page(dept: str) -> str | Response | tuple[str, int]:
    department = _department(dept)
    form = ReplyTemplateForm()
    problems: list[str] = []
    if form.is_submitted():
        problems = _save(form, lambda: reply_templates.add_template(
            db.session, current_user, department, form.title.data, form.body.data)) or []
        if not form.errors and not problems:
            flash(_("The reply template “%(title)s” was added.", title=form.title.data.strip()),
                  "success")
            return redirect(url_for(".reply_templates_page", dept=department.slug), 303)
    page = render_template("manage/reply_templates.html", department=department, form=form,
                           rows=reply_templates.templates_of(db.session, department),
                           problems=problems, failed=bool(form.errors or problems))
    return (page, 422) if form.errors or problems else page


@bp.route("/departments/<dept>/reply-templates/<int:template_id>", methods=["GET", "POST"])
def reply_template(dept: str, template_id: int) -> str | Response | tuple[str, int]:
    department = _department(dept)
    template = reply_templates.find_template(db.session, department, template_id)
    form = ReplyTemplateForm(obj=template)
    problems: list[str] = []
    if form.is_submitted():
        problems = _save(form, lambda: reply_templates.edit_template(
            db.session, current_user, template, form.title.data, form.body.data)) or []
        if not form.errors and not problems:
            flash(_("The reply template was saved."), "success")
            return redirect(url_for(".reply_templates_page", dept=department.slug), 303)
        template = reply_templates.find_template(db.session, department, template_id)
    page = render_template("manage/reply_template.html", department=department, form=form,
                           template=template, problems=problems,
                           failed=bool(form.errors or problems))
    return (page, 422) if form.errors or problems else page


@bp.post("/departments/<dept>/reply-templates/<int:template_id>/delete")
def reply_template_delete(dept: str, template_id: int) -> Response:
    department = _department(dept)
    template = reply_templates.find_template(db.session, department, template_id)
    with saving():
        reply_templates.delete_template(db.session, current_user, template)
    flash(_("The reply template was deleted."), "success")
    return redirect(url_for(".reply_templates_page", dept=department.slug), 303)
