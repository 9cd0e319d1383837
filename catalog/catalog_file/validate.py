"""Checking a catalog file (or one offering of it) and turning it into normalized values.

Every problem is collected with its path in the file, e.g.
`departments[2].offerings[0].form[1].type`, so that one run reports all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import WEEKDAYS, holiday_region_is_known
from ..durations import parse_duration
from ..field_rules import RULE_KEYS, validate_links, validate_rules
from ..messages import _
from ..models import (
    APPROVAL_KINDS,
    AUDIENCES,
    FIELD_TYPES,
    LANGUAGES,
    OFFERING_STATUSES,
    PRIORITIES,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}\Z")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}\Z")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
DEFAULT_DAY_MINUTES = 540

DEPARTMENT_KEYS = {
    "slug", "code", "name", "description", "language", "translations", "contact_email",
    "owners", "agents", "approvers", "business_hours", "commitments", "offerings", "confidential",
}
OFFERING_KEYS = {
    "slug", "title", "status", "language", "summary", "description", "keywords", "audience",
    "service_standard", "commitment", "form", "replaced_by", "review_interval_months",
    "priorities",
    "approval", "translations",
}
FIELD_KEYS = {"name", "label", "type", "required", "help", "choices", "show_if", "translations",
              *RULE_KEYS}
# Keys the API adds when it shows an offering; sending them back is harmless.
READ_ONLY_KEYS = {"id", "url", "department", "etag", "version", "created_at", "updated_at",
                  "reviewed_at", "review_due", "commitments"}


class Problems:
    """Collects (path, message) pairs."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def as_fields(self) -> dict[str, str]:
        return {path: message for path, message in reversed(self.items)}

    def __str__(self) -> str:
        return "\n".join(f"{path}: {message}" for path, message in self.items)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _text(data: dict, key: str, path: str, problems: Problems, *, required: bool = False,
          max_length: int = 20000) -> str:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(_join(path, key), _("is required"))
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.add(_join(path, key), _("must be text"))
        return ""
    value = value.strip()
    if required and not value:
        problems.add(_join(path, key), _("must not be empty"))
    if len(value) > max_length:
        problems.add(_join(path, key), _("is longer than %(max)d characters", max=max_length))
    return value


def _string_list(data: dict, key: str, path: str, problems: Problems,
                 allowed: tuple[str, ...] | None = None,
                 check: Callable[[str], bool] | None = None) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        problems.add(_join(path, key), _("must be a list"))
        return []
    result: list[str] = []
    for index, item in enumerate(value):
        item_path = _join(_join(path, key), index)
        if not isinstance(item, (str, int)) or isinstance(item, bool) or not str(item).strip():
            problems.add(item_path, _("must be non-empty text"))
            continue
        item = str(item).strip()
        if allowed is not None and item not in allowed:
            problems.add(item_path, _("unknown value %(value)r; one of %(allowed)s", value=item,
                                       allowed=", ".join(allowed)))
        elif check is not None and not check(item):
            problems.add(item_path, _("%(value)r is not valid", value=item))
        elif item not in result:
            result.append(item)
    return result


def _unknown_keys(data: dict, allowed: set[str], path: str, problems: Problems) -> None:
    for key in data:
        if key not in allowed and key not in READ_ONLY_KEYS:
            problems.add(_join(path, str(key)), _("unknown key"))


def _mapping(value: Any, path: str, problems: Problems) -> dict | None:
    if not isinstance(value, dict):
        problems.add(path or "(file)", _("must be a mapping of keys to values"))
        return None
    return value


def _duration(value: Any, path: str, day_minutes: int, problems: Problems) -> int | None:
    if value is None:
        problems.add(path, _("is required"))
        return None
    try:
        return parse_duration(str(value), day_minutes)
    except ValueError as error:
        problems.add(path, error.args[0] if error.args else str(error))  # keeps a Message
        return None


