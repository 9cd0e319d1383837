"""Whole-page caching of catalog pages for anonymous visitors (Flask-Caching, per process).

The key holds the catalog revision, so any committed catalog change, made on this host or any
other, is seen at once: every host reads the revision from the shared database. The timeout
bounds how stale request-derived figures (popular offerings, adherence) may be.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user

from catalog.revision import catalog_revision

from .extensions import db

cache = Cache()


def page_key(*_: object, **__: object) -> str:
    return f"page:{catalog_revision(db.session)}:{get_locale()}:{request.full_path}"


def not_cacheable() -> bool:
    """Signed-in pages are personal; a language switch or a flash message changes the response."""
    return (current_user.is_authenticated or "lang" in request.args
            or "_flashes" in session or request.method != "GET")


def cached_page(view):  # type: ignore[no-untyped-def]
    """Cache a catalog view's successful anonymous responses."""
    return cache.cached(
        make_cache_key=page_key,
        unless=not_cacheable,
        response_filter=lambda response: getattr(response, "status_code", 200) == 200,
    )(view)


def init_app(app: Flask) -> None:
    cache.init_app(app)
