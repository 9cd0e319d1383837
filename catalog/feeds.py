"""What is new, changed and retired in the catalog: the entries of its Atom feeds.

One entry per offering, identified by its permanent link, so a feed reader shows a changed
offering as an updated entry rather than as a second one; `updated` moves with every save (in
the portal, by an import or through the API). What changed is read from the offering's newest
revision when that revision is the offering's current state; changes made outside the editor
(imports, the API) have no revision yet and are summarised as "changed". Drafts never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .models import Department, Offering, OfferingRevision

LIMIT = 50
# A revision with one of these actions made the offering (again) part of the catalog.
NEW_ACTIONS = ("created", "published", "restored")


@dataclass(frozen=True)
class FeedEntry:
    """One offering as a feed shows it: `kind` is "new", "changed" or "retired"."""

    offering: Offering
    kind: str
    updated: datetime
    published: datetime
    # The keys the newest revision changed (title, description, …); empty when not known.
    changed: tuple[str, ...] = ()


def catalog_changes(session: Session, department: Department | None = None,
                    limit: int = LIMIT) -> list[FeedEntry]:
    """The offerings (of one department, or all) most recently created, changed or retired."""
    query = (
        select(Offering)
        .where(Offering.status.in_(("published", "retired")))
        .options(joinedload(Offering.department), joinedload(Offering.replaced_by))
        .order_by(Offering.updated_at.desc(), Offering.id.desc())
        .limit(limit)
    )
    if department is not None:
        query = query.where(Offering.department_id == department.id)
    offerings = list(session.scalars(query).unique())
    newest = _newest_revisions(session, [offering.id for offering in offerings])
    return [_entry(offering, newest.get(offering.id)) for offering in offerings]


def _newest_revisions(session: Session, offering_ids: list[int]) -> dict[int, OfferingRevision]:
    if not offering_ids:
        return {}
    numbers = (
        select(OfferingRevision.offering_id, func.max(OfferingRevision.number).label("number"))
        .where(OfferingRevision.offering_id.in_(offering_ids))
        .group_by(OfferingRevision.offering_id)
        .subquery()
    )
    revisions = session.scalars(
        select(OfferingRevision).join(
            numbers, (OfferingRevision.offering_id == numbers.c.offering_id)
            & (OfferingRevision.number == numbers.c.number))
    )
    return {revision.offering_id: revision for revision in revisions}


def _entry(offering: Offering, revision: OfferingRevision | None) -> FeedEntry:
    current = revision if revision is not None and revision.version == offering.version else None
    if offering.status == "retired":
        kind = "retired"
    elif offering.version == 1 or (current is not None and current.action in NEW_ACTIONS):
        kind = "new"
    else:
        kind = "changed"
    changed = tuple(current.changed) if current is not None and kind == "changed" else ()
    return FeedEntry(offering=offering, kind=kind, updated=offering.updated_at,
                     published=offering.created_at, changed=changed)


def feed_updated(entries: list[FeedEntry], fallback: datetime) -> datetime:
    """The feed's own `updated`: its newest entry's, or `fallback` for an empty feed."""
    return max((entry.updated for entry in entries), default=fallback)
