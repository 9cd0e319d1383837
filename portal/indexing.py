"""Keeping this host's search index in step with the database after catalog changes."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from catalog.search import SearchIndex

from .extensions import db


def search_index() -> SearchIndex:
    """This process's search index for the app: opened lazily, so after a fork each worker
    opens its own files; kept for every later request."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    index = app.extensions.get("search_index")
    if index is None or index.pid != os.getpid():
        config = app.config  # the SEARCH_* settings: portal/config.py, docs/settings.md
        index = SearchIndex(
            Path(app.instance_path) / "search-index",
            time_limit=float(config["SEARCH_TIME_LIMIT"]),
            lock_timeout=float(config["SEARCH_LOCK_TIMEOUT"]),
            search_lock_wait=float(config["SEARCH_LOCK_WAIT"]),
            sync_rebuild_limit=int(config["SEARCH_SYNC_REBUILD_LIMIT"]),
            answer_cache_size=int(config["SEARCH_ANSWER_CACHE_SIZE"]),
            warm_up=bool(config["SEARCH_WARM_UP"]),
        )
        app.extensions["search_index"] = index
    return index


def catalog_changed() -> None:
    """Bring the search index up to date after a committed catalog change; never raises.

    Call it after `db.session.commit()` of anything that changes departments or offerings.
    A failure here loses nothing: the index is a cache and catches up on the next search.
    """
    try:
        if not search_index().catch_up(db.session):
            current_app.logger.info("search index busy; it catches up on a later search")
    except Exception:  # the edit is committed; the index must never make it fail
        current_app.logger.exception("updating the search index failed; it catches up later")
