"""Reply templates: ready answers a department's owners keep and its staff insert into a
comment, where they edit them before sending.

A template's text may hold the placeholders {name} (the requester's name) and {ref} (the
request's reference). They are filled by plain replacement, never by `str.format`: any other
text in braces, e.g. `{0}` or `{name.__class__}`, stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, PermissionDenied, ValidationError
from ..messages import _
from ..models import Department, ReplyTemplate, ServiceRequest, User, utcnow
from ..permissions import can
from ..text_input import clean_text
from ..workflow import is_staff

MAX_TITLE = 120
MAX_BODY = 10_000
PLACEHOLDERS = ("name", "ref")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


@dataclass(frozen=True)
class Reply:
    """A template filled in for one request."""

    id: int
    title: str
    text: str


def may_manage(actor: User | None, department: Department) -> bool:
    """The department's owners and admins keep its templates."""
    return can(actor, "manage_reply_templates", department)


def _require(actor: User | None, department: Department) -> None:
    if not may_manage(actor, department):
        raise PermissionDenied(_("Only the department's owners and admins may do this."))


def templates_of(session: Session, department: Department) -> list[ReplyTemplate]:
    """The department's templates, by title."""
    return list(session.scalars(
        select(ReplyTemplate).where(ReplyTemplate.department_id == department.id)
        .order_by(ReplyTemplate.title, ReplyTemplate.id)))


def find_template(session: Session, department: Department, template_id: int) -> ReplyTemplate:
    """One of the department's templates; NotFound for any other id."""
    found = session.get(ReplyTemplate, template_id)
    if found is None or found.department_id != department.id:
        raise NotFound(_("There is no such reply template."))
    return found


def _checked(session: Session, department: Department, title: object, body: object,
             template_id: int | None = None) -> tuple[str, str]:
    problems: dict[str, object] = {}
    checked = {}
    for field, value, limit in (("title", title, MAX_TITLE), ("body", body, MAX_BODY)):
        try:
            checked[field] = clean_text(value, field, required=True, limit=limit)
        except ValidationError as error:
            problems.update(error.fields)
    if "title" in checked and "\n" in checked["title"]:
        problems["title"] = _("A title is one line.")
    elif "title" in checked and session.scalar(
            select(ReplyTemplate.id).where(ReplyTemplate.department_id == department.id,
                                           ReplyTemplate.title == checked["title"],
                                           ReplyTemplate.id != (template_id or 0))):
        problems["title"] = _("%(department)s already has a template with this title.",
                              department=department.name)
    if problems:
        raise ValidationError(_("Please correct the marked fields."), problems)
    return checked["title"], checked["body"]


def add_template(session: Session, actor: User, department: Department, title: object,
                 body: object) -> ReplyTemplate:
    """A new template of the department."""
    _require(actor, department)
    title, body = _checked(session, department, title, body)
    template = ReplyTemplate(department=department, title=title, body=body)
    session.add(template)
    session.flush()
    return template


def edit_template(session: Session, actor: User, template: ReplyTemplate, title: object,
                  body: object) -> ReplyTemplate:
    """Change a template's title and text."""
    _require(actor, template.department)
    template.title, template.body = _checked(session, template.department, title, body,
                                             template.id)
    template.updated_at = utcnow()
    session.flush()
    return template


def delete_template(session: Session, actor: User, template: ReplyTemplate) -> None:
    _require(actor, template.department)
    session.delete(template)
    session.flush()


def fill(text: str, request: ServiceRequest) -> str:
    """The text with {name} and {ref} filled in for the request; other braces stay."""
    values = {"name": request.requester.name, "ref": request.ref}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def replies_for(session: Session, request: ServiceRequest, actor: User | None) -> list[Reply]:
    """The department's templates filled in for the request, for its staff (else none)."""
    if not is_staff(actor, request):
        return []
    return [Reply(t.id, t.title, fill(t.body, request))
            for t in templates_of(session, request.department)]
