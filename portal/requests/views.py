from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

from catalog import directory, queue, submission, workflow
from catalog.catalog_file.validate import SLUG
from catalog.commitments.form_openings import count_form_opening
from catalog.errors import CatalogError, ValidationError
from catalog.models import Attachment, Offering, ServiceRequest, utcnow
from catalog.pagination import clamp_page
from catalog.permissions import can
from catalog.requests import handover, notes, reply_templates

from .. import entry_texts
from ..approvals.views import approval_rows, may_decide
from ..changes import reason_of, saving, show_on_form
from ..commitments.display import feedback_panel
from ..display import translate
from ..due_display import preview_explanations, request_explanations
from ..errors import handle_http_error
from ..extensions import db
from ..lookup import visible_request
from ..rate_limits import comment as comment_limit
from ..rate_limits import submit
from ..uploads import file_store
from . import bp
from .forms import (
    CancelForm,
    CommentForm,
    InformationForm,
    ReopenForm,
    answers_of,
    conditions_of,
    field_for_answer,
    file_fields,
    request_form,
)


def priority_names() -> dict[str, str]:
    return {"low": _("Low"), "normal": _("Normal"), "high": _("High"), "critical": _("Critical")}


def priority_choices(offering: Offering) -> list[tuple[str, str]]:
    """The priorities the signed-in user may pick (staff: all), as (value, label) pairs."""
    names = priority_names()
    return [(p, names.get(p, p)) for p in submission.priorities_for(offering, current_user)]


def build_form(offering: Offering, **kwargs: object) -> FlaskForm:
    """The request form of the offering, with the priorities the user may pick."""
    calendar = offering.department.calendar
    return request_form(entry_texts.form_fields(offering), priority_choices(offering),
                        submission.default_priority(offering, current_user),
                        current_app.config["MAX_UPLOAD_MB"], calendar=calendar,
                        today=utcnow().astimezone(calendar.zone).date(), **kwargs)


def reopen_days() -> int:
    return int(current_app.config["REOPEN_DAYS"])


def visible_offering(dept: str, slug: str) -> tuple[Offering, bool]:
    if not (SLUG.match(dept) and SLUG.match(slug)):
        abort(404)  # no such address, whatever bytes it holds
    found = directory.find_offering(db.session, dept, slug)
    if found.item.status == "draft" and not can(current_user, "edit_catalog", found.item):
        abort(404)
    return found.item, found.moved


def render_form(offering: Offering, form: object, status: int = 200,
                problems: list[str] = ()) -> tuple[str, int]:
    now = utcnow()
    dues = submission.due_if_submitted(offering, now)
    names = priority_names()
    staff_only = [names.get(p, p) for p in submission.priorities(offering)
                  if p not in submission.priorities_for(offering, current_user)]
    return render_template(
        "requests/form.html", offering=offering, department=offering.department, form=form,
        previews={due.priority: due for due in dues}, problems=problems, staff_only=staff_only,
        colleagues=submission.colleagues_to_suggest(db.session, current_user),
        explained=preview_explanations(offering, dues, now),
        conditions=conditions_of(entry_texts.form_fields(offering)),
    ), status


def render_not_allowed(offering: Offering, reason: str, colleague: str = "",
                       colleague_error: str = "", status: int = 403) -> tuple[str, int]:
    """Why the user may not request it, with a way to request it for a colleague who may."""
    return render_template("requests/not_allowed.html", offering=offering,
                           department=offering.department, reason=reason, colleague=colleague,
                           colleague_error=colleague_error), status


def count_opening(item: Offering) -> None:
    """One more opening of the form, counted without the person (breakdowns: forms given up).
    A failure to count never keeps anyone from the form."""
    try:
        with saving():
            count_form_opening(db.session, item.id)
    except SQLAlchemyError:
        current_app.logger.exception("Counting a form opening failed")


