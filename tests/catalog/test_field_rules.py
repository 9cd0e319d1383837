"""Field rules and conditions in the catalog file: impossible rules refused with their path,
answers checked by `clean_answers`, and the round trip keeping every rule."""

from __future__ import annotations

import copy
import io
from datetime import date

import pytest

from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.catalog_file.validate import Problems, validate_form
from catalog.clock import BusinessCalendar
from catalog.request_forms import clean_answers
from catalog.uploads import Upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"

RULED = [
    {"name": "cost_centre", "label": "Cost centre", "type": "text", "required": True,
     "pattern": "^[0-9]{6}$", "pattern_message": "Six digits, e.g. 410200"},
    {"name": "plate", "label": "Licence plate", "type": "text", "min_length": 2,
     "max_length": 10},
    {"name": "amount", "label": "Amount", "type": "number", "min": 0, "max": 5000,
     "step": 0.01},
    {"name": "first_day", "label": "First day", "type": "date", "not_in_past": True},
    {"name": "needed_by", "label": "Needed by", "type": "date", "min_business_days_ahead": 3},
    {"name": "back_on", "label": "Back on", "type": "date", "on_or_after": "needed_by"},
    {"name": "extras", "label": "Extras", "type": "multiselect",
     "choices": ["Dock", "Headset", "Monitor", "Bag"], "min_choices": 2, "max_choices": 3},
    {"name": "proof", "label": "Proof", "type": "file", "file_types": ["pdf"]},
    {"name": "reason", "label": "Reason", "type": "select",
     "choices": ["Broken", "Too slow", "Other"]},
    {"name": "other_reason", "label": "Other reason", "type": "textarea", "required": True,
     "show_if": {"field": "reason", "equals": "Other"}},
    {"name": "since", "label": "Since when", "type": "date",
     "show_if": {"field": "reason", "in": ["Broken", "Too slow"]}},
    {"name": "parking", "label": "I need a parking space", "type": "checkbox"},
    {"name": "car", "label": "Car plate", "type": "text", "required": True,
     "show_if": {"field": "parking", "checked": True}},
]
# Tue 26 Nov 2024 in Bavaria: 3 working days ahead is Fri 29 Nov.
TODAY = date(2024, 11, 26)
CALENDAR = BusinessCalendar(timezone="Europe/Berlin", holidays="DE-BY")
GOOD = {"cost_centre": "410200", "plate": "M-AB 123", "amount": "19.99",
        "first_day": "2024-11-26", "needed_by": "2024-11-29", "back_on": "2024-12-02",
        "extras": ["Dock", "Bag"], "reason": "Broken"}


def definitions() -> list[dict]:
    problems = Problems()
    form = validate_form(copy.deepcopy(RULED), "form", problems)
    assert not problems, str(problems)
    return form


def check(**changes):
    values = {**GOOD, **changes}
    return clean_answers(definitions(), {k: v for k, v in values.items() if v is not None},
                         today=TODAY, calendar=CALENDAR)


def test_good_answers_keep_every_rule():
    cleaned = check(proof=Upload("scan.pdf", io.BytesIO(PDF)))
    assert cleaned.problems == {}
    assert cleaned.answers["amount"] == 19.99 and cleaned.files["proof"].filename == "scan.pdf"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("cost_centre", "12ab", "Six digits, e.g. 410200"),
    ("plate", "X", "Enter at least 2 characters (this is 1)."),
    ("plate", "ABCDEFGHIJK", "Enter at most 10 characters (this is 11)."),
    ("amount", "-1", "Enter 0 or more."),
    ("amount", "5000.5", "Enter 5000 or less."),
    ("amount", "10.005", "Enter a number in steps of 0.01, starting from 0."),
    ("first_day", "2024-11-25", "Choose today (2024-11-26) or a later date."),
    ("needed_by", "2020-01-01",
     "Choose 2024-11-29 or later: the department needs 3 working days."),
    ("needed_by", "2024-11-28",
     "Choose 2024-11-29 or later: the department needs 3 working days."),
    ("back_on", "2024-11-28", "Choose 2024-11-29 (“Needed by”) or a later date."),
    ("extras", ["Dock"], "Choose at least 2 options."),
    ("extras", ["Dock", "Headset", "Monitor", "Bag"], "Choose at most 3 options."),
])
def test_each_rule_refuses_a_bad_answer_with_its_message(field, value, message):
    assert check(**{field: value}).problems == {field: message}


