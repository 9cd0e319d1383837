"""What the portal keeps about a person, and how it lets go of it (DSGVO).

- `export_person`: everything stored about one person (Art. 15), as plain JSON values.
- `forget_person`: removes the person's name, e-mail, answers and texts (Art. 17); the request
  rows with their dates, statuses and ratings' numbers stay, so adherence does not change.
- `purge_expired`: the retention rule: answers, texts and files of requests closed longer
  than the retention period are removed in the same way.

Files are deleted by the caller after the commit (`remove_files`), so a rolled-back
transaction never leaves a request pointing at a missing file.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Base,
    Department,
    DepartmentRole,
    Feedback,
    FollowUp,
    Offering,
    OutboxMessage,
    RequestApproval,
    RequestEvent,
    ServiceRequest,
    Thanks,
    User,
    UserSession,
    utcnow,
)
from ..requests.notes import requester_events
from ..revision import bump_catalog_revision
from ..uploads import FileStore

# What takes the place of a removed text; neutral, and the same in every language.
PLACEHOLDER = "[removed]"
FORGOTTEN_NAME = "Former user"
# Statuses after which a request is finished with; the retention period runs from its last change.
FINISHED_STATUSES = ("closed", "cancelled")
# Names shorter than this are not searched for in other people's texts (too many false hits).
MIN_MENTION = 4
# Never rewritten when searching for mentions: the append-only audit log (it names people by
# id only) and other people's names (a namesake keeps theirs).
UNTOUCHED = frozenset({"audit_entry", "user_account.name"})


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    years, month = divmod(moment.month - 1 - months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def forgotten_email(user_id: int) -> str:
    """The address a forgotten account keeps: unique, and no one's (.invalid never resolves)."""
    return f"forgotten-{user_id}@forgotten.invalid"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# Export (Art. 15) -------------------------------------------------------------------------------