def validate_form(value: Any, path: str, problems: Problems,
                  language: str = "en") -> list[dict[str, Any]]:
    """The request form's field definitions, in order (their texts in `language`)."""
    from .translations import validate_field_translations  # it builds on this module's helpers

    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(path, _("must be a list of fields"))
        return []
    fields: list[dict[str, Any]] = []
    names: set[str] = set()
    entries: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for index, raw in enumerate(value):
        field_path = _join(path, index)
        raw = _mapping(raw, field_path, problems)
        if raw is None:
            continue
        _unknown_keys(raw, FIELD_KEYS, field_path, problems)
        name = _text(raw, "name", field_path, problems, required=True, max_length=50)
        if name and not FIELD_NAME.match(name):
            problems.add(_join(field_path, "name"),
                         _("use lowercase letters, digits and underscores, starting with a "
                           "letter"))
        elif name in names:
            problems.add(_join(field_path, "name"),
                         _("%(name)r is used twice in this form", name=name))
        names.add(name)
        field: dict[str, Any] = {
            "name": name,
            "label": _text(raw, "label", field_path, problems, required=True, max_length=200),
            "type": raw.get("type", "text"),
            "required": raw.get("required", False),
            "help": _text(raw, "help", field_path, problems, max_length=500),
        }
        if field["type"] not in FIELD_TYPES:
            problems.add(_join(field_path, "type"),
                         _("unknown type %(value)r; one of %(allowed)s", value=field["type"],
                           allowed=", ".join(FIELD_TYPES)))
        if not isinstance(field["required"], bool):
            problems.add(_join(field_path, "required"), _("must be true or false"))
        if field["type"] in ("select", "multiselect"):
            choices = _string_list(raw, "choices", field_path, problems)
            if not choices:
                problems.add(_join(field_path, "choices"), _("a choice field needs choices"))
            field["choices"] = choices
        if field["type"] in FIELD_TYPES:
            validate_rules(raw, field, field_path, problems.add)
        translations = validate_field_translations(raw, language, field.get("choices") or [],
                                                   field_path, problems)
        if translations:
            field["translations"] = translations
        fields.append(field)
        entries.append((index, field, raw))
    validate_links(entries, path, problems.add)
    return fields


def validate_offering(raw: Any, path: str, problems: Problems, *, day_minutes: int,
                      default_language: str = "en") -> dict[str, Any] | None:
    """One offering in the catalog file format, normalized; problems are added with paths."""
    raw = _mapping(raw, path, problems)
    if raw is None:
        return None
    _unknown_keys(raw, OFFERING_KEYS, path, problems)
    slug = _text(raw, "slug", path, problems, required=True, max_length=80)
    if slug and not SLUG.match(slug):
        problems.add(_join(path, "slug"), _("use lowercase letters, digits and single hyphens"))
    language = raw.get("language") or default_language
    offering: dict[str, Any] = {
        "slug": slug,
        "title": _text(raw, "title", path, problems, required=True, max_length=200),
        "status": raw.get("status") or "published",
        "language": language,
        "summary": _text(raw, "summary", path, problems, max_length=500),
        "description": _text(raw, "description", path, problems),
        "keywords": _string_list(raw, "keywords", path, problems),
        "audience": _string_list(raw, "audience", path, problems, allowed=AUDIENCES),
        "form": validate_form(raw.get("form"), _join(path, "form"), problems, language),
        "first_response_minutes": None,
        "resolution_minutes": None,
        "replaced_by": _text(raw, "replaced_by", path, problems, max_length=200) or None,
        "review_interval_months": raw.get("review_interval_months", 12),
        "approval": validate_approval(raw, path, problems),
    }
    if offering["status"] not in OFFERING_STATUSES:
        problems.add(_join(path, "status"),
                     _("unknown status %(value)r; one of %(allowed)s", value=offering["status"],
                       allowed=", ".join(OFFERING_STATUSES)))
    if offering["language"] not in LANGUAGES:
        problems.add(_join(path, "language"),
                     _("unknown language %(value)r; one of %(allowed)s",
                       value=offering["language"], allowed=", ".join(LANGUAGES)))
    interval = offering["review_interval_months"]
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 60:
        problems.add(_join(path, "review_interval_months"),
                     _("must be a whole number from 1 to 60"))
    standard = raw.get("service_standard") or {}
    standard_path = _join(path, "service_standard")
    if _mapping(standard, standard_path, problems) is not None:
        _unknown_keys(standard, {"included", "not_included", "prerequisites", "process"},
                      standard_path, problems)
        for section in ("included", "not_included", "prerequisites", "process"):
            offering[section] = _text(standard, section, standard_path, problems)
    from .priorities import validate_priority_settings  # it builds on this module's helpers
    from .translations import validate_offering_translations

    validate_priority_settings(raw, path, problems, day_minutes, offering)
    offering["translations"] = validate_offering_translations(raw, language, path, problems)
    commitment = raw.get("commitment")
    if commitment is not None and not isinstance(commitment, list):
        commitment_path = _join(path, "commitment")
        if _mapping(commitment, commitment_path, problems) is not None:
            _unknown_keys(commitment, {"first_response", "resolution"}, commitment_path, problems)
            for key in ("first_response", "resolution"):
                offering[f"{key}_minutes"] = _duration(
                    commitment.get(key), _join(commitment_path, key), day_minutes, problems
                )
    return offering


