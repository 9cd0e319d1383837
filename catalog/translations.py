"""An entry's texts in the reader's language, falling back to the entry's own language.

Offerings and departments hold their texts in their own `language` and the other language's
in `translations`, shaped as in the catalog file: `{"de": {"title": …, "service_standard":
{"included": …}, "priorities": {"hints": {…}}}}`. A request form field holds its own
`translations: {"de": {"label": …, "help": …, "pattern_message": …, "choices": […]}}`, the
choices' display texts in the order of its `choices` (the stored answer stays the choice).
Every page, feed, embed, e-mail and API answer reads these texts through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "de")
# Autonyms: a language is named in itself, whatever the page's language.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
STANDARD_SECTIONS = ("included", "not_included", "prerequisites", "process")
# Where each text of an offering lives inside a translation.
OFFERING_TEXTS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "summary": ("summary",), "description": ("description",),
    "keywords": ("keywords",),
    **{section: ("service_standard", section) for section in STANDARD_SECTIONS},
}
DEPARTMENT_TEXTS: dict[str, tuple[str, ...]] = {"name": ("name",),
                                                "description": ("description",)}
FIELD_TEXTS = ("label", "help", "pattern_message")


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in."""

    value: Any
    lang: str

    def __str__(self) -> str:
        return str(self.value or "")


def other_language(language: str) -> str:
    return "de" if language == "en" else "en"


def reader_language(locale: Any) -> str:
    """"de" for de, de_DE, de-AT …; "en" otherwise."""
    code = str(locale or "en").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _pick(own: Any, own_language: str, translations: dict[str, Any] | None,
          path: tuple[str, ...], locale: Any) -> Text:
    wanted = reader_language(locale)
    own_language = own_language if own_language in LANGUAGES else "en"
    other = _dig((translations or {}).get(wanted if wanted != own_language
                                         else other_language(own_language)), path)
    if wanted != own_language and other:
        return Text(other, wanted)
    if not own and other:  # nothing in its own language: the other one is better than nothing
        return Text(other, other_language(own_language))
    return Text(own, own_language)


def localized(entry: Any, field: str, locale: Any) -> Text:
    """The text `field` of an offering or department for a reader of `locale`."""
    path = OFFERING_TEXTS.get(field) or DEPARTMENT_TEXTS.get(field, (field,))
    return _pick(getattr(entry, field), getattr(entry, "language", "en") or "en",
                 getattr(entry, "translations", None), path, locale)


def localized_hint(offering: Any, priority: str, locale: Any) -> Text:
    """The owner's hint for a priority in the reader's language ("" if none)."""
    return _pick(offering.priority_hint(priority), offering.language, offering.translations,
                 ("priorities", "hints", priority), locale)


def localized_field(field: dict[str, Any], own_language: str, locale: Any) -> dict[str, Any]:
    """A form field's definition with label, help, pattern message and the choices' display
    texts (`choice_labels`) in the reader's language, and `lang` naming each text's language."""
    translations = field.get("translations")
    shown = dict(field)
    shown["lang"] = {}
    for key in FIELD_TEXTS:
        text = _pick(field.get(key, ""), own_language, translations, (key,), locale)
        if text.value or key in field:
            shown[key], shown["lang"][key] = text.value, text.lang
    choices = list(field.get("choices") or [])
    labels = _pick(choices, own_language, translations, ("choices",), locale)
    usable = isinstance(labels.value, list) and len(labels.value) == len(choices)
    shown["choice_labels"] = list(labels.value) if usable else choices
    shown["lang"]["choices"] = labels.lang if usable else own_language
    return shown


def localized_form(offering: Any, locale: Any) -> list[dict[str, Any]]:
    return [localized_field(field, offering.language, locale) for field in offering.form]


def choice_label(field: dict[str, Any], value: str, locale: Any, own_language: str) -> str:
    """How a stored answer (a canonical choice) reads in the reader's language."""
    shown = localized_field(field, own_language, locale)
    labels = dict(zip(field.get("choices") or [], shown["choice_labels"], strict=False))
    return str(labels.get(value, value))


def cleaned(value: Any) -> Any:
    """A translation without empty texts, lists or sections (so "" and absent compare equal)."""
    if isinstance(value, dict):
        kept = {key: cleaned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", None, [], {})}
    if isinstance(value, list):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return value.strip() if isinstance(value, str) else value
