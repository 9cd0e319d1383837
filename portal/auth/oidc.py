"""OpenID Connect sign-in with Authlib: authorization code flow with PKCE, state and nonce.

The provider is found by discovery at `<PORTAL_OIDC_ISSUER>/.well-known/openid-configuration`;
the client authenticates at the token endpoint with `client_secret_basic`. The ID token is
verified by Authlib (signature, issuer, audience, expiry, nonce); the userinfo endpoint adds
the claims some providers leave out of the ID token (groups, department, manager).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.people import sso
from catalog.people.sso import SignInRefused

from ..changes import saving
from ..display import translate
from ..extensions import db
from . import bp
from .identity import sign_in
from .redirects import safe_next

log = logging.getLogger(__name__)


def enabled() -> bool:
    return "oidc_client" in current_app.extensions


def client() -> Any:
    """This app's OpenID Connect client (each app has its own registry)."""
    return current_app.extensions["oidc_client"]


def redirect_uri() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/login/oidc/callback"


def settings() -> sso.SsoSettings:
    config = current_app.config
    return sso.SsoSettings(
        group_roles=current_app.extensions["oidc_group_roles"],
        groups_claim=config["OIDC_GROUPS_CLAIM"],
        default_audience=config["OIDC_DEFAULT_AUDIENCE"],
        department_claim=config["OIDC_DEPARTMENT_CLAIM"],
        manager_claim=config["OIDC_MANAGER_CLAIM"],
        languages=tuple(config["LANGUAGES"]),
    )


@bp.get("/login/oidc")
def oidc_start() -> Response | tuple[str, int]:
    if not enabled():
        return _failed(_("Single sign-on is not set up for this portal."), status=404)
    session["oidc_next"] = safe_next(request.args.get("next")) or ""
    try:
        return client().authorize_redirect(redirect_uri())
    except (requests.RequestException, AuthlibBaseError, ValueError) as error:
        log.warning("OpenID Connect discovery failed: %s", type(error).__name__)
        return _failed(_("The sign-in service cannot be reached right now. Please try again "
                         "in a few minutes."), status=503)


@bp.get("/login/oidc/callback")
def oidc_callback() -> Response | tuple[str, int]:
    if not enabled():
        return _failed(_("Single sign-on is not set up for this portal."), status=404)
    if request.args.get("error"):
        session.pop("oidc_next", None)
        return _failed(_("The sign-in was cancelled, or the sign-in service did not let you "
                         "in. If you did not cancel, please ask the IT service desk."))
    try:
        token = client().authorize_access_token()
        claims = _claims(token)
    except (requests.RequestException, AuthlibBaseError, ValueError) as error:
        # Forged or stale state, a replayed or expired code, a bad ID token, a provider error.
        log.info("OpenID Connect sign-in refused: %s", type(error).__name__)
        return _failed(_("The sign-in could not be completed: the answer from the sign-in "
                         "service was not valid, expired or already used."))
    try:
        with saving():
            user = sso.sign_in_from_claims(db.session, claims, settings())
    except SignInRefused as refused:
        return _failed(translate(refused.message), status=403)
    target = session.pop("oidc_next", "") or url_for("browse.home")
    sign_in(user, method="oidc")
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(target)


def _claims(token: dict[str, Any]) -> dict[str, Any]:
    """The verified ID token's claims, completed by the userinfo endpoint (same subject)."""
    claims = token.get("userinfo")
    if not claims:
        raise ValueError("no ID token")
    claims = dict(claims)
    if client().load_server_metadata().get("userinfo_endpoint"):
        extra = client().userinfo(token=token)
        if extra.get("sub") != claims.get("sub"):
            raise ValueError("userinfo is about someone else")
        claims.update({k: v for k, v in extra.items() if k not in ("iss", "aud", "nonce")})
    return claims


def _failed(reason: str, status: int = 400) -> tuple[str, int]:
    return render_template("auth/sign_in_failed.html", reason=reason), status


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["oidc_group_roles"] = sso.parse_group_roles(config["OIDC_GROUP_ROLES"])
    if not config["OIDC_ISSUER"]:
        return
    if not (config["OIDC_CLIENT_ID"] and config["OIDC_CLIENT_SECRET"]):
        raise ValueError("PORTAL_OIDC_ISSUER needs PORTAL_OIDC_CLIENT_ID and "
                         "PORTAL_OIDC_CLIENT_SECRET.")
    issuer = str(config["OIDC_ISSUER"]).rstrip("/")
    oauth = OAuth(app)
    app.extensions["oidc_client"] = oauth.register(
        "oidc",
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": float(config["OIDC_TIMEOUT"]),
        },
    )
