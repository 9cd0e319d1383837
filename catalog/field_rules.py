"""Rules an owner sets on a request form's fields, and conditions that show a field.

In the catalog file a field carries its rules next to its type (`pattern`, `min`,
`on_or_after`, `show_if`, ...). `validate_rules` and `validate_links` refuse a rule that cannot
work, with its path, when a form is imported or saved; `catalog.field_checks` applies the rules
to answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .messages import _

TEXT_TYPES = ("text", "textarea", "email")
MAX_TEXT_LENGTH = {"text": 500, "email": 254, "textarea": 10_000}
RULES_OF_TYPE: dict[str, tuple[str, ...]] = {
    **{kind: ("min_length", "max_length", "pattern", "pattern_message") for kind in TEXT_TYPES},
    "number": ("min", "max", "step"),
    "date": ("not_in_past", "min_business_days_ahead", "on_or_after"),
    "multiselect": ("min_choices", "max_choices"),
    "file": ("file_types", "max_files"),
}
RULE_KEYS = tuple(dict.fromkeys(key for keys in RULES_OF_TYPE.values() for key in keys))
CONDITION_TYPES = ("select", "multiselect", "checkbox")
MAX_BUSINESS_DAYS = 365
MAX_FILES = 20
MAX_PATTERN = 500
# File types an owner may allow: the names a file may end with, and what its content must be
# (extensions as puremagic names them; "text" means readable UTF-8 text without NUL bytes).
FILE_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pdf": ((".pdf",), (".pdf",)),
    "png": ((".png",), (".png",)),
    "jpg": ((".jpg", ".jpeg"), (".jpg", ".jpeg", ".jfif", ".jpe")),
    "gif": ((".gif",), (".gif",)),
    "webp": ((".webp",), (".webp",)),
    "docx": ((".docx",), (".docx",)),
    "xlsx": ((".xlsx",), (".xlsx",)),
    "pptx": ((".pptx",), (".pptx",)),
    "odt": ((".odt",), (".odt", ".zip")),
    "ods": ((".ods",), (".ods", ".zip")),
    "zip": ((".zip",), (".zip",)),
    "txt": ((".txt",), ("text",)),
    "csv": ((".csv",), ("text",)),
}
FILE_TYPE_ALIASES = {"jpeg": "jpg"}


# Checking the rules themselves (catalog file and form builder) ---------------------------------

def validate_rules(raw: Mapping[str, Any], field: dict[str, Any], path: str,
                   add: Any) -> None:
    """Copy the rules of `raw` that suit the field's type into `field`; `add(path, message)`
    reports one that cannot work. References to other fields are checked by `validate_links`."""
    kind = field["type"]
    allowed = RULES_OF_TYPE.get(kind, ())
    for key in RULE_KEYS:
        if key in raw and raw[key] is not None and key not in allowed:
            add(f"{path}.{key}", _("does not apply to a field of type %(type)s", type=kind))
    rules = {key: raw[key] for key in allowed if raw.get(key) is not None}
    if kind in TEXT_TYPES:
        _length_rules(rules, kind, path, add)
    elif kind == "number":
        _number_rules(rules, path, add)
    elif kind == "date":
        _date_rules(rules, path, add)
    elif kind == "multiselect":
        _choice_rules(rules, len(field.get("choices") or ()), path, add)
    elif kind == "file":
        _file_rules(rules, path, add)
    field.update(rules)


def _whole(rules: dict[str, Any], key: str, path: str, add: Any, low: int, high: int) -> None:
    value = rules.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        add(f"{path}.{key}", _("must be a whole number from %(low)d to %(high)d", low=low,
                               high=high))
        rules.pop(key)


def _length_rules(rules: dict[str, Any], kind: str, path: str, add: Any) -> None:
    limit = MAX_TEXT_LENGTH[kind]
    _whole(rules, "min_length", path, add, 1, limit)
    _whole(rules, "max_length", path, add, 1, limit)
    if rules.get("min_length", 0) > rules.get("max_length", limit):
        add(f"{path}.min_length", _("must not be more than max_length"))
    pattern = rules.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or not pattern.strip() or len(pattern) > MAX_PATTERN:
            add(f"{path}.pattern", _("must be a regular expression of at most %(max)d "
                                     "characters", max=MAX_PATTERN))
        else:
            try:
                re.compile(pattern)
            except re.error as error:
                add(f"{path}.pattern", _("is not a valid regular expression: %(reason)s",
                                         reason=str(error)))
    message = rules.get("pattern_message")
    if message is not None:
        if not isinstance(message, str) or len(message.strip()) > 200:
            add(f"{path}.pattern_message", _("must be text of at most 200 characters"))
        elif pattern is None:
            add(f"{path}.pattern_message", _("needs a pattern"))
        rules["pattern_message"] = str(message).strip()
        if not rules["pattern_message"]:
            rules.pop("pattern_message")


def decimal_of(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < Decimal("1e15") else None


def _number_rules(rules: dict[str, Any], path: str, add: Any) -> None:
    numbers: dict[str, Decimal] = {}
    for key in ("min", "max", "step"):
        if key not in rules:
            continue
        number = decimal_of(rules[key])
        if number is None or isinstance(rules[key], str):
            add(f"{path}.{key}", _("must be a number"))
            rules.pop(key)
            continue
        numbers[key] = number
    if "step" in numbers and numbers["step"] <= 0:
        add(f"{path}.step", _("must be more than 0"))
        rules.pop("step")
    if "min" in numbers and "max" in numbers and numbers["min"] > numbers["max"]:
        add(f"{path}.min", _("must not be more than max"))


def _date_rules(rules: dict[str, Any], path: str, add: Any) -> None:
    if "not_in_past" in rules:
        if not isinstance(rules["not_in_past"], bool):
            add(f"{path}.not_in_past", _("must be true or false"))
        if rules["not_in_past"] is not True:
            rules.pop("not_in_past")
    _whole(rules, "min_business_days_ahead", path, add, 0, MAX_BUSINESS_DAYS)
    other = rules.get("on_or_after")
    if other is not None and not isinstance(other, str):
        add(f"{path}.on_or_after", _("must name a date field of this form"))
        rules.pop("on_or_after")


def _choice_rules(rules: dict[str, Any], choices: int, path: str, add: Any) -> None:
    _whole(rules, "min_choices", path, add, 1, max(choices, 1))
    _whole(rules, "max_choices", path, add, 1, max(choices, 1))
    if rules.get("min_choices", 0) > rules.get("max_choices", choices):
        add(f"{path}.min_choices", _("must not be more than max_choices"))


def _file_rules(rules: dict[str, Any], path: str, add: Any) -> None:
    _whole(rules, "max_files", path, add, 1, MAX_FILES)
    value = rules.get("file_types")
    if value is None:
        return
    if isinstance(value, str):
        value = [part for part in re.split(r"[\s,]+", value) if part]
    if not isinstance(value, list) or not value:
        add(f"{path}.file_types", _("must be a list of file types such as pdf, png, jpg"))
        rules.pop("file_types")
        return
    kinds: list[str] = []
    for index, item in enumerate(value):
        name = str(item).strip().lower().lstrip(".")
        name = FILE_TYPE_ALIASES.get(name, name)
        if name not in FILE_TYPES:
            add(f"{path}.file_types[{index}]",
                _("unknown file type %(value)r; one of %(allowed)s", value=str(item),
                  allowed=", ".join(FILE_TYPES)))
        elif name not in kinds:
            kinds.append(name)
    rules["file_types"] = kinds


def validate_links(entries: list[tuple[int, dict[str, Any], Mapping[str, Any]]], path: str,
                   add: Any) -> None:
    """Check rules that name another field (`on_or_after`, `show_if`) once all fields are known;
    `entries` are (position in the file, normalized field, field as written).

    Both must name a field above: conditions never go in circles, a field appears below what
    makes it appear, and an answer is checked against answers already checked.
    """
    fields = [field for _index, field, _raw in entries]
    by_name = {field["name"]: field for field in fields if field.get("name")}
    position = {field["name"]: order for order, field in enumerate(fields)}
    for order, (index, field, raw) in enumerate(entries):
        field_path = f"{path}[{index}]"
        other = field.get("on_or_after")
        if other is not None:
            target = by_name.get(other)
            if target is None or target is field or target.get("type") != "date":
                add(f"{field_path}.on_or_after",
                    _("must name another date field of this form; there is no date field "
                      "%(name)r", name=other))
                field.pop("on_or_after")
            elif position[other] > order:
                add(f"{field_path}.on_or_after", _("must name a date field above this one"))
                field.pop("on_or_after")
        if raw.get("show_if") is not None:
            condition = _condition(raw["show_if"], field, by_name, position, order,
                                   f"{field_path}.show_if", add)
            if condition is not None:
                field["show_if"] = condition


def _condition(raw: Any, field: dict[str, Any], by_name: dict[str, dict[str, Any]],
               position: dict[str, int], index: int, path: str,
               add: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        add(path, _("must be a mapping such as {field: reason, equals: Other}"))
        return None
    unknown = [key for key in raw if key not in ("field", "equals", "in", "checked")]
    for key in unknown:
        add(f"{path}.{key}", _("unknown key"))
    name = raw.get("field")
    target = by_name.get(name) if isinstance(name, str) else None
    if target is None or target is field:
        add(f"{path}.field", _("must name another field of this form; there is no field "
                               "%(name)r", name=str(name)))
        return None
    if position[name] > index:
        add(f"{path}.field", _("must name a field above this one"))
        return None
    if target.get("type") not in CONDITION_TYPES:
        add(f"{path}.field", _("must name a choice field or a checkbox"))
        return None
    tests = [key for key in ("equals", "in", "checked") if key in raw]
    if len(tests) != 1:
        add(path, _("needs exactly one of equals, in or checked"))
        return None
    test = tests[0]
    if target["type"] == "checkbox":
        if test != "checked" or not isinstance(raw["checked"], bool):
            add(f"{path}.{test}", _("a checkbox condition is checked: true or false"))
            return None
        return {"field": name, "checked": raw["checked"]}
    if test == "checked":
        add(f"{path}.checked", _("only a checkbox can be checked; use equals or in"))
        return None
    values = raw[test] if test == "in" else [raw[test]]
    if not isinstance(values, list) or not values:
        add(f"{path}.in", _("must be a list of choices"))
        return None
    choices = target.get("choices") or []
    for position_in_list, value in enumerate(values):
        if not isinstance(value, str) or value not in choices:
            where = f"{path}.in[{position_in_list}]" if test == "in" else f"{path}.equals"
            add(where, _("%(value)r is not one of the choices of %(field)s", value=str(value),
                         field=name))
            return None
    return {"field": name, test: raw[test] if test == "equals" else list(dict.fromkeys(values))}
