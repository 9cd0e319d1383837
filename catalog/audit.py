"""The audit log of changes to rights and structure: written with the change, never rewritten.

Entries are added in the session that makes the change, so they are committed with it or not
at all. Changes to single rows are noticed at flush, whichever code path made them (`install()`):
a department created or renamed, a role granted or removed, admin rights given or taken, an
account created, deactivated or activated, a rating changed. Changes made in bulk call
`record(...)` themselves (catalog and people imports, forgetting a person). Who acted is the
session's actor, set with `acting_as(...)` by whatever starts the change (a page's save, a
command, single sign-on); with none set it is "system". The application only adds entries:
`install()` also makes every session refuse to update or delete one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, event, inspect, or_, select
from sqlalchemy.orm import ORMExecuteState, Session

from .models import AuditEntry, Department, DepartmentRole, Feedback, User
from .pagination import Page, paginate

_ACTOR = "audit_actor"
_CHANGES = "audit_changes"
# The columns whose changes make entries, with the old value kept.
WATCHED = {Department: ("slug", "name"), User: ("is_admin", "active"), Feedback: ("rating",)}

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
    "webhook.registered",
    "webhook.deleted",
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
    if isinstance(actor, User) and actor.id is not None:
        entry.actor_id = actor.id
    elif isinstance(actor, User):
        entry.actor = actor
    else:
        entry.actor_label = actor or SYSTEM
    session.add(entry)
    return entry


def user_subject(user: User) -> str:
    """The subject of an entry about an account: its id, which outlives its name and e-mail."""
    return f"user:{user.id}"


def current_actor(session: Session) -> User | str:
    """Who the session's changes are made by (see `acting_as`)."""
    return session.info.get(_ACTOR) or SYSTEM


@contextmanager
def acting_as(session: Session, actor: User | str | None) -> Iterator[None]:
    """Attribute the block's changes to this user or label (None: "system").

    Leaving the block normally flushes, so the entries are written while the actor holds.
    """
    before = session.info.get(_ACTOR)
    session.info[_ACTOR] = actor or SYSTEM
    try:
        yield
        session.flush()
    finally:
        session.info[_ACTOR] = before


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
    if wanted.until and wanted.until < date.max:  # the whole last day counts
        end = datetime.combine(wanted.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


@dataclass(frozen=True)
class AuditListing:
    """One page of the log and the e-mail of every account its entries name (by id)."""

    page: Page[AuditEntry]
    emails: dict[int, str]


def audit_page(session: Session, wanted: AuditFilter, page: int, per_page: int = 50
               ) -> AuditListing:
    """One page of the log, newest first, with the accounts it names: three queries."""
    found = paginate(session, audit_query(wanted), page, per_page)
    ids = {entry.actor_id for entry in found.items if entry.actor_id is not None}
    for entry in found.items:
        if entry.subject.startswith("user:") and entry.subject[5:].isdecimal():
            ids.add(int(entry.subject[5:]))
        if isinstance(entry.details.get("user_id"), int):
            ids.add(entry.details["user_id"])
    emails = {id_: email for id_, email in session.execute(
        select(User.id, User.email).where(User.id.in_(ids)))} if ids else {}
    return AuditListing(page=found, emails=emails)


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


def _remember_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Before the flush, note (old, new) of the watched columns of every changed row.

    A value set on an expired object has no old value in its history: read the stored one.
    """
    changes: dict[int, dict[str, tuple[Any, Any]]] = {}
    for item in session.dirty:
        keys = WATCHED.get(type(item), ())
        state = inspect(item)
        for key in keys if state.key is not None else ():
            history = state.attrs[key].history
            if not history.added:
                continue
            old = history.deleted[0] if history.deleted else session.connection().scalar(
                select(getattr(type(item), key)).where(type(item).id == item.id))
            if old != history.added[0]:
                changes.setdefault(id(item), {})[key] = (old, history.added[0])
    session.info[_CHANGES] = changes


def _role_entry(session: Session, actor: User | str, action: str, role: DepartmentRole,
                department: Department | None = None) -> None:
    department = department or role.department or session.get(Department, role.department_id)
    user_id = role.user_id if role.user_id is not None else role.user.id
    record(session, actor=actor, action=action, subject=department.slug,
           details={"role": role.role, "user_id": user_id})


def _notice_changes(session: Session, _context: Any) -> None:
    """Add entries for the rights and structure this flush changed (still in pre-flush state)."""
    actor = current_actor(session)
    changes = session.info.pop(_CHANGES, {})
    removed: dict[int, tuple[DepartmentRole, Department | None]] = {}
    for item in session.new:
        if isinstance(item, Department):
            record(session, actor=actor, action="department.created", subject=item.slug,
                   details={"name": item.name, "code": item.code})
        elif isinstance(item, User):
            record(session, actor=actor, action="user.created", subject=user_subject(item),
                   details={"admin": bool(item.is_admin), "audience": item.audience})
            if item.is_admin:
                record(session, actor=actor, action="admin.granted", subject=user_subject(item))
        elif isinstance(item, DepartmentRole):
            _role_entry(session, actor, "role.granted", item)
    for item in session.dirty:
        changed = changes.get(id(item), {})
        if isinstance(item, Department):
            for role in inspect(item).attrs.roles.history.deleted:
                removed.setdefault(id(role), (role, item))
            if changed:
                old_slug = changed.get("slug", (item.slug,))[0]
                old_name = changed.get("name", (item.name,))[0]
                record(session, actor=actor, action="department.renamed", subject=item.slug,
                       details={"before": {"slug": old_slug, "name": old_name},
                                "after": {"slug": item.slug, "name": item.name}})
        elif isinstance(item, User):
            admin, active = changed.get("is_admin"), changed.get("active")
            if admin:
                record(session, actor=actor, subject=user_subject(item),
                       action="admin.granted" if admin[1] else "admin.removed")
            if active:
                record(session, actor=actor, subject=user_subject(item),
                       action="user.activated" if active[1] else "user.deactivated")
        elif isinstance(item, Feedback):
            rating = changed.get("rating")
            if rating:
                record(session, actor=actor, action="rating.changed", subject=item.request.ref,
                       details={"before": rating[0], "after": rating[1]})
    for item in session.deleted:
        if isinstance(item, DepartmentRole):
            removed.setdefault(id(item), (item, None))
    for role, department in removed.values():
        _role_entry(session, actor, "role.removed", role, department)


def install() -> None:
    """Make every session note changes of rights and structure in the audit log, and refuse to
    change or delete its entries (idempotent)."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
        event.listen(Session, "before_flush", _remember_changes)
        event.listen(Session, "after_flush", _notice_changes)
        event.listen(Session, "do_orm_execute", _refuse_bulk_changes)
