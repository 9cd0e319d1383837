"""User accounts, roles in departments and personal API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationError
from ..models import AUDIENCES, ApiToken, Department, DepartmentRole, User, utcnow


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def get_or_create_user(session: Session, email: str, name: str | None = None) -> User:
    """The user with that e-mail; a new one without a password if there is none yet."""
    user = find_user(session, email)
    if user is None:
        address = normalize_email(email)
        user = User(email=address, name=name or address.split("@")[0], audience="employee")
        session.add(user)
        session.flush()
    return user


def save_user(
    session: Session,
    email: str,
    *,
    name: str,
    password: str | None = None,
    audience: str = "employee",
    admin: bool = False,
    owner_of: Iterable[str] = (),
    agent_of: Iterable[str] = (),
) -> User:
    """Create the user or update the one with that e-mail; roles given are added."""
    if "@" not in email or len(email) > 254:
        message = "Not a valid e-mail address."
        raise ValidationError(message, {"email": message})
    if audience not in AUDIENCES:
        message = f"Unknown audience {audience!r}; one of {', '.join(AUDIENCES)}."
        raise ValidationError(message, {"audience": message})
    user = get_or_create_user(session, email, name)
    user.name, user.audience, user.is_admin = name, audience, admin
    if password:
        user.set_password(password)
    for role, slugs in (("owner", owner_of), ("agent", agent_of)):
        for slug in slugs:
            department = session.scalar(select(Department).where(Department.slug == slug))
            if department is None:
                raise NotFound(f"There is no department {slug!r}.")
            grant_role(session, department, user, role)
    session.flush()
    return user


def grant_role(session: Session, department: Department, user: User, role: str) -> None:
    """Give the user a role in the department unless they have it already."""
    if not any(r.user_id == user.id and r.role == role for r in department.roles):
        department.roles.append(DepartmentRole(user=user, role=role))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with that e-mail and password, or None."""
    user = find_user(session, email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def issue_token(session: Session, user: User) -> str:
    """A new personal API token; only its hash is stored, so it is shown this once."""
    token = "sp_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=ApiToken.hash(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a personal API token belongs to, or None."""
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if found is None or not found.user.active:
        return None
    found.last_used_at = utcnow()
    return found.user
