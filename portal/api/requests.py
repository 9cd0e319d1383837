"""The request endpoints of the JSON API: create, read, comment, change status, add
information, reopen (notes, hand-over and priority: portal/api/workbench.py).

Same rules as the pages (the same catalog functions); errors are JSON with field messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import directory, queue, submission, workflow
from catalog.catalog_file.validate import SLUG
from catalog.errors import NotFound, ValidationError
from catalog.messages import _
from catalog.models import OPEN_STATUSES, Offering, RequestEvent, ServiceRequest, User
from catalog.permissions import can
from catalog.requests import approvals, notes

from ..changes import saving
from ..due_display import explanation_json, request_explanations
from ..extensions import db
from ..rate_limits import comment, submit
from ..uploads import file_store
from . import bp


def signed_in_user() -> User:
    """The caller (session or Bearer token); 401 for anonymous callers."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user._get_current_object()


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="Send a JSON object with Content-Type: application/json.")
    return body


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def request_url(item: ServiceRequest) -> str:
    return url_for("requests.detail", ref=item.ref, _external=True)


def event_json(event: RequestEvent) -> dict[str, Any]:
    """One timeline entry; `details` says what a priority change or a move changed."""
    return {
        "id": event.id, "kind": event.kind, "at": iso(event.created_at),
        "actor": event.actor.name if event.actor else None, "body": event.body,
        "old_status": event.old_status, "new_status": event.new_status,
        "assignee": event.assignee.name if event.assignee else None,
        "details": _details(event),
    }


def _details(event: RequestEvent) -> dict[str, Any] | None:
    """Names, not database ids, of what changed."""
    if not event.details:
        return None
    return {key: value for key, value in event.details.items() if not key.endswith("_id")}


def fields_json(item: ServiceRequest) -> dict[str, Any]:
    """The answers; a file answer is its name, size and download address (a list of them for a
    field that takes several files)."""
    files: dict[str, list[dict[str, Any]]] = {}
    for attachment in sorted(item.attachments, key=lambda a: a.id or 0):
        files.setdefault(attachment.field_name, []).append({
            "filename": attachment.filename, "size": attachment.size,
            "url": url_for("requests.attachment", ref=item.ref, attachment_id=attachment.id,
                           _external=True),
        })
    fields = dict(item.answers)
    for name, found in files.items():
        fields[name] = found if isinstance(item.answers.get(name), list) else found[0]
    return fields


def due_json(item: ServiceRequest) -> dict[str, Any]:
    """Due times with how they come about (a measured time once the response or resolution
    came: the segments behind the figure adherence compares with the target)."""
    explained = request_explanations(item)
    return {"first_response": iso(item.first_response_due),
            "resolution": iso(item.resolution_due),
            "first_response_explanation": explanation_json(explained["first_response"]),
            "resolution_explanation": explanation_json(explained["resolution"])}


def request_json(item: ServiceRequest) -> dict[str, Any]:
    return {
        "ref": item.ref, "url": request_url(item), "department": item.department.slug,
        "offering": item.offering.slug, "priority": item.priority, "status": item.status,
        "created_at": iso(item.created_at),
        "due": due_json(item),
        "first_response_at": iso(item.first_response_at), "resolved_at": iso(item.resolved_at),
        "assignee": item.assignee.name if item.assignee else None,
        # Whom it is for, and who sent it for them (null: they sent it themselves).
        "requested_for": item.requester.name,
        "submitted_by": item.submitted_by.name if item.submitted_by else None,
        "reopen_until": iso(workflow.reopen_until(item, reopen_days())),
        "clock_started_at": iso(item.clock_started_at),
        "approvals": [approval_json(step) for step in item.approvals],
        "fields": fields_json(item),
        # Internal notes are never among the events; the department's staff get them apart.
        "events": [event_json(event) for event in notes.requester_events(item)],
        **({"notes": [event_json(note) for note in notes.notes_of(item)]}
           if notes.sees_notes(current_user, item) else {}),
    }


def approval_json(step: Any) -> dict[str, Any]:
    """One approval step: `by` is who decided it, else (a manager step) who must."""
    decider = step.decided_by or (step.approver if step.kind == "manager" else None)
    return {"kind": step.kind, "state": step.state, "by": decider.email if decider else None,
            "asked_at": iso(step.asked_at), "at": iso(step.decided_at),
            "comment": step.comment}


