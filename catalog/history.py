"""Revisions of offerings and of department settings, and readable differences between them.

A snapshot is the thing in the catalog file format (JSON), so an old revision can be restored
through the same validation as any other save. Diffs compare "flattened" snapshots: one text per
thing an owner edits (title, a service-standard section, the request form, a priority's
commitment), compared line by line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .catalog_file import offering_to_dict
from .catalog_file.exporter import business_hours_to_dict, commitments_to_list
from .field_rules import RULE_KEYS
from .models import (
    PRIORITIES,
    STANDARD_SECTIONS,
    Department,
    DepartmentRevision,
    Offering,
    OfferingRevision,
    User,
)
from .pagination import Page, paginate
from .translations import LANGUAGES

Revision = OfferingRevision | DepartmentRevision

# The order in which a diff lists what changed.
OFFERING_KEYS = (
    "title", "slug", "status", "replaced_by", "language", "summary", "description", "keywords",
    "audience", *STANDARD_SECTIONS, "commitment", "priorities", "approval", "form",
    "review_interval_months", "reviewed_at",
)
# The other language's texts, each its own key, e.g. "title.de" ("Title (Deutsch)").
TRANSLATED_KEYS = ("title", "summary", "description", "keywords", *STANDARD_SECTIONS,
                   "priorities")
OFFERING_KEYS += tuple(f"{key}.{language}" for language in LANGUAGES for key in TRANSLATED_KEYS)
DEPARTMENT_KEYS = (
    "description", *(f"description.{language}" for language in LANGUAGES), "contact_email",
    "timezone", "days", "hours", "holidays",
    *(f"commitment_{priority}" for priority in PRIORITIES),
)


@dataclass(frozen=True)
class Change:
    """One thing that differs: its key, and lines tagged "-" (removed), "+" (added), " " (kept)."""

    key: str
    lines: list[tuple[str, str]]


# Snapshots ---------------------------------------------------------------------------------------

def offering_snapshot(offering: Offering) -> dict[str, Any]:
    """The offering in the catalog file format, plus when it was last reviewed."""
    data = offering_to_dict(offering)
    data["reviewed_at"] = offering.reviewed_at.isoformat() if offering.reviewed_at else None
    return data


def department_snapshot(department: Department) -> dict[str, Any]:
    """The settings an owner edits, in the catalog file format."""
    commitments = sorted(commitments_to_list(department),
                         key=lambda c: PRIORITIES.index(c["priority"]))
    return {
        "description": department.description or "",
        "contact_email": department.contact_email or "",
        "business_hours": business_hours_to_dict(department),
        "commitments": commitments,
        # The other language's description (written only when there is one, so that the
        # revisions recorded before it existed still equal the department as it is).
        **({"translations": described} if (described := _described(department)) else {}),
    }


def _described(department: Department) -> dict[str, Any]:
    return {language: {"description": texts["description"]}
            for language, texts in (department.translations or {}).items()
            if isinstance(texts, dict) and texts.get("description")}


def flatten_offering(snapshot: dict[str, Any]) -> dict[str, str]:
    standard = snapshot.get("service_standard") or {}
    commitment = snapshot.get("commitment") or {}
    flat = {key: str(snapshot.get(key) or "") for key in (
        "title", "slug", "status", "replaced_by", "language", "summary", "description")}
    flat.update({section: standard.get(section) or "" for section in STANDARD_SECTIONS})
    flat["keywords"] = ", ".join(snapshot.get("keywords") or [])
    flat["audience"] = ", ".join(snapshot.get("audience") or [])
    flat["commitment"] = "\n".join(
        (f"{item['priority']}: " if "priority" in item else "")
        + f"first_response: {item['first_response']}, resolution: {item['resolution']}"
        for item in (commitment if isinstance(commitment, list) else [commitment] if commitment
                     else []))
    priorities = snapshot.get("priorities") or {}
    flat["priorities"] = "\n".join(
        ([f"employee_choices: {', '.join(priorities['employee_choices'])}"]
         if priorities.get("employee_choices") is not None else [])
        + [f"{p}: {hint}" for p, hint in (priorities.get("hints") or {}).items()])
    flat["approval"] = ", ".join(snapshot.get("approval") or [])
    flat["form"] = "\n".join(_form_field_line(field) for field in snapshot.get("form") or [])
    flat["review_interval_months"] = str(snapshot.get("review_interval_months") or 12)
    flat["reviewed_at"] = (snapshot.get("reviewed_at") or "")[:10]
    translations = snapshot.get("translations") or {}
    for language in LANGUAGES:
        texts = translations.get(language) or {}
        standard = texts.get("service_standard") or {}
        for key in ("title", "summary", "description"):
            flat[f"{key}.{language}"] = str(texts.get(key) or "")
        flat[f"keywords.{language}"] = ", ".join(texts.get("keywords") or [])
        flat.update({f"{section}.{language}": standard.get(section) or ""
                     for section in STANDARD_SECTIONS})
        flat[f"priorities.{language}"] = "\n".join(
            f"{p}: {hint}" for p, hint in ((texts.get("priorities") or {}).get("hints")
                                           or {}).items())
    return flat


def _form_field_line(field: dict[str, Any]) -> str:
    parts = [str(field.get("name", "")), repr(field.get("label", "")), str(field.get("type"))]
    if field.get("required"):
        parts.append("required")
    if field.get("choices"):
        parts.append("choices: " + ", ".join(field["choices"]))
    if field.get("help"):
        parts.append("help: " + field["help"])
    parts.extend(f"{key}: {field[key]}" for key in (*RULE_KEYS, "show_if") if key in field)
    for language, texts in sorted((field.get("translations") or {}).items()):
        parts.append(f"{language}: " + ", ".join(f"{key}: {value}"
                                                 for key, value in sorted(texts.items())))
    return " · ".join(parts)


def flatten_department(snapshot: dict[str, Any]) -> dict[str, str]:
    hours = snapshot.get("business_hours") or {}
    flat = {
        "description": snapshot.get("description") or "",
        "contact_email": snapshot.get("contact_email") or "",
        "timezone": hours.get("timezone", ""),
        "days": ", ".join(hours.get("days") or []),
        "hours": f"{hours.get('start', '')}–{hours.get('end', '')}",
        "holidays": hours.get("holidays") or "",
        **{f"description.{language}": texts.get("description") or ""
           for language in LANGUAGES
           for texts in [(snapshot.get("translations") or {}).get(language) or {}]},
    }
    by_priority = {c["priority"]: c for c in snapshot.get("commitments") or []}
    for priority in PRIORITIES:
        item = by_priority.get(priority)
        flat[f"commitment_{priority}"] = (
            f"first_response: {item['first_response']}, resolution: {item['resolution']}"
            if item else "")
    return flat


# Differences -------------------------------------------------------------------------------------

def compare(old: dict[str, Any] | None, new: dict[str, Any], kind: str) -> list[Change]:
    """What differs between two snapshots; `kind` is "offering" or "department"."""
    flatten, keys = ((flatten_offering, OFFERING_KEYS) if kind == "offering"
                     else (flatten_department, DEPARTMENT_KEYS))
    before, after = _normalised(flatten(old or {})), _normalised(flatten(new))
    return [Change(key, _line_diff(before[key], after[key]))
            for key in keys if before[key] != after[key]]


def _normalised(flat: dict[str, str]) -> dict[str, str]:
    """Texts as a reader compares them: one kind of line break, no blanks at line ends, no
    blank lines around. An import's CRLF and trailing blanks, which a browser does not send
    back, are not an owner's change."""
    return {key: "\n".join(line.rstrip() for line in value.replace("\r\n", "\n")
                           .replace("\r", "\n").split("\n")).strip("\n").strip()
            for key, value in flat.items()}


