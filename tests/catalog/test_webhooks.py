"""Webhooks end to end against a real HTTP receiver: each event once and signed, retries with
backoff while the receiver fails, the same event id on every attempt, the chat format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from catalog import editing, workflow
from catalog.errors import PermissionDenied, ValidationError
from catalog.feedback import give_feedback
from catalog.mail_delivery import RetryPolicy
from catalog.models import WEBHOOK_EVENTS, WebhookDelivery
from catalog.requests import handover
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.webhooks import hooks
from catalog.webhooks.delivery import WebhookSettings, deliver_due
from tests import factories

# Request events are dated T0; offering changes happen now, which must be before T0.
T0 = datetime(2035, 3, 5, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=60, cap_seconds=600, max_attempts=4)
LOCAL = WebhookSettings(base_url="https://portal.example.com", timeout=5, allow_local=True)


def at(seconds: float):
    return lambda: T0 + timedelta(seconds=seconds)


def deliver(session, seconds: float = 0):
    return deliver_due(session, LOCAL, policy=POLICY, now=at(seconds))


@pytest.fixture
def admin(session):
    user = factories.make_user(session, email="ada@example.com", is_admin=True)
    session.commit()
    return user


@pytest.fixture
def hook_for(session, admin, receiver):
    def register(department=None, events=("request.created",), format="json", url=None):
        hook = hooks.register_hook(session, admin, url=url or receiver.url, events=list(events),
                                   department=department, format=format, allow_local=True)
        session.commit()
        return hook
    return register


@pytest.fixture
def help_desk(session, it_dept):
    offering = factories.make_offering(session, it_dept, slug="help", title="Help desk",
                                       form=[])
    session.commit()
    return offering


def submit(session, offering, employee, tmp_path, now=T0):
    request = submit_request(session, offering, employee, priority="normal", values={},
                             store=FileStore(tmp_path, 1024), now=now)
    session.commit()
    return request


def test_each_event_arrives_once_signed_and_without_personal_data(
        session, it_dept, help_desk, employee, agent, owner, hook_for, receiver, tmp_path):
    hook = hook_for(it_dept, events=WEBHOOK_EVENTS)
    request = submit(session, help_desk, employee, tmp_path)
    workflow.add_comment(session, request, agent, "Your password is hunter2", now=T0)
    workflow.change_status(session, request, agent, "resolved", "Done", now=T0)
    session.commit()
    give_feedback(session, request, employee, 5, "Great, thanks Adam", now=T0)
    session.commit()
    draft = factories.make_offering(session, it_dept, slug="printer", title="Printer",
                                    status="draft")
    session.commit()
    editing.change_status(session, draft, "published", owner)
    session.commit()
    snapshot = {**editing.history.offering_snapshot(draft), "summary": "Print anywhere"}
    editing.save_offering(session, it_dept, snapshot, owner, offering=draft)
    session.commit()

    report = deliver(session)
    assert (report.sent, report.retrying, report.given_up) == (7, 0, 0)
    assert [e["type"] for e in receiver.events] == [
        "request.created", "request.commented", "request.status_changed", "request.resolved",
        "feedback.given", "offering.published", "offering.changed"]
    assert all(r.verifies(hook.secret) for r in receiver.received)
    assert len({e["id"] for e in receiver.events}) == 7
    for received in receiver.received:
        assert received.headers["X-Portal-Delivery"] == received.json["id"]
        assert received.headers["X-Portal-Event"] == received.json["type"]
    created = receiver.events[0]
    assert created["data"]["ref"] == request.ref
    assert created["data"]["url"] == f"https://portal.example.com/requests/{request.ref}"
    assert created["data"]["department"] == {"slug": "it", "name": "IT Services"}
    assert receiver.events[2]["data"]["old_status"] == "new"
    assert receiver.events[4]["data"]["rating"] == 5
    assert receiver.events[5]["data"]["url"] == f"https://portal.example.com/o/{draft.id}"
    everything = b"".join(r.body for r in receiver.received)
    for personal in (b"Emma", b"emma@example.com", b"hunter2", b"Adam", b"thanks"):
        assert personal not in everything

    # Nothing is sent twice.
    assert deliver(session, 3600).sent == 0
    assert len(receiver.received) == 7


def test_a_failing_receiver_gets_every_event_later_with_the_same_id(
        session, it_dept, help_desk, employee, hook_for, receiver, tmp_path):
    hook = hook_for(it_dept)
    receiver.status = 500
    first = submit(session, help_desk, employee, tmp_path)
    second = submit(session, help_desk, employee, tmp_path)

    report = deliver(session, 0)
    assert (report.sent, report.retrying) == (0, 2)
    delivery = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).first()
    assert delivery.next_attempt_at == T0 + timedelta(seconds=60)
    assert delivery.last_status_code == 500
    assert hooks.delivery_state(delivery) == "failing"

    assert deliver(session, 59).retrying == 0          # backoff: not yet due
    assert len(receiver.received) == 2
    assert deliver(session, 60).retrying == 2          # second attempt, then wait twice as long
    session.expire_all()
    assert delivery.next_attempt_at == T0 + timedelta(seconds=60 + 120)
    assert deliver(session, 179).retrying == 0

    receiver.status = 200
    assert deliver(session, 180).sent == 2
    tried = [(r.json["data"]["ref"], r.headers["X-Portal-Delivery"]) for r in receiver.received]
    assert len(tried) == 6
    for ref in (first.ref, second.ref):
        ids = {event_id for seen, event_id in tried if seen == ref}
        assert len(ids) == 1  # a replay is recognisable by its event id
    assert all(r.verifies(hook.secret) for r in receiver.received)
    session.expire_all()
    assert hooks.delivery_state(delivery) == "delivered"


def test_a_delivery_is_given_up_after_the_last_attempt(
        session, it_dept, help_desk, employee, hook_for, receiver, tmp_path):
    hook_for(it_dept)
    receiver.status = 503
    submit(session, help_desk, employee, tmp_path)
    for seconds in (0, 60, 180, 420):
        deliver(session, seconds)
    delivery = session.scalar(select(WebhookDelivery))
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    assert hooks.delivery_state(delivery) == "given_up"
    assert deliver(session, 100000).sent == 0 and len(receiver.received) == 4


def test_redirects_are_not_followed(session, it_dept, help_desk, employee, hook_for, receiver,
                                    tmp_path):
    hook_for(it_dept)
    receiver.location = receiver.url.replace("/hook", "/elsewhere")
    submit(session, help_desk, employee, tmp_path)
    assert deliver(session).retrying == 1
    assert [r.path for r in receiver.received] == ["/hook"]


@pytest.mark.parametrize("format", ["teams", "slack"])
def test_the_channel_format_posts_a_text_message(session, it_dept, help_desk, employee,
                                                 hook_for, receiver, tmp_path, format):
    hook = hook_for(it_dept, format=format)
    request = submit(session, help_desk, employee, tmp_path)
    deliver(session)
    [received] = receiver.received
    assert set(received.json) == {"text"}
    text = received.json["text"]
    assert f"New request {request.ref} for Help desk" in text and "IT Services" in text
    assert f"https://portal.example.com/requests/{request.ref}" in text
    assert received.verifies(hook.secret)


def test_hooks_hear_only_their_department_and_only_while_active(
        session, it_dept, help_desk, employee, admin, hook_for, receiver, tmp_path):
    other = factories.make_department(session, slug="hr", name="HR")
    session.commit()
    hook_for(other)
    everywhere = hook_for(None)
    paused = hook_for(it_dept)
    hooks.set_active(session, admin, paused, False)
    session.commit()
    submit(session, help_desk, employee, tmp_path)
    deliver(session)
    assert len(receiver.received) == 1
    assert receiver.received[0].verifies(everywhere.secret)


def test_a_new_priority_and_a_move_are_told_to_both_departments_hooks(
        session, it_dept, help_desk, employee, agent, hook_for, receiver, tmp_path):
    hr = factories.make_department(session, slug="hr", name="HR")
    payroll = factories.make_offering(session, hr, slug="payroll", title="Payroll question",
                                      form=[])
    session.commit()
    it_hook = hook_for(it_dept, events=("request.priority_changed", "request.moved"))
    hr_hook = hook_for(hr, events=("request.moved",))
    everywhere = hook_for(None, events=("request.moved",))
    request = submit(session, help_desk, employee, tmp_path)
    handover.change_priority(session, request, agent, "high", "Emma's laptop is the CEO's",
                             now=T0)
    session.commit()
    handover.move_request(session, request, agent, payroll.id, "Payroll is HR's", now=T0)
    session.commit()
    assert deliver(session).sent == 4

    def heard(hook):
        return [(r.json["type"], r.json["data"]) for r in receiver.received
                if r.verifies(hook.secret)]
    (priority, changed), (moved, data) = heard(it_hook)
    assert (priority, changed["priority"], changed["old_priority"]) == (
        "request.priority_changed", "high", "normal")
    assert moved == "request.moved" and data["ref"] == request.ref
    assert data["department"]["slug"] == "hr" and data["offering"]["slug"] == "payroll"
    assert data["from_department"] == {"slug": "it", "name": "IT Services"}
    assert data["from_offering"]["slug"] == "help"
    assert heard(hr_hook) == [("request.moved", data)]
    assert heard(everywhere) == [("request.moved", data)]  # once, though both departments
    everything = b"".join(r.body for r in receiver.received)
    assert b"CEO" not in everything and b"Emma" not in everything and b"HR's" not in everything


def test_a_test_event_is_delivered_like_any_other(session, it_dept, hook_for, receiver, admin):
    hook = hook_for(it_dept)
    hooks.send_test_event(session, admin, hook, now=T0)
    session.commit()
    deliver(session)
    [received] = receiver.received
    assert received.json["type"] == "webhook.test" and received.verifies(hook.secret)


@pytest.mark.parametrize("url", [
    "http://example.com/hook", "ftp://example.com/", "https://", "not a url",
    "https://user:pw@example.com/", "https://127.0.0.1/hook", "https://10.1.2.3/hook",
    "https://[::1]/hook", "https://169.254.169.254/latest", "https://localhost/hook",
])
def test_only_public_https_addresses_are_accepted(session, it_dept, admin, url):
    with pytest.raises(ValidationError) as refused:
        hooks.register_hook(session, admin, url=url, events=["request.created"],
                            department=it_dept)
    assert "url" in refused.value.fields


def test_owners_register_hooks_for_their_department_only(session, it_dept, owner, agent,
                                                         receiver):
    other = factories.make_department(session, slug="hr", name="HR")
    session.commit()
    hook = hooks.register_hook(session, owner, url=receiver.url, events=["request.created"],
                               department=it_dept, allow_local=True)
    assert hook.secret.startswith("whsec_")
    for department in (other, None):
        with pytest.raises(PermissionDenied):
            hooks.register_hook(session, owner, url=receiver.url, events=["request.created"],
                                department=department, allow_local=True)
    with pytest.raises(PermissionDenied):
        hooks.register_hook(session, agent, url=receiver.url, events=["request.created"],
                            department=it_dept, allow_local=True)
