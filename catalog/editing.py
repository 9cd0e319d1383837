"""Creating and changing offerings: one way for the pages and the API, with history and no lost
updates. Every function checks permission, validates with the catalog file rules, writes, records
a revision and bumps the catalog revision; it flushes, and the caller commits."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import history
from .catalog_file import Problems, apply_offering, validate_offering
from .directory import find_offering
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .messages import _
from .models import Department, Offering, OfferingAlias, OfferingRevision, User
from .permissions import can
from .reviews import set_reviewed
from .revision import bump_catalog_revision
from .slugs import rename_offering
from .webhooks import events as webhook_events

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                         "Ü": "Ue"})


class EditConflict(Conflict):
    """The offering was saved by someone else since the editor loaded it; nothing was written."""

    def __init__(self, message: str, current_version: int,
                 changes: list[history.Change] | None) -> None:
        super().__init__(message)
        self.current_version = current_version
        # None: the state the editor loaded was never recorded (e.g. an import replaced it).
        self.changes = changes


def suggest_slug(title: str) -> str:
    """A slug made from a title: "Schlüssel & Ausweis" -> "schluessel-ausweis"."""
    ascii_title = unicodedata.normalize("NFKD", (title or "").translate(_GERMAN))
    ascii_title = ascii_title.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:80].strip("-")


def require_editor(actor: User | None, department: Department) -> None:
    if not can(actor, "edit_catalog", department):
        raise PermissionDenied(_("Only the department's owners and admins may edit its catalog."))


def check_version(session: Session, offering: Offering, expected_version: int | None) -> None:
    """Refuse a save made from an older version than the current one, showing what changed."""
    if expected_version is None or expected_version == offering.version:
        return
    loaded = history.offering_revision_at(session, offering, expected_version)
    changes = (history.compare(loaded.snapshot, history.offering_snapshot(offering), "offering")
               if loaded is not None else None)
    raise EditConflict(
        _("Someone else saved this offering after you opened it; your changes were not saved."),
        offering.version, changes)


def save_offering(session: Session, department: Department, raw: Any, actor: User | None, *,
                  offering: Offering | None = None, expected_version: int | None = None,
                  default_language: str = "en", action: str | None = None,
                  restored_from: int | None = None) -> Offering:
    """Create (offering None) or replace an offering from catalog-file data; returns it.

    A changed slug renames the offering and keeps the old address as an alias. Saving what is
    already there writes nothing and records no revision.
    """
    require_editor(actor, department)
    if offering is not None and offering.department_id != department.id:
        raise NotFound(_("That offering belongs to another department."))
    if offering is not None and isinstance(raw, dict) and not raw.get("slug"):
        raw = {**raw, "slug": offering.slug}
    if offering is not None:
        check_version(session, offering, expected_version)
    values = validated_offering(session, department, raw, offering, default_language)
    if offering is not None:
        history.record_untracked_offering_state(session, offering)
        before = history.offering_snapshot(offering)
    try:
        if offering is None:
            # A new offering takes over an address that used to redirect elsewhere.
            session.execute(delete(OfferingAlias).where(
                OfferingAlias.department_id == department.id,
                OfferingAlias.slug == values["slug"]))
            offering = apply_offering(session, department, values)
            action = action or "created"
        else:
            rename_offering(session, offering, values["slug"])
            apply_offering(session, department, values, offering)
            if history.offering_snapshot(offering) == before:
                return offering
            action = action or status_action(before["status"], offering.status)
        history.record_offering_revision(session, offering, actor, action, restored_from)
        webhook_events.offering_saved(session, offering, action)
    except (StaleDataError, IntegrityError) as error:
        # Another save of the same offering won the race between our check and our write.
        raise EditConflict(_("Someone else saved this offering at the same moment; "
                             "your changes were not saved."), -1, None) from error
    bump_catalog_revision(session)
    return offering


def validated_offering(session: Session, department: Department, raw: Any,
                       offering: Offering | None, default_language: str) -> dict[str, Any]:
    """The values to write, or ValidationError with every problem at its field path."""
    problems = Problems()
    values = validate_offering(raw, "", problems, day_minutes=department.day_minutes,
                               default_language=default_language)
    if values is not None:
        taken = session.scalar(select(Offering.id).where(
            Offering.department_id == department.id, Offering.slug == values["slug"]))
        if values["slug"] and taken is not None and (offering is None or taken != offering.id):
            problems.add("slug", _("another offering of this department already uses "
                                   "%(slug)r", slug=values["slug"]))
        values["replaced_by"] = _replacement(session, department, values.get("replaced_by"),
                                             offering, problems)
    if problems or values is None:
        raise ValidationError(_("Please correct the marked fields."), problems.as_fields())
    return values


def _replacement(session: Session, department: Department, reference: str | None,
                 offering: Offering | None, problems: Problems) -> str | None:
    """The replacement's current reference ("slug" or "dept/slug"), following renames."""
    if not reference:
        return None
    dept_slug, _sep, slug = reference.rpartition("/")
    try:
        target = find_offering(session, dept_slug or department.slug, slug).item
    except NotFound:
        problems.add("replaced_by", _("there is no offering %(value)r", value=reference))
        return None
    if offering is not None and target.id == offering.id:
        problems.add("replaced_by", _("an offering cannot replace itself"))
        return None
    return (target.slug if target.department_id == department.id
            else f"{target.department.slug}/{target.slug}")


def status_action(old: str, new: str) -> str:
    """How history names a save that moved the offering from one status to another."""
    if old == new:
        return "edited"
    if new == "published":
        return "restored" if old == "retired" else "published"
    return "retired" if new == "retired" else "edited"


def change_status(session: Session, offering: Offering, status: str, actor: User | None, *,
                  expected_version: int | None = None) -> Offering:
    """Publish, retire or restore (a retired one, back to published) through the one save path."""
    snapshot = history.offering_snapshot(offering)
    if snapshot["status"] == status:
        return offering
    snapshot["status"] = status
    if status != "retired":
        snapshot.pop("replaced_by", None)  # a replacement only makes sense for a retired one
    return save_offering(session, offering.department, snapshot, actor, offering=offering,
                         expected_version=expected_version, default_language=offering.language)


def revert_offering(session: Session, offering: Offering, number: int, actor: User | None, *,
                    expected_version: int | None = None) -> Offering:
    """Make an old revision the current state again; that is itself a new revision."""
    revision = history.get_revision(session, OfferingRevision, offering.id, number)
    if revision is None:
        raise NotFound(_("This offering has no revision %(number)d.", number=number))
    return save_offering(session, offering.department, dict(revision.snapshot), actor,
                         offering=offering, expected_version=expected_version, action="reverted",
                         restored_from=number, default_language=offering.language)


def mark_reviewed(session: Session, offering: Offering, actor: User | None, *,
                  expected_version: int | None = None) -> Offering:
    """Record that an owner checked the service standard today; a revision says who did."""
    require_editor(actor, offering.department)
    check_version(session, offering, expected_version)
    history.record_untracked_offering_state(session, offering)
    set_reviewed(offering)
    try:
        session.flush()
        history.record_offering_revision(session, offering, actor, "reviewed")
    except (StaleDataError, IntegrityError) as error:
        raise EditConflict(_("Someone else saved this offering at the same moment."), -1,
                           None) from error
    bump_catalog_revision(session)
    return offering
