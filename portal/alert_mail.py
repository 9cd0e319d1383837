"""The words of breach warnings, escalations and the daily digest (see portal/mail.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _

When = Callable[[str | None], str]


def _due_alert(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    alert = data["alert"]
    first = alert.startswith("first_response")
    due = when(data["first_response_due"] if first else data["resolution_due"])
    words = {"ref": data["ref"], "title": data["offering"], "time": due}
    if alert == "first_response_warning":
        subject = _("[%(ref)s] Answer soon: first response due %(time)s", **words)
        lines = [_("The request “%(title)s” (%(ref)s) has not been answered yet; its first"
                   " response is due %(time)s.", **words)]
    elif alert == "resolution_warning":
        subject = _("[%(ref)s] Resolve soon: resolution due %(time)s", **words)
        lines = [_("The request “%(title)s” (%(ref)s) is not resolved yet; its resolution is"
                   " due %(time)s.", **words)]
    elif alert == "first_response_breach":
        subject = _("[%(ref)s] Commitment missed: no first response by %(time)s", **words)
        lines = [_("%(department)s missed its commitment: the request “%(title)s” (%(ref)s)"
                   " was not answered by %(time)s.", department=data["department"], **words)]
    else:
        subject = _("[%(ref)s] Commitment missed: not resolved by %(time)s", **words)
        lines = [_("%(department)s missed its commitment: the request “%(title)s” (%(ref)s)"
                   " was not resolved by %(time)s.", department=data["department"], **words)]
    if alert.endswith("_breach"):
        lines.append(_("Assigned to: %(name)s", name=data["assignee"]) if data.get("assignee")
                     else _("No one has taken it yet."))
    lines += ["", _("Open it: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _due_digest(data: dict[str, Any], when: When, link: str) -> tuple[str, str]:
    items = data["items"]
    subject = _("Due today: %(count)d request(s)", count=len(items))
    lines = [_("Hello %(name)s,", name=data["greet"]), "",
             _("These requests of yours, or not taken yet, are due today:"), ""]
    base = current_app.config["BASE_URL"].rstrip("/")
    for item in items:
        target = _("first response") if item["target"] == "first_response" else \
            _("resolution")
        lines.append(_("- %(ref)s “%(title)s”: %(target)s due %(time)s", ref=item["ref"],
                       title=item["offering"], target=target, time=when(item["due"])))
        lines.append(f"  {base}/requests/{item['ref']}")
    lines += ["", _("Your queue: %(link)s", link=f"{base}/manage/queue/")]
    return subject, "\n".join(lines) + "\n"


ALERT_WRITERS = {"due_alert": _due_alert, "due_digest": _due_digest}
