"""Between the owners' forms and the catalog file format that catalog/ validates and writes;
and problems reported by path (e.g. `form[1].choices`) put back at their form field."""

from __future__ import annotations

import json
import re
from typing import Any

from wtforms import Field, Form

from catalog.editing import suggest_slug
from catalog.errors import CatalogError
from catalog.field_rules import RULE_KEYS, RULES_OF_TYPE
from catalog.models import PRIORITIES, STANDARD_SECTIONS
from catalog.numbers import whole_number

from ..changes import show_on_form
from .forms import DepartmentSettingsForm, OfferingForm
from .translation_fields import (
    BLANK_ROW_TEXTS,
    field_translations,
    offering_translations,
    translation_form_data,
)

BLANK_ROW = {"name": "", "label": "", "type": "text", "required": False, "help": "",
             "choices": "", **{key: "" for key in RULE_KEYS}, "not_in_past": False,
             "show_if": "", "show_if_values": "", **BLANK_ROW_TEXTS}
NUMBER_RULES = ("min_length", "max_length", "min", "max", "step", "min_business_days_ahead",
                "min_choices", "max_choices", "max_files")
_PATH = re.compile(r"^(?P<key>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[a-z_]+))?")


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# Offerings ---------------------------------------------------------------------------------------

def offering_form_data(snapshot: dict[str, Any], version: int | None) -> dict[str, Any]:
    """What the edit form starts with, from an offering in the catalog file format."""
    standard = snapshot.get("service_standard") or {}
    commitment = snapshot.get("commitment") or {}
    data = {
        **{key: snapshot.get(key) or "" for key in ("title", "slug", "summary", "description")},
        "status": snapshot.get("status") or "draft",
        "language": snapshot.get("language") or "en",
        "replaced_by": snapshot.get("replaced_by") or "",
        "keywords": ", ".join(snapshot.get("keywords") or []),
        "audience": list(snapshot.get("audience") or []),
        **{f"standard_{section}": standard.get(section) or "" for section in STANDARD_SECTIONS},
        **_single_commitment(commitment),
        "priority_rows": priority_rows_data(snapshot),
        "review_interval_months": str(snapshot.get("review_interval_months") or 12),
        "approval": ",".join(snapshot.get("approval") or []),
        "form_fields": [_row_data(field) for field in snapshot.get("form") or []],
        "version": "" if version is None else str(version),
    }
    translation_form_data(snapshot, data)
    return data


def _row_data(field: dict[str, Any]) -> dict[str, Any]:
    """A builder row from a field in the catalog file format."""
    condition = field.get("show_if") or {}
    values = [condition["equals"]] if "equals" in condition else condition.get("in") or []
    row = {**BLANK_ROW, **field, "choices": "\n".join(field.get("choices") or []),
           "file_types": ", ".join(field.get("file_types") or []),
           "show_if": condition.get("field", ""), "show_if_values": "\n".join(values)}
    for key in NUMBER_RULES:
        row[key] = "" if field.get(key) is None else str(field[key])
    return row


