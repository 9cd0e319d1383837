"""The form that registers a webhook; it only parses, catalog/webhooks checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from .forms import MultiCheckboxField

EVENT_LABELS = {
    "request.created": _l("A request is made"),
    "request.status_changed": _l("A request's status changes"),
    "request.commented": _l("A request gets a comment"),
    "request.resolved": _l("A request is resolved"),
    "request.priority_changed": _l("A request's priority changes"),
    "request.moved": _l("A request moves to another department"),
    "feedback.given": _l("A request is rated"),
    "offering.published": _l("An offering is published"),
    "offering.changed": _l("A published or retired offering changes"),
    "webhook.test": _l("Test event"),
}
FORMAT_LABELS = {
    "json": _l("JSON for a program (the portal's event, signed)"),
    "teams": _l("Post to a Microsoft Teams channel (incoming webhook)"),
    "slack": _l("Post to a Slack channel (incoming webhook)"),
}


class WebhookForm(FlaskForm):
    url = StringField(_l("Address (URL)"), description=_l(
        "The receiver's https address, e.g. the incoming webhook URL a Teams or Slack channel "
        "gives you."))
    events = MultiCheckboxField(_l("Events"), choices=[
        SelectChoice(event, label) for event, label in EVENT_LABELS.items()
        if event != "webhook.test"], validate_choice=False)
    format = RadioField(_l("Format"), default="json", validate_choice=False, choices=[
        SelectChoice(value, label) for value, label in FORMAT_LABELS.items()])
    # Only on the admins' page: a department's hooks, or those of all departments ("").
    department = SelectField(_l("Department"), validate_choice=False)
