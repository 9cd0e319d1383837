"""Accounts from single sign-on: claims become an account, groups become grants.

A grant is `audience:<audience>`, `owner:<dept>`, `agent:<dept>`, `approver:<dept>` or `admin`.
At every sign-in the grants the groups map to replace the ones earlier sign-ins gave; roles an
admin gave by hand (or the catalog file) are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import CatalogError, ValidationError
from ..messages import _
from ..models import AUDIENCES, ROLES, Department, User
from .accounts import find_user, get_or_create_user, grant_role, normalize_email


class SignInRefused(CatalogError):
    """The identity provider vouched for someone the portal will not sign in."""

    code = "sign_in_refused"
    status = 403


@dataclass(frozen=True)
class SsoSettings:
    """How the provider's claims map onto accounts (from the PORTAL_OIDC_* settings)."""

    group_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups_claim: str = "groups"
    default_audience: str = "employee"
    department_claim: str = "department"
    manager_claim: str = "manager_email"
    languages: tuple[str, ...] = ("en", "de")


def parse_group_roles(value: Any) -> dict[str, tuple[str, ...]]:
    """`{"group": "grant" | ["grant", ...]}` (a dict or its JSON text), every grant checked."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValidationError(f"OIDC_GROUP_ROLES is not valid JSON: {error}.") from None
    if not isinstance(value, Mapping):
        raise ValidationError("OIDC_GROUP_ROLES must map group names to grants.")
    mapping: dict[str, tuple[str, ...]] = {}
    for group, grants in value.items():
        grants = [grants] if isinstance(grants, str) else grants
        if not isinstance(grants, list) or not all(isinstance(g, str) for g in grants):
            raise ValidationError(f"OIDC_GROUP_ROLES[{group!r}]: a grant or a list of grants.")
        for grant in grants:
            check_grant(grant, f"OIDC_GROUP_ROLES[{group!r}]")
        mapping[str(group)] = tuple(grants)
    return mapping


def check_grant(grant: str, where: str) -> None:
    kind, _, target = grant.partition(":")
    if grant == "admin":
        return
    if kind == "audience" and target in AUDIENCES:
        return
    if kind in ROLES and target:
        return
    raise ValidationError(
        f"{where}: {grant!r} is not a grant; use audience:<{'|'.join(AUDIENCES)}>, "
        f"owner:<dept>, agent:<dept>, approver:<dept> or admin.")


def sign_in_from_claims(session: Session, claims: Mapping[str, Any],
                        settings: SsoSettings) -> User:
    """The account for these verified claims, created or brought up to date.

    The audit log names single sign-on as who created the account or changed its rights.
    """
    with audit.acting_as(session, audit.SINGLE_SIGN_ON):
        return _sign_in_from_claims(session, claims, settings)


def _sign_in_from_claims(session: Session, claims: Mapping[str, Any],
                         settings: SsoSettings) -> User:
    subject = str(claims.get("sub") or "")
    email = claims_email(claims)
    if not subject or not email:
        raise SignInRefused(_("The identity provider did not say who you are (no e-mail address)."))
    user = session.scalar(select(User).where(User.sso_subject == subject))
    is_new = False
    if user is None:
        existing = find_user(session, email)
        if existing is not None and claims.get("email_verified") is False:
            # Anyone may type any address at some providers: never take over an account so.
            raise SignInRefused(_("The sign-in service has not verified your e-mail address, "
                                  "so it cannot be linked to your portal account. Please ask "
                                  "the portal's administrators."))
        is_new = existing is None
        user = get_or_create_user(session, email)
        if user.sso_subject not in (None, subject):
            raise SignInRefused(_("This e-mail address belongs to another sign-in. "
                                "Please ask the portal's administrators."))
        user.sso_subject = subject
    elif user.email != email and not session.scalar(
            select(func.count()).select_from(User).where(User.email == email)):
        user.email = email  # the company changed the address; the account stays the same
    if not user.active:
        raise SignInRefused(_("Your account is deactivated. "
                              "Please ask the portal's administrators."))
    user.name = claims_name(claims) or user.name
    locale = str(claims.get("locale") or "")[:2].lower()
    if user.locale is None and locale in settings.languages:
        user.locale = locale  # a language chosen on the profile page wins
    _apply_directory_claims(session, user, claims, settings)
    _apply_grants(session, user, claims, settings, is_new=is_new)
    session.flush()
    return user


def claims_email(claims: Mapping[str, Any]) -> str | None:
    """The e-mail: `email`, else Entra ID's `preferred_username` or `upn` if they are one."""
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value and len(value) <= 254:
            return normalize_email(value)
    return None


