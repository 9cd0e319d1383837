"""Submitting a request: who may, references, due times, answers, files, first mail."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from catalog.errors import Conflict, NotFound, PermissionDenied, ValidationError
from catalog.models import (
    Attachment,
    OutboxMessage,
    ReferenceCounter,
    RequestEvent,
    ServiceRequest,
)
from catalog.submission import due_if_submitted, refusal, submit_request
from catalog.uploads import FileStore, Upload
from tests import factories
from tests.request_fixtures import EVERY_FIELD, answers, berlin


def a_file(data: bytes = b"%PDF-1.4 quote", name: str = "C:\\Users\\jo\\Angebot März.pdf"):
    return Upload(filename=name, stream=BytesIO(data), content_type="application/pdf")


def submit(session, offering, user, store, *, priority="normal", at=None, **changes):
    values = answers(**changes)
    values.setdefault("quote", a_file())
    request = submit_request(session, offering, user, priority=priority, values=values,
                             store=store, now=at or berlin(2025, 7, 8, 15))
    session.commit()
    return request


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_submission_stores_reference_answers_form_and_due_times(session, laptop, employee,
                                                                store):
    request = submit(session, laptop, employee, store)
    assert request.ref == "IT-2025-00001"
    assert request.status == "new" and request.priority == "normal"
    assert request.answers["model"] == "Developer" and request.answers["quantity"] == 2
    assert request.answers["quote"] == "Angebot März.pdf"
    assert request.form == EVERY_FIELD
    # Tue 8 Jul 15:00 + 4 business hours (08-17) = Wed 10:00; + 3 days = Fri 11 Jul 15:00.
    assert request.first_response_due == berlin(2025, 7, 9, 10)
    assert request.resolution_due == berlin(2025, 7, 11, 15)
    # At risk after three quarters: 180 min -> Wed 09:00; 1215 min -> Thu 8 + 15:15 ... Fri 8:15
    assert request.first_response_risk_at == berlin(2025, 7, 9, 9)
    assert request.resolution_risk_at == berlin(2025, 7, 11, 8, 15)
    assert (request.first_response_minutes, request.resolution_minutes) == (240, 1620)
    assert [e.kind for e in request.events] == ["created"]


def test_high_priority_gets_its_own_targets(session, laptop, employee, store):
    request = submit(session, laptop, employee, store, priority="high")
    assert request.first_response_due == berlin(2025, 7, 8, 16)
    assert request.resolution_due == berlin(2025, 7, 9, 15)


def test_no_priority_means_normal(session, laptop, employee, store):
    assert submit(session, laptop, employee, store, priority=None).priority == "normal"


def test_file_is_stored_under_a_generated_name(session, laptop, employee, store):
    request = submit(session, laptop, employee, store)
    [attachment] = request.attachments
    assert attachment.filename == "Angebot März.pdf" and attachment.size == 14
    assert attachment.field_name == "quote"
    assert "Angebot" not in attachment.stored_name and "/" not in attachment.stored_name
    assert store.path_of(attachment.stored_name).read_bytes() == b"%PDF-1.4 quote"
    assert [p.name for p in store.directory.iterdir()] == [attachment.stored_name]


def test_references_count_per_department_and_year(session, laptop, employee, store):
    other = factories.make_department(session, slug="hr", code="HR")
    form = factories.make_offering(session, other, slug="letter", form=[])
    session.commit()
    refs = [submit(session, laptop, employee, store).ref,
            submit(session, laptop, employee, store).ref,
            submit_request(session, form, employee, priority="normal", values={}, store=store,
                           now=berlin(2025, 7, 8, 15)).ref,
            submit(session, laptop, employee, store, at=berlin(2026, 1, 5, 9)).ref]
    assert refs == ["IT-2025-00001", "IT-2025-00002", "HR-2025-00001", "IT-2026-00001"]


def test_year_of_the_reference_is_the_departments_local_year(session, laptop, employee, store):
    # 31 Dec 2025 23:30 UTC is already 1 Jan 2026 in Berlin.
    from datetime import UTC, datetime
    request = submit(session, laptop, employee, store,
                     at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert request.ref == "IT-2026-00001"


def test_submission_writes_mail_for_requester_and_department(session, laptop, employee, store):
    request = submit(session, laptop, employee, store)
    mail = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.to_address) for m in mail] == [
        ("submitted", "emma@example.com"), ("new_request", "it-help@example.com")]
    assert mail[0].data["ref"] == request.ref
    assert mail[0].data["first_response_due"] == request.first_response_due.isoformat()
    assert all(m.status == "pending" for m in mail)


def test_department_without_contact_mails_its_owners(session, laptop, employee, store, owner):
    laptop.department.contact_email = None
    session.commit()
    submit(session, laptop, employee, store)
    assert session.scalars(select(OutboxMessage.to_address)
                           .where(OutboxMessage.kind == "new_request")).all() \
        == ["owner@example.com"]


def test_department_without_commitments_takes_requests_without_due_times(session, employee,
                                                                         store):
    department = factories.make_department(session, slug="fm", code="FM")
    department.commitments.clear()
    offering = factories.make_offering(session, department, slug="desk", form=[])
    session.commit()
    request = submit_request(session, offering, employee, priority=None, values={},
                             store=store)
    assert request.priority == "normal"
    assert request.first_response_due is None and request.resolution_due is None
    assert due_if_submitted(offering, berlin(2025, 7, 8, 9)) == []


def test_preview_of_due_times_per_priority(laptop):
    previews = due_if_submitted(laptop, berlin(2025, 7, 11, 18))  # Friday evening
    assert [(d.priority, d.first_response, d.resolution) for d in previews] == [
        ("normal", berlin(2025, 7, 14, 12), berlin(2025, 7, 16, 17)),
        ("high", berlin(2025, 7, 14, 9), berlin(2025, 7, 14, 17)),
    ]


def assert_nothing_written(session, store: FileStore) -> None:
    session.rollback()
    for model in (ServiceRequest, RequestEvent, Attachment, OutboxMessage, ReferenceCounter):
        assert count(session, model) == 0, model
    assert not store.directory.exists() or list(store.directory.iterdir()) == []


def test_contractor_is_refused_and_told_whom_to_ask(session, laptop, contractor, store):
    assert "it-help@example.com" in refusal(laptop, contractor)
    with pytest.raises(PermissionDenied, match="ask IT Services at it-help@example.com"):
        submit(session, laptop, contractor, store)
    assert_nothing_written(session, store)


@pytest.mark.parametrize(("status", "error"), [("draft", NotFound), ("retired", Conflict)])
def test_unpublished_offerings_cannot_be_requested(session, laptop, employee, store, status,
                                                   error):
    laptop.status = status
    session.commit()
    with pytest.raises(error):
        submit(session, laptop, employee, store)
    assert_nothing_written(session, store)


@pytest.mark.parametrize(("priority", "changes", "field"), [
    ("urgent", {}, "priority"),
    ("low", {}, "priority"),            # a priority the department does not publish
    (["normal"], {}, "priority"),
    ("normal", {"summary": ""}, "summary"),
    ("normal", {"quantity": "many"}, "quantity"),
    ("normal", {"model": "Gaming rig"}, "model"),
    ("normal", {"quote": None}, "quote"),
])
def test_invalid_input_writes_nothing(session, laptop, employee, store, priority, changes,
                                      field):
    with pytest.raises(ValidationError) as raised:
        submit(session, laptop, employee, store, priority=priority, **changes)
    assert field in raised.value.fields
    assert_nothing_written(session, store)


def test_oversized_file_is_refused_at_its_field_and_leaves_no_file(session, laptop, employee,
                                                                    store):
    big = a_file(data=b"x" * (store.max_bytes + 1))
    with pytest.raises(ValidationError) as raised:
        submit(session, laptop, employee, store, quote=big)
    assert raised.value.fields == {"quote": "This file is larger than 1 MB."}
    assert_nothing_written(session, store)


def test_discarding_after_a_failed_commit_removes_the_files(session, laptop, employee, store):
    submit_request(session, laptop, employee, priority="normal",
                   values={**answers(), "quote": a_file()}, store=store)
    assert len(list(store.directory.iterdir())) == 1
    session.rollback()  # as if the commit had failed
    store.discard_written()
    assert_nothing_written(session, store)
