"""Finding what a page's URL names for the person asking; shared by several blueprints."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from catalog.models import ServiceRequest
from catalog.permissions import can
from catalog.queue import find_request

from .extensions import db


def visible_request(ref: str) -> ServiceRequest:
    """The request if the user may see it; 404 otherwise, so references do not leak."""
    found = find_request(db.session, ref)
    if found is None or not can(current_user, "view_request", found):
        abort(404)
    return found


def worked_request(ref: str) -> ServiceRequest:
    """The request if the user works its department's queue (404 if unseen, 403 if only seen)."""
    item = visible_request(ref)
    if not can(current_user, "work_queue", item):
        abort(403)
    return item
