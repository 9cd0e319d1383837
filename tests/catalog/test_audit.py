"""The audit log: every change of rights and structure leaves an entry, written with the change,
naming who made it; the application cannot change or delete an entry."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select, update

from catalog import audit, feedback
from catalog.administration import administer_department, create_department
from catalog.audit import AuditFilter, AuditLogIsAppendOnly, audit_page
from catalog.catalog_file import import_catalog
from catalog.errors import ValidationError
from catalog.models import AuditEntry, User
from catalog.people import accounts
from catalog.people.directory import import_directory
from catalog.people.sso import sign_in_from_claims
from catalog.submission import submit_request
from catalog.workflow import change_status
from tests import factories
from tests.catalog.test_catalog_file import GOOD
from tests.catalog.test_sso_accounts import SETTINGS, claims
from tests.request_fixtures import berlin


def last_id(session) -> int:
    """Entries up to here come from the fixtures (their accounts and departments)."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def entries(session, action: str | None = None, after: int = 0) -> list[AuditEntry]:
    session.expire_all()
    query = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def summary(entry: AuditEntry) -> tuple:
    return (entry.action, entry.subject, entry.actor_id or entry.actor_label, entry.details)


def test_creating_and_renaming_a_department_and_naming_its_people_is_recorded(session, people):
    admin, start = people["admin"], last_id(session)
    with audit.acting_as(session, admin):
        it = create_department(session, admin, slug="it", name="IT Services", code="IT")
    session.commit()
    assert [summary(e) for e in entries(session, after=start)] == [
        ("department.created", "it", admin.id, {"name": "IT Services", "code": "IT"})]

    with audit.acting_as(session, admin):
        administer_department(session, it, admin, name="Information Technology",
                              slug="tech", owners=["owner@example.com"], agents=[])
    session.commit()
    assert summary(entries(session, "department.renamed")[0]) == (
        "department.renamed", "tech", admin.id,
        {"before": {"slug": "it", "name": "IT Services"},
         "after": {"slug": "tech", "name": "Information Technology"}})
    assert [summary(e) for e in entries(session, "role.granted")] == [
        ("role.granted", "tech", admin.id, {"role": "owner", "user_id": people["owner"].id})]

    with audit.acting_as(session, admin):
        administer_department(session, it, admin, name="Information Technology",
                              slug="tech", owners=[], agents=["agent@example.com"])
    session.commit()
    assert sorted(summary(e) for e in entries(session)[-2:]) == [
        ("role.granted", "tech", admin.id, {"role": "agent", "user_id": people["agent"].id}),
        ("role.removed", "tech", admin.id, {"role": "owner", "user_id": people["owner"].id}),
    ]


def test_a_refused_change_leaves_no_entry(session, people, it):
    before = len(entries(session))
    with pytest.raises(ValidationError), audit.acting_as(session, people["admin"]):
        administer_department(session, it, people["admin"], name="Renamed", slug="renamed",
                              owners=["not an address"], agents=[])
    session.rollback()
    assert len(entries(session)) == before


def test_a_change_rolled_back_after_its_flush_takes_its_entries_with_it(session, people, it):
    before = len(entries(session))
    with audit.acting_as(session, people["admin"]):
        administer_department(session, it, people["admin"], name="Renamed", slug="renamed",
                              owners=[], agents=[])
    session.rollback()
    assert len(entries(session)) == before
    assert session.get(type(it), it.id).slug == "it"


def test_accounts_admin_rights_and_deactivation_are_recorded(session):
    with audit.acting_as(session, audit.COMMAND_LINE):
        user = accounts.save_user(session, "Dana@example.com", name="Dana", admin=True)
    session.commit()
    with audit.acting_as(session, audit.COMMAND_LINE):
        accounts.save_user(session, "dana@example.com", name="Dana", admin=False)
        accounts.deactivate_user(session, "dana@example.com")
        accounts.activate_user(session, "dana@example.com")
    session.commit()
    subject = f"user:{user.id}"
    assert [summary(e) for e in entries(session)] == [
        ("user.created", subject, "command line", {"admin": False, "audience": "employee"}),
        ("admin.granted", subject, "command line", {}),
        ("admin.removed", subject, "command line", {}),
        ("user.deactivated", subject, "command line", {}),
        ("user.activated", subject, "command line", {}),
    ]
    assert "dana" not in repr([e.details for e in entries(session)]).lower()


def test_single_sign_on_grants_and_removals_name_single_sign_on(session):
    it = factories.make_department(session, slug="it", code="IT", name="IT Services")
    session.commit()
    start = last_id(session)
    user = sign_in_from_claims(session, claims(groups=["it-desk", "portal-admins"]), SETTINGS)
    session.commit()
    middle = last_id(session)
    sign_in_from_claims(session, claims(groups=["staff"]), SETTINGS)
    session.commit()
    first = sorted(summary(e) for e in entries(session, after=start) if e.id <= middle)
    second = sorted(summary(e) for e in entries(session, after=middle))
    assert first == [
        ("admin.granted", f"user:{user.id}", "single sign-on", {}),
        ("role.granted", it.slug, "single sign-on", {"role": "agent", "user_id": user.id}),
        ("user.created", f"user:{user.id}", "single sign-on",
         {"admin": False, "audience": "employee"}),
    ]
    assert second == [
        ("admin.removed", f"user:{user.id}", "single sign-on", {}),
        ("role.removed", it.slug, "single sign-on", {"role": "agent", "user_id": user.id}),
    ]