def offering_from(body: dict[str, Any]) -> Offering:
    """The offering the body names; a name that leads nowhere is a field error, not a 404."""
    department, slug = body.get("department"), body.get("offering")
    problems = {}
    if not isinstance(department, str) or not SLUG.match(department):
        problems["department"] = _("Name the department by its slug, e.g. it.")
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems["offering"] = _("Name the offering by its slug, e.g. new-laptop.")
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    try:
        directory.find_department(db.session, department)
    except NotFound as error:
        raise ValidationError(error.message, {"department": error.message}) from None
    try:
        offering = directory.find_offering(db.session, department, slug).item
    except NotFound as error:
        raise ValidationError(error.message, {"offering": error.message}) from None
    if offering.status == "draft":
        message = _("There is no offering %(slug)s.", slug=slug)
        raise ValidationError(message, {"offering": message})
    return offering


def reopen_days() -> int:
    return int(current_app.config["REOPEN_DAYS"])


@bp.post("/requests")
@submit
def create_request() -> tuple[Response, int]:
    user = signed_in_user()
    body = json_body()
    offering = offering_from(body)
    person = submission.for_whom(db.session, user, body.get("on_behalf_of"))
    store = file_store()
    with saving(on_rollback=store.discard_written):
        created = submission.submit_request(db.session, offering, user,
                                            priority=body.get("priority"),
                                            values=body.get("fields", {}), store=store,
                                            on_behalf_of=person)
    response = jsonify({"ref": created.ref, "url": request_url(created),
                        "due": due_json(created)})
    response.headers["Location"] = url_for(".get_request", ref=created.ref, _external=True)
    return response, 201


def visible_request(ref: str) -> ServiceRequest:
    user = signed_in_user()
    item = queue.find_request(db.session, ref)
    if item is None or not can(user, "view_request", item):
        raise NotFound(_("There is no request %(ref)s.", ref=ref))
    return item


@bp.get("/requests/<ref>")
def get_request(ref: str) -> Response:
    return jsonify(request_json(visible_request(ref)))


@bp.post("/requests/<ref>/comments")
@comment
def add_comment(ref: str) -> tuple[Response, int]:
    item = visible_request(ref)
    with saving():
        event = workflow.add_comment(db.session, item, current_user._get_current_object(),
                                     json_body().get("body"))
    return jsonify(event_json(event)), 201


@bp.post("/requests/<ref>/approval")
def decide_approval(ref: str) -> Response:
    item = visible_request(ref)
    body = json_body()
    with saving():
        approvals.decide(db.session, item, current_user._get_current_object(),
                         body.get("decision"), body.get("comment", ""))
    return jsonify(request_json(queue.find_request(db.session, ref)))


@bp.post("/requests/<ref>/status")
def change_status(ref: str) -> Response:
    item = visible_request(ref)
    body = json_body()
    user = current_user._get_current_object()
    with saving():
        if body.get("status") == "cancelled" and not can(user, "work_queue", item):
            workflow.cancel_request(db.session, item, user, body.get("note", ""))
        elif item.status == "resolved" and body.get("status") in OPEN_STATUSES \
                and not can(user, "work_queue", item):
            workflow.reopen_request(db.session, item, user, body.get("note"), reopen_days())
        else:
            workflow.change_status(db.session, item, user, body.get("status"),
                                   body.get("note", ""))
    return jsonify(request_json(queue.find_request(db.session, ref)))


@bp.post("/requests/<ref>/information")
@comment
def add_information(ref: str) -> tuple[Response, int]:
    """The requester adds information to an open request."""
    item = visible_request(ref)
    with saving():
        event = workflow.add_information(db.session, item, current_user._get_current_object(),
                                         json_body().get("body"))
    return jsonify(event_json(event)), 201


@bp.post("/requests/<ref>/reopen")
def reopen(ref: str) -> Response:
    """The requester reopens a resolved request within PORTAL_REOPEN_DAYS, with a reason."""
    item = visible_request(ref)
    with saving():
        workflow.reopen_request(db.session, item, current_user._get_current_object(),
                                json_body().get("reason"), reopen_days())
    return jsonify(request_json(queue.find_request(db.session, ref)))
