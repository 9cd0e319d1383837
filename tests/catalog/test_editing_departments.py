"""Department settings, and what only admins do: create departments, name owners and agents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import history
from catalog.administration import administer_department, create_department
from catalog.department_settings import (
    SettingsConflict,
    revert_department,
    save_department_settings,
)
from catalog.directory import find_department
from catalog.errors import PermissionDenied, ValidationError
from catalog.models import Department, DepartmentRevision
from catalog.revision import catalog_revision


def settings(department, **changes):
    return {**history.department_snapshot(department), **changes}


def test_owner_saves_settings_with_history(session, people, it):
    before = catalog_revision(session)
    hours = {"timezone": "Europe/Berlin", "days": ["mon", "tue"], "start": "09:00",
             "end": "13:00", "holidays": "DE-NW"}
    changed = save_department_settings(session, it, settings(
        it, business_hours=hours, commitments=[{"priority": "critical", "first_response": "15m",
                                                "resolution": "1d"}]), people["owner"])
    session.commit()
    assert changed and it.holiday_region == "DE-NW" and it.day_minutes == 240
    assert it.targets() == [("critical", 15, 240)]
    revisions = session.scalars(select(DepartmentRevision).order_by(DepartmentRevision.number))
    assert [(r.action, r.author_id) for r in revisions] == [("imported", None),
                                                           ("edited", people["owner"].id)]
    assert catalog_revision(session) > before


@pytest.mark.parametrize("who", ["agent", "owner_other", "employee"])
def test_others_may_not_change_settings(session, people, it, hr, who):
    with pytest.raises(PermissionDenied):
        save_department_settings(session, it, settings(it, description="x"), people[who])


@pytest.mark.parametrize(("changes", "path"), [
    ({"commitments": [{"priority": "normal", "first_response": "0m", "resolution": "1h"}]},
     "commitments[0].first_response"),
    ({"commitments": [{"priority": "urgent", "first_response": "1m", "resolution": "1h"}]},
     "commitments[0].priority"),
    ({"business_hours": {"timezone": "Europe/Berlin", "days": ["mon"], "start": "08:00",
                         "end": "17:00", "holidays": "ZZ"}}, "business_hours.holidays"),
    ({"contact_email": "nobody"}, "contact_email"),
])
def test_bad_settings_are_refused_with_their_path(session, people, it, changes, path):
    before = history.department_snapshot(it), catalog_revision(session)
    with pytest.raises(ValidationError) as refused:
        save_department_settings(session, it, settings(it, **changes), people["owner"])
    session.rollback()
    assert path in refused.value.fields
    session.expire_all()
    assert (history.department_snapshot(it), catalog_revision(session)) == before


def test_a_stale_settings_save_is_refused_with_what_changed(session, people, it):
    loaded = history.department_snapshot(it)
    save_department_settings(session, it, settings(it, description="First"), people["owner"])
    session.commit()
    with pytest.raises(SettingsConflict) as refused:
        save_department_settings(session, it, settings(it, description="Second"),
                                 people["admin"], loaded=loaded)
    session.rollback()
    assert [c.key for c in refused.value.changes] == ["description"]
    session.expire_all()
    assert it.description == "First"


def test_an_old_settings_revision_is_restored(session, people, it):
    save_department_settings(session, it, settings(it, description="First"), people["owner"])
    revert_department(session, it, 1, people["owner"])
    session.commit()
    assert it.description == ""
    latest = history.latest_revision(session, DepartmentRevision, it.id)
    assert (latest.number, latest.action, latest.restored_from) == (3, "reverted", 1)


def test_admin_creates_and_administers_a_department(session, people, it):
    created = create_department(session, people["admin"], slug="facilities", name="Facilities")
    session.commit()
    assert created.code == "FACILITIES"
    assert history.latest_revision(session, DepartmentRevision, created.id).action == "created"
    administer_department(session, created, people["admin"], name="Facility Services",
                          slug="fm", owners=["OWNER@example.com", "owner@example.com"],
                          agents=["someone.new@example.com"])
    session.commit()
    assert [u.email for u in created.people("owner")] == ["owner@example.com"]
    assert [u.email for u in created.people("agent")] == ["someone.new@example.com"]
    assert find_department(session, "facilities").moved


@pytest.mark.parametrize("who", ["owner", "agent", "employee"])
def test_only_admins_create_and_administer(session, people, it, who):
    with pytest.raises(PermissionDenied):
        create_department(session, people[who], slug="x", name="X")
    with pytest.raises(PermissionDenied):
        administer_department(session, it, people[who], name="IT", slug="it", owners=[],
                              agents=[])
    assert session.scalar(select(Department).where(Department.slug == "x")) is None
