"""People who use the portal, their signed-in sessions and their personal API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, exists, false
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department, DepartmentRole

AUDIENCES = ("employee", "temporary", "contractor", "shareholder")
TOKEN_SCOPES = ("read", "requests", "catalog")


def sha256(secret: str) -> str:
    """What is stored of a session key or token: never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    audience: Mapped[str] = mapped_column(String(20), default="employee")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Home department and manager, from the people directory or the sign-in claims.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The identity provider's subject, so a changed e-mail still finds the account.
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The grants single sign-on gave (e.g. "owner:it"); the next sign-in replaces them.
    sso_grants: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_sign_in_at: Mapped[datetime | None]
    # Consent to be named on public pages when a requester thanks this person (off by default).
    show_name_when_thanked: Mapped[bool] = mapped_column(default=False, server_default=false())

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.created_at"
    )
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    # The departments the user owns, works for or approves in (read-only; granted through
    # Department.roles).
    roles: Mapped[list[DepartmentRole]] = relationship(viewonly=True)
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])

    # The key of the signed-in session this object was loaded for (see `get_id`).
    session_key = None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True if the password matches; an account without a password never signs in."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # Flask-Login's user protocol, written out so the domain does not import Flask-Login.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session and remember-me cookies carry: the account and the session key,
        so that ending the session on the server ends both cookies."""
        return f"{self.id}:{self.session_key}" if self.session_key else str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(Base):
    """One signed-in browser; deleting the row signs that browser out, cookies and all."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(20), default="password")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="sessions")


class ApiToken(Base):
    """A personal token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # Space-separated TOKEN_SCOPES: every token reads; `requests` and `catalog` also write.
    scopes: Mapped[str] = mapped_column(String(100), default="read")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def hash(token: str) -> str:
        return sha256(token)

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in TOKEN_SCOPES if scope in self.scopes.split()]


_reports = User.__table__.alias("report")
# Whether anyone names this person as their manager (loaded with the account: the header
# links managers to the approvals page without a query of its own).
User.has_reports = column_property(  # type: ignore[attr-defined]
    exists().where(_reports.c.manager_id == User.__table__.c.id).correlate_except(_reports))
