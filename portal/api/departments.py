from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_login import current_user

from catalog import adherence, directory
from catalog.catalog_file import offering_to_dict
from catalog.catalog_file.exporter import business_hours_to_dict, commitments_to_list
from catalog.errors import NotFound
from catalog.models import Department, Offering
from catalog.permissions import can

from ..extensions import db
from . import bp


def department_url(department: Department) -> str:
    return url_for("browse.department", dept=department.slug, _external=True)


def offering_url(offering: Offering) -> str:
    return url_for("browse.offering", dept=offering.department.slug, offering=offering.slug,
                   _external=True)


def offering_etag(offering: Offering) -> str:
    """The entity tag (unquoted) that changes with every save of the offering."""
    return f"{offering.id}-{offering.version}"


def visible_offering(dept: str, slug: str) -> Offering:
    """The offering if the caller may see its page (drafts only for those who edit them)."""
    offering = directory.find_offering(db.session, dept, slug).item
    if offering.status == "draft" and not can(current_user, "edit_catalog", offering):
        raise NotFound(f"There is no offering {slug!r}.")
    return offering


def offering_json(offering: Offering) -> dict[str, Any]:
    """The offering in the catalog file format: its texts in its own `language`, the other
    language's in `translations` (an empty object when there are none)."""
    data = offering_to_dict(offering)
    data.setdefault("translations", {})
    data.update(
        id=offering.id,
        department=offering.department.slug,
        url=offering_url(offering),
        permalink=url_for("browse.permalink", offering_id=offering.id, _external=True),
        commitments=[
            {"priority": p, "first_response_minutes": f, "resolution_minutes": r}
            for p, f, r in offering.targets()
        ],
    )
    return data


def listed_translations(offering: Offering) -> dict[str, dict[str, str]]:
    """The other language's title and summary, as a list of offerings shows them."""
    return {language: {key: texts[key] for key in ("title", "summary") if texts.get(key)}
            for language, texts in (offering.translations or {}).items()}


@bp.get("/departments")
def departments() -> Response:
    return jsonify([
        {"slug": d.slug, "name": d.name, "url": department_url(d), "offerings": n}
        for d, n in directory.departments_with_counts(db.session)
    ])


@bp.get("/departments/<dept>")
def department(dept: str) -> Response:
    item = directory.find_department(db.session, dept).item
    return jsonify({
        "slug": item.slug,
        "code": item.code,
        "name": item.name,
        "description": item.description,
        "language": item.language,
        "translations": item.translations or {},
        "contact_email": item.contact_email,
        "url": department_url(item),
        "business_hours": business_hours_to_dict(item),
        "commitments": commitments_to_list(item),
        "offerings": [
            {"id": o.id, "slug": o.slug, "title": o.title, "summary": o.summary,
             "language": o.language, "translations": listed_translations(o),
             "audience": o.audience, "url": offering_url(o)}
            for o in directory.listed_offerings(db.session, item, per_page=10_000).items
        ],
        "adherence": adherence.record_for(db.session, "department", item.id).as_json(),
    })


@bp.get("/departments/<dept>/<offering>")
def offering(dept: str, offering: str) -> Response:
    item = visible_offering(dept, offering)
    response = jsonify(offering_json(item))
    response.set_etag(offering_etag(item))
    return response.make_conditional(request)
