"""Importing a catalog file: validate everything first, then create or update by slug."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import ValidationError
from ..messages import _
from ..models import LANGUAGES, PRIORITIES, Commitment, Department, DepartmentRole, Offering
from ..people.accounts import get_or_create_user
from ..revision import bump_catalog_revision
from .translations import validate_department_translations
from .validate import (
    CODE,
    DEPARTMENT_KEYS,
    EMAIL,
    SLUG,
    Problems,
    _join,
    _mapping,
    _string_list,
    _text,
    _unknown_keys,
    day_minutes_of,
    validate_business_hours,
    validate_commitments,
    validate_offering,
)


class CatalogFileError(ValidationError):
    """A catalog file with problems; nothing was written."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"The catalog file has {len(problems.items)} problem(s).",
                         problems.as_fields())
        self.problems = problems


@dataclass
class ImportSummary:
    """Departments (by slug) and offerings ("dept/slug") the import created or matched."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # Matched offerings whose values the file changed, and those it retired.
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated"

    def counts(self) -> dict[str, int]:
        """What the audit log keeps of an import."""
        def count(labels: list[str], offerings: bool) -> int:
            return sum(("/" in label) == offerings for label in labels)
        return {"departments_created": count(self.created, False),
                "departments_updated": count(self.updated, False),
                "offerings_created": count(self.created, True),
                "offerings_changed": len(self.changed),
                "offerings_retired": len(self.retired)}


def default_code(slug: str) -> str:
    return (slug.replace("-", "").upper() or "X")[:10]


def validate_department(raw: Any, path: str, problems: Problems, *, day_minutes: int,
                        default_language: str) -> dict[str, Any] | None:
    raw = _mapping(raw, path, problems)
    if raw is None:
        return None
    _unknown_keys(raw, DEPARTMENT_KEYS, path, problems)
    slug = _text(raw, "slug", path, problems, required=True, max_length=80)
    if slug and not SLUG.match(slug):
        problems.add(_join(path, "slug"), _("use lowercase letters, digits and single hyphens"))
    code = _text(raw, "code", path, problems, max_length=10) or default_code(slug)
    if not CODE.match(code):
        problems.add(_join(path, "code"), _("use 2 to 10 capital letters or digits, e.g. IT"))
    department: dict[str, Any] = {
        "slug": slug,
        "code": code,
        "name": _text(raw, "name", path, problems, required=True, max_length=200),
        "description": _text(raw, "description", path, problems),
        "language": raw.get("language") or default_language,
        "contact_email": _text(raw, "contact_email", path, problems, max_length=254) or None,
        # None: as it is (a new department is not confidential).
        "confidential": raw.get("confidential"),
        "hours": None,
        "commitments": None,
        "offerings": [],
    }
    if department["confidential"] is not None and not isinstance(department["confidential"], bool):
        problems.add(_join(path, "confidential"), _("must be true or false"))
    if department["language"] not in LANGUAGES:
        problems.add(_join(path, "language"),
                     _("unknown language %(value)r; one of %(allowed)s",
                       value=department["language"], allowed=", ".join(LANGUAGES)))
    department["translations"] = validate_department_translations(
        raw, department["language"], path, problems)
    if department["contact_email"] and not EMAIL.match(department["contact_email"]):
        problems.add(_join(path, "contact_email"), _("is not an e-mail address"))
    for role in ("owners", "agents", "approvers"):
        department[role] = (
            _string_list(raw, role, path, problems, check=EMAIL.match) if role in raw else None
        )
    if raw.get("business_hours") is not None:
        department["hours"] = validate_business_hours(
            raw["business_hours"], _join(path, "business_hours"), problems
        )
        day_minutes = day_minutes_of(department["hours"], day_minutes)
    if raw.get("commitments") is not None:
        department["commitments"] = validate_commitments(
            raw["commitments"], _join(path, "commitments"), day_minutes, problems
        )
    offerings = raw.get("offerings") or []
    if not isinstance(offerings, list):
        problems.add(_join(path, "offerings"), "must be a list of offerings")
        offerings = []
    seen: set[str] = set()
    for index, item in enumerate(offerings):
        item_path = _join(_join(path, "offerings"), index)
        offering = validate_offering(item, item_path, problems, day_minutes=day_minutes,
                                     default_language=default_language)
        if offering is None:
            continue
        if offering["slug"] in seen:
            problems.add(_join(item_path, "slug"), f"{offering['slug']!r} is used twice")
        seen.add(offering["slug"])
        offering["path"] = item_path  # for problems found once the whole file is read
        department["offerings"].append(offering)
    return department


def validate_catalog(session: Session, data: Any,
                     default_language: str = "en") -> tuple[list[dict[str, Any]], Problems]:
    """The file's departments, normalized, and every problem found in it."""
    problems = Problems()
    data = _mapping(data, "", problems)
    if data is None:
        return [], problems
    _unknown_keys(data, {"departments"}, "", problems)
    raw_departments = data.get("departments")
    if not isinstance(raw_departments, list):
        problems.add("departments", "must be a list of departments")
        return [], problems
    existing = {d.slug: d for d in session.scalars(select(Department))}
    departments: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_departments):
        path = _join("departments", index)
        slug = raw.get("slug") if isinstance(raw, dict) else None
        current = existing.get(slug) if isinstance(slug, str) else None
        department = validate_department(
            raw, path, problems, default_language=default_language,
            day_minutes=current.day_minutes if current else day_minutes_of(None),
        )
        if department is None:
            continue
        for other_index, other in enumerate(departments):
            for key in ("slug", "code"):
                if department[key] and department[key] == other[key]:
                    problems.add(_join(path, key), f"{department[key]!r} is also used by "
                                                   f"departments[{other_index}]")
        taken = next((d for d in existing.values()
                      if d.code == department["code"] and d.slug != department["slug"]), None)
        if taken is not None:
            problems.add(_join(path, "code"), f"{department['code']!r} is the code of {taken.slug}")
        departments.append(department)
    _check_replacements(session, departments, problems)
    return departments, problems


