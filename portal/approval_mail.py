"""The words of the approval notifications (see portal/mail.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _

When = Callable[[str | None], str]


def _approvals_link() -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/approvals/"


def _approval_asked(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] Your approval is needed: %(title)s", ref=data["ref"],
                title=data["offering"])
    lines = [_("%(name)s asks %(department)s for “%(title)s” (%(ref)s). The department starts"
               " once it is approved.", name=data["requester"], department=data["department"],
               title=data["offering"], ref=data["ref"]), "",
             _("Approve or reject it here: %(link)s", link=_approvals_link()),
             _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _approval_reminder(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] Reminder: your approval is still needed: %(title)s",
                ref=data["ref"], title=data["offering"])
    lines = [_("The request “%(title)s” (%(ref)s) of %(name)s still waits for your approval;"
               " %(department)s starts only once it is approved.", title=data["offering"],
               ref=data["ref"], name=data["requester"], department=data["department"]), "",
             _("Approve or reject it here: %(link)s", link=_approvals_link())]
    return subject, "\n".join(lines) + "\n"


def _approved(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] Approved: %(title)s", ref=data["ref"], title=data["offering"])
    lines = [_("Your request “%(title)s” (%(ref)s) has been approved and is now with"
               " %(department)s. The commitment counts from the approval.",
               title=data["offering"], ref=data["ref"], department=data["department"]), ""]
    if data.get("first_response_due"):
        lines.append(_("First response by %(time)s", time=when(data["first_response_due"])))
    if data.get("resolution_due"):
        lines.append(_("Resolution by %(time)s", time=when(data["resolution_due"])))
    lines += ["", _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _rejected(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] Not approved: %(title)s", ref=data["ref"], title=data["offering"])
    lines = [_("%(author)s did not approve your request “%(title)s” (%(ref)s), so it has"
               " ended. The reason:", author=data["author"], title=data["offering"],
               ref=data["ref"]), "", data["body"], "",
             _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


APPROVAL_WRITERS = {
    "approval_asked": _approval_asked, "approval_reminder": _approval_reminder,
    "approved": _approved, "rejected": _rejected,
}
