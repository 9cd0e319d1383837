"""Replies to notifications, received by `mail-in`, filed as comments on their request.

The reply address names the request and carries a token signed for the recipient of the
notification (catalog.mail.reply_address). A reply is filed when the token is ours and still
valid, the mail comes from that recipient's address, they may write on the request (its
requester or the department's staff) and it is not closed. Anything else is refused with the
reason, and nothing is written. Mail written by machines (auto-replies, lists, bounces, our
own) is dropped without an answer, so two robots never answer each other forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from io import BytesIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import workflow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..field_checks import RuleBroken, check_file
from ..models import Attachment, RequestEvent, ServiceRequest, User
from ..uploads import FileStore, FileTooLarge, Upload, display_filename
from .reply_address import BadToken, parse_address, verify_token
from .reply_text import body_of

AUTOMATIC_HEADERS = ("List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond")
MAIL_FIELD = "reply"  # the Attachment.field_name of files that came with a reply


class ReplyRefused(Exception):
    """The reply is not filed; `reason` tells the sender why (sent back in the SMTP answer)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Inbox:
    """Where replies arrive and what signs them."""

    reply_address: str
    secret: bytes
    own_addresses: frozenset[str]


@dataclass(frozen=True)
class Filed:
    request: ServiceRequest | None  # None: dropped as automatic mail
    event: RequestEvent | None


def is_automatic(message: EmailMessage, mail_from: str, inbox: Inbox) -> bool:
    """Mail no person wrote, or our own: never answered, never filed."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    if auto not in ("", "no") or precedence in ("bulk", "junk", "list"):
        return True
    if any(message.get(name) is not None for name in AUTOMATIC_HEADERS) \
            or not mail_from.strip("<> "):
        return True  # a null envelope sender is a bounce
    senders = {mail_from.strip("<> ").lower(), *(_addresses(message, "From"))}
    base_local, _, base_domain = inbox.reply_address.lower().rpartition("@")
    return any(sender in inbox.own_addresses or (
        sender.endswith(f"@{base_domain}") and sender.split("@")[0].split("+")[0] == base_local)
        for sender in senders)


def _addresses(message: EmailMessage, header: str) -> set[str]:
    return {address.lower() for _, address in getaddresses([str(v) for v in
                                                             message.get_all(header, [])])
            if address}


def file_reply(session: Session, raw: bytes, mail_from: str, recipients: list[str],
               inbox: Inbox, store: FileStore, now: datetime) -> Filed:
    """File a reply as a comment (flushed, not committed), drop automatic mail, or raise
    ReplyRefused with the reason; on a refusal the caller rolls back and nothing remains."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    if is_automatic(message, mail_from, inbox):
        return Filed(None, None)
    request, author = _author_and_request(session, message, recipients, inbox, now)
    text = body_of(message)
    try:
        files = _save_attachments(message, request, store)
        if files:
            names = ", ".join(file.filename for file in files)
            text = f"{text}\n\n({names})".strip() if text else f"({names})"
        if not text:
            raise ReplyRefused("5.6.0", "The reply is empty: write your answer above the"
                                        " quoted message.")
        try:
            event = workflow.add_comment(session, request, author, text, now=now)
        except ValidationError:
            raise ReplyRefused("5.3.4", f"The reply is longer than {workflow.MAX_TEXT}"
                                        " characters; please shorten it.") from None
        for file in files:
            file.created_at = now
            request.attachments.append(file)
        session.flush()
    except BaseException:
        store.discard_written()
        raise
    return Filed(request, event)


def _author_and_request(session: Session, message: EmailMessage, recipients: list[str],
                        inbox: Inbox, now: datetime) -> tuple[ServiceRequest, User]:
    found = next((parsed for parsed in (parse_address(inbox.reply_address, r)
                                        for r in recipients) if parsed), None)
    if found is None:
        raise ReplyRefused("5.1.1", "No such reply address.")
    ref, token = found
    try:
        verified = verify_token(inbox.secret, ref, token, now.date())
    except BadToken as problem:
        if problem.expired:
            raise ReplyRefused("5.7.1", f"This reply address of request {ref} has expired;"
                                        " please answer on the request's page.") from None
        raise ReplyRefused("5.7.1", "This reply address is not valid.") from None
    request = session.scalar(select(ServiceRequest)
                             .where(func.upper(ServiceRequest.ref) == verified.ref))
    author = session.get(User, verified.user_id)
    if request is None or author is None or not author.active:
        raise ReplyRefused("5.7.1", "This reply address is not valid any more.")
    if author.email.lower() not in _addresses(message, "From"):
        raise ReplyRefused("5.7.1", "This reply address was given to someone else; only they"
                                    " can answer with it.")
    try:
        workflow.check_may_comment(request, author)
    except PermissionDenied:
        raise ReplyRefused("5.7.1", "Only the requester and the department can write on"
                                    f" request {ref}.") from None
    except Conflict:
        raise ReplyRefused("5.7.1", f"Request {ref} is {request.status}; please open a new"
                                    " request instead.") from None
    return request, author


def _allowed_types(request: ServiceRequest) -> dict[str, list[str]]:
    """The request form's file rules: the union of its file fields' types (none: any type)."""
    kinds: list[str] = []
    for field in request.form:
        if field.get("type") == "file":
            if not field.get("file_types"):
                return {}
            kinds += [kind for kind in field["file_types"] if kind not in kinds]
    return {"file_types": kinds} if kinds else {}


def _save_attachments(message: EmailMessage, request: ServiceRequest,
                      store: FileStore) -> list[Attachment]:
    rules = _allowed_types(request)
    saved = []
    for part in message.iter_attachments():
        filename = part.get_filename()
        if not filename:
            continue  # e.g. an inline logo without a name
        content = part.get_payload(decode=True) or b""
        name = display_filename(filename)
        try:
            check_file(rules, name, BytesIO(content))
            stored = store.save(Upload(filename=name, stream=BytesIO(content),
                                       content_type=part.get_content_type()))
        except RuleBroken:
            raise ReplyRefused("5.7.1", f"The attachment {name!r} is not of a type this"
                                        " request accepts.") from None
        except FileTooLarge:
            limit = store.max_bytes // (1024 * 1024)
            raise ReplyRefused("5.3.4", f"The attachment {name!r} is larger than {limit} MB."
                               ) from None
        saved.append(Attachment(field_name=MAIL_FIELD, filename=stored.filename,
                                stored_name=stored.stored_name,
                                content_type=stored.content_type, size=stored.size))
    return saved
