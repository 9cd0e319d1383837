"""PUT /api/v1/departments/<dept>/<offering>: keep an offering "as code" in the catalog file
format. The same catalog function as the edit page saves it: same permissions, validation,
history, slug aliases and index update; `If-Match` guards against lost updates (412)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import directory, editing
from catalog.errors import CatalogError, NotFound, ValidationError
from catalog.models import Offering

from ..changes import saving
from ..errors import json_error
from ..extensions import db
from . import bp
from .departments import offering_etag, offering_json, offering_url

# Keys the GET answer adds that the catalog file format does not know; a script may send the
# GET answer back with changes, so these are dropped rather than refused.
API_ONLY_KEYS = ("permalink",)


def existing_offering(dept: str, slug: str) -> Offering | None:
    try:
        return directory.find_offering(db.session, dept, slug).item
    except NotFound:
        return None


def expected_version(offering: Offering | None) -> int | None | Response:
    """The version the caller's If-Match names; a 412 answer if it names another one."""
    if not request.if_match:
        return None
    if offering is not None and (request.if_match.star_tag
                                 or request.if_match.contains(offering_etag(offering))):
        return offering.version
    return precondition_failed(offering)


def precondition_failed(offering: Offering | None) -> Response:
    response, status = json_error(
        412, "precondition_failed",
        _("The offering changed since you read it (its ETag is different); read it again and "
          "send your change with the new ETag.") if offering is not None else
        _("There is no such offering yet; leave out If-Match to create it."))
    if offering is not None:
        response.set_etag(offering_etag(offering))
    response.status_code = status
    return response


@bp.put("/departments/<dept>/<offering>")
def put_offering(dept: str, offering: str) -> Response | tuple[Response, int]:
    if not current_user.is_authenticated:
        abort(401)
    department = directory.find_department(db.session, dept).item
    editing.require_editor(current_user, department)
    current = existing_offering(dept, offering)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise CatalogError(_("Send one offering in the catalog file format as a JSON object "
                             "with Content-Type: application/json."))
    raw: dict[str, Any] = {k: v for k, v in body.items() if k not in API_ONLY_KEYS}
    if current is None:
        if raw.get("slug") not in (None, offering):
            message = _("A new offering is created at its own address: the slug in the body "
                        "must be %(slug)s or left out.", slug=offering)
            raise ValidationError(message, {"slug": message})
        raw["slug"] = offering
    version = expected_version(current)
    if isinstance(version, Response):
        return version
    try:
        with saving(reindex=True):
            saved = editing.save_offering(
                db.session, department, raw, current_user, offering=current,
                expected_version=version,
                default_language=current_app.config["CONTENT_LANGUAGE"])
    except editing.EditConflict:
        if version is None:
            raise
        return precondition_failed(current)
    response = jsonify(offering_json(saved))
    response.set_etag(offering_etag(saved))
    if current is None:
        response.status_code = 201
        response.headers["Location"] = offering_url(saved)
    return response
