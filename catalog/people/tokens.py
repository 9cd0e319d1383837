"""Personal API tokens: named, expiring, scoped, revocable by their owner."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..errors import NotFound, ValidationError
from ..messages import _
from ..models import TOKEN_SCOPES, ApiToken, User, utcnow

DEFAULT_DAYS = 90
MAX_DAYS = 366
# "Last used" on the profile page is kept to this precision.
LAST_USE_PRECISION = timedelta(minutes=5)


def issue_token(session: Session, user: User, *, name: str = "",
                scopes: Iterable[str] = TOKEN_SCOPES, days: int | None = DEFAULT_DAYS,
                now: datetime | None = None) -> str:
    """A new token; only its hash is stored, so it is shown this once.

    `days=None` makes a token that does not expire (tokens made before expiry existed are
    such tokens; the profile page and the command line always set an expiry).
    """
    chosen = set(scopes) | {"read"}
    unknown = chosen - set(TOKEN_SCOPES)
    if unknown:
        message = _("Unknown scope %(scope)s; one of %(scopes)s.", scope=sorted(unknown)[0],
                    scopes=", ".join(TOKEN_SCOPES))
        raise ValidationError(message, {"scopes": message})
    if days is not None and not 1 <= days <= MAX_DAYS:
        message = _("A token lasts from 1 to %(max)d days.", max=MAX_DAYS)
        raise ValidationError(message, {"days": message})
    name = name.strip()
    if len(name) > 100:
        message = _("A token's name has at most 100 characters.")
        raise ValidationError(message, {"name": message})
    now = now or utcnow()
    token = "sp_" + secrets.token_urlsafe(32)
    session.add(ApiToken(
        user=user, token_hash=ApiToken.hash(token), name=name, created_at=now,
        scopes=" ".join(s for s in TOKEN_SCOPES if s in chosen),
        expires_at=None if days is None else now + timedelta(days=days),
    ))
    session.flush()
    return token


def token_for(session: Session, token: str, now: datetime | None = None) -> ApiToken | None:
    """The unexpired token of an active user, with its user loaded; else None."""
    found = session.scalars(
        select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.roles))
        .where(ApiToken.token_hash == ApiToken.hash(token))).unique().first()
    now = now or utcnow()
    if found is None or not found.user.active:
        return None
    if found.expires_at is not None and found.expires_at <= now:
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USE_PRECISION:
        found.last_used_at = now  # not on every call: a script's reads need not all write
    return found


def allows(token: ApiToken, scope: str) -> bool:
    """Every token reads; `requests` and `catalog` tokens also write those."""
    return scope == "read" or scope in token.scope_list


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Delete one of the user's own tokens; it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("There is no such token."))
    session.delete(token)
    session.flush()
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at, ApiToken.id)))