def validate_approval(raw: dict, path: str, problems: Problems) -> list[str]:
    """`approval`: none, `manager`, `department` or both, manager first (the order they run)."""
    value = raw.get("approval")
    if value in (None, "none", "", []):
        return []
    steps = _string_list(raw, "approval", path, problems, allowed=APPROVAL_KINDS)
    if steps and steps != [kind for kind in APPROVAL_KINDS if kind in steps]:
        problems.add(_join(path, "approval"), _("the manager approves first: write "
                                                "[manager, department]"))
    return [kind for kind in APPROVAL_KINDS if kind in steps]


def validate_business_hours(raw: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    raw = _mapping(raw, path, problems)
    if raw is None:
        return None
    _unknown_keys(raw, {"timezone", "days", "start", "end", "holidays"}, path, problems)
    hours = {
        "timezone": _text(raw, "timezone", path, problems, max_length=64) or "Europe/Berlin",
        "days": _string_list(raw, "days", path, problems, allowed=WEEKDAYS)
        or ["mon", "tue", "wed", "thu", "fri"],
        "start": _text(raw, "start", path, problems, max_length=5) or "08:00",
        "end": _text(raw, "end", path, problems, max_length=5) or "17:00",
        "holidays": _text(raw, "holidays", path, problems, max_length=20) or None,
    }
    try:
        ZoneInfo(hours["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.add(_join(path, "timezone"),
                     _("unknown time zone %(value)r", value=hours["timezone"]))
    for key in ("start", "end"):
        if not CLOCK_TIME.match(hours[key]):
            problems.add(_join(path, key), _("must be a time like 08:00"))
    if CLOCK_TIME.match(hours["start"]) and CLOCK_TIME.match(hours["end"]) \
            and hours["start"] >= hours["end"]:
        problems.add(_join(path, "end"), _("must be later than start"))
    if hours["holidays"] and not holiday_region_is_known(hours["holidays"]):
        problems.add(_join(path, "holidays"),
                     _("unknown holiday region %(value)r; use e.g. DE-BY or GB",
                       value=hours["holidays"]))
    sorted_days = [day for day in WEEKDAYS if day in hours["days"]]
    hours["days"] = sorted_days
    return hours


def day_minutes_of(hours: dict[str, Any] | None, fallback: int = DEFAULT_DAY_MINUTES) -> int:
    """Length of the working day in minutes, for turning "1d" into minutes."""
    if not hours or not CLOCK_TIME.match(hours["start"]) or not CLOCK_TIME.match(hours["end"]):
        return fallback
    start_h, start_m = map(int, hours["start"].split(":"))
    end_h, end_m = map(int, hours["end"].split(":"))
    return max((end_h * 60 + end_m) - (start_h * 60 + start_m), 1)


def validate_commitments(raw: Any, path: str, day_minutes: int,
                         problems: Problems) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        problems.add(path, _("must be a list of commitments"))
        return []
    commitments: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        item_path = _join(path, index)
        item = _mapping(item, item_path, problems)
        if item is None:
            continue
        _unknown_keys(item, {"priority", "first_response", "resolution"}, item_path, problems)
        priority = item.get("priority", "normal")
        if priority not in PRIORITIES:
            problems.add(_join(item_path, "priority"),
                         _("unknown priority %(value)r; one of %(allowed)s", value=priority,
                           allowed=", ".join(PRIORITIES)))
        elif any(c["priority"] == priority for c in commitments):
            problems.add(_join(item_path, "priority"),
                         _("%(value)r is listed twice", value=priority))
        commitments.append({
            "priority": priority,
            "first_response_minutes": _duration(item.get("first_response"),
                                                _join(item_path, "first_response"),
                                                day_minutes, problems),
            "resolution_minutes": _duration(item.get("resolution"), _join(item_path, "resolution"),
                                            day_minutes, problems),
        })
    return commitments