def changed_keys(old: dict[str, Any] | None, new: dict[str, Any], kind: str) -> list[str]:
    return [change.key for change in compare(old, new, kind)] if old is not None else []


# Unchanged runs longer than this shrink to CONTEXT lines each side and a "…" line (its text is
# the number of lines left out), so a one-word edit in a long text stays easy to spot.
LONG_RUN, CONTEXT = 7, 2


def _line_diff(before: str, after: str) -> list[tuple[str, str]]:
    old_lines, new_lines = before.splitlines(), after.splitlines()
    lines: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept = old_lines[i1:i2]
            if len(kept) > LONG_RUN:
                head = kept[:CONTEXT] if i1 > 0 else []
                tail = kept[-CONTEXT:] if i2 < len(old_lines) else []
                lines += [(" ", line) for line in head]
                lines.append(("…", str(len(kept) - len(head) - len(tail))))
                lines += [(" ", line) for line in tail]
            else:
                lines += [(" ", line) for line in kept]
            continue
        lines += [("-", line) for line in old_lines[i1:i2]]
        lines += [("+", line) for line in new_lines[j1:j2]]
    return lines


# Recording and reading revisions ----------------------------------------------------------------

def _owner(model: type[Revision]) -> Any:
    return OfferingRevision.offering_id if model is OfferingRevision \
        else DepartmentRevision.department_id


