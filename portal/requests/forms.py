"""The request form, built with WTForms from an offering's field definitions.

WTForms renders the fields, reads the browser's input and checks CSRF; the answers are checked
by `catalog.request_forms` (the same rules as the API), and its messages are put at the fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) tuples
    def SelectChoice(value: str, label: Any = None) -> Any:  # type: ignore[no-redef]  # noqa: N802
        return (value, value if label is None else label)

from catalog import field_checks, field_rules
from catalog.clock import BusinessCalendar
from catalog.request_forms import FormField, form_fields
from catalog.uploads import Upload

from ..display import translate

PREFIX = "f_"  # keeps a department's field names clear of the form's own attributes


class MarkRequired:
    """Marks a field as required (label, screen readers); the domain does the checking."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        return None


def _constraints(definition: FormField, earliest: date | None) -> dict[str, Any]:
    """The owner's rules as HTML attributes, so the browser can help before sending."""
    rules, kind = definition.rules, definition.type
    attributes: dict[str, Any] = {}
    if kind in field_rules.TEXT_TYPES:
        attributes["maxlength"] = rules.get("max_length", field_rules.MAX_TEXT_LENGTH[kind])
        if "min_length" in rules:
            attributes["minlength"] = rules["min_length"]
        if "pattern" in rules:
            attributes["pattern"] = rules["pattern"]
            if rules.get("pattern_message"):
                attributes["data-pattern-message"] = rules["pattern_message"]
    elif kind == "number":
        attributes.update({key: rules[key] for key in ("min", "max") if key in rules})
    elif kind == "date":
        if earliest is not None:
            attributes["min"] = earliest.isoformat()
        if "on_or_after" in rules:
            attributes["data-on-or-after"] = PREFIX + rules["on_or_after"]
    elif kind == "file" and field_checks.html_accept(rules):
        attributes["accept"] = field_checks.html_accept(rules)
    return attributes


def _field(definition: FormField, max_mb: int, earliest: date | None = None,
           shown: dict[str, str] | None = None) -> Field:
    """The input for one field; `shown` maps a choice to its display text (default: itself)."""
    shown = shown or {}
    options: dict[str, Any] = {
        "label": definition.label,
        "description": definition.help,
        # A conditional field is marked too: it is required when shown (the server decides;
        # the page has `novalidate`, and the script disables the inputs of hidden fields).
        "validators": [MarkRequired()] if definition.required else [],
    }
    kind = definition.type
    constraints = _constraints(definition, earliest)
    if kind == "textarea":
        return TextAreaField(render_kw={"rows": 5, **constraints}, **options)
    if kind == "email":
        return EmailField(render_kw={"autocomplete": "email", **constraints}, **options)
    if kind == "number":
        step = definition.rules.get("step", "any")
        return StringField(widget=NumberInput(step=step),
                           render_kw={"inputmode": "decimal", **constraints}, **options)
    if kind == "date":
        return StringField(widget=DateInput(), render_kw=constraints, **options)
    if kind == "select":
        choices = [SelectChoice("", _l("Choose …"))] + [SelectChoice(c, shown.get(c, c))
                                                      for c in definition.choices]
        return SelectField(choices=choices, validate_choice=False, **options)
    if kind == "multiselect":
        return SelectMultipleField(choices=[SelectChoice(c, shown.get(c, c))
                                            for c in definition.choices],
                                   validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), **options)
    if kind == "checkbox":
        return BooleanField(**options)
    if kind == "file":
        render_kw = {
            "data-max-bytes": max_mb * 1024 * 1024,
            "data-too-large": _l("This file is larger than %(limit)d MB.", limit=max_mb),
            **constraints,
        }
        if definition.rules.get("max_files", 1) > 1:
            return MultipleFileField(render_kw=render_kw, **options)
        return FileField(render_kw=render_kw, **options)
    return StringField(render_kw=constraints, **options)