@bp.route("/departments/<dept>/<offering>/request", methods=["GET", "POST"])
@login_required
@submit
def new_request(dept: str, offering: str) -> str | Response | tuple[str, int]:
    item, moved = visible_offering(dept, offering)
    if moved:
        target = url_for(".new_request", dept=item.department.slug, offering=item.slug)
        return redirect(target, 301 if request.method == "GET" else 308)
    if item.status != "published":
        return render_template("requests/unavailable.html", offering=item,
                               department=item.department), 410
    sender = current_user._get_current_object()
    source = request.form if request.method == "POST" else request.args
    colleague = (source.get("on_behalf_of") or "").strip()
    try:
        person = submission.for_whom(db.session, sender, colleague)
    except ValidationError as error:
        person, colleague_error = None, error
    else:
        colleague_error = None
    refusal = submission.refusal(item, person or sender, sender)
    if refusal is not None:  # with a bad colleague's address: the sender's own refusal
        return render_not_allowed(item, translate(refusal), colleague,
                                  reason_of(colleague_error) if colleague_error else "",
                                  422 if colleague_error else 403)
    if request.method == "GET":
        count_opening(item)
    form = build_form(item, **({} if request.method == "POST" else {
        "data": {"on_behalf_of": colleague}}))
    if not form.validate_on_submit():
        return render_form(item, form)
    if colleague_error is not None:
        return render_form(item, form, 422, show_on_form(
            form, colleague_error, field_for_answer, flash_rest=False, with_paths=False))
    store = file_store()
    try:
        with saving(on_rollback=store.discard_written):
            created = submission.submit_request(
                db.session, item, sender, priority=form.priority.data,
                values=answers_of(form, item.form), store=store, on_behalf_of=person)
    except ValidationError as error:
        return render_form(item, form, 422,
                           show_on_form(form, error, field_for_answer, flash_rest=False,
                                        with_paths=False))
    if created.submitted_by_id:
        flash(_("Your request %(ref)s for %(name)s has been sent to %(department)s.",
                ref=created.ref, name=created.requester.name,
                department=item.department.name), "success")
    else:
        flash(_("Your request %(ref)s has been sent to %(department)s.", ref=created.ref,
                department=item.department.name), "success")
    return redirect(url_for(".detail", ref=created.ref), 303)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> tuple[str | Response, int]:
    """A file over the limit is a mistake at the field, not an error page."""
    # The body was refused before any view ran, so check here what the view would have.
    if request.endpoint != "requests.new_request" or not current_user.is_authenticated:
        return handle_http_error(error)
    args = request.view_args or {}
    try:
        item, _moved = visible_offering(args.get("dept", ""), args.get("offering", ""))
    except (CatalogError, HTTPException):
        return handle_http_error(error)
    if item.status != "published" or submission.refusal(item, current_user) is not None:
        return handle_http_error(error)
    form = build_form(item, formdata=None)
    message = _("Files may be at most %(limit)d MB; this one was larger. Please choose a"
                " smaller file and fill in the form again.",
                limit=current_app.config["MAX_UPLOAD_MB"])
    for field in file_fields(form):
        field.errors = [message]
    return render_form(item, form, 413, [] if file_fields(form) else [message])


@bp.route("/requests/")
@login_required
def my_requests() -> str:
    status = request.args.get("status", "all")
    if status not in queue.STATUS_FILTERS:
        status = "all"
    page = queue.my_requests(db.session, current_user, status,
                             clamp_page(request.args.get("page")),
                             current_app.config["PER_PAGE"])
    return render_template("requests/list.html", page=page, status=status,
                           states=queue.states_of(db.session, page.items),
                           filters=["all", *(f for f in queue.STATUS_FILTERS if f != "all")])


@bp.route("/requests/<ref>")
@login_required
def detail(ref: str) -> str:
    item = visible_request(ref)
    replies = reply_templates.replies_for(db.session, item, current_user)
    # "Use template" without JavaScript: the page again, the template's text in the box.
    chosen = next((r for r in replies if str(r.id) == request.args.get("template")), None)
    comment_form = CommentForm(formdata=None, data={"body": chosen.text} if chosen else None)
    return render_request(item, comment_form, CancelForm(formdata=None), replies=replies,
                          chosen=chosen)


def attachments_by_field(item: ServiceRequest) -> dict[str, list[Attachment]]:
    """Each file field's files, in the order they were sent."""
    files: dict[str, list[Attachment]] = {}
    for attachment in sorted(item.attachments, key=lambda a: a.id or 0):
        files.setdefault(attachment.field_name, []).append(attachment)
    return files


def workbench_of(item: ServiceRequest) -> dict[str, object]:
    """What the staff's forms offer: colleagues, priorities, other departments' services."""
    open_ = item.is_open
    return {
        "notes": notes.sees_notes(current_user, item),
        "colleagues": handover.department_staff(item) if open_ else [],
        "priorities": [p for p in submission.priorities(item.offering) if p != item.priority]
        if open_ else [],
        "move_targets": handover.move_targets(db.session, item) if open_ else [],
    }


