"""Whole-page caching of catalog pages, for anonymous visitors and signed-in people alike.

A page is cached under what it depends on: the catalog and request activity
(`catalog.activity.activity_mark`, one statement, so a change on any host is seen at once), the
language, who is looking as far as the page can differ for them (audience, admin, roles, time
zone) and the URL: its path and only the query parameters the view declares it reads, so
`?cb=123` cannot make a page be computed again. The header's personal part (name, sign-out
form with its CSRF token) is left out of the cached page as a marker and rendered afresh for
every request. The timeout bounds figures that change only with time (a request becoming
overdue).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_caching import Cache
from werkzeug.datastructures import ImmutableMultiDict

from catalog.activity import activity_mark, revision_of

from .auth.identity import session_viewer, viewer
from .extensions import reading_bind
from .i18n import choose_locale

cache = Cache()
View = Callable[..., Any]
PERSONAL_NAV = "<!--personal-nav-->"
PERSONAL_PART = "<!--personal-part-->"


def variant(audience: str, is_admin: bool, roles: Iterable[tuple[str, int]],
            timezone: str | None) -> str:
    """Who is looking, as far as a catalog page can differ for them."""
    rights = ",".join(sorted(f"{role}:{department_id}" for role, department_id in roles))
    return f"{audience}:{int(is_admin)}:{rights}:{timezone or ''}"


def declared_args(params: Sequence[str]) -> list[tuple[str, str]]:
    """The request's query values of `params` only, in the order given."""
    return [(name, value) for name in params for value in request.args.getlist(name)]


def page_url(params: Sequence[str]) -> str:
    """The URL part of a page's cache key: its path and the query parameters it reads."""
    return f"{request.path}?{urlencode(declared_args(params))}"


def page_key(params: Sequence[str] = ()) -> str:
    """The cache key of this request's page; also notes what its header needs (`g.nav_key`).

    A request signed in by its session cookie is judged from one statement (the session's
    viewer with the activity mark) without loading the account; others load it as usual.
    """
    found = session_viewer()
    if found is not None:
        person, mark = found
        g.page_viewer = person
        locale = choose_locale(person.locale)
        who = variant(person.audience, person.is_admin, person.roles, person.timezone)
        g.personal_key = (person.id, mark, locale, who)
        g.nav_key = nav_key(person.id, person.name, person.manages, locale, person.approves)
    else:
        mark, locale = activity_mark(reading_bind()), str(get_locale())
        person = viewer()
        if person is not None:
            who = variant(person.audience, person.is_admin, person.roles, person.timezone)
            g.personal_key = (person.id, mark, locale, who)
            g.nav_key = nav_key(person.id, person.name, person.manages, locale,
                                person.approves)
        else:
            who = "anonymous"
            # The sign-in link leads back to this address.
            g.nav_key = ("anonymous", locale, request.full_path)
    g.shared_key = (mark, locale, who)
    return f"page:{mark}:{locale}:{who}:{page_url(params)}"


def viewer_audience() -> str | None:
    """Whose eyes a catalog page is for (None: anonymous): cards of services the viewer may
    not request say so (`identity.viewer`: no account loaded where the page key read it)."""
    person = viewer()
    return person.audience if person is not None else None


def known_catalog_revision() -> int | None:
    """The catalog revision as this request's page key read it (None if it read none)."""
    key = g.get("shared_key")
    return None if key is None else revision_of(key[0])


def not_cacheable() -> bool:
    """A language switch or a flash message changes the response."""
    return "lang" in request.args or "_flashes" in session or request.method != "GET"