def request_form(offering_form: list[dict[str, Any]], priorities: list[tuple[str, str]],
                 default_priority: str, max_mb: int, *, today: date | None = None,
                 calendar: BusinessCalendar | None = None, **kwargs: Any) -> FlaskForm:
    """A form instance for the offering; `priorities` are (value, label) pairs; `today` and
    `calendar` (the department's) give date fields their earliest allowed date. Definitions
    with `choice_labels` (catalog.translations.localized_field) show those for the choices."""

    class RequestForm(FlaskForm):
        pass

    RequestForm.on_behalf_of = EmailField(
        _l("For whom"), description=_l(
            "Leave empty if it is for you. To request it for a colleague (a new hire, your"
            " manager), enter their e-mail address: what they may request counts, and both of"
            " you see the request and get its e-mails."),
        render_kw={"autocomplete": "off", "list": "colleagues", "maxlength": 254})
    RequestForm.priority = RadioField(_l("Priority"),
                                      choices=[SelectChoice(v, label) for v, label in priorities],
                                      default=default_priority, validate_choice=False)
    for definition, raw in zip(form_fields(offering_form), offering_form, strict=True):
        earliest = None
        if definition.type == "date" and today is not None:
            earliest = field_checks.earliest_date(definition.rules, calendar, today)
        shown = dict(zip(definition.choices, raw.get("choice_labels") or definition.choices,
                         strict=False))
        setattr(RequestForm, PREFIX + definition.name,
                _field(definition, max_mb, earliest, shown))
    return RequestForm(**kwargs)


def conditions_of(offering_form: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each conditional field (by form field name): the field it depends on, the answers
    that show it (`values`, or `checked`), and the condition in words for pages without script."""
    fields = form_fields(offering_form)
    labels = {definition.name: definition.label for definition in fields}
    conditions: dict[str, dict[str, Any]] = {}
    for definition in fields:
        condition = definition.show_if
        if not condition:
            continue
        shown_by: dict[str, Any] = {"field": PREFIX + condition["field"],
                                    "words": translate(field_checks.condition_in_words(
                                        condition, labels.get(condition["field"], "")))}
        if "checked" in condition:
            shown_by["checked"] = condition["checked"]
        else:
            shown_by["values"] = [condition["equals"]] if "equals" in condition \
                else list(condition["in"])
        conditions[PREFIX + definition.name] = shown_by
    return conditions


def answers_of(form: FlaskForm, offering_form: list[dict[str, Any]]) -> dict[str, Any]:
    """The browser's answers as plain values for the domain (a file becomes an Upload)."""
    values: dict[str, Any] = {}
    for definition in form_fields(offering_form):
        data = form[PREFIX + definition.name].data
        if isinstance(data, list) and definition.type == "file":
            data = [_upload(item) for item in data if isinstance(item, FileStorage)]
        elif isinstance(data, FileStorage):
            data = _upload(data)
        values[definition.name] = data
    return values


def _upload(data: FileStorage) -> Upload:
    return Upload(filename=data.filename or "", stream=data.stream,
                  content_type=data.mimetype or "application/octet-stream")


def field_for_answer(form: FlaskForm, name: str) -> Field | None:
    """The form field of an answer the domain names (for `portal.changes.show_on_form`)."""
    if name in ("priority", "on_behalf_of"):
        return form._fields.get(name)
    return form._fields.get(PREFIX + name)


def file_fields(form: FlaskForm) -> list[Field]:
    return [field for field in form if isinstance(field, FileField)]


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[MarkRequired()],
                         render_kw={"rows": 4, "maxlength": 10000})


class InformationForm(FlaskForm):
    body = TextAreaField(_l("Information to add"), validators=[MarkRequired()],
                         description=_l("What the department should know in addition to your"
                                        " answers, e.g. a changed date or a serial number."),
                         render_kw={"rows": 3, "maxlength": 10000})


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why is it not solved?"), validators=[MarkRequired()],
                           render_kw={"rows": 3, "maxlength": 10000})


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why are you cancelling? (optional)"),
                           render_kw={"rows": 2, "maxlength": 10000})

