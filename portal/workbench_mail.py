"""The words of the hand-over and move notifications to the department (see portal/mail.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


def _deadlines(data: dict[str, Any], when: Any) -> list[str]:
    from .mail import _deadlines as deadlines  # the shared lines; mail.py imports this module
    return deadlines(data, when)


def _handed_over(data: dict[str, Any], when: Any, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] %(author)s handed you a request: %(title)s", ref=data["ref"],
                author=data["author"], title=data["offering"])
    lines = [_("%(author)s assigned request %(ref)s “%(title)s” of %(name)s to you.",
               author=data["author"], ref=data["ref"], title=data["offering"],
               name=data["requester"]), ""]
    lines += _deadlines(data, when)
    lines += ["", _("Open it: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _moved_in(data: dict[str, Any], when: Any, link: str) -> tuple[str, str]:
    subject = _("[%(ref)s] Moved to %(department)s: %(title)s", ref=data["ref"],
                department=data["department"], title=data["offering"])
    lines = [_("%(author)s of %(from)s moved request %(ref)s of %(name)s to %(department)s"
               " as “%(title)s”; its commitment counts from the move.",
               author=data["author"], ref=data["ref"], name=data["requester"],
               department=data["department"], title=data["offering"],
               **{"from": data["from_department"]})]
    if data.get("body"):
        lines += ["", _("Why:"), data["body"]]
    lines += [""] + _deadlines(data, when)
    lines += ["", _("Open it: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


WORKBENCH_WRITERS = {"handed_over": _handed_over, "moved_in": _moved_in}
