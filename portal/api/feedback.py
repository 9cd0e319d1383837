"""POST /api/v1/requests/<ref>/feedback: the requester rates a resolved request."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import feedback
from catalog.models import Feedback

from ..changes import saving
from ..extensions import db
from . import bp
from .requests import iso, json_body, visible_request


def feedback_json(given: Feedback) -> dict[str, Any]:
    follow_up = given.follow_up
    return {
        "rating": given.rating, "comment": given.comment,
        "created_at": iso(given.created_at), "updated_at": iso(given.updated_at),
        "follow_up": None if follow_up is None else {
            "opened_at": iso(follow_up.created_at), "answer": follow_up.answer,
            "answered_at": iso(follow_up.answered_at)},
    }


@bp.post("/requests/<ref>/feedback")
def give_feedback(ref: str) -> tuple[Response, int]:
    item = visible_request(ref)
    body = json_body()
    with saving():
        given = feedback.give_feedback(db.session, item, current_user._get_current_object(),
                                       body.get("rating"), body.get("comment", ""))
    return jsonify(feedback_json(given)), 201
