"""The people directory import: create and update accounts from a CSV file, all or nothing.

The file is read and checked whole (`directory_file.py`), then against the database: existing
accounts and departments are loaded with one query each, never one per row, and the changes are
written in batches. Any problem raises `DirectoryError` before anything is written; committing
is left to the caller, so one transaction holds the whole import.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..errors import ValidationError
from ..models import Department, DepartmentAlias, User
from .directory_file import COLUMNS, DirectoryRow, Problems, Source, read_directory

__all__ = ["COLUMNS", "DirectoryError", "DirectoryReport", "import_directory"]

BATCH = 5000
MAX_CYCLE_SHOWN = 10
Progress = Callable[[str, int, int], None]  # (what, done, total)


class DirectoryError(ValidationError):
    """A people directory file with problems; nothing was written."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"The people directory file has {len(problems.items)} problem(s).")
        self.problems = problems

    def lines(self) -> list[str]:
        """`line N: …` for every problem, in the order of the file."""
        return self.problems.lines()


@dataclass
class DirectoryReport:
    """What an import did or, in a dry run, would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Accounts created only because a row names them as manager (e-mails, in file order).
    managers_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        if self.dry_run:
            text = (f"would create {self.created}, update {self.updated}, "
                    f"leave {self.unchanged} unchanged")
        else:
            text = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.managers_created:
            text += f" ({len(self.managers_created)} created only as managers)"
        return text


def import_directory(source: Source, session: Session, *, dry_run: bool = False,
                     progress: Progress | None = None) -> DirectoryReport:
    """Create and update accounts from a people directory file; raises DirectoryError."""
    problems = Problems()
    read = read_directory(source, problems)
    rows = [row for row in read if row.valid]
    accounts = {account.email: account for account in session.execute(
        select(User.id, User.email, User.name, User.audience, User.department_id,
               User.manager_id))}
    departments = _departments(session)
    _check_departments(read, departments, problems)
    _check_cycles(rows, accounts, problems)
    if problems:
        raise DirectoryError(problems)
    plan = _Plan(rows, accounts, departments)
    report = DirectoryReport(created=len(plan.creates), updated=len(plan.updates),
                             unchanged=plan.unchanged, managers_created=plan.managers_created,
                             dry_run=dry_run)
    if not dry_run:
        plan.write(session, progress)
        # Accounts are written in bulk, past the flush that notes single changes: one entry.
        audit.record(session, actor=audit.current_actor(session), action="people.imported",
                     subject="people directory",
                     details={"created": report.created, "updated": report.updated,
                              "unchanged": report.unchanged,
                              "created_as_managers": len(report.managers_created)})
    return report


def _departments(session: Session) -> dict[str, int]:
    """Department id by slug; a former slug still names its department."""
    aliases = session.execute(select(DepartmentAlias.slug, DepartmentAlias.department_id))
    current = session.execute(select(Department.slug, Department.id))
    return {slug: id_ for slug, id_ in [*aliases, *current]}


def _check_departments(rows: Sequence[DirectoryRow], departments: dict[str, int],
                       problems: Problems) -> None:
    for row in rows:
        if row.department is not None and row.department not in departments:
            close = difflib.get_close_matches(row.department, departments, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.add(row.line, f"unknown department {row.department!r}{hint}")


def _check_cycles(rows: Sequence[DirectoryRow], accounts: dict[str, Row[Any]],
                  problems: Problems) -> None:
    """Report managers who would end up managing themselves through others (a -> b -> a),
    counting the managers the database keeps for people the file does not list."""
    email_of = {account.id: email for email, account in accounts.items()}
    boss = {email: email_of.get(account.manager_id) for email, account in accounts.items()}
    boss.update((row.email, row.manager_email) for row in rows)
    line_of = {row.email: row.line for row in rows}
    done: set[str] = set()
    for row in rows:
        path: dict[str, int] = {}  # e-mail -> position, in walking order
        node: str | None = row.email
        while node is not None and node not in done and node not in path:
            path[node] = len(path)
            node = boss.get(node)
        done.update(path)
        if node is None or node not in path:
            continue
        cycle = list(path)[path[node]:]
        lines = sorted(line_of[email] for email in cycle if email in line_of)
        if not lines:
            continue  # a cycle the database had before; this file did not make it
        first = cycle.index(next(e for e in cycle if line_of.get(e) == lines[0]))
        cycle = cycle[first:] + cycle[:first]
        shown = cycle[:MAX_CYCLE_SHOWN] + (["…"] if len(cycle) > MAX_CYCLE_SHOWN else [cycle[0]])
        problems.add(lines[0], f"manager cycle: {' -> '.join(shown)} "
                               f"(lines {', '.join(map(str, lines))})")


class _Plan:
    """The rows turned into inserts and updates, compared with the accounts as they are."""

    def __init__(self, rows: Sequence[DirectoryRow], accounts: dict[str, Row[Any]],
                 departments: dict[str, int]) -> None:
        in_file = {row.email for row in rows}
        self.managers_created = list(dict.fromkeys(
            row.manager_email for row in rows
            if row.manager_email and row.manager_email not in accounts
            and row.manager_email not in in_file))
        self.creates: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.links: list[tuple[str, str]] = []  # (e-mail, manager's e-mail) of new managers
        self.ids: dict[str, int] = {}  # accounts by e-mail, once they exist
        self.unchanged = 0
        for row in rows:
            account = accounts.get(row.email)
            manager = accounts.get(row.manager_email) if row.manager_email else None
            wanted = {
                "name": row.name,
                "department_id": departments[row.department] if row.department else None,
                "manager_id": manager.id if manager is not None else None,
            }
            if row.manager_email and manager is None:
                self.links.append((row.email, row.manager_email))
            if account is None:
                self.creates.append({"email": row.email, "audience": row.audience or "employee",
                                     **wanted})
                continue
            self.ids[row.email] = account.id
            wanted["audience"] = row.audience or account.audience
            if (row.manager_email and manager is None) or any(
                    getattr(account, key) != value for key, value in wanted.items()):
                self.updates.append({"id": account.id, **wanted})
            else:
                self.unchanged += 1
        self.creates += [{"email": email, "name": email.split("@")[0], "audience": "employee",
                          "department_id": None, "manager_id": None}
                         for email in self.managers_created]

    def write(self, session: Session, progress: Progress | None) -> None:
        """Insert the new accounts, then update the others and link the new managers."""
        statement = insert(User).returning(User.id, User.email).execution_options(
            render_nulls=True)  # one statement per batch: a missing None would split it
        for done, batch in _batches(self.creates):
            self.ids.update((email, id_) for id_, email in session.execute(statement, batch))
            if progress:
                progress("inserting new accounts", done, len(self.creates))
        manager_of = {self.ids[email]: self.ids[manager] for email, manager in self.links}
        changes = [{**change, "manager_id": manager_of.pop(change["id"], change["manager_id"])}
                   for change in self.updates]
        changes += [{"id": id_, "manager_id": manager_id} for id_, manager_id in manager_of.items()]
        for done, batch in _batches(changes):
            session.execute(update(User), batch)
            if progress:
                progress("updating accounts and managers", done, len(changes))
        changed = {change["id"] for change in changes}
        for instance in list(session.identity_map.values()):
            if isinstance(instance, User) and instance.id in changed:
                session.expire(instance)  # bulk updates bypass the objects already loaded


def _batches(items: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(how many are done after this batch, the batch)."""
    for start in range(0, len(items), BATCH):
        yield min(start + BATCH, len(items)), items[start:start + BATCH]