def latest_revision(session: Session, model: type[Revision], owner_id: int) -> Revision | None:
    return session.scalar(select(model).where(_owner(model) == owner_id)
                          .order_by(model.number.desc()).limit(1))


def get_revision(session: Session, model: type[Revision], owner_id: int,
                 number: int) -> Revision | None:
    return session.scalar(select(model).where(_owner(model) == owner_id, model.number == number))


def list_revisions(session: Session, model: type[Revision], owner_id: int, page: int = 1,
                   per_page: int = 20) -> Page[Revision]:
    """Newest first, with their authors, a page at a time."""
    query = (select(model).where(_owner(model) == owner_id).order_by(model.number.desc())
             .options(joinedload(model.author)))
    return paginate(session, query, page, per_page)


def offering_revision_at(session: Session, offering: Offering,
                         version: int) -> OfferingRevision | None:
    """The revision that recorded the offering at that version, if there is one."""
    return session.scalar(
        select(OfferingRevision)
        .where(OfferingRevision.offering_id == offering.id, OfferingRevision.version == version)
        .order_by(OfferingRevision.number.desc()).limit(1))


def record_offering_revision(session: Session, offering: Offering, actor: User | None,
                             action: str, restored_from: int | None = None) -> OfferingRevision:
    """Store the offering's state as it is now (after the caller's flush) as a new revision."""
    latest = latest_revision(session, OfferingRevision, offering.id)
    snapshot = offering_snapshot(offering)
    revision = OfferingRevision(
        offering_id=offering.id, number=latest.number + 1 if latest else 1,
        version=offering.version, author_id=actor.id if actor else None, action=action,
        changed=changed_keys(latest.snapshot if latest else None, snapshot, "offering"),
        restored_from=restored_from, snapshot=snapshot,
    )
    session.add(revision)
    session.flush()
    return revision


def record_department_revision(session: Session, department: Department, actor: User | None,
                               action: str,
                               restored_from: int | None = None) -> DepartmentRevision:
    latest = latest_revision(session, DepartmentRevision, department.id)
    snapshot = department_snapshot(department)
    revision = DepartmentRevision(
        department_id=department.id, number=latest.number + 1 if latest else 1,
        author_id=actor.id if actor else None, action=action,
        changed=changed_keys(latest.snapshot if latest else None, snapshot, "department"),
        restored_from=restored_from, snapshot=snapshot,
    )
    session.add(revision)
    session.flush()
    return revision


def record_untracked_offering_state(session: Session, offering: Offering) -> None:
    """Before a save: keep the current state if no revision holds it yet (an import wrote it)."""
    latest = latest_revision(session, OfferingRevision, offering.id)
    if latest is None:
        record_offering_revision(session, offering, None, "imported")
    elif latest.version != offering.version or latest.snapshot != offering_snapshot(offering):
        record_offering_revision(session, offering, None, "outside")


def record_untracked_department_state(session: Session, department: Department) -> None:
    latest = latest_revision(session, DepartmentRevision, department.id)
    if latest is None:
        record_department_revision(session, department, None, "imported")
    elif latest.snapshot != department_snapshot(department):
        record_department_revision(session, department, None, "outside")
