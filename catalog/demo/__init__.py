"""Demo content: a believable company catalog and one sign-in for every kind of user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalog_file import ImportSummary, import_catalog, load_yaml
from ..models import Department, ReplyTemplate, User
from ..people.accounts import save_user
from .history import load_demo_history

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
DEMO_PASSWORD = "demo1234"

# (e-mail, name, audience, admin)
DEMO_USERS = [
    ("admin@example.com", "Ada Admin", "employee", True),
    ("emma.employee@example.com", "Emma Employee", "employee", False),
    ("tom.temp@example.com", "Tom Temp", "temporary", False),
    ("carl.contractor@example.com", "Carl Contractor", "contractor", False),
    ("sarah.shareholder@example.com", "Sarah Shareholder", "shareholder", False),
    ("olivia.owner@example.com", "Olivia Owner", "employee", False),
    ("adam.agent@example.com", "Adam Agent", "employee", False),
    ("hannah.hr@example.com", "Hannah Hofmann", "employee", False),
    ("frank.finance@example.com", "Frank Fischer", "employee", False),
    ("fiona.facilities@example.com", "Fiona Faber", "employee", False),
    ("chris.catering@example.com", "Chris Koch", "employee", False),
    ("mia.marketing@example.com", "Mia Martens", "employee", False),
    ("leo.legal@example.com", "Leo Lehmann", "employee", False),
]

# Home departments (as `people import` would set them), so the customer map has its seed:
# departments depend on each other. Temporary workers, contractors and shareholders have none.
DEMO_HOMES = {
    "admin@example.com": "it", "emma.employee@example.com": "marketing",
    "olivia.owner@example.com": "it", "adam.agent@example.com": "it",
    "hannah.hr@example.com": "hr", "frank.finance@example.com": "finance",
    "fiona.facilities@example.com": "facilities", "chris.catering@example.com": "catering",
    "mia.marketing@example.com": "marketing", "leo.legal@example.com": "legal",
}


def load_demo_data(session: Session, default_language: str = "en") -> ImportSummary:
    """Create or refresh the demo catalog and users; running it again changes nothing new."""
    for email, name, audience, admin in DEMO_USERS:
        save_user(session, email, name=name, password=DEMO_PASSWORD, audience=audience,
                  admin=admin)
    summary = import_catalog(session, load_yaml(CATALOG_FILE.read_text("utf-8")),
                             default_language)
    _set_homes(session)
    load_demo_history(session)
    load_demo_reply_templates(session)
    return summary


def _set_homes(session: Session) -> None:
    """Give demo accounts without a home department theirs (a home set since is kept)."""
    departments = {d.slug: d.id for d in session.scalars(select(Department))}
    for user in session.scalars(select(User).where(User.email.in_(DEMO_HOMES),
                                                   User.department_id.is_(None))):
        user.department_id = departments.get(DEMO_HOMES[user.email])


# IT's reply templates, to try "Use template" on a request page.
DEMO_REPLY_TEMPLATES = [
    ("it", "Password reset done",
     "Hello {name},\n\nyour password has been reset (request {ref}). Please choose a new one "
     "at your next sign-in.\n\nBest regards, IT Services"),
    ("it", "Need more details",
     "Hello {name},\n\nto go on with {ref} we need a few more details: "),
]


def load_demo_reply_templates(session: Session) -> None:
    """Add the demo reply templates that are missing (by department and title)."""
    for slug, title, body in DEMO_REPLY_TEMPLATES:
        department = session.scalar(select(Department).where(Department.slug == slug))
        if department is None or session.scalar(select(ReplyTemplate.id).where(
                ReplyTemplate.department_id == department.id, ReplyTemplate.title == title)):
            continue
        session.add(ReplyTemplate(department=department, title=title, body=body))
    session.flush()


def demo_sign_ins() -> list[tuple[str, str]]:
    """(e-mail, what the account shows off) for the start-up message."""
    return [(email, ("admin" if admin else audience)) for email, _, audience, admin in DEMO_USERS]


def active_demo_accounts(session: Session) -> list[str]:
    """E-mails of demo accounts that can still sign in (their password is published)."""
    emails = [email for email, *_ in DEMO_USERS]
    return list(session.scalars(select(User.email).where(
        User.email.in_(emails), User.active.is_(True)).order_by(User.email)))
