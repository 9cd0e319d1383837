"""Friendly error pages for people, JSON errors for the API; never a stack trace."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from catalog.errors import CatalogError

from .changes import error_json
from .extensions import db
from .locale_memo import force_locale

# Seconds a client is asked to wait when the database is unavailable (a restart takes a few).
DATABASE_RETRY_AFTER = 5


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str,
               fields: dict[str, str] | None = None) -> tuple[Response, int]:
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def handle_http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        return json_error(status, code, error.description or error.name)
    template = "errors/404.html" if status in (404, 410) else "errors/error.html"
    return render_template(template, error=error, status=status), status


def handle_catalog_error(error: CatalogError) -> tuple[Response | str, int]:
    db.session.rollback()  # a CatalogError raised outside `saving` (e.g. a lookup) lands here
    message, fields = error_json(error)
    if wants_json():
        return json_error(error.status, error.code, message, fields)
    template = "errors/404.html" if error.status == 404 else "errors/error.html"
    return render_template(template, error=error, status=error.status,
                           message=message), error.status


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    message = _("The form expired or came from another site. Please reload the page and try again.")
    if wants_json():
        return json_error(400, "csrf_failed", message)
    return render_template("errors/error.html", error=error, status=400, message=message), 400


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    error_500 = InternalServerError(original_exception=error)
    if wants_json():
        return json_error(500, "internal_error", _("Something went wrong on our side."))
    return render_template("errors/error.html", error=error_500, status=500), 500


def handle_database_unavailable(error: DBAPIError) -> tuple[Response | str, int]:
    """The database is restarting or unreachable: 503 with Retry-After, not a 500."""
    with suppress(SQLAlchemyError):
        db.session.rollback()
    current_app.logger.warning("The database is unavailable on %s %s: %s", request.method,
                               request.path, error)
    # The browser's language: the signed-in user's choice would need the database.
    language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    with force_locale(language):
        message = _("The portal cannot reach its database just now. Please try again in a "
                    "moment.")
        if wants_json():
            response, status = json_error(503, "database_unavailable", message)
        else:
            try:
                response = Response(render_template("errors/error.html", error=error,
                                                    status=503, message=message),
                                    mimetype="text/html")
            except SQLAlchemyError:  # the page needed the database (e.g. the signed-in user)
                response = Response(message, mimetype="text/plain")
            status = 503
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response, status


def end_session_quietly(_error: BaseException | None) -> None:
    """Close the request's database session; a connection the database dropped meanwhile
    must not turn the answer already made into a 500. (Registered after Flask-SQLAlchemy's
    own teardown, so it runs first.)"""
    for _attempt in range(2):  # a failed rollback invalidates the connection; then it closes
        try:
            db.session.remove()
            return
        except SQLAlchemyError as error:
            current_app.logger.warning("Closing the database session failed: %s", error)


def init_app(app: Flask) -> None:
    app.teardown_appcontext(end_session_quietly)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CatalogError, handle_catalog_error)
    app.register_error_handler(Exception, handle_unexpected)
