"""Finding what a management URL names, and refusing those who may not touch it."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from catalog import directory
from catalog.errors import NotFound, PermissionDenied
from catalog.models import Department, Offering
from catalog.numbers import whole_number
from catalog.pagination import clamp_page
from catalog.permissions import can

from ..extensions import db


def editable_department(slug: str) -> Department:
    """The department (at its current or a former slug) if the user may edit its catalog."""
    department = directory.find_department(db.session, slug).item
    if not can(current_user, "edit_catalog", department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))
    return department


def editable_offering(dept: str, slug: str) -> Offering:
    department = editable_department(dept)
    offering = directory.find_offering(db.session, department.slug, slug).item
    if offering.department_id != department.id:
        raise NotFound(_("There is no such offering in this department."))
    return offering


def require_admin(action: str) -> None:
    if not can(current_user, action):
        raise PermissionDenied(_("Only admins may do this."))


def page_number() -> int:
    return clamp_page(request.args.get("page"))


def per_page() -> int:
    return int(current_app.config["PER_PAGE"])


def version_of(text: str | None) -> int:
    """The version a form was loaded with; a missing or odd one never matches (0)."""
    return whole_number((text or "").strip()) or 0
