"""An offering's priorities in the catalog file: which ones employees may choose, a hint for
each, and its own commitment, for every priority (one mapping) or per priority (a list).

```yaml
priorities:
  employee_choices: [low, normal]      # the others only the department's staff may set
  hints: {normal: "Your laptop still works", high: "You cannot work at all"}
commitment:
  - priority: normal
    first_response: 4h
    resolution: 5d
```
"""

from __future__ import annotations

from typing import Any

from ..messages import _
from ..models import PRIORITIES, Offering
from .validate import (
    Problems,
    _join,
    _mapping,
    _string_list,
    _unknown_keys,
    validate_commitments,
)

MAX_HINT = 200


def validate_priority_settings(raw: dict[str, Any], path: str, problems: Problems,
                               day_minutes: int, offering: dict[str, Any]) -> None:
    """Check `priorities` and a list-form `commitment` of one offering into `offering`."""
    offering["employee_priorities"] = None
    offering["priority_hints"] = None
    offering["priority_targets"] = None
    settings = raw.get("priorities")
    settings_path = _join(path, "priorities")
    if settings is not None and _mapping(settings, settings_path, problems) is not None:
        _unknown_keys(settings, {"employee_choices", "hints"}, settings_path, problems)
        if settings.get("employee_choices") is not None:
            choices = _string_list(settings, "employee_choices", settings_path, problems,
                                   allowed=PRIORITIES)
            if not choices:
                problems.add(_join(settings_path, "employee_choices"),
                             _("list at least one priority employees may choose"))
            offering["employee_priorities"] = [p for p in PRIORITIES if p in choices]
        offering["priority_hints"] = _hints(settings.get("hints"),
                                            _join(settings_path, "hints"), problems)
    commitment = raw.get("commitment")
    if isinstance(commitment, list):
        targets = validate_commitments(commitment, _join(path, "commitment"), day_minutes,
                                       problems)
        offering["priority_targets"] = {
            t["priority"]: [t["first_response_minutes"], t["resolution_minutes"]]
            for t in targets if t["priority"] in PRIORITIES} or None


def _hints(value: Any, path: str, problems: Problems) -> dict[str, str] | None:
    if value is None:
        return None
    if _mapping(value, path, problems) is None:
        return None
    hints: dict[str, str] = {}
    for priority, hint in value.items():
        hint_path = _join(path, str(priority))
        if priority not in PRIORITIES:
            problems.add(hint_path, _("unknown priority %(value)r; one of %(allowed)s",
                                      value=priority, allowed=", ".join(PRIORITIES)))
        elif not isinstance(hint, str):
            problems.add(hint_path, _("must be text"))
        elif "\n" in hint.strip() or len(hint.strip()) > MAX_HINT:
            problems.add(hint_path, _("must be one line of at most %(max)d characters",
                                      max=MAX_HINT))
        elif hint.strip():
            hints[priority] = hint.strip()
    return {p: hints[p] for p in PRIORITIES if p in hints} or None


def priority_settings_to_dict(offering: Offering) -> dict[str, Any] | None:
    """The `priorities` key the export writes (None: nothing set)."""
    data: dict[str, Any] = {}
    if offering.employee_priorities is not None:
        data["employee_choices"] = list(offering.employee_priorities)
    if offering.priority_hints:
        data["hints"] = dict(offering.priority_hints)
    return data or None