def test_business_days_follow_the_departments_holidays():
    # Christmas in Bavaria: from Mon 23 Dec 2024, 3 working days ahead skip 25 and 26 Dec.
    cleaned = clean_answers(definitions(), {**GOOD, "back_on": None, "first_day": None,
                                            "needed_by": "2024-12-26"},
                            today=date(2024, 12, 23), calendar=CALENDAR)
    assert cleaned.problems == {
        "needed_by": "Choose 2024-12-30 or later: the department needs 3 working days."}


@pytest.mark.parametrize(("filename", "content", "ok"), [
    ("scan.pdf", PDF, True),
    ("tool.pdf", EXE, False),        # an .exe renamed .pdf
    ("tool.exe", EXE, False),
    ("scan.exe", PDF, False),        # a PDF with another name is not offered as a PDF
])
def test_file_types_are_checked_by_content(filename, content, ok):
    cleaned = check(proof=Upload(filename, io.BytesIO(content)))
    if ok:
        assert cleaned.problems == {}
        assert cleaned.files["proof"].stream.read() == content  # read from the start again
    else:
        assert cleaned.problems == {
            "proof": "Attach a file of type PDF; this file's content is not one of them."}


def test_a_hidden_field_is_neither_required_nor_stored():
    cleaned = check(reason="Broken", other_reason="left over", car="M-X 1")
    assert cleaned.problems == {}
    assert "other_reason" not in cleaned.answers and "car" not in cleaned.answers
    assert check(reason="Other").problems == {"other_reason": "Please fill in this field."}
    assert check(reason="Other", other_reason="Stolen").answers["other_reason"] == "Stolen"
    assert check(parking=True).problems == {"car": "Please fill in this field."}
    assert check(parking=True, car="M-X 1").answers["car"] == "M-X 1"
    assert check(reason="Too slow", since="2024-11-01").answers["since"] == "2024-11-01"
    assert "since" not in check(reason="Other", other_reason="x", since="2024-11-01").answers


@pytest.mark.parametrize(("field", "path", "words"), [
    ({"name": "a", "label": "A", "pattern": "[0-9"}, "form[0].pattern",
     "not a valid regular expression"),
    ({"name": "a", "label": "A", "min_length": 8, "max_length": 4}, "form[0].min_length",
     "must not be more than max_length"),
    ({"name": "a", "label": "A", "max_length": 501}, "form[0].max_length",
     "from 1 to 500"),
    ({"name": "a", "label": "A", "type": "number", "min": 10, "max": 1}, "form[0].min",
     "must not be more than max"),
    ({"name": "a", "label": "A", "type": "number", "step": 0}, "form[0].step",
     "must be more than 0"),
    ({"name": "a", "label": "A", "type": "number", "min": "ten"}, "form[0].min",
     "must be a number"),
    ({"name": "a", "label": "A", "type": "multiselect", "choices": ["x", "y"],
      "min_choices": 2, "max_choices": 1}, "form[0].min_choices", "max_choices"),
    ({"name": "a", "label": "A", "type": "multiselect", "choices": ["x", "y"],
      "min_choices": 3}, "form[0].min_choices", "from 1 to 2"),
    ({"name": "a", "label": "A", "type": "date", "min_business_days_ahead": -1},
     "form[0].min_business_days_ahead", "from 0 to 365"),
    ({"name": "a", "label": "A", "type": "date", "on_or_after": "nowhere"},
     "form[0].on_or_after", "no date field 'nowhere'"),
    ({"name": "a", "label": "A", "type": "file", "file_types": ["pdf", "exe"]},
     "form[0].file_types[1]", "unknown file type 'exe'"),
    ({"name": "a", "label": "A", "type": "number", "pattern": "x"}, "form[0].pattern",
     "does not apply to a field of type number"),
    ({"name": "a", "label": "A", "show_if": {"field": "missing", "equals": "x"}},
     "form[0].show_if.field", "no field 'missing'"),
])
def test_impossible_rules_are_refused_with_their_path(field, path, words):
    problems = Problems()
    validate_form([field], "form", problems)
    found = dict(problems.items)
    assert path in found and words in found[path], found


