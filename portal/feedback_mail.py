"""The words of the feedback, follow-up and thanks notifications (see portal/mail.py)."""

from __future__ import annotations

from flask_babel import gettext as _


def _follow_up(data: dict, when, link: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    subject = _("[%(ref)s] Poor rating (%(rating)d of 5): please follow up", ref=data["ref"],
                rating=data["rating"])
    lines = [_("%(name)s rated request %(ref)s “%(title)s” %(rating)d of 5.",
               name=data["requester"], ref=data["ref"], title=data["offering"],
               rating=data["rating"])]
    if data.get("body"):
        lines += ["", data["body"]]
    lines += ["", _("Please answer the follow-up in your queue: %(link)s#feedback", link=link)]
    return subject, "\n".join(lines) + "\n"


def _follow_up_answered(data: dict, when, link: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    subject = _("[%(ref)s] %(department)s answered your rating", ref=data["ref"],
                department=data["department"])
    lines = [_("%(author)s of %(department)s answered your rating of request %(ref)s:",
               author=data["author"], department=data["department"], ref=data["ref"]),
             "", data["body"], "", _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


def _thanks(data: dict, when, link: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    subject = _("[%(ref)s] Thank you from %(name)s", ref=data["ref"], name=data["requester"])
    lines = [_("%(name)s says thank you for request %(ref)s “%(title)s”.",
               name=data["requester"], ref=data["ref"], title=data["offering"])]
    if data.get("body"):
        lines += ["", data["body"]]
    lines += ["", _("See the request: %(link)s", link=link)]
    return subject, "\n".join(lines) + "\n"


FEEDBACK_WRITERS = {"follow_up": _follow_up, "follow_up_answered": _follow_up_answered,
                    "thanks": _thanks}
