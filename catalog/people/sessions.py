"""Signed-in sessions kept on the server, so that signing out really ends them.

The browser's cookies carry `<user id>:<session key>`; only the key's hash is stored. Deleting
a row ends the session and the remember-me cookie that points at it, wherever they were copied.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from ..activity import MARK_COLUMNS, format_mark
from ..models import DepartmentRole, User, UserSession, utcnow
from ..models.users import sha256
from ..permissions import approves_anything, manages
from ..prepared import Prepared


def start_session(session: Session, user: User, *, lifetime: timedelta, remember: bool = False,
                  method: str = "password", now: datetime | None = None) -> str:
    """A new session for the user; returns its key (also set as `user.session_key`)."""
    now = now or utcnow()
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))  # anyone's
    key = secrets.token_urlsafe(24)
    session.add(UserSession(user_id=user.id, key_hash=sha256(key), remember=remember,
                            method=method, created_at=now, expires_at=now + lifetime))
    user.last_sign_in_at = now
    user.session_key = key
    session.flush()
    return key


# Built once: it runs on every signed-in request. The roles come along for the header's
# "Manage" link, in the same statement.
_USER_FOR_SESSION = (
    select(User).join(UserSession, UserSession.user_id == User.id)
    .options(joinedload(User.roles))
    .where(UserSession.key_hash == bindparam("key_hash"), User.id == bindparam("user_id"),
           User.active.is_(True), UserSession.expires_at > bindparam("now"))
)


def user_for_session(session: Session, user_id: int, key: str,
                     now: datetime | None = None) -> User | None:
    """The active user whose unexpired session has this key, in one statement; else None."""
    user = session.scalars(_USER_FOR_SESSION, {
        "key_hash": sha256(key), "user_id": user_id, "now": now or utcnow()}).unique().first()
    if user is not None:
        user.session_key = key
    return user


@dataclass(frozen=True)
class Viewer:
    """Who a session belongs to, as far as a cached catalog page and its header differ for
    them: read without loading the account (see `viewer_for_session`)."""

    id: int
    name: str
    audience: str
    is_admin: bool
    locale: str | None
    timezone: str | None
    roles: tuple[tuple[str, int], ...]  # (role, department id)
    has_reports: bool = False  # someone names them as manager (the approvals link)

    @property
    def manages(self) -> bool:
        """The header's "Manage" link: `permissions.may_manage` from the viewer's rights."""
        return manages(self.is_admin, (role for role, _ in self.roles))

    @property
    def approves(self) -> bool:
        """The header's "Approvals" link: `approvals.may_approve_anything` from the viewer."""
        return approves_anything(self.has_reports, (role for role, _ in self.roles))

    @classmethod
    def of(cls, user: User) -> Viewer:
        """The viewer of an account already loaded."""
        return cls(id=user.id, name=user.name, audience=user.audience,
                   is_admin=bool(user.is_admin), locale=user.locale, timezone=user.timezone,
                   roles=tuple(sorted((r.role, r.department_id) for r in user.roles)),
                   has_reports=bool(user.has_reports))


# The same conditions as _USER_FOR_SESSION, with the activity mark in the same statement; run
# on the driver's cursor (it is most of what a cached signed-in page costs).
_VIEWER_FOR_SESSION = Prepared(
    select(User.id, User.name, User.audience, User.is_admin, User.locale, User.timezone,
           DepartmentRole.role, DepartmentRole.department_id, User.has_reports, *MARK_COLUMNS)
    .join(UserSession, UserSession.user_id == User.id)
    .outerjoin(DepartmentRole, DepartmentRole.user_id == User.id)
    .where(UserSession.key_hash == bindparam("key_hash"), User.id == bindparam("user_id"),
           User.active.is_(True), UserSession.expires_at > bindparam("now"))
)


def viewer_for_session(source: Session | Engine, user_id: int, key: str,
                       now: datetime | None = None) -> tuple[Viewer, str] | None:
    """The viewer of an unexpired session of an active user, with the catalog's activity mark
    (`catalog.activity`), in one statement and without building the account's objects: what a
    signed-in view of a cached page needs. None if the session has ended. Read through the
    engine where the request has no session yet (`Prepared.rows`)."""
    rows = _VIEWER_FOR_SESSION.rows(source, {
        "key_hash": sha256(key), "user_id": user_id, "now": now or utcnow()})
    if not rows:
        return None
    first = rows[0]
    roles = tuple(sorted((row[6], row[7]) for row in rows if row[6] is not None))
    viewer = Viewer(id=first[0], name=first[1], audience=first[2], is_admin=bool(first[3]),
                    locale=first[4], timezone=first[5], roles=roles,
                    has_reports=bool(first[8]))
    return viewer, format_mark(first[9:])


def end_session(session: Session, key: str | None) -> None:
    """Sign one browser out: its session cookie and remember-me cookie stop working."""
    if key:
        session.execute(delete(UserSession).where(UserSession.key_hash == sha256(key)))


def end_all_sessions(session: Session, user: User) -> int:
    """Sign the user out everywhere; returns how many sessions ended."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.expire(user, ["sessions"])
    return result.rowcount or 0


def active_sessions(session: Session, user: User, now: datetime | None = None
                    ) -> list[UserSession]:
    """The user's sessions that have not ended, newest first."""
    return list(session.scalars(
        select(UserSession).where(UserSession.user_id == user.id,
                                  UserSession.expires_at > (now or utcnow()))
        .order_by(UserSession.created_at.desc())
    ))


def session_id(session: Session, key: str) -> int | None:
    """The id of the session with this key (to mark "this browser" in a list)."""
    return session.scalar(select(UserSession.id).where(UserSession.key_hash == sha256(key)))
