"""Checking answers against an offering's field definitions (the rules page and API share)."""

from __future__ import annotations

import base64
from io import BytesIO

import pytest

from catalog.messages import Message
from catalog.request_forms import clean_answers
from catalog.uploads import Upload
from tests.request_fixtures import EVERY_FIELD, GOOD_ANSWERS


def a_file(name: str = "quote.pdf", data: bytes = b"%PDF-1.4") -> Upload:
    return Upload(filename=name, stream=BytesIO(data), content_type="application/pdf")


def test_good_answers_are_normalized():
    cleaned = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "summary": "  A   laptop ",
                                          "quantity": "2,5", "quote": a_file()})
    assert cleaned.problems == {}
    assert cleaned.answers == {
        "summary": "A laptop", "details": "Line one\nline two", "contact": "jo@example.com",
        "quantity": 2.5, "needed_by": "2026-12-01", "model": "Developer",
        # multiselect answers come back in the form's order, whatever order they were sent in
        "extras": ["Dock", "Monitor"], "agree": True, "quote": None,
    }
    assert list(cleaned.files) == ["quote"]


def test_optional_fields_may_stay_empty():
    cleaned = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "details": "", "needed_by": "",
                                          "extras": [], "quote": a_file()})
    assert cleaned.problems == {}
    assert cleaned.answers["details"] is None and cleaned.answers["needed_by"] is None
    assert cleaned.answers["extras"] == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("summary", "", "Please fill in this field."),
    ("summary", "   ", "Please fill in this field."),
    ("summary", "x" * 501, "Enter at most 500 characters (this is 501)."),
    ("summary", 42, "Enter text."),
    ("details", "y" * 10_001, "Enter at most 10000 characters (this is 10001)."),
    ("contact", "not-an-address", "Enter an e-mail address such as name@example.com."),
    ("quantity", "", "Please fill in this field."),
    ("quantity", "two", "Enter a number, e.g. 3 or 2.5."),
    ("quantity", "NaN", "Enter a number, e.g. 3 or 2.5."),
    ("quantity", "1e99", "Enter a number, e.g. 3 or 2.5."),
    ("quantity", True, "Enter a number."),
    ("needed_by", "01.12.2026", "Enter a date as YYYY-MM-DD."),
    ("needed_by", "2026-02-30", "This date does not exist."),
    ("model", "", "Please choose an option."),
    ("model", "Gaming rig", "Choose one of the listed options."),
    ("model", ["Standard"], "Choose one of the listed options."),
    ("extras", ["Dock", "Pony"], "Choose only from the listed options."),
    ("extras", "Dock", "Choose from the listed options."),
    ("agree", False, "Please tick this box to continue."),
    ("agree", "yes", "Answer with true or false."),
    ("quote", None, "Please attach a file."),
    ("quote", Upload(filename="", stream=BytesIO(b"")), "Please attach a file."),
    ("quote", {"filename": "q.pdf", "content": "not base64!"},
     "Send the file as {filename, content} with the content in base64."),
])
def test_each_refusal_is_at_its_field(field, value, message):
    values = {**GOOD_ANSWERS, "quote": a_file(), field: value}
    cleaned = clean_answers(EVERY_FIELD, values)
    assert cleaned.problems == {field: message}


def test_missing_required_fields_are_all_reported():
    cleaned = clean_answers(EVERY_FIELD, {})
    assert set(cleaned.problems) == {"summary", "contact", "quantity", "model", "agree", "quote"}


def test_unknown_fields_and_non_objects_are_refused():
    assert clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "quote": a_file(), "salary": "1"}) \
        .problems == {"salary": "This form has no field salary."}
    assert set(clean_answers(EVERY_FIELD, ["summary"]).problems) == {"fields"}


def test_control_characters_are_dropped_so_every_database_stores_the_text():
    cleaned = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "quote": a_file(),
                                          "details": "a\x00b\x07c\n\td"})
    assert cleaned.answers["details"] == "abc\n\td"


def test_line_breaks_from_browsers_are_kept_as_one_kind():
    cleaned = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "quote": a_file(),
                                          "details": "one\r\ntwo\rthree"})
    assert cleaned.answers["details"] == "one\ntwo\nthree"


def test_a_file_can_come_as_base64_json():
    content = base64.b64encode(b"hello").decode()
    cleaned = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS,
                                          "quote": {"filename": "q.txt", "content": content}})
    assert cleaned.problems == {}
    assert cleaned.files["quote"].stream.read() == b"hello"


def test_messages_keep_their_msgid_for_translation():
    problem = clean_answers(EVERY_FIELD, {**GOOD_ANSWERS, "quote": a_file(),
                                          "summary": "x" * 501}).problems["summary"]
    assert isinstance(problem, Message)
    assert problem.msgid == "Enter at most %(max)d characters (this is %(length)d)."
    assert problem.values == {"max": 500, "length": 501}
