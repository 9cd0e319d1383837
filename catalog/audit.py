"""The audit log of changes to rights and structure: written with the change, never rewritten.

Every operation that creates or renames a department, grants or removes a role or admin
rights, imports the catalog or the people directory, creates, deactivates, activates or
forgets an account, or changes a rating calls `record(...)` in the same session as the change,
so the entry is committed with it or not at all. The application only adds entries: `install()`
makes every session refuse to update or delete one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session

from .models import AuditEntry, User
from .pagination import Page, paginate

# Who acted when no signed-in person did.
COMMAND_LINE = "command line"
SINGLE_SIGN_ON = "single sign-on"
SYSTEM = "system"

ACTIONS = (
    "department.created",
    "department.renamed",
    "role.granted",
    "role.removed",
    "admin.granted",
    "admin.removed",
    "catalog.imported",
    "people.imported",
    "user.created",
    "user.deactivated",
    "user.activated",
    "user.forgotten",
    "rating.changed",
)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit entry: a programming error."""


def record(session: Session, *, actor: User | str | None, action: str, subject: str,
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Add an entry for a change made in this session; it is committed with the change.

    `actor` is the signed-in user, or a label such as `COMMAND_LINE` when no person acted.
    `details` holds plain JSON values, people by account id (never names or e-mails).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(action=action, subject=subject[:200], details=details or {})
    if isinstance(actor, User):
        entry.actor = actor
    else:
        entry.actor_label = actor or SYSTEM
    session.add(entry)
    return entry


def user_subject(user: User) -> str:
    """The subject of an entry about an account: its id, which outlives its name and e-mail."""
    return f"user:{user.id}"


@dataclass(frozen=True)
class AuditFilter:
    """What an admin narrowed the log to; empty values do not narrow."""

    action: str = ""
    actor: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None


def audit_query(wanted: AuditFilter) -> Select[tuple[AuditEntry]]:
    """Entries matching the filter, newest first."""
    query = select(AuditEntry).outerjoin(User, AuditEntry.actor_id == User.id)
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.actor:
        query = query.where(or_(AuditEntry.actor_label.icontains(wanted.actor, autoescape=True),
                                User.email.icontains(wanted.actor, autoescape=True),
                                User.name.icontains(wanted.actor, autoescape=True)))
    if wanted.subject:
        query = query.where(AuditEntry.subject.icontains(wanted.subject, autoescape=True))
    if wanted.since:
        query = query.where(AuditEntry.at >= datetime.combine(wanted.since, time(), UTC))
    if wanted.until:  # the whole last day counts
        end = datetime.combine(wanted.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_page(session: Session, wanted: AuditFilter, page: int, per_page: int = 50
               ) -> Page[AuditEntry]:
    """One page of the log, newest first."""
    return paginate(session, audit_query(wanted), page, per_page)


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for item in session.deleted:
        if isinstance(item, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries cannot be deleted")
    for item in session.dirty:
        if isinstance(item, AuditEntry) and session.is_modified(item):
            raise AuditLogIsAppendOnly("audit entries cannot be changed")


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


def install() -> None:
    """Make every session refuse to change or delete audit entries (idempotent)."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
        event.listen(Session, "do_orm_execute", _refuse_bulk_changes)
