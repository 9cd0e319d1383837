"""The department's staff at work through the API: internal notes, hand-over, priority.

Same catalog functions as the pages; a caller who may not see the request gets 404, one who
sees it but does not work its queue 403.
"""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import queue
from catalog.requests import handover, notes

from ..changes import saving
from ..extensions import db
from ..rate_limits import comment
from . import bp
from .requests import event_json, json_body, request_json, visible_request


@bp.post("/requests/<ref>/notes")
@comment
def add_note(ref: str) -> tuple[Response, int]:
    """An internal note: the requester side never reads it."""
    item = visible_request(ref)
    with saving():
        event = notes.add_note(db.session, item, current_user._get_current_object(),
                               json_body().get("body"))
    return jsonify(event_json(event)), 201


@bp.post("/requests/<ref>/assignee")
def assign(ref: str) -> Response:
    """Hand the request to a colleague of the department by e-mail (null or "": nobody)."""
    item = visible_request(ref)
    with saving():
        handover.hand_over(db.session, item, current_user._get_current_object(),
                           json_body().get("email"))
    return jsonify(request_json(queue.find_request(db.session, ref)))


@bp.post("/requests/<ref>/priority")
def change_priority(ref: str) -> Response:
    """Another priority with a reason; both due times are counted again."""
    item = visible_request(ref)
    body = json_body()
    with saving():
        handover.change_priority(db.session, item, current_user._get_current_object(),
                                 body.get("priority"), body.get("reason"))
    return jsonify(request_json(queue.find_request(db.session, ref)))
