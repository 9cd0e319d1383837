"""Language and time zone of each page: English and German, chosen by the user or the browser."""

from __future__ import annotations

from functools import cache

from babel import support
from flask import Flask, current_app, request, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from wtforms.i18n import messages_path

from .auth.identity import viewer
from .extensions import babel
from .locale_memo import page_memo


def select_locale() -> str | None:
    """The `lang` the visitor picked, else their profile's, else the browser's best match."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    looking = viewer()
    return choose_locale(looking.locale if looking else None)


def choose_locale(profile_locale: str | None) -> str:
    """The language picked earlier in this session, else the profile's, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if session.get("lang") in languages:
        return session["lang"]
    if profile_locale in languages:
        return profile_locale
    return request.accept_languages.best_match(languages) or "en"


def select_timezone() -> str:
    looking = viewer()
    return (looking and looking.timezone) or current_app.config["DEFAULT_TIMEZONE"]


def page_translations() -> support.NullTranslations:
    """The request's translations."""
    return page_memo("translations", get_translations)


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, **variables: object) -> str:
    """Jinja's newstyle gettext: escaped as a template value, always %-formatted."""
    translated = page_translations().ugettext(string)
    if eval_ctx.autoescape:
        translated = Markup(translated)
    # Most texts take no values and have no "%%": formatting would only copy them, at
    # Markup's cost.
    return translated % variables if variables or "%" in translated else translated


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid integer value.") in the page's language.

    Flask-WTF reads them from disk once per request that builds a form (about a tenth of a
    search page's time); the catalogs do not change while the process runs, so each language's
    is read once. Flask-WTF looks for them on the request first (`wtforms_translations`).
    """

    def ugettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


@cache
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


_WTFORMS_MESSAGES = _WTFormsMessages()


def _share_wtforms_messages() -> None:
    request.wtforms_translations = _WTFORMS_MESSAGES


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True)
    # `_` and `gettext` as Jinja's newstyle gettext does it, called directly: Jinja's `_`
    # goes through three context calls per string.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.before_request(_share_wtforms_messages)
