"""Language and time zone of each page: English and German, chosen by the user or the browser."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user

from .extensions import babel


def select_locale() -> str | None:
    """The `lang` the visitor picked, else their profile's, else the browser's best match."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or "en"


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