def cached_page(params: Sequence[str] = (),
                personal: Callable[[], str] | None = None) -> Callable[[View], View]:
    """Cache a catalog view's rendered pages; other answers (redirects, errors) pass through,
    and so does a page whose view set `g.page_uncacheable` (e.g. a partial search answer).

    `params` are the query parameters the view reads; it sees only those (its links too), so
    the page depends on nothing that is not in its key. `personal` renders the part of the
    page that is the viewer's own (e.g. their work on the home page): it replaces the
    page's PERSONAL_PART marker for every request, cached page or not (kept per person while
    nothing it can show changes: see `personal_part`).
    """
    def fill(page: str) -> str:
        if personal is None:
            return page
        return page.replace(PERSONAL_PART, personal_part(personal), 1)

    def decorate(view: View) -> View:
        @wraps(view)
        def cached_view(*args: Any, **kwargs: Any) -> Any:
            if not_cacheable():
                page = view(*args, **kwargs)
                return fill(page) if isinstance(page, str) else page
            key = page_key(params)
            page = cache.get(key)
            if page is None:
                request.args = ImmutableMultiDict(declared_args(params))  # type: ignore[misc]
                g.page_cache_slot = True
                try:
                    page = view(*args, **kwargs)
                finally:
                    g.page_cache_slot = False
                if not isinstance(page, str):
                    return page
                if not g.get("page_uncacheable"):
                    cache.set(key, page)
            return fill(page.replace(PERSONAL_NAV, personal_nav(), 1))
        return cached_view
    return decorate


# Rendered headers, by everything they show (per process, bounded).
_NAVS: OrderedDict[tuple[object, ...], str] = OrderedDict()
NAVS_KEPT = 5000


def nav_key(user_id: int, name: str, manages_any: bool, locale: str,
            approves_any: bool = False) -> tuple[object, ...] | None:
    """What a signed-in person's header shows: name, "Manage" and "Approvals" links, the
    session's CSRF token, language (None before the session has a CSRF token: then it is
    rendered each time)."""
    if "csrf_token" not in session:
        return None
    return (user_id, name, manages_any, session["csrf_token"], locale, approves_any)


def personal_nav() -> str:
    """The header's personal part for this request, reused while nothing it shows changes."""
    key = g.get("nav_key")
    if key is None:
        return render_template("_personal_nav.html", viewer=viewer())
    nav = _NAVS.get(key)
    if nav is not None:
        with suppress(KeyError):  # another thread may have just let it go
            _NAVS.move_to_end(key)  # the least recently used goes first
    else:
        nav = _NAVS[key] = render_template("_personal_nav.html", viewer=viewer())
        if len(_NAVS) > NAVS_KEPT:
            _NAVS.popitem(last=False)
    return nav


PARTS_KEPT = 5000  # rendered parts kept per app (least recently used go first)


def personal_part(render: Callable[[], str]) -> str:
    """A page's personal part, reused for the same person while the activity mark, their
    language and rights are what they were, for at most the page cache's timeout (due times
    and "resolved 3 days ago" move with the clock). Without a key (a flash message, a language
    switch) it is rendered afresh."""
    key = g.get("personal_key")
    return render() if key is None else _kept((render.__qualname__, *key), render)


def shared_part(name: str, render: Callable[[], str]) -> str:
    """A part of a page that is the same for everyone who sees the page alike (the activity
    mark, the language, audience and rights), whatever else the page shows: e.g. the popular
    services and departments under every search that found nothing. Rendered once for all
    such pages while nothing it shows changes, as the pages themselves are."""
    key = g.get("shared_key")
    return render() if key is None else _kept((name, *key), render)


def _kept(key: tuple[object, ...], render: Callable[[], str]) -> str:
    parts = current_app.extensions["page_parts"]  # key -> (monotonic expiry, html)
    now = time.monotonic()
    kept = parts.get(key)
    if kept is not None and kept[0] > now:
        with suppress(KeyError):  # another thread may have just let it go
            parts.move_to_end(key)
        return kept[1]
    part = render()
    parts[key] = (now + current_app.config["CACHE_DEFAULT_TIMEOUT"], part)
    if len(parts) > PARTS_KEPT:
        with suppress(KeyError):
            parts.popitem(last=False)
    return part


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.extensions["page_parts"] = OrderedDict()
