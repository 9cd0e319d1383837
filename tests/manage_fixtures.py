"""Fixtures of the owners' pages tests: a department with its people, another department, an
offering, and helpers that read what a page shows. Registered in tests/conftest.py
(`pytest_plugins`): tests use the fixtures by name and import only the helper functions."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.models import DepartmentRevision, OfferingRevision
from catalog.revision import catalog_revision


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    return {
        "owner": make_user(email="owner@example.com", name="Olga Owner"),
        "second_owner": make_user(email="owner2@example.com", name="Otto Owner"),
        "owner_other": make_user(email="hr-owner@example.com", name="Hanna HR"),
        "agent": make_user(email="agent@example.com", name="Agnes Agent"),
        "employee": make_user(email="employee@example.com", name="Emil Employee"),
        "admin": make_user(email="admin@example.com", name="Ada Admin", is_admin=True),
    }


@pytest.fixture
def it(make_department, people):
    return make_department(slug="it", code="IT", name="IT Services",
                           owners=[people["owner"], people["second_owner"]],
                           agents=[people["agent"]], contact_email="it@example.com")


@pytest.fixture
def hr(make_department, people):
    return make_department(slug="hr", code="HR", name="Human Resources",
                           owners=[people["owner_other"]])


@pytest.fixture
def vpn(make_offering, it):
    return make_offering(it, slug="vpn", title="VPN access", summary="Work from anywhere",
                         keywords=["remote"], included="A VPN profile",
                         form=[{"name": "reason", "label": "Reason", "type": "text",
                                "required": True, "help": ""}])


def form_data(version: Any = "", rows: list[dict[str, Any]] | None = None,
              **changes: Any) -> dict[str, Any]:
    """What the edit form posts, as a browser would send it."""
    data: dict[str, Any] = {
        "title": "VPN access", "slug": "vpn", "status": "published", "language": "en",
        "replaced_by": "", "summary": "Work from anywhere", "description": "",
        "keywords": "remote", "audience": [], "standard_included": "A VPN profile",
        "standard_not_included": "", "standard_prerequisites": "", "standard_process": "",
        "first_response": "", "resolution": "",
        "review_interval_months": "12", "version": str(version), "builder": "",
    }
    for index, row in enumerate(rows if rows is not None else [
            {"name": "reason", "label": "Reason", "type": "text", "required": "y"}]):
        for key, value in row.items():
            data[f"form_fields-{index}-{key}"] = value
        data.setdefault(f"form_fields-{index}-type", "text")
    data.update(changes)
    return data


def settings_data(page: str, **changes: Any) -> dict[str, Any]:
    """What the settings form of the `it` fixture posts, loaded from `page` (its GET)."""
    data: dict[str, Any] = {
        "description": "", "contact_email": "it@example.com", "timezone": "Europe/Berlin",
        "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00",
        "holidays": "", "loaded": html.unescape(hidden_value(page, "loaded")),
    }
    targets = {"normal": ("4h", "3d"), "high": ("1h", "1d")}
    for index, priority in enumerate(("low", "normal", "high", "critical")):
        first, resolution = targets.get(priority, ("", ""))
        data.update({f"commitments-{index}-priority": priority,
                     f"commitments-{index}-first_response": first,
                     f"commitments-{index}-resolution": resolution})
    data.update(changes)
    return data


def error_at(page: str, field_id: str) -> str | None:
    """The message shown at a form field (the macros give it the id `<field>-error`)."""
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', page)
    return html.unescape(match.group(1)) if match else None


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page) or \
        re.search(rf'type="hidden" name="{re.escape(name)}" value="([^"]*)"', page) or \
        re.search(rf'id="{re.escape(name)}" name="{re.escape(name)}" type="hidden" '
                  rf'value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def writes(session: Session) -> tuple[int, int, int]:
    """Catalog revision and numbers of revisions: equal before and after means nothing written."""
    session.expire_all()
    return (catalog_revision(session),
            session.scalar(select(func.count(OfferingRevision.id))) or 0,
            session.scalar(select(func.count(DepartmentRevision.id))) or 0)