def test_a_catalog_import_records_what_it_changed_and_the_rights_it_gave(session):
    with audit.acting_as(session, audit.COMMAND_LINE):
        import_catalog(session, copy.deepcopy(GOOD))
    session.commit()
    imported = entries(session, "catalog.imported")
    assert [summary(e) for e in imported] == [("catalog.imported", "catalog file", "command line", {
        "departments_created": 1, "departments_updated": 0, "offerings_created": 1,
        "offerings_changed": 0, "offerings_retired": 0})]
    assert {e.details["role"] for e in entries(session, "role.granted")} == {"owner", "agent"}
    assert [e.subject for e in entries(session, "department.created")] == ["it"]

    changed = copy.deepcopy(GOOD)
    changed["departments"][0]["offerings"][0]["status"] = "retired"
    changed["departments"][0]["offerings"].append({"slug": "unchanged-later", "title": "New"})
    with audit.acting_as(session, audit.COMMAND_LINE):
        import_catalog(session, changed)
    session.commit()
    assert entries(session, "catalog.imported")[-1].details == {
        "departments_created": 0, "departments_updated": 1, "offerings_created": 1,
        "offerings_changed": 1, "offerings_retired": 1}


def test_a_people_import_records_its_counts(session):
    with audit.acting_as(session, audit.COMMAND_LINE):
        import_directory("email,name,audience,department,manager_email\n"
                         "ann@example.com,Ann,,,boss@example.com\n", session)
    session.commit()
    assert [summary(e) for e in entries(session)] == [
        ("people.imported", "people directory", "command line",
         {"created": 2, "updated": 0, "unchanged": 0, "created_as_managers": 1})]


def test_a_changed_rating_keeps_the_old_score(session, it_dept, employee, agent, store):
    offering = factories.make_offering(session, it_dept, slug="help", title="Help")
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=store, now=berlin(2026, 3, 2, 9, 0))
    change_status(session, item, agent, "resolved", "Done", now=berlin(2026, 3, 2, 11, 0))
    session.commit()
    start = last_id(session)
    with audit.acting_as(session, employee):
        feedback.give_feedback(session, item, employee, 2, now=berlin(2026, 3, 3, 9, 0))
    session.commit()
    assert entries(session, after=start) == []  # a first rating overwrites nothing
    with audit.acting_as(session, employee):
        feedback.give_feedback(session, item, employee, 5, now=berlin(2026, 3, 4, 9, 0))
    session.commit()
    assert [summary(e) for e in entries(session, "rating.changed")] == [
        ("rating.changed", item.ref, employee.id, {"before": 2, "after": 5})]


def test_entries_cannot_be_changed_or_deleted(session):
    entry = audit.record(session, actor=audit.COMMAND_LINE, action="user.created",
                         subject="user:1")
    session.commit()
    entry.details = {"admin": True}
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(update(AuditEntry).values(actor_label="someone else"))
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(delete(AuditEntry))
    session.rollback()
    assert [summary(e) for e in entries(session)] == [
        ("user.created", "user:1", "command line", {})]


def test_unknown_actions_are_refused(session):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(session, actor=None, action="anything.goes", subject="x")


def _entry(session, at: datetime, action: str, subject: str, actor: User | str) -> None:
    audit.record(session, actor=actor, action=action, subject=subject).at = at


def test_the_log_pages_newest_first_and_filters(session, people):
    admin = people["admin"]
    session.execute(AuditEntry.__table__.delete())  # the fixtures' entries (not through the ORM)
    _entry(session, datetime(2026, 1, 5, 12, tzinfo=UTC), "department.created", "it", admin)
    _entry(session, datetime(2026, 2, 1, 0, tzinfo=UTC), "role.granted", "it",
           audit.COMMAND_LINE)
    _entry(session, datetime(2026, 2, 28, 23, 59, tzinfo=UTC), "department.renamed", "hr",
           audit.SINGLE_SIGN_ON)
    session.commit()

    def subjects(page=1, per_page=50, **wanted) -> list[str]:
        found = audit_page(session, AuditFilter(**wanted), page, per_page).page
        return [f"{e.action} {e.subject}" for e in found.items]

    assert subjects() == ["department.renamed hr", "role.granted it", "department.created it"]
    assert subjects(page=2, per_page=2) == ["department.created it"]
    assert subjects(action="role.granted") == ["role.granted it"]
    assert subjects(actor="ADMIN@example") == ["department.created it"]
    assert subjects(actor="command") == ["role.granted it"]
    assert subjects(subject="h") == ["department.renamed hr"]
    assert subjects(subject="%") == []  # typed text, not a pattern
    assert subjects(since=date(2026, 2, 1), until=date(2026, 2, 28)) == [
        "department.renamed hr", "role.granted it"]
    assert subjects(until=date(2026, 1, 31)) == ["department.created it"]
    assert audit_page(session, AuditFilter(), 1).emails == {admin.id: "admin@example.com"}
