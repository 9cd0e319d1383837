"""Keeping this host's search index in step with the database after catalog changes."""

from __future__ import annotations


def catalog_changed() -> None:
    """Bring the search index up to date after a committed catalog change; never raises.

    Call it after `db.session.commit()` of anything that changes departments or offerings.
    A failure here loses nothing: the index is a cache and catches up on the next search.
    """
