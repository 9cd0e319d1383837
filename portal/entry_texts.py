"""Catalog texts in the page's language (template filters over catalog/translations.py).

`{{ offering|tr('title') }}` is the title in the reader's language, else the entry's own;
`<h1{{ offering|lang_attr('title') }}>` adds `lang="de"` where the text shown is not in the
page's language, so screen readers and hyphenation use the right language; `shown_text` gives
both at once (`{% set title = offering|shown_text('title') %}`, `title.value`,
`title|lang_of`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup

from catalog.translations import (
    Text,
    localized,
    localized_field,
    localized_form,
    localized_hint,
    reader_language,
)

from .locale_memo import page_memo


def page_language() -> str:
    """The reader's language of this page (`i18n.page_memo`: a search page asks about a
    hundred times)."""
    return page_memo("reader_language", lambda: reader_language(get_locale()))


def entry_text(entry: Any, field: str) -> Any:
    """The text `field` of an offering or department for this page's reader."""
    return localized(entry, field, page_language()).value


def shown_text(entry: Any, field: str) -> Text:
    """The same with its language, for a template that needs both (`.value`, `|lang_of`):
    looked up once where `tr` and `lang_attr` would each look it up (a result card)."""
    return localized(entry, field, page_language())


def lang_of(text: Text | str | None) -> Markup:
    """` lang="xx"` when a text (or a language code) is not in the page's language."""
    language = text.lang if isinstance(text, Text) else text
    if not language or language == page_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def lang_attr(entry: Any, field: str) -> Markup:
    return lang_of(localized(entry, field, page_language()))


def priority_hint(offering: Any, priority: str) -> Text:
    return localized_hint(offering, priority, page_language())


def form_fields(offering: Any) -> list[dict[str, Any]]:
    """The offering's request form fields with their texts in the page's language."""
    return localized_form(offering, page_language())


def answered_fields(request: Any) -> list[dict[str, Any]]:
    """A request's form as it was sent, with labels in the page's language and `shown`: the
    display text of each choice (the answers stay the choices)."""
    fields = [localized_field(field, request.offering.language, page_language())
              for field in request.form]
    for field in fields:
        field["shown"] = dict(zip(field.get("choices") or [], field["choice_labels"],
                                  strict=False))
    return fields


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(tr=entry_text, shown_text=shown_text, lang_attr=lang_attr,
                                  lang_of=lang_of)
    app.jinja_env.globals.update(priority_hint=priority_hint, answered_fields=answered_fields)