def claims_name(claims: Mapping[str, Any]) -> str | None:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return name.strip()[:200] or None


def _apply_directory_claims(session: Session, user: User, claims: Mapping[str, Any],
                            settings: SsoSettings) -> None:
    department = claims.get(settings.department_claim)
    if isinstance(department, str) and department.strip():
        value = department.strip().lower()
        found = session.scalar(select(Department).where(
            or_(Department.slug == value, func.lower(Department.name) == value)))
        if found is not None:
            user.department_id = found.id
    manager = claims.get(settings.manager_claim)
    if isinstance(manager, str) and "@" in manager and normalize_email(manager) != user.email:
        user.manager = get_or_create_user(session, manager)


def granted(claims: Mapping[str, Any], settings: SsoSettings) -> list[str]:
    """The grants the user's groups map to, in the order the mapping lists them."""
    groups = claims.get(settings.groups_claim)
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return []
    grants: list[str] = []
    for group in groups:
        for grant in settings.group_roles.get(str(group), ()):
            if grant not in grants:
                grants.append(grant)
    return grants


def _apply_grants(session: Session, user: User, claims: Mapping[str, Any],
                  settings: SsoSettings, *, is_new: bool) -> None:
    if settings.groups_claim not in claims and not is_new:
        # No groups at all (a provider without group claims, or Entra ID's "overage" for
        # people in very many groups): keep the audience and roles the account has.
        return
    grants = granted(claims, settings)
    audiences = [g.split(":", 1)[1] for g in grants if g.startswith("audience:")]
    if audiences:  # the widest audience wins when several groups map one
        user.audience = min(audiences, key=AUDIENCES.index)
    else:
        user.audience = settings.default_audience
    previous = set(user.sso_grants or [])
    given: list[str] = []
    for grant in previous - set(grants):
        _revoke(session, user, grant)
    for grant in grants:
        if grant.startswith("audience:"):
            continue
        if not _holds(session, user, grant):
            if _grant(session, user, grant):
                given.append(grant)
        elif grant in previous:
            given.append(grant)
    user.sso_grants = sorted(given)


def _department(session: Session, slug: str) -> Department | None:
    return session.scalar(select(Department).where(Department.slug == slug))


def _holds(session: Session, user: User, grant: str) -> bool:
    if grant == "admin":
        return user.is_admin
    role, _, slug = grant.partition(":")
    department = _department(session, slug)
    return department is not None and any(
        r.user_id == user.id and r.role == role for r in department.roles)


def _grant(session: Session, user: User, grant: str) -> bool:
    """Give the grant; False if its department does not exist (yet)."""
    if grant == "admin":
        user.is_admin = True
        return True
    role, _, slug = grant.partition(":")
    department = _department(session, slug)
    if department is None:
        return False
    grant_role(session, department, user, role)
    return True


def _revoke(session: Session, user: User, grant: str) -> None:
    if grant == "admin":
        user.is_admin = False
        return
    role, _, slug = grant.partition(":")
    department = _department(session, slug)
    if department is None:
        return
    for existing in [r for r in department.roles if r.user_id == user.id and r.role == role]:
        department.roles.remove(existing)
        session.delete(existing)