def _check_replacements(session: Session, departments: list[dict[str, Any]],
                        problems: Problems) -> None:
    """`replaced_by` must name an offering that exists or that the file creates."""
    known = {(dept_slug, slug) for dept_slug, slug in session.execute(
        select(Department.slug, Offering.slug).join(Offering.department))}
    known |= {(d["slug"], o["slug"]) for d in departments for o in d["offerings"]}
    for department in departments:
        for offering in department["offerings"]:
            reference = offering.get("replaced_by")
            if not reference:
                continue
            dept_slug, _sep, slug = reference.rpartition("/")
            if (dept_slug or department["slug"], slug) not in known:
                problems.add(_join(offering["path"], "replaced_by"),
                             _("there is no offering %(reference)s in the catalog or this file",
                               reference=repr(reference)))


def import_catalog(session: Session, data: Any, default_language: str = "en") -> ImportSummary:
    """Create or update departments and offerings; any problem raises before anything is written.

    The caller commits (or rolls back, for a dry run).
    """
    departments, problems = validate_catalog(session, data, default_language)
    if problems:
        raise CatalogFileError(problems)
    summary = ImportSummary()
    for values in departments:
        apply_department(session, values, summary)
    # Successors can come later in the file: link them once every offering exists.
    for values in departments:
        department = session.scalar(select(Department).where(Department.slug == values["slug"]))
        for offering_values in values["offerings"]:
            if offering_values.get("replaced_by"):
                offering = session.scalar(select(Offering).where(
                    Offering.department_id == department.id,
                    Offering.slug == offering_values["slug"]))
                offering.replaced_by = resolve_replacement(
                    session, department, offering_values["replaced_by"])
    session.flush()
    bump_catalog_revision(session)
    audit.record(session, actor=audit.current_actor(session), action="catalog.imported",
                 subject="catalog file", details=summary.counts())
    return summary