def _number(text: str) -> int | float | str:
    """A rule's number from the builder; text that is no number goes on to be refused."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


def _rules_of(row: Any, kind: str, types: dict[str, str]) -> dict[str, Any]:
    """The rules and condition a builder row sets, in the catalog file format."""
    rules: dict[str, Any] = {}
    for key in RULES_OF_TYPE.get(kind, ()):
        value = row[key].data
        if key == "not_in_past":
            if value:
                rules[key] = True
            continue
        text = (value or "").strip()
        if text:
            rules[key] = _number(text) if key in NUMBER_RULES else text
    if "file_types" in rules:
        rules["file_types"] = [part for part in re.split(r"[\s,]+", rules["file_types"]) if part]
    other = (row.show_if.data or "").strip()
    if other:
        values = lines(row.show_if_values.data)
        if types.get(other) == "checkbox" and not values:
            rules["show_if"] = {"field": other, "checked": True}
        elif len(values) == 1:
            rules["show_if"] = {"field": other, "equals": values[0]}
        else:
            rules["show_if"] = {"field": other, "in": values}
    return rules


def offering_raw(form: OfferingForm, creating: bool) -> tuple[dict[str, Any], list[int]]:
    """The form as one offering in the catalog file format, and for each field of its request
    form the builder row it came from (blank rows are left out)."""
    rows: list[int] = []
    fields: list[dict[str, Any]] = []
    types = {(entry.form.name.data or "").strip(): entry.form.type.data
             for entry in form.form_fields}
    for index, entry in enumerate(form.form_fields):
        row = entry.form
        label, name = (row.label.data or "").strip(), (row.name.data or "").strip()
        if not label and not name and not lines(row.choices.data) and not row.help.data:
            continue
        field: dict[str, Any] = {
            "name": name or suggest_slug(label).replace("-", "_")[:50],
            "label": label, "type": row.type.data, "required": bool(row.required.data),
            "help": (row.help.data or "").strip(),
        }
        if row.type.data in ("select", "multiselect"):
            field["choices"] = lines(row.choices.data)
        field.update(_rules_of(row, row.type.data, types))
        translations = field_translations(row, form.language.data)
        if translations:
            field["translations"] = translations
        fields.append(field)
        rows.append(index)
    title = (form.title.data or "").strip()
    slug = (form.slug.data or "").strip()
    raw: dict[str, Any] = {
        "slug": slug or (suggest_slug(title) if creating else ""),
        "title": title,
        "status": form.status.data,
        "language": form.language.data,
        "summary": form.summary.data or "",
        "description": form.description.data or "",
        "keywords": [k.strip() for k in (form.keywords.data or "").split(",") if k.strip()],
        "audience": list(form.audience.data or []),
        "service_standard": {section: form[f"standard_{section}"].data or ""
                             for section in STANDARD_SECTIONS},
        "form": fields,
        # Only a retired offering sends people elsewhere.
        "replaced_by": (form.replaced_by.data or None) if form.status.data == "retired" else None,
        "review_interval_months": _whole_number(form.review_interval_months.data),
        "approval": [step for step in (form.approval.data or "").split(",") if step],
    }
    first = (form.first_response.data or "").strip()
    resolution = (form.resolution.data or "").strip()
    per_priority = priorities_raw(form, raw)
    offering_translations(form, raw)
    if per_priority:
        # Own times of a priority replace those for every priority, which fill the others.
        given = {entry["priority"] for entry in per_priority}
        if first or resolution:
            per_priority += [{"priority": p, "first_response": first or None,
                              "resolution": resolution or None}
                             for p in PRIORITIES if p not in given]
        raw["commitment"] = sorted(per_priority, key=lambda e: PRIORITIES.index(e["priority"]))
    elif first or resolution:
        raw["commitment"] = {"first_response": first or None, "resolution": resolution or None}
    return raw, rows


def _single_commitment(commitment: Any) -> dict[str, str]:
    if not isinstance(commitment, dict):
        return {"first_response": "", "resolution": ""}
    return {key: commitment.get(key, "") for key in ("first_response", "resolution")}


def priority_rows_data(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per priority: may employees choose it, its hint, its own commitment."""
    settings = snapshot.get("priorities") or {}
    choices = settings.get("employee_choices")
    hints = settings.get("hints") or {}
    commitment = snapshot.get("commitment")
    own = {c.get("priority"): c for c in commitment} if isinstance(commitment, list) else {}
    return [{"priority": p, "employee": choices is None or p in choices,
             "hint": hints.get(p, ""), "first_response": own.get(p, {}).get("first_response", ""),
             "resolution": own.get(p, {}).get("resolution", "")} for p in PRIORITIES]


