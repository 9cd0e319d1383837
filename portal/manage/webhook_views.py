"""Webhooks: admins manage every hook (/manage/webhooks), owners their department's; each hook's
page lists its recent deliveries and sends a test event."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import directory
from catalog.errors import PermissionDenied, ValidationError
from catalog.models import Department, Webhook
from catalog.permissions import managed_departments
from catalog.webhooks import hooks

from ..changes import saving, show_on_form
from ..display import translate
from ..extensions import db
from . import bp
from .lookup import require_admin
from .webhook_forms import EVENT_LABELS, FORMAT_LABELS, WebhookForm


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks() -> str | tuple[str, int]:
    require_admin("manage_all_webhooks")
    departments = managed_departments(db.session, current_user)
    form = WebhookForm()
    form.department.choices = [("", _("All departments"))] + [
        (d.slug, d.name) for d in departments]
    slug = form.department.data if form.is_submitted() else None
    chosen = directory.find_department(db.session, slug).item if slug else None
    return _hooks_page(form, chosen, everything=True)


@bp.route("/departments/<dept>/webhooks", methods=["GET", "POST"])
def department_webhooks(dept: str) -> str | tuple[str, int]:
    department = directory.find_department(db.session, dept).item
    if not hooks.may_manage(current_user, department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))
    form = WebhookForm()
    del form.department
    return _hooks_page(form, department, everything=False)


def _hooks_page(form: WebhookForm, department: Department | None,
                everything: bool) -> str | tuple[str, int]:
    """The list and the register form; a registered hook's page shows its secret, once."""
    if form.is_submitted():
        try:
            with saving():
                hook = hooks.register_hook(
                    db.session, current_user, url=form.url.data, events=form.events.data,
                    department=department, format=form.format.data,
                    allow_local=bool(current_app.config["WEBHOOK_ALLOW_HTTP"]))
        except ValidationError as error:
            problems = show_on_form(form, error, flash_rest=False)
            return _render_list(form, department, everything, problems), 422
        return render_template("manage/webhook.html", hook=_reloaded(hook), secret=hook.secret,
                               deliveries=[], **_labels()), 201
    return _render_list(form, department, everything, [])


def _reloaded(hook: Webhook) -> Webhook:
    return hooks.find_hook(db.session, current_user, hook.id)


def _render_list(form: WebhookForm, department: Department | None, everything: bool,
                 problems: list[str]) -> str:
    rows = hooks.hooks_of(db.session, department, everything=everything)
    return render_template("manage/webhooks.html", form=form, rows=rows,
                           department=None if everything else department,
                           everything=everything, problems=problems,
                           failed=bool(form.errors or problems), **_labels())


def _labels() -> dict[str, object]:
    return {"event_labels": EVENT_LABELS, "format_labels": FORMAT_LABELS,
            "state_of": hooks.delivery_state}


@bp.route("/webhooks/<int:hook_id>")
def webhook(hook_id: int) -> str:
    hook = hooks.find_hook(db.session, current_user, hook_id)
    return render_template("manage/webhook.html", hook=hook, secret=None,
                           deliveries=hooks.recent_deliveries(db.session, hook), **_labels())


@bp.route("/webhooks/<int:hook_id>/test", methods=["POST"])
def webhook_test(hook_id: int) -> Response:
    hook = hooks.find_hook(db.session, current_user, hook_id)
    try:
        with saving():
            hooks.send_test_event(db.session, current_user, hook)
    except ValidationError as error:
        flash(translate(error.message), "error")
    else:
        flash(_("A test event is on its way; it is listed below once the worker has sent it."),
              "success")
    return redirect(url_for(".webhook", hook_id=hook_id))


@bp.route("/webhooks/<int:hook_id>/active", methods=["POST"])
def webhook_active(hook_id: int) -> Response:
    hook = hooks.find_hook(db.session, current_user, hook_id)
    with saving():
        hooks.set_active(db.session, current_user, hook, not hook.active)
    flash(_("The webhook is active again.") if hook.active else
          _("The webhook is paused; events are not recorded for it until you resume it."),
          "success")
    return redirect(url_for(".webhook", hook_id=hook_id))


@bp.route("/webhooks/<int:hook_id>/delete", methods=["POST"])
def webhook_delete(hook_id: int) -> Response:
    hook = hooks.find_hook(db.session, current_user, hook_id)
    department = hook.department
    with saving():
        hooks.delete_hook(db.session, current_user, hook)
    flash(_("The webhook was deleted."), "success")
    if department is None:
        return redirect(url_for(".webhooks"))
    return redirect(url_for(".department_webhooks", dept=department.slug))