def apply_department(session: Session, values: dict[str, Any], summary: ImportSummary) -> None:
    department = session.scalar(select(Department).where(Department.slug == values["slug"]))
    if department is None:
        department = Department(slug=values["slug"])
        session.add(department)
        summary.created.append(values["slug"])
    else:
        summary.updated.append(values["slug"])
    for key in ("code", "name", "description", "contact_email", "language", "translations"):
        setattr(department, key, values[key])
    if values["confidential"] is not None:
        department.confidential = values["confidential"]
    if values["hours"]:
        hours = values["hours"]
        department.timezone = hours["timezone"]
        department.work_days = ",".join(hours["days"])
        department.day_start, department.day_end = hours["start"], hours["end"]
        department.holiday_region = hours["holidays"]
    for role in ("owner", "agent", "approver"):
        emails = values[f"{role}s"]
        if emails is not None:
            set_role_holders(session, department, role, emails)
    if values["commitments"] is not None:
        set_commitments(department, values["commitments"])
    session.flush()
    for offering_values in values["offerings"]:
        offering = session.scalar(select(Offering).where(
            Offering.department_id == department.id, Offering.slug == offering_values["slug"]))
        label = f"{department.slug}/{offering_values['slug']}"
        (summary.updated if offering else summary.created).append(label)
        before = offering and {key: getattr(offering, key) for key in OFFERING_COLUMNS}
        offering = apply_offering(session, department, offering_values, offering)
        if before and before != {key: getattr(offering, key) for key in OFFERING_COLUMNS}:
            summary.changed.append(label)
        if offering.status == "retired" and (before or {}).get("status") != "retired":
            summary.retired.append(label)


def set_role_holders(session: Session, department: Department, role: str,
                     emails: list[str]) -> None:
    """Make exactly these people the department's owners (or agents, or approvers)."""
    wanted = [get_or_create_user(session, email) for email in emails]
    wanted_ids = {user.id for user in wanted}
    for held in [r for r in department.roles if r.role == role]:
        if held.user_id not in wanted_ids:
            department.roles.remove(held)
    held_ids = {r.user_id for r in department.roles if r.role == role}
    for user in wanted:
        if user.id not in held_ids:
            department.roles.append(DepartmentRole(user=user, role=role))


def set_commitments(department: Department, commitments: list[dict[str, Any]]) -> None:
    """Replace the department's published commitments with these."""
    by_priority = {c.priority: c for c in department.commitments}
    wanted = {c["priority"] for c in commitments}
    for priority, commitment in by_priority.items():
        if priority not in wanted:
            department.commitments.remove(commitment)
    for values in commitments:
        commitment = by_priority.get(values["priority"])
        if commitment is None:
            commitment = Commitment(priority=values["priority"])
            department.commitments.append(commitment)
        commitment.rank = PRIORITIES.index(values["priority"])
        commitment.first_response_minutes = values["first_response_minutes"]
        commitment.resolution_minutes = values["resolution_minutes"]


OFFERING_COLUMNS = (
    "slug", "title", "status", "language", "summary", "description", "keywords", "audience",
    "included", "not_included", "prerequisites", "process", "first_response_minutes",
    "resolution_minutes", "form", "review_interval_months", "priority_targets",
    "employee_priorities", "priority_hints", "approval", "translations",
)


def apply_offering(session: Session, department: Department, values: dict[str, Any],
                   offering: Offering | None = None) -> Offering:
    """Write validated offering values (create when `offering` is None); returns the offering."""
    if offering is None:
        offering = Offering(department=department)
        session.add(offering)
    for key in OFFERING_COLUMNS:
        if key in values:
            setattr(offering, key, values[key])
    replacement = values.get("replaced_by")
    offering.replaced_by = resolve_replacement(session, department, replacement)
    session.flush()
    return offering


def resolve_replacement(session: Session, department: Department,
                        reference: str | None) -> Offering | None:
    """The offering named by "slug" (same department) or "dept/slug"; None if it is unknown."""
    if not reference:
        return None
    dept_slug, _sep, slug = reference.rpartition("/")
    query = select(Offering).join(Department).where(Offering.slug == slug)
    query = query.where(Department.slug == dept_slug) if dept_slug else query.where(
        Offering.department_id == department.id)
    return session.scalar(query)
