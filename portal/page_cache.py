"""Whole-page caching of catalog pages, for anonymous visitors and signed-in people alike.

A page is cached under what it depends on: the catalog and request activity
(`catalog.activity.activity_mark`, one statement, so a change on any host is seen at once), the
language, who is looking as far as the page can differ for them (audience, admin, roles, time
zone) and the URL. The header's personal part (name, sign-out form with its CSRF token) is left
out of the cached page as a marker and rendered afresh for every request. The timeout bounds
figures that change only with time (a request becoming overdue).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any

from flask import Flask, g, render_template, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user

from catalog.activity import activity_mark
from catalog.permissions import may_manage

from .extensions import db

cache = Cache()
PERSONAL_NAV = "<!--personal-nav-->"


def viewer() -> str:
    """Who is looking, as far as a catalog page can differ for them."""
    if not current_user.is_authenticated:
        return "anonymous"
    roles = ",".join(sorted(f"{r.role}:{r.department_id}" for r in current_user.roles))
    return (f"{current_user.audience}:{int(current_user.is_admin)}:{roles}:"
            f"{current_user.timezone or ''}")


def page_key() -> str:
    return (f"page:{activity_mark(db.session)}:{get_locale()}:{viewer()}:"
            f"{request.full_path}")


def not_cacheable() -> bool:
    """A language switch or a flash message changes the response."""
    return "lang" in request.args or "_flashes" in session or request.method != "GET"


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Cache a catalog view's rendered pages; other answers (redirects, errors) pass through,
    and so does a page whose view set `g.page_uncacheable` (e.g. a partial search answer)."""
    @wraps(view)
    def cached_view(*args: Any, **kwargs: Any) -> Any:
        if not_cacheable():
            return view(*args, **kwargs)
        key = page_key()
        page = cache.get(key)
        if page is None:
            g.page_cache_slot = True
            try:
                page = view(*args, **kwargs)
            finally:
                g.page_cache_slot = False
            if not isinstance(page, str):
                return page
            if not g.get("page_uncacheable"):
                cache.set(key, page)
        return page.replace(PERSONAL_NAV, personal_nav(), 1)
    return cached_view


# Rendered headers of signed-in people, by everything they show (per process, bounded).
_NAVS: OrderedDict[tuple[object, ...], str] = OrderedDict()
NAVS_KEPT = 5000


def personal_nav() -> str:
    """The header's personal part for this request; a signed-in person's is reused while
    nothing it shows changes (name, "Manage" link, the session's CSRF token, language)."""
    if not current_user.is_authenticated or "csrf_token" not in session:
        return render_template("_personal_nav.html")
    key = (current_user.id, current_user.name, may_manage(current_user),
           session["csrf_token"], str(get_locale()))
    nav = _NAVS.get(key)
    if nav is not None:
        with suppress(KeyError):  # another thread may have just let it go
            _NAVS.move_to_end(key)  # the least recently used goes first
    else:
        nav = _NAVS[key] = render_template("_personal_nav.html")
        if len(_NAVS) > NAVS_KEPT:
            _NAVS.popitem(last=False)
    return nav


def init_app(app: Flask) -> None:
    cache.init_app(app)
