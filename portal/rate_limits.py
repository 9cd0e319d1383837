"""Rate limits on what costs the portal work or writes: searching, suggestions, submitting
requests, comments and API writes.

Each limit is a setting (`SEARCH_LIMIT`, `SUGGEST_LIMIT`, `SUBMIT_LIMIT`, `COMMENT_LIMIT`,
`API_WRITE_LIMIT`), counted per signed-in user, or else per client address, in the storage the
sign-in throttle uses (`PORTAL_RATELIMIT_STORAGE_URL`). A page and the API call that do the
same thing share one count. Over a limit, pages answer a 429 page and the API its JSON error,
both with `Retry-After`.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, g, render_template
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded, RouteLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from .auth.identity import cookie_session_account
from .errors import json_error, wants_json
from .extensions import limiter

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def signed_in_id() -> int | None:
    """The signed-in user's id; a session cookie names it without loading the account (the
    cached search page loads none)."""
    found = cookie_session_account()
    if found is not None:
        return found[0]
    return current_user.id if current_user.is_authenticated else None


def client_key() -> str:
    """Whom a limit counts: the signed-in user wherever they are, or else the client address."""
    user_id = signed_in_id()
    return f"user:{user_id}" if user_id is not None else f"address:{get_remote_address()}"


def _limit(setting: str, scope: str, **options: object) -> RouteLimit:
    """A limit from a setting, shared by every route it decorates under `scope`."""
    return limiter.shared_limit(lambda: current_app.config[setting], scope,
                                key_func=client_key, override_defaults=False, **options)


def searched(_response: Response) -> bool:
    """Whether this request ran a search: a page from the page cache, or an answer kept from an
    earlier search of the same query, costs nothing, so it does not count (but over the limit
    it is refused like any other)."""
    return bool(g.get("search_ran"))


def accepted(response: Response) -> bool:
    """Whether a request was submitted: a form sent back to be corrected does not count."""
    return response.status_code in (201, 303)


search_page = _limit("SEARCH_LIMIT", "search", deduct_when=searched)
search_api = _limit("SEARCH_LIMIT", "search")
suggest = _limit("SUGGEST_LIMIT", "suggest")
submit = _limit("SUBMIT_LIMIT", "submit", methods=["POST"], deduct_when=accepted)
comment = _limit("COMMENT_LIMIT", "comment")
api_write = _limit("API_WRITE_LIMIT", "api-write", methods=WRITE_METHODS)


def retry_after() -> int:
    """Seconds until the limit this request broke lets the client in again."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def too_many(_error: RateLimitExceeded) -> tuple[Response | str, int, dict[str, str]]:
    seconds = retry_after()
    headers = {"Retry-After": str(seconds)}
    if wants_json():
        message = ngettext("Too many calls in a short time; please try again in %(num)d second.",
                           "Too many calls in a short time; please try again in %(num)d "
                           "seconds.", seconds)
        response, status = json_error(429, "too_many_requests", message)
        return response, status, headers
    return render_template("errors/too_many.html", seconds=seconds), 429, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(RateLimitExceeded, too_many)
