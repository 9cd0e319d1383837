"""The webhook pages: admins manage every hook, owners their department's, others nobody's; a
registered hook shows its secret once; its page lists deliveries and sends a test event that
a real receiver gets."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from catalog.models import AuditEntry, Webhook, WebhookDelivery
from catalog.webhooks.delivery import WebhookSettings, deliver_due
from tests.portal.test_german import GERMAN
from tests.portal.test_render_queries import statements_while_rendering

ALL_EVENTS = ["request.created", "request.status_changed", "request.commented",
              "request.resolved", "feedback.given", "offering.published", "offering.changed"]


@pytest.fixture(autouse=True)
def local_receivers(app):
    app.config["WEBHOOK_ALLOW_HTTP"] = True


def text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", page))


def register(client, path, url, **extra):
    return client.post(path, data={"url": url, "events": ["request.created"], "format": "json",
                                   **extra})


def hooks(session):
    session.expire_all()
    found = list(session.scalars(select(Webhook).order_by(Webhook.id)))
    session.rollback()
    return found


def test_an_owner_registers_a_hook_for_the_department_and_sees_its_secret_once(
        client, auth, session, it, people, receiver):
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/webhooks")
    assert page.status_code == 200 and "Register a webhook" in page.text
    response = register(client, "/manage/departments/it/webhooks", receiver.url,
                        events=["request.created", "request.resolved"], format="teams")
    assert response.status_code == 201
    [hook] = hooks(session)
    assert (hook.department_id, hook.events, hook.format) == (
        it.id, ["request.created", "request.resolved"], "teams")
    assert hook.secret in response.text and "shown only this once" in response.text
    later = client.get(f"/manage/webhooks/{hook.id}")
    assert later.status_code == 200 and hook.secret not in later.text
    assert receiver.url in later.text
    listing = client.get("/manage/departments/it/webhooks").text
    assert receiver.url in listing and "Nothing sent yet" in listing and hook.secret not in listing
    session.expire_all()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.registered"))
    assert entry.subject == f"webhook:{hook.id}" and hook.secret not in str(entry.details)


def test_owners_see_only_their_department_and_employees_nothing(
        client, auth, session, it, hr, people, receiver):
    auth.login(people["admin"])
    register(client, "/manage/departments/hr/webhooks", receiver.url)
    register(client, "/manage/webhooks", receiver.url, department="")
    hr_hook, global_hook = hooks(session)
    assert hr_hook.department_id == hr.id and global_hook.department_id is None

    auth.login(people["owner"])
    assert client.get("/manage/departments/it/webhooks").status_code == 200
    assert client.get("/manage/departments/hr/webhooks").status_code == 403
    assert register(client, "/manage/departments/hr/webhooks", receiver.url).status_code == 403
    assert client.get("/manage/webhooks").status_code == 403
    assert register(client, "/manage/webhooks", receiver.url, department="it").status_code == 403
    for hook in (hr_hook, global_hook):
        assert client.get(f"/manage/webhooks/{hook.id}").status_code == 404
        assert client.post(f"/manage/webhooks/{hook.id}/delete").status_code == 404
        assert client.post(f"/manage/webhooks/{hook.id}/test").status_code == 404
    assert receiver.url not in client.get("/manage/departments/it/webhooks").text

    for who in ("employee", "agent"):
        auth.login(people[who])
        assert client.get("/manage/departments/it/webhooks").status_code == 403
        assert client.get("/manage/webhooks").status_code == 403
        assert client.get(f"/manage/webhooks/{global_hook.id}").status_code == 404
    assert len(hooks(session)) == 2


def test_the_admins_page_lists_every_hook(client, auth, session, it, hr, people, receiver):
    auth.login(people["admin"])
    register(client, "/manage/departments/it/webhooks", receiver.url + "/it")
    register(client, "/manage/webhooks", receiver.url + "/hr", department="hr")
    page = client.get("/manage/webhooks").text
    assert receiver.url + "/it" in page and receiver.url + "/hr" in page
    assert "IT Services" in page and "Human Resources" in page
    assert "Webhooks" in client.get("/manage/").text
    assert register(client, "/manage/webhooks", receiver.url, department="nope").status_code == 404
    assert len(hooks(session)) == 2


@pytest.mark.parametrize("url, problem", [
    ("", "Enter the address to post events to."),
    ("ftp://example.com/x", "Enter a web address starting with https://."),
    ("https://10.0.0.7/hook", "is in a private network"),
])
def test_a_bad_address_is_refused_at_its_field(client, auth, session, it, people, app, url,
                                               problem):
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    auth.login(people["owner"])
    response = register(client, "/manage/departments/it/webhooks", url)
    assert response.status_code == 422
    assert problem in html.unescape(response.text)
    assert 'aria-describedby="url-error"' in response.text
    assert hooks(session) == []


def test_no_event_chosen_is_refused(client, auth, session, it, people, receiver):
    auth.login(people["owner"])
    response = client.post("/manage/departments/it/webhooks",
                           data={"url": receiver.url, "format": "json"})
    assert response.status_code == 422
    assert "Choose at least one of the listed events." in html.unescape(response.text)


def test_the_test_button_sends_an_event_the_receiver_gets(client, auth, session, app, it, people,
                                                          receiver):
    auth.login(people["owner"])
    register(client, "/manage/departments/it/webhooks", receiver.url)
    [hook] = hooks(session)
    response = client.post(f"/manage/webhooks/{hook.id}/test", follow_redirects=True)
    assert "A test event is on its way" in response.text
    assert "Waiting to be sent" in response.text

    receiver.status = 500
    deliver_due(session, WebhookSettings(base_url="https://portal.example.com",
                                         allow_local=True))
    page = text(client.get(f"/manage/webhooks/{hook.id}").text)
    assert "Failing" in page and "HTTP 500" in page and "next attempt" in page
    receiver.status = 200
    session.execute(WebhookDelivery.__table__.update().values(next_attempt_at=hook.created_at))
    session.commit()
    deliver_due(session, WebhookSettings(base_url="https://portal.example.com",
                                         allow_local=True))
    assert [e["type"] for e in receiver.events] == ["webhook.test", "webhook.test"]
    assert receiver.events[0]["id"] == receiver.events[1]["id"]
    assert receiver.received[-1].verifies(hook.secret)
    assert "Delivered" in text(client.get(f"/manage/webhooks/{hook.id}").text)
    assert "Delivered" in text(client.get("/manage/departments/it/webhooks").text)


def test_pausing_and_deleting(client, auth, session, it, people, receiver):
    auth.login(people["owner"])
    register(client, "/manage/departments/it/webhooks", receiver.url)
    [hook] = hooks(session)
    paused = client.post(f"/manage/webhooks/{hook.id}/active", follow_redirects=True)
    assert "The webhook is paused" in paused.text and not hooks(session)[0].active
    client.post(f"/manage/webhooks/{hook.id}/active")
    assert hooks(session)[0].active
    gone = client.post(f"/manage/webhooks/{hook.id}/delete")
    assert gone.status_code == 302 and gone.location.endswith("/manage/departments/it/webhooks")
    assert hooks(session) == []
    session.expire_all()
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.deleted"))


def test_the_pages_in_german_without_queries_while_rendering(client, auth, session, app, engine,
                                                             it, people, receiver):
    auth.login(people["owner"])
    register(client, "/manage/departments/it/webhooks", receiver.url)
    [hook] = hooks(session)
    client.post(f"/manage/webhooks/{hook.id}/test")
    with statements_while_rendering(app, engine) as found:
        listing = client.get("/manage/departments/it/webhooks", headers=GERMAN)
        detail = client.get(f"/manage/webhooks/{hook.id}", headers=GERMAN)
    assert found == []
    assert "Webhook registrieren" in listing.text and "Ereignisse" in listing.text
    assert "Testereignis senden" in detail.text and "Wartet auf den Versand" in detail.text