def render_request(item: ServiceRequest, comment_form: CommentForm, cancel_form: CancelForm,
                   status: int = 200, information_form: InformationForm | None = None,
                   reopen_form: ReopenForm | None = None, replies: list | None = None,
                   chosen: reply_templates.Reply | None = None) -> tuple[str, int]:
    staff = can(current_user, "work_queue", item)
    if replies is None:
        replies = reply_templates.replies_for(db.session, item, current_user)
    requester_side = current_user.id in item.requester_side_ids
    days = reopen_days()
    return render_template(
        "requests/detail.html", item=item, staff=staff, requester_side=requester_side,
        timeline=notes.visible_events(item, current_user),
        may_comment=can(current_user, "comment_request", item),
        workbench=workbench_of(item) if staff else None,
        state=queue.states_of(db.session, [item]).get(item.id),
        status_choices=workflow.status_choices(item) if staff else [],
        comment_form=comment_form, cancel_form=cancel_form,
        information_form=information_form or InformationForm(formdata=None),
        reopen_form=reopen_form or ReopenForm(formdata=None),
        may_reopen=requester_side and workflow.may_reopen(current_user, item, days),
        reopen_until=workflow.reopen_until(item, days),
        attachments=attachments_by_field(item),
        feedback_panel=feedback_panel(item),
        explanations=request_explanations(item),
        approval_steps_shown=approval_rows(item), may_decide=may_decide(item),
        replies=replies, chosen_reply=chosen,
    ), status


@bp.post("/requests/<ref>/information")
@login_required
@comment_limit
def add_information(ref: str) -> Response | tuple[str, int]:
    item = visible_request(ref)
    form = InformationForm()
    try:
        with saving():
            workflow.add_information(db.session, item, current_user._get_current_object(),
                                     form.body.data)
    except ValidationError as error:
        form.body.errors = [reason_of(error)]
        return render_request(visible_request(ref), CommentForm(formdata=None),
                              CancelForm(formdata=None), 422, information_form=form)
    except CatalogError as error:
        flash(translate(error.message), "error")
        return redirect(url_for(".detail", ref=ref), 303)
    flash(_("Your information has been added and the department has been told."), "success")
    return redirect(url_for(".detail", ref=ref, _anchor="conversation"), 303)


@bp.post("/requests/<ref>/reopen")
@login_required
def reopen(ref: str) -> Response | tuple[str, int]:
    item = visible_request(ref)
    form = ReopenForm()
    try:
        with saving():
            workflow.reopen_request(db.session, item, current_user._get_current_object(),
                                    form.reason.data, reopen_days())
    except ValidationError as error:
        form.reason.errors = [reason_of(error)]
        return render_request(visible_request(ref), CommentForm(formdata=None),
                              CancelForm(formdata=None), 422, reopen_form=form)
    except CatalogError as error:
        flash(translate(error.message), "error")
        return redirect(url_for(".detail", ref=ref), 303)
    flash(_("Your request %(ref)s has been reopened.", ref=ref), "success")
    return redirect(url_for(".detail", ref=ref), 303)


@bp.post("/requests/<ref>/comments")
@login_required
@comment_limit
def comment(ref: str) -> Response | tuple[str, int]:
    item = visible_request(ref)
    form = CommentForm()
    try:
        with saving():
            workflow.add_comment(db.session, item, current_user._get_current_object(),
                                 form.body.data)
    except ValidationError as error:
        form.body.errors = [reason_of(error)]
        return render_request(visible_request(ref), form, CancelForm(formdata=None), 422)
    except CatalogError as error:
        flash(translate(error.message), "error")
        return redirect(url_for(".detail", ref=ref), 303)
    flash(_("Your message has been added."), "success")
    return redirect(url_for(".detail", ref=ref, _anchor="conversation"), 303)


@bp.post("/requests/<ref>/cancel")
@login_required
def cancel(ref: str) -> Response:
    item = visible_request(ref)
    form = CancelForm()
    try:
        with saving():
            workflow.cancel_request(db.session, item, current_user._get_current_object(),
                                    form.reason.data or "")
    except CatalogError as error:
        flash(reason_of(error), "error")
        return redirect(url_for(".detail", ref=ref), 303)
    flash(_("Your request %(ref)s has been cancelled.", ref=ref), "success")
    return redirect(url_for(".detail", ref=ref), 303)


@bp.route("/requests/<ref>/attachments/<int:attachment_id>")
@login_required
def attachment(ref: str, attachment_id: int) -> Response:
    item = visible_request(ref)
    found = next((a for a in item.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    path = file_store().path_of(found.stored_name)
    if not path.is_file():
        abort(410)
    response = send_file(path, as_attachment=True, download_name=found.filename,
                         mimetype="application/octet-stream", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
