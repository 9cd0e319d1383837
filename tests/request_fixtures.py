"""Fixtures for the request tests: a department with staff, an offering whose form has every
field type, and people of each audience. Registered in tests/conftest.py (`pytest_plugins`):
tests use the fixtures by name and import only the constants and helper functions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from catalog.models import Department, Offering, ServiceRequest, User
from catalog.uploads import FileStore
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")

EVERY_FIELD = [
    {"name": "summary", "label": "Short summary", "type": "text", "required": True,
     "help": "One line"},
    {"name": "details", "label": "Details", "type": "textarea", "required": False, "help": ""},
    {"name": "contact", "label": "Contact e-mail", "type": "email", "required": True,
     "help": ""},
    {"name": "quantity", "label": "How many", "type": "number", "required": True, "help": ""},
    {"name": "needed_by", "label": "Needed by", "type": "date", "required": False, "help": ""},
    {"name": "model", "label": "Model", "type": "select", "required": True, "help": "",
     "choices": ["Standard", "Developer"]},
    {"name": "extras", "label": "Extras", "type": "multiselect", "required": False, "help": "",
     "choices": ["Dock", "Headset", "Monitor"]},
    {"name": "agree", "label": "I agree to the terms", "type": "checkbox", "required": True,
     "help": ""},
    {"name": "quote", "label": "Quote", "type": "file", "required": True,
     "help": "The supplier's quote"},
]

GOOD_ANSWERS = {
    "summary": "A laptop for Jo", "details": "Line one\nline two", "contact": "jo@example.com",
    "quantity": "2", "needed_by": "2026-12-01", "model": "Developer",
    "extras": ["Monitor", "Dock"], "agree": True,
}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def agent(session: Session) -> User:
    user = factories.make_user(session, email="agent@example.com", name="Adam Agent")
    session.commit()
    return user


@pytest.fixture
def owner(session: Session) -> User:
    user = factories.make_user(session, email="owner@example.com", name="Olga Owner")
    session.commit()
    return user


@pytest.fixture
def employee(session: Session) -> User:
    user = factories.make_user(session, email="emma@example.com", name="Emma Employee")
    session.commit()
    return user


@pytest.fixture
def contractor(session: Session) -> User:
    user = factories.make_user(session, email="carl@example.com", name="Carl Contractor",
                               audience="contractor")
    session.commit()
    return user


@pytest.fixture
def it_dept(session: Session, agent: User, owner: User) -> Department:
    """IT in Munich: Mon-Fri 08:00-17:00, Bavarian holidays; normal 4h/3d, high 1h/1d."""
    department = factories.make_department(
        session, slug="it", code="IT", name="IT Services", contact_email="it-help@example.com",
        holiday_region="DE-BY", owners=[owner], agents=[agent],
        commitments={"normal": (240, 3 * 540), "high": (60, 540)},
    )
    session.commit()
    return department


@pytest.fixture
def laptop(session: Session, it_dept: Department) -> Offering:
    """Employees only; its form has every field type."""
    offering = factories.make_offering(session, it_dept, slug="new-laptop",
                                       title="Order a new laptop", audience=["employee"],
                                       form=EVERY_FIELD)
    session.commit()
    return offering


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "uploads", 1024 * 1024)


def answers(**changes: Any) -> dict[str, Any]:
    """Good answers for the laptop form (without its file), with some changed."""
    values = {**GOOD_ANSWERS, **changes}
    return {k: v for k, v in values.items() if v is not ...}


@pytest.fixture
def help_request(app: Any, session: Session, it_dept: Department,
                 employee: User) -> ServiceRequest:
    """A new request of Emma's to IT, for a service whose form asks nothing."""
    from catalog.submission import submit_request
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help", form=[])
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024))
    session.commit()
    return made
