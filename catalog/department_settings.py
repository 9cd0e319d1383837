"""A department's settings that its owners keep: description, contact, business hours and the
published response commitments per priority, with history and no lost updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from . import history
from .catalog_file import Problems
from .catalog_file.importer import set_commitments, validate_department
from .editing import require_editor
from .errors import Conflict, NotFound, ValidationError
from .messages import _
from .models import Department, DepartmentRevision, User
from .revision import bump_catalog_revision

SETTINGS_KEYS = ("description", "contact_email", "business_hours", "commitments",
                 "translations")


def _with_descriptions(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The department's translations with the descriptions the settings give (the other
    texts, such as the name an admin or an import sets, stay)."""
    merged: dict[str, Any] = {}
    for language in {*current, *given}:
        texts = {key: value for key, value in (current.get(language) or {}).items()
                 if key != "description"}
        if (given.get(language) or {}).get("description"):
            texts["description"] = given[language]["description"]
        if texts:
            merged[language] = texts
    return merged


class SettingsConflict(Conflict):
    """The settings changed since the editor loaded them; nothing was written."""

    def __init__(self, message: str, changes: list[history.Change],
                 current: dict[str, Any]) -> None:
        super().__init__(message)
        self.changes = changes
        self.current = current


def validated_settings(department: Department, raw: dict[str, Any]) -> dict[str, Any]:
    """Settings checked by the catalog file rules; ValidationError lists problems by path."""
    problems = Problems()
    data = {"slug": department.slug, "code": department.code, "name": department.name,
            "language": department.language, **{key: raw.get(key) for key in SETTINGS_KEYS}}
    values = validate_department(data, "", problems, day_minutes=department.day_minutes,
                                 default_language="en")
    hours = raw.get("business_hours")
    # The file format reads "no days" as Monday to Friday; an owner who unticks every day
    # means something else, so ask.
    if isinstance(hours, dict) and hours.get("days") == []:
        problems.add("business_hours.days", _("choose at least one working day"))
    if problems or values is None:
        raise ValidationError(_("Please correct the marked fields."), problems.as_fields())
    return values


def save_department_settings(session: Session, department: Department, raw: dict[str, Any],
                             actor: User | None, *, loaded: dict[str, Any] | None = None,
                             action: str = "edited",
                             restored_from: int | None = None) -> bool:
    """Write the settings; False if they were already so. `loaded` is the state the editor saw:
    if the settings differ from it now, SettingsConflict shows what changed and nothing is
    written. `raw["confidential"]` (a bool; absent: unchanged) marks the department
    confidential: it is not part of the revisions, so reverting never makes it public again."""
    require_editor(actor, department)
    values = validated_settings(department, raw)
    # Lock the row (PostgreSQL) so that two saves cannot both pass the check below.
    session.execute(select(Department).where(Department.id == department.id).with_for_update()
                    .options(selectinload(Department.commitments))
                    .execution_options(populate_existing=True))
    current = history.department_snapshot(department)
    if loaded is not None and loaded != current:
        raise SettingsConflict(
            _("Someone else changed these settings after you opened them; your changes were "
              "not saved."), history.compare(loaded, current, "department"), current)
    history.record_untracked_department_state(session, department)
    confidential = raw.get("confidential")
    marked = isinstance(confidential, bool) and confidential != department.confidential
    if marked:
        department.confidential = confidential
    department.description = values["description"]
    department.translations = _with_descriptions(department.translations or {},
                                                 values["translations"])
    department.contact_email = values["contact_email"]
    hours = values["hours"]
    if hours is not None:
        department.timezone, department.work_days = hours["timezone"], ",".join(hours["days"])
        department.day_start, department.day_end = hours["start"], hours["end"]
        department.holiday_region = hours["holidays"]
    if values["commitments"] is not None:
        set_commitments(department, values["commitments"])
    try:
        session.flush()
        if history.department_snapshot(department) == current:
            if marked:
                bump_catalog_revision(session)
            return marked
        history.record_department_revision(session, department, actor, action, restored_from)
    except IntegrityError as error:
        raise Conflict(_("Someone else saved these settings at the same moment; your changes "
                         "were not saved.")) from error
    bump_catalog_revision(session)
    return True


def revert_department(session: Session, department: Department, number: int, actor: User | None,
                      *, loaded: dict[str, Any] | None = None) -> bool:
    """Make an old revision of the settings current again; that is itself a new revision."""
    revision = history.get_revision(session, DepartmentRevision, department.id, number)
    if revision is None:
        raise NotFound(_("These settings have no revision %(number)d.", number=number))
    return save_department_settings(session, department, dict(revision.snapshot), actor,
                                    loaded=loaded, action="reverted", restored_from=number)