@pytest.mark.parametrize(("show_if", "path", "words"), [
    ({"field": "reason", "equals": "Maybe"}, "form[1].show_if.equals",
     "'Maybe' is not one of the choices of reason"),
    ({"field": "reason", "in": ["Other", "Nope"]}, "form[1].show_if.in[1]", "'Nope'"),
    ({"field": "reason", "checked": True}, "form[1].show_if.checked", "only a checkbox"),
    ({"field": "later", "equals": "x"}, "form[1].show_if.field", "above this one"),
    ({"field": "note", "equals": "x"}, "form[1].show_if.field", "no field 'note'"),
    ({"field": "reason"}, "form[1].show_if", "exactly one of equals, in or checked"),
])
def test_conditions_that_cannot_work_are_refused(show_if, path, words):
    form = [{"name": "reason", "label": "Reason", "type": "select", "choices": ["A", "Other"]},
            {"name": "note", "label": "Note", "show_if": show_if},
            {"name": "later", "label": "Later", "type": "select", "choices": ["x"]}]
    problems = Problems()
    validate_form(form, "form", problems)
    found = dict(problems.items)
    assert path in found and words in found[path], found


def test_import_names_the_path_of_an_impossible_rule(session):
    catalog = {"departments": [{"slug": "it", "name": "IT", "offerings": [{
        "slug": "laptop", "title": "Laptop",
        "form": [{"name": "cost_centre", "label": "Cost centre", "pattern": "([0-9]{6}"},
                 {"name": "amount", "label": "Amount", "type": "number", "min": 9, "max": 1}],
    }]}]}
    with pytest.raises(CatalogFileError) as raised:
        import_catalog(session, catalog)
    session.rollback()
    paths = {path for path, _ in raised.value.problems.items}
    assert {"departments[0].offerings[0].form[0].pattern",
            "departments[0].offerings[0].form[1].min"} <= paths


def test_export_import_export_keeps_rules_and_conditions(session, wipe_database):
    catalog = {"departments": [{"slug": "it", "name": "IT", "offerings": [{
        "slug": "laptop", "title": "Laptop", "form": copy.deepcopy(RULED)}]}]}
    import_catalog(session, catalog)
    session.commit()
    first = dump_yaml(export_catalog(session))
    wipe_database()
    import_catalog(session, load_yaml(first))
    session.commit()
    assert dump_yaml(export_catalog(session)) == first
    exported = load_yaml(first)["departments"][0]["offerings"][0]["form"]
    by_name = {field["name"]: field for field in exported}
    assert by_name["cost_centre"]["pattern"] == "^[0-9]{6}$"
    assert by_name["cost_centre"]["pattern_message"] == "Six digits, e.g. 410200"
    assert (by_name["amount"]["min"], by_name["amount"]["max"], by_name["amount"]["step"]) \
        == (0, 5000, 0.01)
    assert by_name["needed_by"]["min_business_days_ahead"] == 3
    assert by_name["back_on"]["on_or_after"] == "needed_by"
    assert by_name["extras"]["max_choices"] == 3 and by_name["proof"]["file_types"] == ["pdf"]
    assert by_name["other_reason"]["show_if"] == {"field": "reason", "equals": "Other"}
    assert by_name["since"]["show_if"] == {"field": "reason", "in": ["Broken", "Too slow"]}
    assert by_name["car"]["show_if"] == {"field": "parking", "checked": True}


def test_a_field_that_takes_several_files_counts_them_and_checks_each():
    form = definitions() + [{"name": "photos", "label": "Photos", "type": "file",
                             "required": False, "help": "", "file_types": ["pdf"],
                             "max_files": 2}]

    def photos(*names_and_contents):
        return clean_answers(form, {**GOOD, "photos": [Upload(name, io.BytesIO(content))
                                                       for name, content in names_and_contents]},
                             today=TODAY, calendar=CALENDAR)

    two = photos(("a.pdf", PDF), ("b.pdf", PDF))
    assert two.problems == {} and [u.filename for u in two.files["photos"]] == ["a.pdf", "b.pdf"]
    assert photos(("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)).problems == {
        "photos": "Attach at most 2 files."}
    assert photos(("a.pdf", PDF), ("tool.pdf", EXE)).problems == {
        "photos": "Attach a file of type PDF; this file's content is not one of them."}
    # A field that takes one file refuses a list.
    single = check(proof=[Upload("a.pdf", io.BytesIO(PDF))])
    assert "proof" in single.problems
    problems = Problems()
    validate_form([{"name": "f", "label": "F", "type": "file", "max_files": 0}], "form", problems)
    assert "form[0].max_files" in dict(problems.items)
