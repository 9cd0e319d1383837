"""Forms of the owners' pages. They only parse; catalog/ validates, so the API and the pages
refuse exactly the same input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from catalog.clock import WEEKDAYS

from ..display import priority_name


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier on a phone than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


FIELD_TYPE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("text", _l("Short text")), ("textarea", _l("Long text")), ("email", _l("E-mail address")),
    ("number", _l("Number")), ("date", _l("Date")), ("select", _l("Choice of one")),
    ("multiselect", _l("Choice of several")), ("checkbox", _l("Checkbox (yes/no)")),
    ("file", _l("File upload")),
)]
STATUS_CHOICES = [SelectChoice(value, label) for value, label in (
    ("draft", _l("Draft (only owners see it)")), ("published", _l("Published")),
    ("retired", _l("Retired")),
)]
LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("de", _l("German"))]
AUDIENCE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("employee", _l("Employees")), ("temporary", _l("Temporary and agency staff")),
    ("contractor", _l("Contractors")), ("shareholder", _l("Shareholders")),
)]
WEEKDAY_CHOICES = [SelectChoice(day, label) for day, label in zip(WEEKDAYS, [
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
    _l("Sunday")], strict=True)]
APPROVAL_CHOICES = [SelectChoice(value, label) for value, label in (
    ("", _l("No approval")), ("manager", _l("The requester's manager")),
    ("department", _l("The department's approvers")),
    ("manager,department", _l("The requester's manager, then the department's approvers")),
)]
DURATION_HINT = _l("Business time, e.g. 30m, 4h or 2d (working days).")


class FormFieldRow(Form):
    """One field of an offering's request form (a sub-form: the outer form carries CSRF)."""

    label = StringField(_l("Label"))
    name = StringField(_l("Name"), description=_l(
        "Lowercase letters, digits and _; made from the label if empty. Scripts and exports "
        "use it, so keep it once requests came in."))
    type = SelectField(_l("Type"), choices=FIELD_TYPE_CHOICES, default="text")
    required = BooleanField(_l("Required"))
    help = StringField(_l("Help text"))
    choices = TextAreaField(_l("Choices"), render_kw={"rows": 3},
                            description=_l("One per line; only for the two choice types."))
    # Rules (each for some types only; catalog/field_rules.py says which) and the condition.
    min_length = StringField(_l("At least (characters)"), render_kw={"inputmode": "numeric"})
    max_length = StringField(_l("At most (characters)"), render_kw={"inputmode": "numeric"})
    pattern = StringField(_l("Pattern (regular expression)"), description=_l(
        "The whole answer must match, e.g. ^[0-9]{6}$ for six digits."))
    pattern_message = StringField(_l("Message when the pattern does not match"),
                                  description=_l("e.g. Six digits, such as 410200"))
    min = StringField(_l("Smallest number"), render_kw={"inputmode": "decimal"})
    max = StringField(_l("Largest number"), render_kw={"inputmode": "decimal"})
    step = StringField(_l("In steps of"), render_kw={"inputmode": "decimal"},
                       description=_l("e.g. 1 for whole numbers, 0.01 for amounts of money."))
    not_in_past = BooleanField(_l("Not in the past"))
    min_business_days_ahead = StringField(
        _l("At least this many working days ahead"), render_kw={"inputmode": "numeric"},
        description=_l("Counted in the department's working days and public holidays."))
    on_or_after = StringField(_l("On or after the date field"), description=_l(
        "The name of a date field above this one, e.g. needed_by."))
    min_choices = StringField(_l("Choose at least"), render_kw={"inputmode": "numeric"})
    max_choices = StringField(_l("Choose at most"), render_kw={"inputmode": "numeric"})
    file_types = StringField(_l("Allowed file types"), description=_l(
        "e.g. pdf, png, jpg; checked by the file's content, not only its name."))
    max_files = StringField(_l("At most this many files"), render_kw={"inputmode": "numeric"},
                            description=_l("1 if empty; more lets people attach several."))
    show_if = StringField(_l("Show only if the field"), description=_l(
        "The name of a choice field or checkbox above this one; empty: always shown."))
    show_if_values = TextAreaField(_l("has one of these answers"), render_kw={"rows": 2},
                                   description=_l("One per line; empty for a ticked checkbox."))
    # The other language's texts (labels name the language: translation_fields.py).
    tr_label = StringField(_l("Label"))
    tr_help = StringField(_l("Help text"))
    tr_choices = TextAreaField(_l("Choices"), render_kw={"rows": 3}, description=_l(
        "One per line, in the order of the choices; what is stored stays the choice."))
    tr_pattern_message = StringField(_l("Message when the pattern does not match"))


class PriorityRow(Form):
    """One priority of an offering: may employees pick it, its hint, its own commitment."""

    priority = HiddenField()
    employee = BooleanField(_l("Employees may choose it"), default=True)
    hint = StringField(_l("Hint"), render_kw={"maxlength": 200}, description=_l(
        "One line, e.g. “A production line stands still”."))
    tr_hint = StringField(_l("Hint"), render_kw={"maxlength": 200})
    first_response = StringField(_l("First response within"))
    resolution = StringField(_l("Resolution within"))

    def row_label(self) -> str:
        return priority_name(self.priority.data or "")