def export_person(session: Session, user: User) -> dict[str, Any]:
    """Everything stored about `user`: account, roles, sessions and tokens (no secrets), their
    requests with answers, comments and files' names, ratings, thanks, follow-ups, mail, and
    the audit entries about them or made by them."""
    requests = list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.requester_id == user.id).order_by(ServiceRequest.id)))
    request_ids = [r.id for r in requests]
    ratings = _by_request(session, Feedback, request_ids)
    follow_ups = _by_request(session, FollowUp, request_ids)
    thanks = _by_request(session, Thanks, request_ids)
    return {
        "account": {
            "id": user.id, "email": user.email, "name": user.name, "audience": user.audience,
            "admin": user.is_admin, "active": user.active, "locale": user.locale,
            "timezone": user.timezone, "created_at": _iso(user.created_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
            "home_department": user.department.slug if user.department else None,
            "manager": user.manager.email if user.manager else None,
            "single_sign_on_subject": user.sso_subject, "single_sign_on_grants": user.sso_grants,
            "has_password": bool(user.password_hash),
            "show_name_when_thanked": user.show_name_when_thanked,
        },
        "roles": [{"department": role.department.slug, "role": role.role}
                  for role in session.scalars(select(DepartmentRole).where(
                      DepartmentRole.user_id == user.id).order_by(DepartmentRole.id))],
        "sessions": [{"method": s.method, "remember": s.remember,
                      "created_at": _iso(s.created_at), "expires_at": _iso(s.expires_at)}
                     for s in session.scalars(select(UserSession).where(
                         UserSession.user_id == user.id).order_by(UserSession.id))],
        "tokens": [{"name": t.name, "scopes": t.scope_list, "created_at": _iso(t.created_at),
                    "expires_at": _iso(t.expires_at), "last_used_at": _iso(t.last_used_at)}
                   for t in session.scalars(select(ApiToken).where(
                       ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "requests": [_request_json(r, ratings.get(r.id), follow_ups.get(r.id), thanks.get(r.id))
                     for r in requests],
        "comments_on_other_requests": [
            {"request": event.request.ref, "kind": event.kind, "body": event.body,
             "created_at": _iso(event.created_at)}
            for event in session.scalars(select(RequestEvent).join(RequestEvent.request).where(
                RequestEvent.actor_id == user.id, RequestEvent.body != "",
                ServiceRequest.requester_id != user.id).order_by(RequestEvent.id))],
        "follow_ups_answered": [
            {"request": f.request.ref, "answer": f.answer, "answered_at": _iso(f.answered_at)}
            for f in session.scalars(select(FollowUp).where(
                FollowUp.answered_by_id == user.id).order_by(FollowUp.id))],
        "thanks_received": [
            {"request": t.request.ref, "message": t.message, "created_at": _iso(t.created_at),
             "from": t.sender.name if t.show_name else None}
            for t in session.scalars(select(Thanks).where(
                Thanks.recipient_id == user.id).order_by(Thanks.id))],
        "mail": [{"kind": m.kind, "to": m.to_address, "status": m.status,
                  "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
                 for m in session.scalars(select(OutboxMessage).where(or_(
                     OutboxMessage.recipient_id == user.id,
                     OutboxMessage.to_address == user.email)).order_by(OutboxMessage.id))],
        "audit_log": [{"at": _iso(e.at), "action": e.action, "subject": e.subject,
                       "details": e.details, "by_them": e.actor_id == user.id}
                      for e in session.scalars(select(AuditEntry).where(or_(
                          AuditEntry.actor_id == user.id,
                          AuditEntry.subject == audit.user_subject(user))).order_by(
                          AuditEntry.id))],
    }


def _by_request(session: Session, model: Any, request_ids: list[int]) -> dict[int, Any]:
    if not request_ids:
        return {}
    return {row.request_id: row for row in session.scalars(
        select(model).where(model.request_id.in_(request_ids)))}


def _request_json(item: ServiceRequest, rating: Feedback | None, follow_up: FollowUp | None,
                  thanks: Thanks | None) -> dict[str, Any]:
    return {
        "ref": item.ref, "department": item.department.slug, "offering": item.offering.slug,
        "priority": item.priority, "status": item.status, "created_at": _iso(item.created_at),
        "resolved_at": _iso(item.resolved_at), "purged_at": _iso(item.purged_at),
        "answers": dict(item.answers),
        "attachments": [{"field": a.field_name, "filename": a.filename, "size": a.size,
                         "content_type": a.content_type} for a in item.attachments],
        "events": [{"kind": e.kind, "by": "you" if e.actor_id == item.requester_id else "staff",
                    "body": e.body, "old_status": e.old_status, "new_status": e.new_status,
                    "created_at": _iso(e.created_at)} for e in requester_events(item)],
        "rating": None if rating is None else {
            "rating": rating.rating, "comment": rating.comment,
            "created_at": _iso(rating.created_at), "updated_at": _iso(rating.updated_at)},
        "follow_up": None if follow_up is None else {
            "answer": follow_up.answer, "answered_at": _iso(follow_up.answered_at)},
        "thanks": None if thanks is None else {
            "message": thanks.message, "show_name": thanks.show_name,
            "created_at": _iso(thanks.created_at)},
    }


# Removing texts of requests (shared by forgetting and retention) -------------------------------

def _purge_requests(session: Session, request_ids: list[int], now: datetime) -> list[str]:
    """Remove the answers, texts and attachments of these requests; keep every date, status,
    priority and rating number. Returns the stored names of the files to delete."""
    if not request_ids:
        return []
    ids = ServiceRequest.id.in_(request_ids)
    stored = list(session.scalars(select(Attachment.stored_name).where(
        Attachment.request_id.in_(request_ids))))
    session.execute(delete(Attachment).where(Attachment.request_id.in_(request_ids)))
    # updated_at given as itself: the purge is not a change of the request's course.
    session.execute(update(ServiceRequest).where(ids).values(
        answers={}, purged_at=now, updated_at=ServiceRequest.updated_at))
    session.execute(update(RequestEvent).where(
        RequestEvent.request_id.in_(request_ids), RequestEvent.body != "").values(
        body=PLACEHOLDER))
    session.execute(update(RequestApproval).where(
        RequestApproval.request_id.in_(request_ids), RequestApproval.comment != "").values(
        comment=PLACEHOLDER))
    session.execute(update(Feedback).where(
        Feedback.request_id.in_(request_ids), Feedback.comment != "").values(
        comment=PLACEHOLDER))
    session.execute(update(FollowUp).where(
        FollowUp.request_id.in_(request_ids), FollowUp.answer.is_not(None),
        FollowUp.answer != "").values(answer=PLACEHOLDER))
    session.execute(update(Thanks).where(Thanks.request_id.in_(request_ids)).values(
        show_name=False))
    session.execute(update(Thanks).where(
        Thanks.request_id.in_(request_ids), Thanks.message != "").values(message=PLACEHOLDER))
    # Mail already sent about them holds their texts too; mail still waiting goes out as is.
    session.execute(delete(OutboxMessage).where(
        OutboxMessage.request_id.in_(request_ids), OutboxMessage.status != "pending"))
    return stored


def remove_files(store: FileStore, stored_names: Iterable[str]) -> int:
    """Delete the stored files (after the commit that dropped their rows); the number deleted."""
    removed = 0
    for name in stored_names:
        path = store.path_of(name)
        if path.exists():
            path.unlink()
            removed += 1
    return removed


# Forgetting (Art. 17) ---------------------------------------------------------------------------

@dataclass
class Removal:
    """How many requests lost their answers and texts, and the stored files to delete."""

    requests: int = 0
    files: list[str] = field(default_factory=list)


def forget_person(session: Session, user: User, *, actor: User | str = audit.COMMAND_LINE,
                  now: datetime | None = None) -> Removal:
    """Remove the person's name, e-mail, answers and texts; the account can no longer sign in.

    Their requests stay as anonymous rows (dates, statuses, priorities, ratings' numbers), so
    adherence and rating averages do not change. The caller commits, then deletes the files.
    """
    now = now or utcnow()
    needles = [text for text in (user.name, user.email) if len(text) >= MIN_MENTION]
    request_ids = list(session.scalars(select(ServiceRequest.id).where(
        ServiceRequest.requester_id == user.id)))
    email = user.email
    user.name, user.email = FORGOTTEN_NAME, forgotten_email(user.id)
    user.password_hash, user.active, user.sso_subject, user.sso_grants = None, False, None, []
    user.locale = user.timezone = user.last_sign_in_at = None
    user.department_id = user.manager_id = None
    user.show_name_when_thanked = False
    session.flush()
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    roles = session.execute(delete(DepartmentRole).where(DepartmentRole.user_id == user.id))
    session.execute(delete(OutboxMessage).where(or_(OutboxMessage.recipient_id == user.id,
                                                    OutboxMessage.to_address == email)))
    session.execute(update(Department).where(Department.contact_email == email).values(
        contact_email=None))
    report = Removal(requests=len(request_ids),
                     files=_purge_requests(session, request_ids, now))
    # What they wrote on other people's requests, as staff.
    session.execute(update(RequestEvent).where(
        RequestEvent.actor_id == user.id, RequestEvent.body != "").values(body=PLACEHOLDER))
    session.execute(update(RequestApproval).where(
        RequestApproval.decided_by_id == user.id, RequestApproval.comment != "").values(
        comment=PLACEHOLDER))
    session.execute(update(FollowUp).where(
        FollowUp.answered_by_id == user.id, FollowUp.answer.is_not(None)).values(
        answer=PLACEHOLDER))
    _scrub_mentions(session, needles)
    bump_catalog_revision(session)  # no cached page goes on showing the name
    session.expire_all()
    audit.record(session, actor=actor, action="user.forgotten",
                 subject=audit.user_subject(user),
                 details={"requests": report.requests, "roles_removed": roles.rowcount})
    session.flush()
    return report


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _mention_pattern(needles: list[str]) -> re.Pattern[str]:
    """The name and e-mail as whole words, in any case: "EMMA EMPLOYEE" is a mention, while
    "gemma@example.com" is someone else's address, not a mention of "emma@example.com"."""
    parts = [rf"(?<![\w.+-]){re.escape(needle)}(?![\w-]|\.\w)" if "@" in needle
             else rf"(?<!\w){re.escape(needle)}(?!\w)"
             for needle in sorted(needles, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE)


def _replace_in(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(PLACEHOLDER, value)
    if isinstance(value, list):
        return [_replace_in(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern) for key, item in value.items()}
    return value


def _scrub_mentions(session: Session, needles: list[str]) -> None:
    """Replace the name and e-mail wherever else they were written (a comment saying "Hi
    Emma", a thanks to "Adam", a mail waiting to be sent, an offering naming its contact):
    every text and JSON column of every table but the append-only audit log. The database finds
    the rows that may mention them; the pattern decides, so a namesake's longer name or address
    stays as it is. An offering rewritten gets a new version, so the search index takes in its
    new text and no longer finds it by the name."""
    if not needles:
        return
    offerings: set[int] = set()
    pattern = _mention_pattern(needles)
    for table in Base.metadata.sorted_tables:
        if table.name in UNTOUCHED:
            continue
        key = list(table.primary_key.columns)
        for column in table.columns:
            if f"{table.name}.{column.name}" in UNTOUCHED:
                continue
            if isinstance(column.type, String | Text):
                text, forms = column, set(needles)
            elif isinstance(column.type, JSON):
                # JSON text may spell the needle with \u escapes.
                text = cast(column, Text)
                forms = {n for needle in needles for n in (needle, json.dumps(needle)[1:-1])}
            else:
                continue
            rows = session.execute(select(*key, column).where(or_(
                *(text.ilike(_like(form), escape="\\") for form in forms)))).all()
            for row in rows:
                scrubbed = _replace_in(row[-1], pattern)
                if scrubbed != row[-1]:
                    session.execute(update(table).where(
                        *(k == row[i] for i, k in enumerate(key))).values(
                        {column.name: scrubbed}))
                    if table is Offering.__table__:
                        offerings.add(row[0])
    if offerings:
        session.execute(update(Offering.__table__).where(
            Offering.__table__.c.id.in_(offerings)).values(
            version=Offering.__table__.c.version + 1))


# Retention --------------------------------------------------------------------------------------

def purge_expired(session: Session, months: int, now: datetime | None = None,
                  batch: int = 500) -> Removal:
    """Remove answers, texts and files of requests finished (closed or cancelled) and
    unchanged for `months`; at most `batch` requests per call. The caller commits."""
    now = now or utcnow()
    cutoff = months_before(now, months)
    request_ids = list(session.scalars(select(ServiceRequest.id).where(
        ServiceRequest.status.in_(FINISHED_STATUSES), ServiceRequest.updated_at < cutoff,
        ServiceRequest.purged_at.is_(None)).order_by(ServiceRequest.id).limit(batch)))
    report = Removal(requests=len(request_ids),
                     files=_purge_requests(session, request_ids, now))
    if request_ids:
        bump_catalog_revision(session)  # thanks on cached pages lose their texts
    session.expire_all()
    return report
