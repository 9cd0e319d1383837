"""Saving a change, the one way every view and API endpoint that writes does it.

    with saving(reindex=True):
        editing.save_offering(db.session, ...)

The block calls catalog functions, which flush and leave the commit to the caller. Leaving the
block commits (and then brings the search index up to date, if asked); any exception rolls
everything back and is raised again, for the view to show (`show_on_form`, `reason_of`) or for
portal/errors.py to turn into an error page or a JSON error. Messages are translated here.
The audit log names the signed-in user as the one who made the block's changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, flash, g

from catalog import audit
from catalog.errors import CatalogError
from catalog.models import User

from . import indexing
from .display import translate
from .extensions import db

# Finds the form field a problem's path names (None: it belongs to no single field).
FieldFinder = Callable[[Any, str], Any]


@contextmanager
def saving(*, reindex: bool = False,
           on_rollback: Callable[[], None] | None = None) -> Iterator[None]:
    """Commit what the block changed, or roll all of it back and re-raise.

    `reindex`: update the search index after the commit (catalog changes). The database is the
    truth, so a failing index update is logged, never raised: the index catches up later.
    `on_rollback`: also undo what lives outside the database (e.g. uploaded files written).
    """
    try:
        with audit.acting_as(db.session, _signed_in_user()):
            yield
            db.session.commit()
    except BaseException:
        db.session.rollback()
        if on_rollback is not None:
            try:
                on_rollback()
            except Exception:  # noqa: BLE001  (the original error is the one to show)
                current_app.logger.exception("Undoing outside the database failed")
        raise
    if reindex:
        try:
            indexing.catalog_changed()
        except Exception:  # noqa: BLE001  (the change is committed; never fail it now)
            current_app.logger.exception("Updating the search index after a change failed")


def _signed_in_user() -> User | None:
    """Who the audit log names for a change made through a page or the API.

    Only a user Flask-Login has already loaded for this request: asking `current_user` here
    would load it too early (before a Bearer token is checked, which itself saves) and keep
    the request anonymous.
    """
    user = g.get("_login_user")
    return user if isinstance(user, User) else None


def field_by_name(form: Any, path: str) -> Any:
    """The form's field of that name (the default way to place a problem)."""
    return form._fields.get(path)


def show_on_form(form: Any, error: CatalogError, field_for: FieldFinder = field_by_name,
                 *, flash_rest: bool = True, with_paths: bool = True) -> list[str]:
    """Put each of the error's field messages, translated, at its field; return the rest.

    A problem whose path names no field is returned as "path: message" (just the message
    without `with_paths`; the error's own message if it has no field problems at all), and also
    flashed unless `flash_rest` is false (pages that list them in their own problem summary).
    """
    rest: list[str] = []
    for path, message in error.fields.items():
        field = field_for(form, path) if path else None
        if field is None:
            rest.append(f"{path}: {translate(message)}" if path and with_paths
                        else translate(message))
        else:
            field.errors = [*field.errors, translate(message)]
    if not error.fields:
        rest.append(translate(error.message))
    if flash_rest:
        for message in rest:
            flash(message, "error")
    return rest


def reason_of(error: CatalogError, *, with_paths: bool = False) -> str:
    """The error in one line of the reader's language: its field problems, else its message."""
    if not error.fields:
        return translate(error.message)
    return ("; " if with_paths else " ").join(
        f"{path}: {translate(message)}" if with_paths and path else translate(message)
        for path, message in error.fields.items())


def error_json(error: CatalogError) -> tuple[str, dict[str, str]]:
    """The API's message and field messages for the error, translated."""
    return translate(error.message), {path: translate(message)
                                     for path, message in error.fields.items()}
