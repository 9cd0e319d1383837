"""What only admins do: create departments, rename them, name their owners and agents."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import history
from .catalog_file import Problems
from .catalog_file.importer import default_code, set_role_holders
from .catalog_file.validate import CODE, EMAIL, SLUG
from .errors import PermissionDenied, ValidationError
from .messages import _
from .models import Department, DepartmentAlias, User
from .permissions import can
from .revision import bump_catalog_revision
from .slugs import rename_department


def require(actor: User | None, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied(_("Only admins may do this."))


def _check_name_and_slug(session: Session, problems: Problems, name: str, slug: str,
                         department: Department | None = None) -> None:
    if not name.strip():
        problems.add("name", _("must not be empty"))
    elif len(name) > 200:
        problems.add("name", _("is longer than %(max)d characters", max=200))
    if not SLUG.match(slug) or len(slug) > 80:
        problems.add("slug", _("use lowercase letters, digits and single hyphens, e.g. facilities"))
        return
    taken = session.scalar(select(Department.id).where(Department.slug == slug))
    if taken is not None and (department is None or taken != department.id):
        problems.add("slug", _("another department already uses %(slug)r", slug=slug))


def create_department(session: Session, actor: User | None, *, slug: str, name: str,
                      code: str = "") -> Department:
    """A new, empty department; its first revision records its (default) settings."""
    require(actor, "manage_departments")
    slug, name, code = slug.strip(), name.strip(), code.strip().upper() or default_code(slug)
    problems = Problems()
    _check_name_and_slug(session, problems, name, slug)
    if not CODE.match(code):
        problems.add("code", _("use 2 to 10 capital letters or digits, starting with a letter"))
    elif session.scalar(select(Department.id).where(Department.code == code)) is not None:
        problems.add("code", _("another department already uses the code %(code)r", code=code))
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems.as_fields())
    # A new department takes over an address that used to redirect to another one.
    session.execute(delete(DepartmentAlias).where(DepartmentAlias.slug == slug))
    department = Department(slug=slug, name=name, code=code, description="")
    session.add(department)
    session.flush()
    history.record_department_revision(session, department, actor, "created")
    bump_catalog_revision(session)
    return department


def administer_department(session: Session, department: Department, actor: User | None, *,
                          name: str, slug: str, owners: list[str], agents: list[str]) -> None:
    """Rename the department (old address redirects) and make exactly these its owners and agents.

    People are named by e-mail; someone without an account gets one without a password, as a
    catalog file import does.
    """
    require(actor, "manage_departments")
    require(actor, "manage_people")
    name, slug = name.strip(), slug.strip()
    owners, agents = _distinct(owners), _distinct(agents)
    problems = Problems()
    _check_name_and_slug(session, problems, name, slug, department)
    for key, emails in (("owners", owners), ("agents", agents)):
        wrong = [email for email in emails if not EMAIL.match(email) or len(email) > 254]
        if wrong:
            problems.add(key, _("not an e-mail address: %(emails)s", emails=", ".join(wrong)))
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems.as_fields())
    with session.no_autoflush:  # name and address change in one flush: one audit entry
        department.name = name
        rename_department(session, department, slug)
    set_role_holders(session, department, "owner", owners)
    set_role_holders(session, department, "agent", agents)
    session.flush()
    bump_catalog_revision(session)


def _distinct(emails: list[str]) -> list[str]:
    """E-mails trimmed and lowercased, each once, in the order given."""
    seen: dict[str, None] = {}
    for email in emails:
        if email.strip():
            seen.setdefault(email.strip().lower(), None)
    return list(seen)
