"""Writing the catalog in the catalog file format (the inverse of the importer)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..durations import format_duration
from ..models import Department, DepartmentRole, Offering
from .priorities import priority_settings_to_dict


def offering_to_dict(offering: Offering) -> dict[str, Any]:
    """One offering as the catalog file writes it."""
    day = offering.department.day_minutes
    data: dict[str, Any] = {
        "slug": offering.slug,
        "title": offering.title,
        "status": offering.status,
        "language": offering.language,
        "summary": offering.summary,
        "description": offering.description,
        "keywords": list(offering.keywords),
        "audience": list(offering.audience),
        "service_standard": {
            "included": offering.included,
            "not_included": offering.not_included,
            "prerequisites": offering.prerequisites,
            "process": offering.process,
        },
        "form": [dict(field) for field in offering.form],
    }
    if offering.priority_targets:
        # Per priority; with an own commitment for all priorities too, every priority it sets.
        own = set(offering.priority_targets) | (
            {p for p, _, _ in offering.targets()} if offering.has_own_commitment else set())
        data["commitment"] = [
            {"priority": p, "first_response": format_duration(first, day),
             "resolution": format_duration(resolution, day)}
            for p, first, resolution in offering.targets() if p in own]
    elif offering.has_own_commitment:
        data["commitment"] = {
            "first_response": format_duration(offering.first_response_minutes, day),
            "resolution": format_duration(offering.resolution_minutes, day),
        }
    priorities = priority_settings_to_dict(offering)
    if priorities is not None:
        data["priorities"] = priorities
    if offering.replaced_by is not None:
        target = offering.replaced_by
        data["replaced_by"] = (target.slug if target.department_id == offering.department_id
                               else f"{target.department.slug}/{target.slug}")
    if offering.approval:
        data["approval"] = list(offering.approval)
    if offering.review_interval_months != 12:
        data["review_interval_months"] = offering.review_interval_months
    if offering.translations:
        data["translations"] = copy.deepcopy(offering.translations)
    return data


def commitments_to_list(department: Department) -> list[dict[str, str]]:
    day = department.day_minutes
    return [
        {
            "priority": c.priority,
            "first_response": format_duration(c.first_response_minutes, day),
            "resolution": format_duration(c.resolution_minutes, day),
        }
        for c in department.commitments
    ]


def business_hours_to_dict(department: Department) -> dict[str, Any]:
    hours: dict[str, Any] = {
        "timezone": department.timezone,
        "days": department.work_days.split(","),
        "start": department.day_start,
        "end": department.day_end,
    }
    if department.holiday_region:
        hours["holidays"] = department.holiday_region
    return hours


def department_to_dict(department: Department, offerings: list[Offering]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": department.slug,
        "code": department.code,
        "name": department.name,
        "description": department.description,
        "language": department.language,
    }
    if department.translations:
        data["translations"] = copy.deepcopy(department.translations)
    if department.contact_email:
        data["contact_email"] = department.contact_email
    data["confidential"] = department.confidential
    data["owners"] = [u.email for u in department.people("owner")]
    data["agents"] = [u.email for u in department.people("agent")]
    approvers = [u.email for u in department.people("approver")]
    if approvers:
        data["approvers"] = approvers
    data["business_hours"] = business_hours_to_dict(department)
    data["commitments"] = commitments_to_list(department)
    data["offerings"] = [offering_to_dict(o) for o in offerings]
    return data


def export_catalog(session: Session) -> dict[str, Any]:
    """The whole catalog, departments and offerings by slug, every status included."""
    departments = session.scalars(
        select(Department).order_by(Department.slug).options(
            selectinload(Department.commitments),
            selectinload(Department.roles).joinedload(DepartmentRole.user),
            selectinload(Department.offerings).selectinload(Offering.replaced_by),
        )
    )
    return {
        "departments": [
            department_to_dict(d, sorted(d.offerings, key=lambda o: o.slug)) for d in departments
        ]
    }
