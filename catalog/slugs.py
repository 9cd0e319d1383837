"""Changing a department's or an offering's slug without breaking a single link."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .catalog_file.validate import SLUG
from .errors import ValidationError
from .messages import _
from .models import Department, DepartmentAlias, Offering, OfferingAlias
from .revision import bump_catalog_revision


def check_slug(slug: str) -> None:
    if not SLUG.match(slug or "") or len(slug) > 80:
        message = _("Use lowercase letters, digits and single hyphens, e.g. new-laptop.")
        raise ValidationError(message, {"slug": message})


def rename_department(session: Session, department: Department, new_slug: str) -> None:
    """Give the department a new slug; the old one keeps answering with a redirect."""
    check_slug(new_slug)
    if new_slug == department.slug:
        return
    if session.scalar(select(Department.id).where(Department.slug == new_slug)):
        message = _("Another department already uses %(slug)r.", slug=new_slug)
        raise ValidationError(message, {"slug": message})
    session.execute(delete(DepartmentAlias).where(DepartmentAlias.slug == new_slug))
    session.add(DepartmentAlias(slug=department.slug, department=department))
    department.slug = new_slug
    bump_catalog_revision(session)


def rename_offering(session: Session, offering: Offering, new_slug: str) -> None:
    """Give the offering a new slug in its department; the old address redirects to it."""
    check_slug(new_slug)
    if new_slug == offering.slug:
        return
    taken = session.scalar(select(Offering.id).where(
        Offering.department_id == offering.department_id, Offering.slug == new_slug))
    if taken:
        message = _("Another offering of this department already uses %(slug)r.", slug=new_slug)
        raise ValidationError(message, {"slug": message})
    session.execute(delete(OfferingAlias).where(
        OfferingAlias.department_id == offering.department_id, OfferingAlias.slug == new_slug))
    session.add(OfferingAlias(department_id=offering.department_id, slug=offering.slug,
                              offering=offering))
    offering.slug = new_slug
    bump_catalog_revision(session)
