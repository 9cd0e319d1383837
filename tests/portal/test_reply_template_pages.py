"""Reply templates on the owners' pages and the request page, without JavaScript."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import ReplyTemplate
from catalog.requests import reply_templates

PAGE = "/manage/departments/it/reply-templates"


@pytest.fixture
def item(help_request):
    return help_request


def test_an_owner_adds_edits_and_deletes_a_template(client, auth, session, owner, it_dept):
    auth.login(owner)
    page = client.get(PAGE).get_data(as_text=True)
    assert "{name}" in page and "{ref}" in page  # the placeholders are explained
    added = client.post(PAGE, data={"title": "Ready", "body": "Hi {name}, {ref} is ready."},
                        follow_redirects=True)
    assert "The reply template “Ready” was added." in added.get_data(as_text=True)
    template = session.scalar(select(ReplyTemplate))
    edit = f"{PAGE}/{template.id}"
    assert "Hi {name}, {ref} is ready." in client.get(edit).get_data(as_text=True)
    client.post(edit, data={"title": "Ready now", "body": "Come by, {name}."})
    session.expire_all()
    assert (template.title, template.body) == ("Ready now", "Come by, {name}.")
    client.post(f"{edit}/delete")
    assert session.scalar(select(ReplyTemplate)) is None


def test_a_bad_template_says_why_and_saves_nothing(client, auth, session, owner, it_dept):
    auth.login(owner)
    response = client.post(PAGE, data={"title": "", "body": ""})
    assert response.status_code == 422
    assert "Please write something first." in response.get_data(as_text=True)
    assert session.scalar(select(ReplyTemplate)) is None


def test_agents_may_not_keep_templates(client, auth, agent, it_dept):
    auth.login(agent)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"title": "Mine", "body": "Text"}).status_code == 403


def test_use_template_without_javascript_fills_the_message_box(client, auth, session, owner,
                                                               agent, employee, it_dept, item):
    made = reply_templates.add_template(session, owner, it_dept, "Ready",
                                        "Hello {name}, {ref} is ready. {0}")
    session.commit()
    auth.login(agent)
    page = client.get(f"/requests/{item.ref}").get_data(as_text=True)
    assert "Use template" in page and "reply_templates.js" in page
    filled = client.get(f"/requests/{item.ref}?template={made.id}").get_data(as_text=True)
    assert re.search(rf'name="body"[^>]*>\s*Hello Emma Employee, {item.ref} is ready\. '
                     r"\{0\}</textarea>", filled)
    assert client.get(f"/requests/{item.ref}?template=nonsense").status_code == 200
    auth.login(employee)
    mine = client.get(f"/requests/{item.ref}?template={made.id}").get_data(as_text=True)
    assert "Use template" not in mine and "is ready." not in mine
