"""Committing a catalog change, then bringing the search index up to date."""

from __future__ import annotations

from flask import current_app

from .. import indexing
from ..extensions import db


def commit_catalog_change() -> None:
    """Commit, then update the index: the edit is safe in the database before indexing starts."""
    db.session.commit()
    try:
        indexing.catalog_changed()
    except Exception:  # noqa: BLE001
        # The index is a cache that catches up on the next search; the edit is already saved.
        current_app.logger.exception("Updating the search index after a catalog change failed")
