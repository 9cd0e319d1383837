"""The words of each notification, in the recipient's language and time zone.

The outbox keeps what happened (`OutboxMessage.data`); this module writes the mail about it
when `send-mail` delivers it, so the domain needs no templates or translations.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import gettext as _

from catalog.mail_delivery import SmtpSettings
from catalog.models import OutboxMessage

from .display import STATUS_NAMES, format_time
from .locale_memo import force_locale

When = Callable[[str | None], str]  # an ISO time from the outbox, in the reader's words


def smtp_settings() -> SmtpSettings:
    config = current_app.config
    return SmtpSettings(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]),
                        user=config["SMTP_USER"], password=config["SMTP_PASSWORD"],
                        starttls=bool(config["SMTP_STARTTLS"]), sender=config["MAIL_FROM"],
                        reply_address=config["REPLY_ADDRESS"] or None,
                        reply_secret=reply_secret(),
                        reply_days=int(config["REPLY_TOKEN_DAYS"]))


def reply_secret() -> bytes:
    """The key of reply tokens: derived from the app's secret, used for nothing else."""
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"portal reply address",
                    hashlib.sha256).digest()


def _zone(name: str | None) -> ZoneInfo:
    """The recipient's zone, else the portal's default (as on the pages)."""
    for candidate in (name, current_app.config["DEFAULT_TIMEZONE"]):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def compose(message: OutboxMessage) -> tuple[str, str]:
    """Subject and plain-text body of an outbox message."""
    data = message.data
    locale = data.get("locale") if data.get("locale") in current_app.config["LANGUAGES"] \
        else "en"
    zone = _zone(data.get("timezone"))

    def when(value: str | None) -> str:
        if not value:
            return ""
        return format_time(datetime.fromisoformat(value), "due", zone=zone, locale=locale)

    with force_locale(locale):
        link = _link(data["ref"]) if data.get("ref") else _home_link()
        return _WRITERS[message.kind](data, when, link)


def _link(ref: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/requests/{ref}"


def _home_link() -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/"


def _deadlines(data: dict[str, Any], when: When) -> list[str]:
    lines = []
    if data.get("first_response_due"):
        lines.append(_("First response by %(time)s", time=when(data["first_response_due"])))
    if data.get("resolution_due"):
        lines.append(_("Resolution by %(time)s", time=when(data["resolution_due"])))
    return lines


def _submitted(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] We received your request: %(title)s", ref=data["ref"],
                title=data["offering"])
    lines = [_("Hello %(name)s,", name=data.get("greet") or data["requester"]), "",
             _("%(department)s received your request “%(title)s” with the reference %(ref)s.",
               department=data["department"], title=data["offering"], ref=data["ref"]), ""]
    if data.get("submitted_by"):
        lines[-1:-1] = [_("%(sender)s sent it for %(name)s; both of you can follow it and get"
                          " its e-mails.", sender=data["submitted_by"], name=data["requester"])]
    if data.get("awaiting_approval"):
        lines.append(_("It needs approval first: the department starts, and its commitment"
                       " counts, from the last approval."))
    lines += _deadlines(data, when)
    lines += ["", _("Follow it and write to the department here: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _new_request(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] New request: %(title)s", ref=data["ref"], title=data["offering"])
    lines = [_("%(name)s sent a new request “%(title)s” (%(ref)s).", name=data["requester"],
               title=data["offering"], ref=data["ref"]), ""]
    if data.get("submitted_by"):
        lines[:1] = [_("%(sender)s sent a new request “%(title)s” (%(ref)s) for %(name)s.",
                       sender=data["submitted_by"], name=data["requester"],
                       title=data["offering"], ref=data["ref"])]
    lines += _deadlines(data, when)
    lines += ["", _("Open it: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _comment(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] New message from %(department)s", ref=data["ref"],
                department=data["department"])
    lines = [_("%(author)s wrote on your request “%(title)s”:", author=data["author"],
               title=data["offering"]), "", data["body"], "",
             _("Answer here: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _requester_comment(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] %(name)s wrote", ref=data["ref"], name=data["requester"])
    lines = [_("%(author)s wrote on request %(ref)s “%(title)s”:", author=data["author"],
               ref=data["ref"], title=data["offering"]), "", data["body"], "",
             _("Answer here: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _status(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    status = str(STATUS_NAMES.get(data["new_status"], data["new_status"]))
    subject = _("[%(ref)s] %(title)s: %(status)s", ref=data["ref"], title=data["offering"],
                status=status)
    lines = [_("Your request %(ref)s “%(title)s” is now: %(status)s.", ref=data["ref"],
               title=data["offering"], status=status)]
    if data.get("body"):
        lines += ["", _("Note from %(author)s:", author=data["author"]), data["body"]]
    if data["new_status"] == "resolved":
        lines += ["", _("How did we do? Please rate it from 1 to 5, with a comment if you"
                        " like, on the request's page: %(link)s#feedback", link=link)]
    lines += ["", _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _requester_status(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    status = str(STATUS_NAMES.get(data["new_status"], data["new_status"]))
    subject = _("[%(ref)s] %(status)s by %(name)s", ref=data["ref"], status=status,
                name=data["requester"])
    lines = [_("%(name)s set request %(ref)s “%(title)s” to: %(status)s.",
               name=data.get("author") or data["requester"], ref=data["ref"],
               title=data["offering"], status=status)]
    if data.get("body"):
        lines += ["", data["body"]]
    lines += ["", _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


from .alert_mail import ALERT_WRITERS  # noqa: E402
from .approval_mail import APPROVAL_WRITERS  # noqa: E402
from .feedback_mail import FEEDBACK_WRITERS  # noqa: E402  (they use the helpers above)
from .workbench_mail import WORKBENCH_WRITERS  # noqa: E402

_WRITERS = {
    "submitted": _submitted, "new_request": _new_request, "comment": _comment,
    "requester_comment": _requester_comment, "status": _status,
    "requester_status": _requester_status, **FEEDBACK_WRITERS, **APPROVAL_WRITERS,
    **WORKBENCH_WRITERS,
    **ALERT_WRITERS,
}
