from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from catalog.people import accounts, sessions

from ..changes import saving
from ..extensions import db
from . import bp, oidc, throttle
from .forms import LoginForm
from .identity import sign_in
from .redirects import safe_next


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    local = current_app.config["LOCAL_LOGIN"]
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("browse.home"))
    if local and form.validate_on_submit():
        wait = throttle.retry_after(form.email.data)
        if wait is not None:
            page = render_template("auth/too_many.html", seconds=wait)
            return page, 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            throttle.record_failure(form.email.data)
            form.password.errors.append(_("E-mail or password is not right."))
        else:
            sign_in(user, remember=bool(form.remember.data))
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(form.next.data) or url_for("browse.home"))
    return render_template("auth/login.html", form=form, local_login=local,
                           oidc_name=current_app.config["OIDC_NAME"] if oidc.enabled() else None)


@bp.post("/logout")
def logout() -> Response:
    """Sign this browser out: its session ends on the server, so copied cookies die too."""
    if current_user.is_authenticated:
        with saving():
            sessions.end_session(db.session, current_user.session_key)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("browse.home"))
