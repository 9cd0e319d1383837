"""The error summary at the top of a refused form: each problem named with its field's label
and linked to the field, also inside repeated rows (FieldList) and sub-forms (FormField)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wtforms import Field
from wtforms.fields import FieldList, FormField, HiddenField


@dataclass(frozen=True)
class FieldError:
    target: str | None  # the id to link to; None for a field that cannot take focus
    label: str
    message: str


def field_errors(fields: Iterable[Field]) -> list[FieldError]:
    """Every error of the form's fields, in the order the fields are shown."""
    found: list[FieldError] = []
    _collect(fields, (), found)
    return found


def _collect(fields: Iterable[Field], context: tuple[str, ...],
             found: list[FieldError]) -> None:
    for field in fields:
        if isinstance(field, FormField):
            _collect(field, context, found)
        elif isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                # A row may name itself ("High"); else it is "Form field 2".
                row_label = getattr(getattr(entry, "form", None), "row_label", None)
                name = row_label() if row_label else f"{field.label.text} {number}"
                _collect([entry], (*context, name), found)
        else:
            target = None if isinstance(field, HiddenField) else field.id
            label = " – ".join((*context, str(field.label.text)))
            found += [FieldError(target, label, str(message)) for message in field.errors
                      if isinstance(message, str)]
