"""Checking the `translations:` blocks of a catalog file: the other language's texts.

`translations: {de: {title: …, summary: …}}` on an offering, a department and a form field;
the keys are the entry's own. A file without them imports as before.
"""

from __future__ import annotations

from typing import Any

from ..messages import _
from ..models import PRIORITIES
from ..translations import LANGUAGES, STANDARD_SECTIONS, cleaned
from .validate import Problems, _join, _mapping, _string_list, _text, _unknown_keys

OFFERING_LIMITS = {"title": 200, "summary": 500, "description": 20000}
DEPARTMENT_LIMITS = {"name": 200, "description": 20000}
FIELD_LIMITS = {"label": 200, "help": 500, "pattern_message": 200}


def _languages(raw: dict, own_language: str, path: str,
               problems: Problems) -> list[tuple[str, dict, str]]:
    """(language, its texts, its path) for each language of the block at `raw["translations"]`."""
    block = raw.get("translations")
    if block is None:
        return []
    block_path = _join(path, "translations")
    if _mapping(block, block_path, problems) is None:
        return []
    found = []
    for language, texts in block.items():
        language_path = _join(block_path, str(language))
        if language not in LANGUAGES:
            problems.add(language_path, _("unknown language %(value)r; one of %(allowed)s",
                                          value=language, allowed=", ".join(LANGUAGES)))
        elif language == own_language:
            problems.add(language_path, _("is the entry's own language; give its texts "
                                          "without translations"))
        elif texts is not None and _mapping(texts, language_path, problems) is not None:
            found.append((language, texts, language_path))
    return found


def _texts(texts: dict, limits: dict[str, int], path: str, problems: Problems) -> dict:
    return {key: _text(texts, key, path, problems, max_length=limit)
            for key, limit in limits.items()}


def validate_offering_translations(raw: dict, own_language: str, path: str,
                                   problems: Problems) -> dict[str, Any]:
    """An offering's `translations`, normalized (empty texts left out)."""
    result: dict[str, Any] = {}
    for language, texts, language_path in _languages(raw, own_language, path, problems):
        _unknown_keys(texts, {*OFFERING_LIMITS, "keywords", "service_standard", "priorities"},
                      language_path, problems)
        values: dict[str, Any] = _texts(texts, OFFERING_LIMITS, language_path, problems)
        values["keywords"] = _string_list(texts, "keywords", language_path, problems)
        standard_path = _join(language_path, "service_standard")
        standard = texts.get("service_standard") or {}
        if _mapping(standard, standard_path, problems) is not None:
            _unknown_keys(standard, set(STANDARD_SECTIONS), standard_path, problems)
            values["service_standard"] = {section: _text(standard, section, standard_path,
                                                         problems)
                                          for section in STANDARD_SECTIONS}
        priorities_path = _join(language_path, "priorities")
        priorities = texts.get("priorities") or {}
        if _mapping(priorities, priorities_path, problems) is not None:
            _unknown_keys(priorities, {"hints"}, priorities_path, problems)
            hints_path = _join(priorities_path, "hints")
            hints = priorities.get("hints") or {}
            if _mapping(hints, hints_path, problems) is not None:
                for priority in hints:
                    if priority not in PRIORITIES:
                        problems.add(_join(hints_path, str(priority)),
                                     _("unknown priority %(value)r; one of %(allowed)s",
                                       value=priority, allowed=", ".join(PRIORITIES)))
                values["priorities"] = {"hints": {
                    p: _text(hints, p, hints_path, problems, max_length=200)
                    for p in PRIORITIES if p in hints}}
        result[language] = values
    return cleaned(result)


def validate_department_translations(raw: dict, own_language: str, path: str,
                                     problems: Problems) -> dict[str, Any]:
    result = {}
    for language, texts, language_path in _languages(raw, own_language, path, problems):
        _unknown_keys(texts, set(DEPARTMENT_LIMITS), language_path, problems)
        result[language] = _texts(texts, DEPARTMENT_LIMITS, language_path, problems)
    return cleaned(result)


def validate_field_translations(raw: dict, own_language: str, choices: list[str], path: str,
                                problems: Problems) -> dict[str, Any]:
    """A form field's `translations`; translated `choices` must match its choices one to one."""
    result: dict[str, Any] = {}
    for language, texts, language_path in _languages(raw, own_language, path, problems):
        _unknown_keys(texts, {*FIELD_LIMITS, "choices"}, language_path, problems)
        values: dict[str, Any] = _texts(texts, FIELD_LIMITS, language_path, problems)
        if texts.get("choices") is not None:
            values["choices"] = _string_list(texts, "choices", language_path, problems)
            if len(values["choices"]) != len(choices):
                problems.add(_join(language_path, "choices"),
                             _("give one text for each of the %(num)d choices, in their order",
                               num=len(choices)))
        result[language] = values
    return cleaned(result)
