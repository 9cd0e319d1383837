"""Who may do what: the one place views, the API and commands ask."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Department, DepartmentRole, Offering, ServiceRequest, User

# action -> the roles in the target's department that allow it (admins may do everything)
DEPARTMENT_ROLES_FOR = {
    "edit_catalog": {"owner"},
    "work_queue": {"owner", "agent"},
    "view_ratings": {"owner", "agent"},
    "manage_webhooks": {"owner"},  # hooks of the department; hooks of all: admins only
}


def department_of(target: Any) -> Department | None:
    if isinstance(target, Department):
        return target
    if isinstance(target, (Offering, ServiceRequest)):
        return target.department
    return None


def roles_in(user: User | None, department: Department | None) -> set[str]:
    if user is None or department is None or not getattr(user, "is_authenticated", False):
        return set()
    return {r.role for r in department.roles if r.user_id == user.id}


def can(user: User | None, action: str, target: Any = None) -> bool:
    """True if the user may do the action to the target (a department, offering or request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    if action == "request":
        return isinstance(target, Offering) and target.status == "published" \
            and target.is_open_to(user.audience)
    # Seeing a request, its attachments, and writing on it: the requester and the department.
    if action in ("view_request", "comment_request"):
        return isinstance(target, ServiceRequest) and (
            target.requester_id == user.id or "agent" in roles_in(user, target.department)
            or "owner" in roles_in(user, target.department))
    if action == "cancel_request":
        return isinstance(target, ServiceRequest) and target.requester_id == user.id
    if action in DEPARTMENT_ROLES_FOR:
        return bool(DEPARTMENT_ROLES_FOR[action] & roles_in(user, department_of(target)))
    return False  # admin-only actions: ADMIN_ONLY_ACTIONS and anything not listed above


# Only admins: create departments, rename them, name their owners and agents, read the audit log,
# register webhooks told about all departments.
ADMIN_ONLY_ACTIONS = ("manage_departments", "manage_people", "read_audit_log",
                      "manage_all_webhooks")


def managed_departments(session: Session, user: User | None) -> list[Department]:
    """The departments whose management pages the user sees: owned, worked for, or all (admin)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    query = select(Department).order_by(Department.name)
    if not user.is_admin:
        query = query.where(Department.id.in_(
            select(DepartmentRole.department_id).where(DepartmentRole.user_id == user.id)))
    return list(session.scalars(query))


def may_manage(user: User | None) -> bool:
    """True if the user owns or works for a department, or is an admin (the "Manage" link)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return manages(user.is_admin, (role.role for role in user.roles))


def manages(is_admin: bool, roles: Iterable[str]) -> bool:
    """`may_manage` of an active account with these rights, from their values alone."""
    return is_admin or any(role in ("owner", "agent") for role in roles)