class OfferingForm(FlaskForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address (slug)"), description=_l(
        "Lowercase letters, digits and hyphens. Changing it keeps the old address working."))
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="draft")
    replaced_by = SelectField(_l("Replaced by"), validate_choice=False, description=_l(
        "For a retired service: where its page sends people instead."))
    language = SelectField(_l("Language of this entry"), choices=LANGUAGE_CHOICES)
    summary = StringField(_l("Summary"), description=_l("One line for lists and search."))
    description = TextAreaField(_l("Description"), render_kw={"rows": 5},
                                description=_l("Markdown."))
    keywords = StringField(_l("Keywords"), description=_l(
        "Comma-separated words people might search for."))
    audience = MultiCheckboxField(_l("Who may request it"), choices=AUDIENCE_CHOICES,
                                  description=_l("None ticked: open to everyone."))
    standard_included = TextAreaField(_l("What is included"), render_kw={"rows": 4})
    standard_not_included = TextAreaField(_l("What is not included"), render_kw={"rows": 4})
    standard_prerequisites = TextAreaField(_l("What to prepare"), render_kw={"rows": 4})
    standard_process = TextAreaField(_l("How it is handled"), render_kw={"rows": 4})
    first_response = StringField(_l("First response within"), description=DURATION_HINT)
    resolution = StringField(_l("Resolution within"), description=DURATION_HINT)
    approval = SelectField(_l("Approval before the department starts"),
                           choices=APPROVAL_CHOICES, default="", description=_l(
                               "The response commitment starts with the last approval."))
    # The other language's texts; each stands beside its own-language field.
    tr_title = StringField(_l("Title"))
    tr_summary = StringField(_l("Summary"))
    tr_description = TextAreaField(_l("Description"), render_kw={"rows": 5})
    tr_keywords = StringField(_l("Keywords"))
    tr_standard_included = TextAreaField(_l("What is included"), render_kw={"rows": 4})
    tr_standard_not_included = TextAreaField(_l("What is not included"), render_kw={"rows": 4})
    tr_standard_prerequisites = TextAreaField(_l("What to prepare"), render_kw={"rows": 4})
    tr_standard_process = TextAreaField(_l("How it is handled"), render_kw={"rows": 4})
    review_interval_months = StringField(
        _l("Review every (months)"), default="12", render_kw={"inputmode": "numeric"},
        description=_l("How often an owner checks that this entry is still right (1 to 60)."))
    priority_rows = FieldList(FormField(PriorityRow), label=_l("Priority"))
    form_fields = FieldList(FormField(FormFieldRow), label=_l("Form field"))
    version = HiddenField()


class CommitmentRow(Form):
    priority = HiddenField()
    first_response = StringField(_l("First response within"))
    resolution = StringField(_l("Resolution within"))

    def row_label(self) -> str:
        return priority_name(self.priority.data or "")


class DepartmentSettingsForm(FlaskForm):
    description = TextAreaField(_l("Description"), render_kw={"rows": 6},
                                description=_l("Markdown."))
    # In the department's other language (labels: translation_fields.name_description).
    tr_description = TextAreaField(_l("Description"), render_kw={"rows": 6},
                                   description=_l("Markdown."))
    contact_email = StringField(_l("Contact e-mail"), render_kw={"type": "email"})
    timezone = StringField(_l("Time zone"), description=_l("e.g. Europe/Berlin"))
    days = MultiCheckboxField(_l("Working days"), choices=WEEKDAY_CHOICES)
    start = StringField(_l("Opens at"), render_kw={"type": "time"})
    end = StringField(_l("Closes at"), render_kw={"type": "time"})
    holidays = StringField(_l("Public holidays of"), description=_l(
        "Country or country-region, e.g. DE, DE-BY, GB; empty: no public holidays."))
    confidential = BooleanField(_l("Confidential"), description=_l(
        "Nothing about the requesters is shown in public: no names or texts of thanks."))
    commitments = FieldList(FormField(CommitmentRow), label=_l("Commitment"))
    loaded = HiddenField()


class NewDepartmentForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(_l("Address (slug)"), description=_l("e.g. facilities"))
    code = StringField(_l("Code"), description=_l(
        "2 to 10 capital letters or digits, used in request references such as IT-2026-00042; "
        "empty: made from the address."))


class AdministerForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(_l("Address (slug)"), description=_l(
        "Changing it keeps the old address working."))
    owners = TextAreaField(_l("Owners"), render_kw={"rows": 4}, description=_l(
        "One e-mail address per line. Owners edit the catalog and work the queue."))
    agents = TextAreaField(_l("Agents"), render_kw={"rows": 4}, description=_l(
        "One e-mail address per line. Agents work the queue."))


class VersionForm(FlaskForm):
    """A button that changes an offering: carries the version the page showed."""

    version = HiddenField()
    status = SelectField(choices=STATUS_CHOICES, validate_choice=False)


class SettingsRestoreForm(FlaskForm):
    loaded = HiddenField()
