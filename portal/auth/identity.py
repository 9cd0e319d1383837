"""Who is asking: a Bearer token, a trusted proxy's header, or a signed-in session, in that
order. A request that sends `Authorization: Bearer` is judged by the token alone."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user

from catalog.models import ApiToken, User
from catalog.numbers import whole_number
from catalog.people import accounts, sessions, tokens

from ..changes import saving
from ..errors import json_error
from ..extensions import db, login_manager, reading_bind

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header ('' if the header is there but empty)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def api_token() -> ApiToken | None:
    """The token that authenticated this request, if one did."""
    return g.get("api_token")


def session_lifetime(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=float(config["REMEMBER_DAYS"]))
    return timedelta(hours=float(config["SESSION_HOURS"]))


def sign_in(user: User, *, remember: bool = False, method: str = "password") -> None:
    """Start a new server-side session for this browser and set its cookies.

    The old session's contents are dropped (no fixation; a new CSRF token), except the
    language the visitor chose.
    """
    from flask import session as cookie_session

    language = cookie_session.get("lang")
    cookie_session.clear()
    if language:
        cookie_session["lang"] = language
    with saving():
        sessions.start_session(db.session, user, lifetime=session_lifetime(remember),
                               remember=remember, method=method)
    login_user(user, remember=remember, duration=session_lifetime(remember) if remember else None)


def _externally_authenticated() -> bool:
    """A Bearer token was sent, or the trusted proxy named someone: cookies do not count."""
    return bearer_token() is not None or g.get("proxy_named", False)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of the session or remember-me cookie, if that session has not ended.

    Flask-Login asks this for either cookie before it asks the request loader, so a request
    that authenticated otherwise gets its token's or proxy's user here too.
    """
    if _externally_authenticated():
        return load_user_from_request(None)
    found = session_account(user_id)
    if found is None:
        return None  # a cookie from before sessions were kept on the server
    return sessions.user_for_session(db.session, *found)


def session_account(cookie_value: object) -> tuple[int, str] | None:
    """(account id, session key) of a session or remember-me cookie's `<id>:<key>`."""
    account, _, key = str(cookie_value).partition(":")
    account_id = whole_number(account)
    return (account_id, key) if account_id is not None and key else None


def cookie_session_account() -> tuple[int, str] | None:
    """The account and key the session cookie names, where the cookie is what identifies the
    request (not a token or the proxy). Not checked against the database."""
    if _externally_authenticated():
        return None
    return session_account(session.get("_user_id", ""))


def session_viewer() -> tuple[sessions.Viewer, str] | None:
    """The signed-in session's viewer and the activity mark, read in one statement without
    loading the account: for a cached page, which needs no more. None where the session cookie
    is not what identifies the request (a token, the proxy, a remember-me cookie alone) or
    where the account has been loaded already."""
    found = None if "_login_user" in g else cookie_session_account()
    return None if found is None else sessions.viewer_for_session(reading_bind(), *found)


def viewer() -> sessions.Viewer | None:
    """Who is looking at this page (None: nobody signed in, or an inactive account): the
    session's viewer where a cached page's key read it (`page_cache.page_key`), so that the
    account is not loaded as well; else from the account.

    The page's language, time zone, audience and header links all come from here."""
    found = g.get("page_viewer")
    if found is not None:
        return found
    user = current_user
    if not user.is_authenticated or not user.is_active:
        return None
    return sessions.Viewer.of(user)


@login_manager.request_loader
def load_user_from_request(_request: object) -> User | None:
    found = api_token()
    return found.user if found is not None else g.get("proxy_user")


def authenticate_request() -> object | None:
    """Before every request: check a Bearer token, or honour the trusted proxy's header."""
    token = bearer_token()
    if token is not None:
        if not request.path.startswith("/api/"):
            # Tokens are for the API, where their scopes are enforced; on the pages a token
            # could fetch a form with its CSRF token and post it back outside its scope.
            response, status = json_error(401, "invalid_token", _(
                "API tokens are accepted only under /api/; pages need signing in."))
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response, status
        with saving():  # records when the token was last used
            found = tokens.token_for(db.session, token) if token else None
        if found is None:
            message = _("The API token is not valid: unknown, expired or revoked.")
            response, status = json_error(401, "invalid_token", message)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response, status
        g.api_token = found
        return None
    header = current_app.config["TRUSTED_HEADER"]
    if header and request.headers.get(header) and _from_trusted_proxy():
        g.proxy_named = True
        g.proxy_user = _proxy_user(request.headers[header])
    return None


def _proxy_user(email: str) -> User | None:
    """The account the proxy names; created on first sight, like single sign-on does."""
    if "@" not in email or len(email) > 254:
        return None
    user = accounts.find_user(db.session, email)
    if user is None:
        with saving():
            user = accounts.get_or_create_user(db.session, email)
            user.audience = current_app.config["OIDC_DEFAULT_AUDIENCE"]
    return user if user.active else None


def _from_trusted_proxy() -> bool:
    """True if the connection comes from one of PORTAL_TRUSTED_PROXIES.

    The address is the TCP peer's, before any X-Forwarded-For rewriting, so a client cannot
    claim to be the proxy.
    """
    environ = request.environ
    peer = environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or environ.get(
        "REMOTE_ADDR")
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.extensions["trusted_proxies"])


def parse_networks(value: str | list[str] | None) -> list[Network]:
    """PORTAL_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    networks = []
    for item in (str(i).strip() for i in items):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"PORTAL_TRUSTED_PROXIES: {item!r} is not an address or "
                                 "CIDR range") from None
    return networks


def init_app(app: Flask) -> None:
    app.extensions["trusted_proxies"] = parse_networks(app.config["TRUSTED_PROXIES"])
    if app.config["TRUSTED_HEADER"] and not app.extensions["trusted_proxies"]:
        raise ValueError("PORTAL_TRUSTED_HEADER needs PORTAL_TRUSTED_PROXIES: the addresses "
                         "of the proxies allowed to send it.")
    app.before_request(authenticate_request)
