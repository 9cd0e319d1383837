"""User accounts: creating, updating, roles in departments, passwords, deactivation."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import NotFound, ValidationError
from ..messages import _
from ..models import AUDIENCES, ApiToken, Department, DepartmentRole, User
from ..revision import bump_catalog_revision
from .sessions import end_all_sessions

# Checked against when the e-mail is unknown, so a wrong address costs the same time as a
# wrong password and does not tell an attacker which accounts exist.
_UNKNOWN_ACCOUNT_HASH = generate_password_hash("no account has this password")


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
    audience: str | None = None,
    admin: bool | None = None,
    owner_of: Iterable[str] = (),
    agent_of: Iterable[str] = (),
    approver_of: Iterable[str] = (),
    manager: str | None = None,
) -> User:
    """Create the user or update the one with that e-mail; roles given are added.

    An audience or admin flag left out (None) keeps what an existing account has; a new
    account is then an employee without admin rights. `manager` (an e-mail; "" clears it)
    names the person who approves where an offering asks for the manager's approval; an
    account is created for a manager the portal does not know yet.
    """
    if "@" not in email or len(email) > 254:
        message = "Not a valid e-mail address."
        raise ValidationError(message, {"email": message})
    if audience is not None and audience not in AUDIENCES:
        message = f"Unknown audience {audience!r}; one of {', '.join(AUDIENCES)}."
        raise ValidationError(message, {"audience": message})
    user = get_or_create_user(session, email, name)
    user.name = name
    if audience is not None:
        user.audience = audience
    if admin is not None:
        user.is_admin = admin
    if password:
        user.set_password(password)
    if manager is not None:
        manager_email = normalize_email(manager)
        if manager_email and ("@" not in manager_email or len(manager_email) > 254):
            message = "The manager's e-mail address is not valid."
            raise ValidationError(message, {"manager": message})
        if manager_email == user.email:
            message = "Nobody can be their own manager."
            raise ValidationError(message, {"manager": message})
        user.manager = get_or_create_user(session, manager_email) if manager_email else None
    for role, slugs in (("owner", owner_of), ("agent", agent_of), ("approver", approver_of)):
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
    if user is None or not user.password_hash:
        check_password_hash(_UNKNOWN_ACCOUNT_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def change_password(session: Session, user: User, current: str | None, new: str) -> None:
    """Set a new password and end every session of the user (the caller starts a new one)."""
    if user.password_hash and not user.check_password(current or ""):
        message = _("The current password is not right.")
        raise ValidationError(message, {"current_password": message})
    if len(new) < 10:
        message = _("A password has at least 10 characters.")
        raise ValidationError(message, {"new_password": message})
    user.set_password(new)
    end_all_sessions(session, user)
    session.flush()


def deactivate_user(session: Session, email: str) -> User:
    """The account can no longer sign in; its sessions and API tokens end now."""
    user = find_user(session, email)
    if user is None:
        raise NotFound(f"There is no account {normalize_email(email)}.")
    user.active = False
    end_all_sessions(session, user)
    for token in list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))):
        session.delete(token)
    session.flush()
    return user


def activate_user(session: Session, email: str) -> User:
    """Let a deactivated account sign in again (it starts with no sessions or tokens)."""
    user = find_user(session, email)
    if user is None:
        raise NotFound(f"There is no account {normalize_email(email)}.")
    user.active = True
    session.flush()
    return user


def update_profile(session: Session, user: User, *, name: str, locale: str | None,
                   timezone: str | None, languages: Iterable[str] = ("en", "de"),
                   show_name_when_thanked: bool | None = None) -> None:
    """Save what the user says about themselves; checks everything before changing anything.
    `show_name_when_thanked` (None: unchanged) is the consent to be named in public thanks."""
    name = name.strip()
    if not name or len(name) > 200:
        message = _("Enter your name (at most 200 characters).")
        raise ValidationError(message, {"name": message})
    if locale and locale not in languages:
        message = _("Choose one of the languages offered.")
        raise ValidationError(message, {"locale": message})
    if timezone and timezone not in available_timezones():
        message = _("Choose a time zone from the list.")
        raise ValidationError(message, {"timezone": message})
    user.name, user.locale, user.timezone = name, locale or None, timezone or None
    if show_name_when_thanked is not None \
            and show_name_when_thanked != user.show_name_when_thanked:
        user.show_name_when_thanked = show_name_when_thanked
        bump_catalog_revision(session)  # cached department pages name them, or no longer
    session.flush()
