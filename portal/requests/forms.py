"""The request form, built with WTForms from an offering's field definitions.

WTForms renders the fields, reads the browser's input and checks CSRF; the answers are checked
by `catalog.request_forms` (the same rules as the API), and its messages are put at the fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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

from catalog.request_forms import FormField, form_fields
from catalog.uploads import Upload

PREFIX = "f_"  # keeps a department's field names clear of the form's own attributes


class MarkRequired:
    """Marks a field as required (label, screen readers); the domain does the checking."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        return None


def _field(definition: FormField, max_mb: int) -> Field:
    options: dict[str, Any] = {
        "label": definition.label,
        "description": definition.help,
        "validators": [MarkRequired()] if definition.required else [],
    }
    kind = definition.type
    if kind == "textarea":
        return TextAreaField(render_kw={"rows": 5}, **options)
    if kind == "email":
        return EmailField(render_kw={"autocomplete": "email"}, **options)
    if kind == "number":
        return StringField(widget=NumberInput(step="any"), render_kw={"inputmode": "decimal"},
                           **options)
    if kind == "date":
        return StringField(widget=DateInput(), **options)
    if kind == "select":
        choices = [SelectChoice("", _l("Choose …"))] + [SelectChoice(c) for c in definition.choices]
        return SelectField(choices=choices, validate_choice=False, **options)
    if kind == "multiselect":
        return SelectMultipleField(choices=[SelectChoice(c) for c in definition.choices],
                                   validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), **options)
    if kind == "checkbox":
        return BooleanField(**options)
    if kind == "file":
        return FileField(render_kw={
            "data-max-bytes": max_mb * 1024 * 1024,
            "data-too-large": _l("This file is larger than %(limit)d MB.", limit=max_mb),
        }, **options)
    return StringField(render_kw={"maxlength": 500}, **options)


def request_form(offering_form: list[dict[str, Any]], priorities: list[tuple[str, str]],
                 default_priority: str, max_mb: int, **kwargs: Any) -> FlaskForm:
    """A form instance for the offering; `priorities` are (value, label) pairs."""

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
    for definition in form_fields(offering_form):
        setattr(RequestForm, PREFIX + definition.name, _field(definition, max_mb))
    return RequestForm(**kwargs)


def answers_of(form: FlaskForm, offering_form: list[dict[str, Any]]) -> dict[str, Any]:
    """The browser's answers as plain values for the domain (a file becomes an Upload)."""
    values: dict[str, Any] = {}
    for definition in form_fields(offering_form):
        data = form[PREFIX + definition.name].data
        if isinstance(data, FileStorage):
            data = Upload(filename=data.filename or "", stream=data.stream,
                          content_type=data.mimetype or "application/octet-stream")
        values[definition.name] = data
    return values


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

