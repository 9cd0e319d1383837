"""Template helpers: the record blocks on department, offering, home and request pages."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal, ngettext, npgettext
from flask_babel import gettext as _
from flask_login import current_user

from catalog import adherence, feedback, recognition
from catalog.models import Department, ServiceRequest

from ..extensions import db
from . import bp


@bp.app_template_filter("elapsed_business")
def elapsed_business(minutes: float | None, department: Department) -> str:
    """A measured business time, rounded: "45 business minutes", "2.5 business hours"."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return ngettext("%(num)d business minute", "%(num)d business minutes", round(minutes))
    if minutes < department.day_minutes:
        hours = round(minutes / 60, 1)
        if hours == int(hours):
            return ngettext("%(num)d business hour", "%(num)d business hours", int(hours))
        return _("%(num)s business hours", num=format_decimal(hours))
    days = round(minutes / department.day_minutes, 1)
    if days == int(days):  # "1 business day", never "1 business days"
        # A measured time stands alone ("2 Arbeitstage"), a target follows "within" (dative).
        return npgettext("measured", "%(num)d business day", "%(num)d business days",
                         int(days))
    return _("%(num)s business days", num=format_decimal(days))


def feedback_panel(item: ServiceRequest) -> dict[str, Any]:
    """What the request page shows about feedback and thanks, and the forms the user may use
    (gathered by the request views before rendering)."""
    from .forms import FeedbackForm, FollowUpForm, ThanksForm

    given = feedback.feedback_of(db.session, item)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    may_rate = feedback.may_rate(item, user) and (given is None or feedback.may_change(given))
    form = FeedbackForm(formdata=None, rating=str(given.rating) if given else None,
                        comment=given.comment if given else "")
    return {
        "feedback": given, "may_rate": may_rate, "form": form,
        "thanks": recognition.thanks_of(db.session, item),
        "handler": recognition.handler_of(item),
        "thanks_form": ThanksForm(formdata=None), "follow_up_form": FollowUpForm(formdata=None),
        "is_requester": user is not None and user.id == item.requester_id,
    }


bp.add_app_template_global(adherence.MIN_MEASURED, "min_measured")
bp.add_app_template_global(adherence.ON_TIME_GOAL, "on_time_goal")
