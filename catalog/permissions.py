"""Who may do what: the one place views, the API and commands ask."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Department, DepartmentRole, Offering, RequestApproval, ServiceRequest, User

# The roles that work a department's requests.
STAFF_ROLES = ("agent", "owner")
# action -> the roles in the target's department that allow it (admins may do everything)
DEPARTMENT_ROLES_FOR = {
    "edit_catalog": {"owner"},
    "work_queue": set(STAFF_ROLES),
    "view_ratings": {"owner", "agent"},
    "manage_webhooks": {"owner"},  # hooks of the department; hooks of all: admins only
    "act_on_breakdowns": {"owner"},  # see the breakdown points, record actions; all: admins
    "manage_reply_templates": {"owner"},
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
    # Seeing a request: also whoever approves (or approved) it.
    if action == "view_request" and isinstance(target, ServiceRequest) and any(
            step.decided_by_id == user.id or approves(user, step) for step in target.approvals):
        return True
    # Seeing a request (not working it): the staff of a department it was moved away from.
    if action == "view_request" and isinstance(target, ServiceRequest) \
            and worked_before(user, target):
        return True
    # Seeing a request, its attachments, and writing on it: the requester (the person it is
    # for and whoever sent it for them) and the department.
    if action in ("view_request", "comment_request"):
        return isinstance(target, ServiceRequest) and (
            user.id in target.requester_side_ids
            or "agent" in roles_in(user, target.department)
            or "owner" in roles_in(user, target.department))
    if action in REQUESTER_ACTIONS:
        return isinstance(target, ServiceRequest) and user.id in target.requester_side_ids
    if action in DEPARTMENT_ROLES_FOR:
        return bool(DEPARTMENT_ROLES_FOR[action] & roles_in(user, department_of(target)))
    return False  # admin-only actions: ADMIN_ONLY_ACTIONS and anything not listed above


def worked_before(user: User, request: ServiceRequest) -> bool:
    """True if the user is an agent or owner of a department the request was moved from."""
    former = {(event.details or {}).get("from_department_id") for event in request.events
              if event.kind == "moved"}
    return bool(former) and any(role.department_id in former and role.role in STAFF_ROLES
                                for role in user.roles)


# What the requester side of a request may do to it (the department's staff do it otherwise).
REQUESTER_ACTIONS = ("cancel_request", "reopen_request", "add_information")


def department_approvers(department: Department) -> list[User]:
    """Who decides a department's approval step: its approvers, else (none named) its owners."""
    return department.people("approver") or department.people("owner")


def approves(user: User | None, step: RequestApproval) -> bool:
    """True if the user may decide this approval step: the requester's manager for a manager
    step, a department approver for a department step; never the requester themself."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    request = step.request
    if request.requester_id == user.id:
        return False
    if step.kind == "manager":
        return step.approver_id == user.id
    return any(person.id == user.id for person in department_approvers(request.department))


# Only admins: create departments, rename them, name their owners and agents, read the audit log,
# register webhooks told about all departments, edit the shared synonym list of search.
ADMIN_ONLY_ACTIONS = ("manage_departments", "manage_people", "read_audit_log",
                      "manage_all_webhooks", "edit_synonyms", "view_all_breakdowns")


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
    return is_admin or any(role in STAFF_ROLES for role in roles)


def approves_anything(has_reports: bool, roles: Iterable[str]) -> bool:
    """Whether someone is a manager or approves for a department (the approvals page)."""
    return has_reports or any(role == "approver" for role in roles)
