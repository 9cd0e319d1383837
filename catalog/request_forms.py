"""An offering's request form: from field definitions to checked answers, for page and API alike.

The definitions are those of the catalog file (name, label, type, required, help, choices, the
owner's rules and a `show_if` condition). Pages send text from HTML inputs, the API sends JSON
values; both go through `clean_answers`, so a field is accepted or refused with the same message
wherever it came from. A field whose condition is not met counts as not shown: it is neither
required nor stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import field_checks, field_rules
from .catalog_file.validate import EMAIL
from .clock import BusinessCalendar
from .field_checks import RuleBroken
from .field_rules import RULE_KEYS
from .messages import Message, _
from .uploads import NotAnUpload, Upload, upload_from_json

MAX_LENGTH = field_rules.MAX_TEXT_LENGTH
MAX_NUMBER = Decimal("1e15")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# Control characters other than tab and line breaks (PostgreSQL refuses NUL in text and JSON).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    rules: Mapping[str, Any] = field(default_factory=dict, compare=False)
    show_if: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass
class CleanedForm:
    """Answers ready to store, files still to be stored, and a message per refused field."""

    answers: dict[str, Any]
    files: dict[str, Upload | list[Upload]]  # a list for a field that takes several files
    problems: dict[str, Message | str]  # an owner's own message (a pattern's) is plain text


def form_fields(definitions: list[dict[str, Any]]) -> list[FormField]:
    """The offering's form as typed fields, in order."""
    return [
        FormField(name=d["name"], label=d.get("label") or d["name"], type=d.get("type", "text"),
                  required=bool(d.get("required")), help=d.get("help") or "",
                  choices=tuple(d.get("choices") or ()),
                  rules={key: d[key] for key in RULE_KEYS if key in d},
                  show_if=d.get("show_if"))
        for d in definitions
    ]


def clean_answers(definitions: list[dict[str, Any]], values: Any, *, today: date | None = None,
                  calendar: BusinessCalendar | None = None) -> CleanedForm:
    """Check every field's value against its type and rules; unknown field names are refused.

    `today` (in the department's time zone) and its `calendar` decide the date rules; without
    them date rules about today are not checked.
    """
    result = CleanedForm(answers={}, files={}, problems={})
    if not isinstance(values, Mapping):
        result.problems["fields"] = _("Send the answers as an object of field names to values.")
        return result
    fields = form_fields(definitions)
    by_name = {f.name: f for f in fields}
    for name in values:
        if name not in by_name:
            result.problems[str(name)] = _("This form has no field %(name)s.", name=str(name))
    shown: dict[str, bool] = {}
    for form_field in fields:
        # A condition names a field above this one, so its answer (or absence) is known.
        condition = form_field.show_if
        shown[form_field.name] = condition is None or (
            shown.get(condition["field"], False) and condition["field"] not in result.problems
            and field_checks.condition_met(condition, result.answers.get(condition["field"])))
        if not shown[form_field.name]:
            continue  # not shown: neither required nor stored
        try:
            clean = _CLEANERS.get(form_field.type, _text)
            value = clean(form_field, values.get(form_field.name))
            _check_rules(form_field, value, result.answers, by_name, today, calendar)
        except _Refused as refused:
            result.problems[form_field.name] = refused.message
            continue
        except RuleBroken as broken:
            result.problems[form_field.name] = broken.message
            continue
        if isinstance(value, Upload) or form_field.type == "file" and value:
            result.files[form_field.name] = value
            result.answers[form_field.name] = None  # the files' names, once they are stored
        else:
            result.answers[form_field.name] = value
    return result