def priorities_raw(form: OfferingForm, raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Put the rows' `priorities` into `raw`; return their own commitments (list form)."""
    choices, hints, commitments = [], {}, []
    rows = [entry.form for entry in form.priority_rows if entry.form.priority.data in PRIORITIES]
    for row in rows:
        priority = row.priority.data
        if row.employee.data:
            choices.append(priority)
        if (row.hint.data or "").strip():
            hints[priority] = row.hint.data.strip()
        first = (row.first_response.data or "").strip()
        resolution = (row.resolution.data or "").strip()
        if first or resolution:
            commitments.append({"priority": priority, "first_response": first or None,
                                "resolution": resolution or None})
    settings: dict[str, Any] = {}
    if rows and len(choices) < len(rows):
        settings["employee_choices"] = choices
    if hints:
        settings["hints"] = hints
    if settings:
        raw["priorities"] = settings
    return commitments


def _whole_number(text: str | None) -> int | str:
    text = (text or "").strip()
    number = whole_number(text)
    return (text or 12) if number is None else number


def rebuild_rows(form: OfferingForm, command: str) -> tuple[list[dict[str, Any]], int | None]:
    """The builder's rows after "add", "remove-N", "up-N" or "down-N", and the row to focus."""
    rows = [dict(entry.data) for entry in form.form_fields]
    verb, _, number = command.partition("-")
    index = whole_number(number)
    if index is None:
        index = -1
    if verb == "add":
        rows.append(dict(BLANK_ROW))
        return rows, len(rows) - 1
    if not 0 <= index < len(rows):
        return rows, None
    if verb == "remove":
        rows.pop(index)
        return rows, min(index, len(rows) - 1) if rows else None
    target = index - 1 if verb == "up" else index + 1 if verb == "down" else index
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        return rows, target
    return rows, index


# Department settings -----------------------------------------------------------------------------

def settings_form_data(snapshot: dict[str, Any], other: str = "de") -> dict[str, Any]:
    """What the settings form starts with; `other` is the department's second language."""
    hours = snapshot["business_hours"]
    by_priority = {c["priority"]: c for c in snapshot["commitments"]}
    return {
        "description": snapshot["description"], "contact_email": snapshot["contact_email"],
        "tr_description": ((snapshot.get("translations") or {}).get(other) or {}).get(
            "description") or "",
        "timezone": hours["timezone"], "days": hours["days"], "start": hours["start"],
        "end": hours["end"], "holidays": hours.get("holidays") or "",
        "commitments": [{"priority": p, **{k: by_priority.get(p, {}).get(k, "")
                                            for k in ("first_response", "resolution")}}
                        for p in PRIORITIES],
        "loaded": json.dumps(snapshot, sort_keys=True),
    }


def settings_raw(form: DepartmentSettingsForm,
                 other: str = "de") -> tuple[dict[str, Any], list[int]]:
    """The settings in the catalog file format, and the form row of each commitment given."""
    commitments, rows = [], []
    for index, entry in enumerate(form.commitments):
        row = entry.form
        first = (row.first_response.data or "").strip()
        resolution = (row.resolution.data or "").strip()
        if first or resolution:
            commitments.append({"priority": row.priority.data, "first_response": first or None,
                                "resolution": resolution or None})
            rows.append(index)
    raw = {
        "description": form.description.data or "",
        "contact_email": (form.contact_email.data or "").strip() or None,
        "business_hours": {"timezone": (form.timezone.data or "").strip(),
                           "days": list(form.days.data or []),
                           "start": (form.start.data or "").strip(),
                           "end": (form.end.data or "").strip(),
                           "holidays": (form.holidays.data or "").strip() or None},
        "commitments": commitments,
        "confidential": bool(form.confidential.data),
        "translations": {other: {"description": form.tr_description.data or ""}},
    }
    return raw, rows


def loaded_snapshot(text: str | None) -> dict[str, Any] | None:
    """The settings the form was loaded with; None if the field is missing or unreadable."""
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# Problems at their fields ------------------------------------------------------------------------

def place_errors(form: Form, error: CatalogError, rows: list[int], list_key: str,
                 list_attr: str) -> list[str]:
    """Attach each problem, translated, to its field; returns those that belong to no field.

    Numbered items of `list_key` ("form" of an offering, "commitments" of a department) live in
    the FieldList `list_attr`; `rows` maps an item's number in the data to its row in the form.
    """
    return show_on_form(form, error,
                        lambda form, path: _field_for(form, path, rows, list_key, list_attr),
                        flash_rest=False)


def _priority_row_field(form: Form, path: str, sub: str | None) -> Field | None:
    """The field of the priority a `commitment[i]` or `priorities` problem is about."""
    rows = {entry.form.priority.data: entry.form for entry in form["priority_rows"].entries}
    named = [p for p in PRIORITIES if p in path]
    index = _PATH.match(path)
    if path.startswith("commitment[") and index is not None and index["index"] is not None:
        # The list holds the rows with own times, or every priority when the times for all
        # priorities are filled in too (offering_raw), in the priorities' order.
        every = bool(form["first_response"].data or form["resolution"].data)
        given = [entry.form for entry in form["priority_rows"].entries
                 if every or entry.form.first_response.data or entry.form.resolution.data]
        number = int(index["index"])
        row = given[number] if number < len(given) else None
    else:
        row = rows.get(named[0]) if named else next(iter(rows.values()), None)
    return row._fields.get(sub or "first_response") if row is not None else None


def _field_for(form: Form, path: str, rows: list[int], list_key: str,
               list_attr: str) -> Field | None:
    match = _PATH.match(path)
    if match is None:
        return None
    key, index, sub = match["key"], match["index"], match["sub"]
    last = path.rpartition(".")[2]
    if key == list_key:
        if index is None or sub is None or int(index) >= len(rows):
            return None
        row = form[list_attr].entries[rows[int(index)]].form
        return row._fields.get(f"tr_{last}" if sub == "translations" else sub)
    if key == "translations":
        return form._fields.get(f"tr_{last}") or form._fields.get(f"tr_standard_{last}")
    if key == "service_standard" and sub:
        return form._fields.get(f"standard_{sub}")
    if key == "commitment" and index is not None and "priority_rows" in form._fields:
        return _priority_row_field(form, path, sub)
    if key == "priorities" and "priority_rows" in form._fields:
        return _priority_row_field(form, path, "hint" if sub == "hints" else "employee")
    if key in ("commitment", "business_hours"):
        return form._fields.get(sub) if sub else None
    return form._fields.get(key)
