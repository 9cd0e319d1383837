"""Factories for model objects: sensible defaults, override what a test cares about."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from catalog.models import Commitment, Department, DepartmentRole, Offering, User

_sequence = itertools.count(1)


def make_user(session: Session, *, email: str | None = None, name: str = "Test User",
              password: str = "secret-pass", audience: str = "employee",
              is_admin: bool = False) -> User:
    user = User(email=email or f"user{next(_sequence)}@example.com", name=name,
                audience=audience, is_admin=is_admin)
    # A cheap hash keeps the suite fast; the real one (scrypt) is tested through the login page.
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1")
    session.add(user)
    session.flush()
    return user


def make_department(session: Session, *, slug: str | None = None, code: str | None = None,
                    commitments: dict[str, tuple[int, int]] | None = None,
                    owners: list[User] = (), agents: list[User] = (),
                    **values: Any) -> Department:
    """A department with published commitments {priority: (first response, resolution)}."""
    number = next(_sequence)
    slug = slug or f"dept-{number}"
    department = Department(slug=slug, code=code or f"D{number}",
                            name=values.pop("name", f"Department {number}"), **values)
    for rank, (priority, (first, resolution)) in enumerate(
            (commitments or {"normal": (240, 1620), "high": (60, 540)}).items()):
        department.commitments.append(Commitment(priority=priority, rank=rank,
                                                 first_response_minutes=first,
                                                 resolution_minutes=resolution))
    for role, people in (("owner", owners), ("agent", agents)):
        for user in people:
            department.roles.append(DepartmentRole(user=user, role=role))
    session.add(department)
    session.flush()
    return department


def make_offering(session: Session, department: Department, *, slug: str | None = None,
                  **values: Any) -> Offering:
    number = next(_sequence)
    values.setdefault("title", f"Offering {number}")
    values.setdefault("summary", "A service for tests")
    offering = Offering(department=department, slug=slug or f"offering-{number}", **values)
    session.add(offering)
    session.flush()
    return offering