def _check_rules(form_field: FormField, value: Any, answers: dict[str, Any],
                 by_name: dict[str, FormField], today: date | None,
                 calendar: BusinessCalendar | None) -> None:
    rules = form_field.rules
    if value is None or not rules:
        return
    if form_field.type in field_rules.TEXT_TYPES:
        field_checks.check_text(rules, value)
    elif form_field.type == "number":
        field_checks.check_number(rules, value)
    elif form_field.type == "date":
        other = rules.get("on_or_after")
        after = None
        if other in by_name and isinstance(answers.get(other), str):
            after = (by_name[other].label, answers[other])
        if today is None:
            rules = {k: v for k, v in rules.items()
                     if k not in ("not_in_past", "min_business_days_ahead")}
        field_checks.check_date(rules, value, today=today or date.min, calendar=calendar,
                               after=after)
    elif form_field.type == "multiselect":
        field_checks.check_choices(rules, value)
    elif form_field.type == "file":
        for upload in value if isinstance(value, list) else [value]:
            field_checks.check_file(rules, upload.filename, upload.stream)


class _Refused(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def _missing(form_field: FormField, message: Message | None = None) -> None:
    if form_field.required:
        raise _Refused(message or _("Please fill in this field."))
    return None


def _text(form_field: FormField, value: Any) -> str | None:
    if value is None:
        return _missing(form_field)
    if not isinstance(value, str):
        raise _Refused(_("Enter text."))
    # Browsers send line breaks as CRLF; keep one kind of line break.
    value = CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if form_field.type != "textarea":
        value = " ".join(value.split())
    if not value:
        return _missing(form_field)
    limit = MAX_LENGTH.get(form_field.type, MAX_LENGTH["text"])
    if len(value) > limit:
        raise _Refused(_("Enter at most %(max)d characters (this is %(length)d).", max=limit,
                         length=len(value)))
    if form_field.type == "email" and not EMAIL.match(value):
        raise _Refused(_("Enter an e-mail address such as name@example.com."))
    return value


def _number(form_field: FormField, value: Any) -> int | float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return _missing(form_field)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Refused(_("Enter a number."))
    text = str(value).strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # "2,5" as written in German
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Refused(_("Enter a number, e.g. 3 or 2.5.")) from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise _Refused(_("Enter a number, e.g. 3 or 2.5."))
    return int(number) if number == number.to_integral_value() else float(number)


def _date(form_field: FormField, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return _missing(form_field)
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        raise _Refused(_("Enter a date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _Refused(_("This date does not exist.")) from None


def _select(form_field: FormField, value: Any) -> str | None:
    if value is None or value == "":
        return _missing(form_field, _("Please choose an option."))
    if not isinstance(value, str) or value not in form_field.choices:
        raise _Refused(_("Choose one of the listed options."))
    return value


def _multiselect(form_field: FormField, value: Any) -> list[str]:
    if value is None or value == []:
        _missing(form_field, _("Please choose at least one option."))
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Refused(_("Choose from the listed options."))
    if any(v not in form_field.choices for v in value):
        raise _Refused(_("Choose only from the listed options."))
    chosen = set(value)
    return [choice for choice in form_field.choices if choice in chosen]


def _checkbox(form_field: FormField, value: Any) -> bool:
    if value is None:
        value = False
    if not isinstance(value, bool):
        raise _Refused(_("Answer with true or false."))
    if form_field.required and not value:
        raise _Refused(_("Please tick this box to continue."))
    return value


def _file(form_field: FormField, value: Any) -> Upload | list[Upload] | None:
    """One upload; for a field that takes several files (`max_files` above 1), a list."""
    limit = form_field.rules.get("max_files", 1)
    values = value if isinstance(value, list) and limit > 1 else [value]
    uploads = [_one_file(item) for item in values
               if item is not None and not (isinstance(item, Upload) and not item.filename)]
    if not uploads:
        return _missing(form_field, _("Please attach a file."))
    if len(uploads) > limit:
        raise _Refused(_("Attach at most %(max)d files.", max=limit))
    return uploads if limit > 1 else uploads[0]


def _one_file(value: Any) -> Upload:
    if isinstance(value, Upload):
        return value
    try:
        return upload_from_json(value)
    except NotAnUpload:
        raise _Refused(_("Send the file as {filename, content} with the content in base64.")) \
            from None


_CLEANERS = {
    "text": _text, "textarea": _text, "email": _text, "number": _number, "date": _date,
    "select": _select, "multiselect": _multiselect, "checkbox": _checkbox, "file": _file,
}
