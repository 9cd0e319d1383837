from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from catalog.errors import ValidationError
from catalog.people import accounts, sessions, tokens

from ..auth.identity import sign_in
from ..changes import saving, show_on_form
from ..extensions import db
from . import bp
from .forms import ConfirmForm, PasswordForm, ProfileForm, TokenForm


def _profile_form(**kwargs: object) -> ProfileForm:
    return ProfileForm(default_timezone=current_app.config["DEFAULT_TIMEZONE"], **kwargs)


def _page(profile: ProfileForm | None = None, password: PasswordForm | None = None,
          token: TokenForm | None = None, new_token: str | None = None,
          status: int = 200) -> tuple[str, int]:
    """The profile page with everything it shows gathered here."""
    user = current_user._get_current_object()
    if profile is None:
        profile = _profile_form(data={"name": user.name, "locale": user.locale or "",
                                      "timezone": user.timezone or "",
                                      "show_name_when_thanked": user.show_name_when_thanked})
    page = render_template(
        "profile/index.html", user=user, profile=profile,
        password=password or PasswordForm(), token_form=token or TokenForm(formdata=None),
        confirm=ConfirmForm(), new_token=new_token,
        tokens=tokens.tokens_of(db.session, user),
        sessions=sessions.active_sessions(db.session, user),
        current_session=user.session_key and sessions.session_id(db.session, user.session_key),
        may_change_password=current_app.config["LOCAL_LOGIN"] and bool(user.password_hash),
        from_sso=bool(user.sso_subject),
    )
    return page, status


@bp.get("")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.post("")
@login_required
def save() -> Response | tuple[str, int]:
    form = _profile_form()
    if form.validate_on_submit():
        try:
            with saving():
                accounts.update_profile(db.session, current_user, name=form.name.data,
                                        locale=form.locale.data, timezone=form.timezone.data,
                                        languages=current_app.config["LANGUAGES"],
                                        show_name_when_thanked=bool(
                                            form.show_name_when_thanked.data))
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.index"))
    return _page(profile=form, status=422)


@bp.post("/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = PasswordForm()
    if current_app.config["LOCAL_LOGIN"] and form.validate_on_submit():
        try:
            with saving():
                accounts.change_password(db.session, current_user,
                                         form.current_password.data, form.new_password.data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            sign_in(current_user._get_current_object())  # this browser stays signed in
            flash(_("Your password is changed; every other browser is signed out."), "success")
            return redirect(url_for("profile.index"))
    return _page(password=form, status=422)


@bp.post("/tokens")
@login_required
def create_token() -> tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            with saving():
                secret = tokens.issue_token(db.session, current_user, name=form.name.data,
                                            scopes=form.scopes.data or (), days=form.days.data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            return _page(new_token=secret, status=201)
    return _page(token=form, status=422)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        with saving():
            tokens.revoke_token(db.session, current_user, token_id)
        flash(_("The token is revoked; scripts using it are refused from now on."), "success")
    return redirect(url_for("profile.index"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    if ConfirmForm().validate_on_submit():
        with saving():
            sessions.end_all_sessions(db.session, current_user)
        logout_user()
        flash(_("You are signed out on every device and browser."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("profile.index"))

