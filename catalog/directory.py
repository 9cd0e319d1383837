"""Reading the catalog: departments, offerings and the addresses (slugs, aliases) they answer to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .catalog_file.validate import SLUG
from .errors import NotFound
from .messages import _
from .models import (
    Department,
    DepartmentAlias,
    DepartmentRole,
    Offering,
    OfferingAlias,
    ServiceRequest,
    utcnow,
)
from .pagination import Page, paginate
from .translations import Text, localized

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """What an address points to, and whether it is an old address (answer with a redirect)."""

    item: T
    moved: bool = False


def department_options() -> list:
    return [
        selectinload(Department.commitments),
        selectinload(Department.roles).joinedload(DepartmentRole.user),
    ]


def department_names(session: Session, locale: object) -> dict[str, Text]:
    """{slug: name} of every department in the reader's language where it has one, with the
    language each name is in (the search facets' labels)."""
    rows = session.execute(select(Department.slug, Department.name, Department.language,
                                  Department.translations))
    return {row.slug: localized(row, "name", locale) for row in rows}


def departments_with_counts(session: Session) -> list[tuple[Department, int]]:
    """Every department by name, with its number of published offerings."""
    # A correlated count per department walks the (department, status, title) index.
    count = (
        select(func.count(Offering.id))
        .where(Offering.department_id == Department.id, Offering.status == "published")
        .correlate(Department)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Department, count).options(selectinload(Department.commitments))
        .order_by(Department.name)
    )
    return [(department, n) for department, n in rows]


def popular_offerings(session: Session, limit: int = 8, days: int = 90,
                      curated: Sequence[str] = ()) -> list[Offering]:
    """The published offerings most requested in the last `days` days; while fewer were
    requested, the `curated` ones ("dept/slug", in their order) fill the list, then the rest
    by title, so a quiet catalog still shows something useful."""
    since = utcnow() - timedelta(days=days)
    ranked = list(session.execute(
        select(ServiceRequest.offering_id)
        .join(Offering, Offering.id == ServiceRequest.offering_id)
        .where(ServiceRequest.created_at >= since, Offering.status == "published")
        .group_by(ServiceRequest.offering_id)
        .order_by(func.count().desc(), ServiceRequest.offering_id)
        .limit(limit)
    ).scalars())
    wanted = [tuple(entry.strip().split("/", 1)) for entry in curated if "/" in entry]
    if len(ranked) < limit and wanted:
        found = {(dept, slug): number for dept, slug, number in session.execute(
            select(Department.slug, Offering.slug, Offering.id)
            .join(Department, Department.id == Offering.department_id)
            .where(Offering.status == "published",
                   or_(*(and_(Department.slug == d, Offering.slug == o) for d, o in wanted))))}
        ranked += [found[key] for key in wanted if key in found and found[key] not in ranked]
        ranked = ranked[:limit]
    by_id = {o.id: o for o in session.scalars(
        select(Offering).where(Offering.id.in_(ranked)).options(*offering_card_options()))}
    popular = [by_id[i] for i in ranked if i in by_id]
    if len(popular) < limit:
        popular += session.scalars(
            select(Offering)
            .where(Offering.status == "published", Offering.id.not_in(ranked))
            .order_by(Offering.title, Offering.id)
            .limit(limit - len(popular))
            .options(*offering_card_options())
        )
    return popular


def offering_card_options() -> list:
    """Loads what an offering card shows (its department's commitments) in one more query."""
    return [selectinload(Offering.department).selectinload(Department.commitments)]


def find_department(session: Session, slug: str) -> Found[Department]:
    """The department at that slug, or the one that used to be there; NotFound otherwise."""
    if not SLUG.match(slug):  # nothing that is not a slug was ever stored as one
        raise NotFound(_("There is no department %(slug)r.", slug=slug))
    department = session.scalar(
        select(Department).where(Department.slug == slug).options(*department_options())
    )
    if department is not None:
        return Found(department)
    alias = session.scalar(select(DepartmentAlias).where(DepartmentAlias.slug == slug))
    if alias is None:
        raise NotFound(_("There is no department %(slug)r.", slug=slug))
    return Found(alias.department, moved=True)


def find_offering(session: Session, department_slug: str, slug: str) -> Found[Offering]:
    """The offering at that address (current or former); NotFound otherwise."""
    department = find_department(session, department_slug)
    if not SLUG.match(slug):
        raise NotFound(_("There is no offering %(slug)r in %(department)s.", slug=slug,
                         department=department.item.name))
    offering = session.scalar(
        select(Offering).where(Offering.department_id == department.item.id, Offering.slug == slug)
    )
    if offering is not None:
        return Found(offering, moved=department.moved)
    alias = session.scalar(
        select(OfferingAlias).where(
            OfferingAlias.department_id == department.item.id, OfferingAlias.slug == slug
        )
    )
    if alias is None:
        raise NotFound(_("There is no offering %(slug)r in %(department)s.", slug=slug,
                         department=department.item.name))
    return Found(alias.offering, moved=True)


def get_offering(session: Session, offering_id: int) -> Offering:
    offering = session.get(Offering, offering_id)
    if offering is None:
        raise NotFound(_("There is no offering %(id)d.", id=offering_id))
    return offering


def embeddable_offering(session: Session, offering_id: int) -> Offering:
    """The offering an intranet card shows: published or retired, never a draft (a card is
    public, whoever happens to look at it), with what the card shows loaded."""
    offering = session.scalar(
        select(Offering).where(Offering.id == offering_id).options(
            joinedload(Offering.department).selectinload(Department.commitments),
            joinedload(Offering.replaced_by)))
    if offering is None or offering.status == "draft":
        raise NotFound(_("There is no offering %(id)d.", id=offering_id))
    return offering


def listed_offerings(session: Session, department: Department, page: int = 1,
                     per_page: int = 50, open_to: str | None = None) -> Page[Offering]:
    """What the department page lists: published offerings by title, a page at a time; only
    those people of the audience `open_to` may request, if given."""
    query = (
        select(Offering)
        .where(Offering.department_id == department.id, Offering.status == "published")
        .order_by(Offering.title, Offering.id)
    )
    if open_to is not None:
        query = query.where(open_to_audience(open_to))
    return paginate(session, query, page, per_page)


def open_to_audience(audience: str) -> ColumnElement[bool]:
    """Offerings a person of `audience` may request: no audience listed, or theirs among them.

    The list is JSON; its text is compared (audiences are plain words, so '"employee"' cannot
    be part of another), which works the same on SQLite and PostgreSQL."""
    listed = cast(Offering.audience, String)
    return or_(listed.in_(("[]", "null")), listed.is_(None),
               listed.like(f'%"{audience}"%'))


def has_offerings_closed_to(session: Session, department: Department, audience: str) -> bool:
    """True if some published offering of the department is not open to the audience."""
    return session.scalar(select(
        select(Offering.id).where(Offering.department_id == department.id,
                                  Offering.status == "published",
                                  ~open_to_audience(audience)).exists())) or False
