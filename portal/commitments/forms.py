"""Forms for rating a request, answering a follow-up and sending thanks."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) tuples
    def SelectChoice(value: str, label: Any = None) -> Any:  # type: ignore[no-redef]  # noqa: N802
        return (value, value if label is None else label)


class FeedbackForm(FlaskForm):
    rating = RadioField(_l("Your rating"), choices=[
        SelectChoice("5", _l("5 – excellent")), SelectChoice("4", _l("4 – good")),
        SelectChoice("3", _l("3 – acceptable")), SelectChoice("2", _l("2 – poor")),
        SelectChoice("1", _l("1 – very poor"))], validate_choice=False)
    comment = TextAreaField(_l("Comment (optional)"))


class ThanksForm(FlaskForm):
    message = TextAreaField(_l("Your message (optional, up to 500 characters)"))
    to_person = BooleanField(_l("Thank the person who handled it rather than the whole team"))
    # Opt-in: unticked unless the sender ticks it.
    show_name = BooleanField(_l("Show my name with the thanks on the department's page"))


class FollowUpForm(FlaskForm):
    answer = TextAreaField(_l("Your answer to the requester"))
