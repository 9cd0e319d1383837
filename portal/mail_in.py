"""The SMTP or LMTP server of `flask --app portal mail-in`: receives replies to notifications
and files them (catalog.mail.replies); the company's mail server forwards them here."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope
from flask import Flask, current_app

from catalog.mail.replies import Inbox, ReplyRefused, file_reply
from catalog.mail.reply_address import parse_address
from catalog.models import utcnow

from .changes import saving
from .extensions import db
from .mail import reply_secret
from .uploads import file_store

log = logging.getLogger(__name__)


def inbox() -> Inbox:
    """The reply address and key of this installation (PORTAL_REPLY_ADDRESS)."""
    config = current_app.config
    own = {config["MAIL_FROM"].lower(), config["REPLY_ADDRESS"].lower()}
    return Inbox(reply_address=config["REPLY_ADDRESS"], secret=reply_secret(),
                 own_addresses=frozenset(own))


def receive(mail_from: str, recipients: list[str], raw: bytes) -> str:
    """File one mail in its own transaction; the SMTP answer (250 or 550 with the reason)."""
    store = file_store()
    try:
        with saving(on_rollback=store.discard_written):
            filed = file_reply(db.session, raw, mail_from, recipients, inbox(), store, utcnow())
    except ReplyRefused as refusal:
        # The code only: addresses and the reason (it may name a file) are personal data.
        log.info("reply refused: %s", refusal.code)
        return f"550 {refusal.code} {refusal.reason}"
    except Exception:
        log.exception("a reply could not be filed")
        return "451 4.3.0 The reply could not be filed now; please try again later."
    if filed.request is None:
        return "250 2.0.0 Automatic mail dropped"
    return f"250 2.0.0 Filed on {filed.request.ref}"


class ReplyHandler:
    """aiosmtpd handler: recipients must be reply addresses; each mail is filed by `receive`
    in a worker thread with the app's context, so the server keeps answering meanwhile."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if parse_address(self.app.config["REPLY_ADDRESS"], address) is None:
            return "550 5.1.1 No such reply address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        return await asyncio.get_running_loop().run_in_executor(
            None, self._receive, envelope.mail_from or "", list(envelope.rcpt_tos), raw)

    def _receive(self, mail_from: str, recipients: list[str], raw: bytes) -> str:
        with self.app.app_context():
            return receive(mail_from, recipients, raw)


class ReplyServer(Controller):
    """The server in a thread of its own; LMTP instead of SMTP with `lmtp`."""

    def __init__(self, app: Flask, host: str, port: int, lmtp: bool = False) -> None:
        self.lmtp = lmtp
        limit = int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024) * 4 + 1024 * 1024
        super().__init__(ReplyHandler(app), hostname=host, port=port, data_size_limit=limit,
                         decode_data=False)

    def factory(self) -> SMTP:
        if self.lmtp:
            return LMTP(self.handler, **self.SMTP_kwargs)
        return super().factory()
