"""The offering editor's second language: each text field has a twin (`tr_<name>`) for the
other language, filled from and turned back into the catalog file's `translations:` block."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import Form

from catalog.models import STANDARD_SECTIONS
from catalog.translations import LANGUAGE_NAMES, LANGUAGES, cleaned, other_language

# Editor field → where its text lives in a translation.
OFFERING_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "summary": ("summary",), "description": ("description",),
    "keywords": ("keywords",),
    **{f"standard_{section}": ("service_standard", section) for section in STANDARD_SECTIONS},
}
ROW_FIELDS = ("label", "help", "choices", "pattern_message")
BLANK_ROW_TEXTS = {f"tr_{key}": "" for key in ROW_FIELDS}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _other(snapshot: dict[str, Any]) -> str:
    language = snapshot.get("language")
    return other_language(language if language in LANGUAGES else "en")


def translation_form_data(snapshot: dict[str, Any], data: dict[str, Any]) -> None:
    """Add the other language's texts of an offering (catalog file format) to the form data."""
    texts = (snapshot.get("translations") or {}).get(_other(snapshot)) or {}
    for name, path in OFFERING_FIELDS.items():
        value: Any = texts
        for key in path:
            value = (value or {}).get(key) if isinstance(value, dict) else None
        data[f"tr_{name}"] = ", ".join(value or []) if name == "keywords" else value or ""
    hints = (texts.get("priorities") or {}).get("hints") or {}
    for row in data.get("priority_rows") or []:
        row["tr_hint"] = hints.get(row["priority"], "")
    for row, field in zip(data.get("form_fields") or [], snapshot.get("form") or [],
                          strict=False):
        field_texts = (field.get("translations") or {}).get(_other(snapshot)) or {}
        row.update({f"tr_{key}": field_texts.get(key) or "" for key in ROW_FIELDS})
        row["tr_choices"] = "\n".join(field_texts.get("choices") or [])


def field_translations(row: Form, language: str) -> dict[str, Any]:
    """A builder row's other-language texts as the field's `translations` (may be empty)."""
    texts: dict[str, Any] = {key: (row[f"tr_{key}"].data or "").strip()
                             for key in ("label", "help", "pattern_message")}
    texts["choices"] = _lines(row.tr_choices.data)
    return cleaned({other_language(language): texts})


def offering_translations(form: Form, raw: dict[str, Any]) -> None:
    """Put the editor's other-language texts into `raw` as its `translations` block."""
    texts: dict[str, Any] = {"service_standard": {}}
    for name, path in OFFERING_FIELDS.items():
        value = form[f"tr_{name}"].data or ""
        if name == "keywords":
            value = [k.strip() for k in value.split(",") if k.strip()]
        (texts["service_standard"] if len(path) == 2 else texts)[path[-1]] = value
    texts["priorities"] = {"hints": {row.form.priority.data: (row.form.tr_hint.data or "").strip()
                                     for row in form.priority_rows}}
    translations = cleaned({other_language(raw.get("language") or "en"): texts})
    if translations:
        raw["translations"] = translations


def _name(field: Any, twin: Any, own: str, other: str) -> None:
    base = twin.label.text
    field.label.text = _("%(label)s (%(language)s)", label=base, language=LANGUAGE_NAMES[own])
    twin.label.text = _("%(label)s (%(language)s)", label=base, language=LANGUAGE_NAMES[other])
    twin.render_kw = {**(twin.render_kw or {}), "lang": other}


def name_description(form: Form, own: str) -> None:
    """The department settings' description and its twin, labelled with their languages."""
    _name(form.description, form.tr_description, own, other_language(own))


def name_languages(form: Form, blank_row: Form) -> str:
    """Label each text field and its twin with their languages ("Title (Deutsch)"); the twins
    carry a `lang` attribute. Returns the other language."""
    own = form.language.data if form.language.data in LANGUAGES else "en"
    other = other_language(own)
    pairs = [(form[name], form[f"tr_{name}"]) for name in OFFERING_FIELDS]
    for entry in form.priority_rows:
        pairs.append((entry.form.hint, entry.form.tr_hint))
    for row in [entry.form for entry in form.form_fields] + [blank_row]:
        pairs += [(row[key], row[f"tr_{key}"]) for key in ROW_FIELDS]
    for field, twin in pairs:
        _name(field, twin, own, other)
    return other
