"""Reply templates (issue 12, point 4): kept by the department's owners, filled in safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import NotFound, PermissionDenied, ValidationError
from catalog.requests import reply_templates
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories


@pytest.fixture
def request_(session, it_dept, employee, tmp_path):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help", form=[])
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(tmp_path), 1024))
    session.commit()
    return made


@pytest.mark.parametrize(("text", "filled"), [
    ("Hello {name}, {ref} is done.", "Hello Emma Employee, {ref} is done."),
    ("{0} {name.__class__} {ref!r} {{name}} {unknown}",
     "{0} {name.__class__} {ref!r} {Emma Employee} {unknown}"),
    ("100% done, {", "100% done, {"),
])
def test_placeholders_are_filled_and_nothing_else(request_, text, filled):
    assert reply_templates.fill(text, request_) == filled.replace("{ref}", request_.ref)


def test_owners_keep_templates_agents_and_others_may_not(session, it_dept, owner, agent,
                                                         employee):
    made = reply_templates.add_template(session, owner, it_dept, " Laptop ready ",
                                        "Hi {name}, collect it at the desk.")
    assert made.title == "Laptop ready"
    for person in (agent, employee):
        with pytest.raises(PermissionDenied):
            reply_templates.add_template(session, person, it_dept, "Mine", "Text")
        with pytest.raises(PermissionDenied):
            reply_templates.delete_template(session, person, made)
    reply_templates.edit_template(session, owner, made, "Laptop is ready", "New text")
    assert [t.title for t in reply_templates.templates_of(session, it_dept)] == \
        ["Laptop is ready"]
    reply_templates.delete_template(session, owner, made)
    assert reply_templates.templates_of(session, it_dept) == []


def test_bad_templates_are_refused_at_their_fields(session, it_dept, owner):
    reply_templates.add_template(session, owner, it_dept, "Ready", "Text")
    with pytest.raises(ValidationError) as refused:
        reply_templates.add_template(session, owner, it_dept, "Ready", "  ")
    assert set(refused.value.fields) == {"title", "body"}
    with pytest.raises(ValidationError) as refused:
        reply_templates.add_template(session, owner, it_dept, "x" * 121, 5)
    assert set(refused.value.fields) == {"title", "body"}
    assert len(reply_templates.templates_of(session, it_dept)) == 1


def test_a_template_of_another_department_is_not_found(session, it_dept, owner):
    hr = factories.make_department(session, slug="hr", code="HR", name="HR", owners=[owner])
    theirs = reply_templates.add_template(session, owner, hr, "Payslip", "Attached.")
    with pytest.raises(NotFound):
        reply_templates.find_template(session, it_dept, theirs.id)


def test_only_staff_get_the_filled_replies(session, it_dept, owner, agent, employee, request_):
    reply_templates.add_template(session, owner, it_dept, "Ready", "Hello {name}: {ref}.")
    filled = f"Hello Emma Employee: {request_.ref}."
    assert [r.text for r in reply_templates.replies_for(session, request_, agent)] == [filled]
    assert reply_templates.replies_for(session, request_, employee) == []


def test_the_demo_templates_are_added_once(session, it_dept):
    from catalog.demo import DEMO_REPLY_TEMPLATES, load_demo_reply_templates
    load_demo_reply_templates(session)
    load_demo_reply_templates(session)
    assert len(reply_templates.templates_of(session, it_dept)) == len(DEMO_REPLY_TEMPLATES)
