from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from catalog.people.tokens import DEFAULT_DAYS, MAX_DAYS

# Area/City names only: the aliases ("CET", "US/Eastern") would make the list twice as long.
TIMEZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(
    ("Etc/", "SystemV/", "US/", "posix/", "right/")))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=[
        SelectChoice("", _l("As my browser says")), SelectChoice("en", "English"),
        SelectChoice("de", "Deutsch")])
    timezone = SelectField(_l("Time zone"), validators=[Optional()],
                           description=_l("Due times and dates are shown in this time zone."))
    show_name_when_thanked = BooleanField(
        _l("Name me on the department's public page when a requester thanks me"))

    def __init__(self, *args: object, default_timezone: str = "Europe/Berlin",
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [
            SelectChoice("", _l("The portal's default (%(zone)s)", zone=default_timezone)),
            *(SelectChoice(zone, zone) for zone in TIMEZONES)]


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=10, max=200)],
        description=_l("At least 10 characters. Every other browser is signed out."))


class TokenForm(FlaskForm):
    name = StringField(_l("What is the token for?"), validators=[DataRequired(), Length(max=100)],
                       description=_l("e.g. “Team dashboard” — so you recognise it later."))
    scopes = SelectMultipleField(
        _l("It may"), choices=[SelectChoice("requests", _l("submit and work on requests")),
                               SelectChoice("catalog", _l("change catalog entries"))],
        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        render_kw={"class": "choices"},
        description=_l("Every token may read what you may read."))
    days = IntegerField(_l("Valid for (days)"), default=DEFAULT_DAYS,
                        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
