"""Creating and changing offerings in the domain: validation, permission, history, conflicts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import editing, history
from catalog.directory import find_offering
from catalog.errors import NotFound, PermissionDenied, ValidationError
from catalog.models import Offering, OfferingRevision
from catalog.revision import catalog_revision


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user(email="owner@example.com", name="Olga Owner"),
        "other_owner": make_user(email="other@example.com"),
        "agent": make_user(email="agent@example.com"),
        "employee": make_user(email="employee@example.com"),
        "admin": make_user(email="admin@example.com", is_admin=True),
    }


@pytest.fixture
def it(make_department, people):
    return make_department(slug="it", code="IT", name="IT Services", owners=[people["owner"]],
                           agents=[people["agent"]])


@pytest.fixture
def hr(make_department, people):
    return make_department(slug="hr", code="HR", owners=[people["other_owner"]])


def offering_data(**changes):
    data = {
        "slug": "vpn", "title": "VPN access", "summary": "Work from anywhere",
        "keywords": ["remote"], "audience": ["employee"],
        "service_standard": {"included": "A VPN profile", "process": "We send it by mail."},
        "form": [{"name": "reason", "label": "Reason", "type": "text", "required": True}],
    }
    data.update(changes)
    return data


def revisions(session: Session, offering: Offering) -> list[OfferingRevision]:
    session.expire_all()
    return list(session.scalars(select(OfferingRevision).where(
        OfferingRevision.offering_id == offering.id).order_by(OfferingRevision.number)))


def test_owner_creates_an_offering_with_a_first_revision(session, it, people):
    before = catalog_revision(session)
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    session.commit()
    assert offering.title == "VPN access" and offering.status == "published"
    assert offering.form[0]["name"] == "reason" and offering.included == "A VPN profile"
    [first] = revisions(session, offering)
    assert (first.number, first.action, first.author_id) == (1, "created", people["owner"].id)
    assert first.snapshot["title"] == "VPN access"
    assert catalog_revision(session) > before


@pytest.mark.parametrize("who", ["other_owner", "agent", "employee"])
def test_only_owners_and_admins_edit_a_departments_catalog(session, it, hr, people, who):
    before = catalog_revision(session)
    with pytest.raises(PermissionDenied):
        editing.save_offering(session, it, offering_data(), people[who])
    session.rollback()
    assert session.scalar(select(Offering.id)) is None
    assert catalog_revision(session) == before


def test_admin_edits_any_department(session, hr, people):
    offering = editing.save_offering(session, hr, offering_data(), people["admin"])
    assert offering.department_id == hr.id


def test_an_edit_records_who_changed_what(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    version = offering.version
    editing.save_offering(session, it, offering_data(title="VPN for laptops"), people["admin"],
                          offering=offering, expected_version=version)
    session.commit()
    latest = revisions(session, offering)[-1]
    assert (latest.number, latest.action, latest.changed) == (2, "edited", ["title"])
    assert latest.author_id == people["admin"].id
    assert offering.version > version and latest.version == offering.version


def test_saving_what_is_already_there_writes_no_revision(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    session.commit()
    version = offering.version
    editing.save_offering(session, it, offering_data(), people["owner"], offering=offering,
                          expected_version=version)
    session.commit()
    assert len(revisions(session, offering)) == 1
    assert offering.version == version


def test_a_stale_save_is_refused_and_shows_what_changed_meanwhile(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    session.commit()
    loaded = offering.version
    editing.save_offering(session, it, offering_data(summary="Now with MFA"), people["admin"],
                          offering=offering, expected_version=loaded)
    session.commit()
    with pytest.raises(editing.EditConflict) as refused:
        editing.save_offering(session, it, offering_data(title="Mine"), people["owner"],
                              offering=offering, expected_version=loaded)
    session.rollback()
    [change] = refused.value.changes
    assert change.key == "summary"
    assert ("-", "Work from anywhere") in change.lines and ("+", "Now with MFA") in change.lines
    session.expire_all()
    assert offering.title == "VPN access" and offering.summary == "Now with MFA"
    assert len(revisions(session, offering)) == 2


def test_a_save_racing_another_session_is_refused(session, engine, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    session.commit()
    with Session(engine) as other:
        theirs = other.get(Offering, offering.id)
        editing.save_offering(other, theirs.department, offering_data(title="Theirs"),
                              other.merge(people["admin"]), offering=theirs)
        other.commit()
    # This session still holds the old version and was given no version to compare with.
    with pytest.raises(editing.EditConflict):
        editing.save_offering(session, it, offering_data(title="Mine"), people["owner"],
                              offering=offering)
    session.rollback()
    session.expire_all()
    assert offering.title == "Theirs"


def test_changing_the_slug_keeps_the_old_address(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    editing.save_offering(session, it, offering_data(slug="remote-access"), people["owner"],
                          offering=offering)
    session.commit()
    found = find_offering(session, "it", "vpn")
    assert found.moved and found.item.id == offering.id and found.item.slug == "remote-access"


def test_a_new_offering_takes_over_a_former_address(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    editing.save_offering(session, it, offering_data(slug="remote-access"), people["owner"],
                          offering=offering)
    newcomer = editing.save_offering(session, it, offering_data(title="Another"), people["owner"])
    session.commit()
    assert find_offering(session, "it", "vpn") .item.id == newcomer.id


@pytest.mark.parametrize(("changes", "path", "words"), [
    ({"slug": "VPN Access"}, "slug", "lowercase"),
    ({"title": "  "}, "title", "must not be empty"),
    ({"form": [{"name": "device", "label": "Device", "type": "select"}]},
     "form[0].choices", "needs choices"),
    ({"form": [{"name": "x", "label": "X", "type": "colour"}]}, "form[0].type", "unknown type"),
    ({"commitment": {"first_response": "0m", "resolution": "4h"}},
     "commitment.first_response", "longer than zero"),
    ({"commitment": {"first_response": "1h", "resolution": "-4h"}},
     "commitment.resolution", "not a duration"),
    ({"review_interval_months": 0}, "review_interval_months", "1 to 60"),
    ({"replaced_by": "nothing-here"}, "replaced_by", "no offering"),
])
def test_bad_input_is_reported_at_its_field_and_nothing_is_written(session, it, people, changes,
                                                                   path, words):
    before = catalog_revision(session)
    with pytest.raises(ValidationError) as refused:
        editing.save_offering(session, it, offering_data(**changes), people["owner"])
    session.rollback()
    assert words in refused.value.fields[path]
    assert session.scalar(select(Offering.id)) is None
    assert catalog_revision(session) == before


def test_a_duplicate_slug_is_refused(session, it, people, make_offering):
    make_offering(it, slug="vpn", title="Existing VPN")
    with pytest.raises(ValidationError) as refused:
        editing.save_offering(session, it, offering_data(), people["owner"])
    assert "already uses 'vpn'" in refused.value.fields["slug"]
    other = make_offering(it, slug="printer")
    with pytest.raises(ValidationError):
        editing.save_offering(session, it, offering_data(), people["owner"], offering=other)


def test_the_replacement_follows_renames_and_cannot_be_itself(session, it, people, make_offering):
    old = make_offering(it, slug="old-vpn", title="Old VPN")
    new = editing.save_offering(session, it, offering_data(), people["owner"])
    editing.save_offering(session, it, offering_data(slug="remote"), people["owner"],
                          offering=new)
    retired = editing.save_offering(
        session, it, {"slug": "old-vpn", "title": "Old VPN", "status": "retired",
                      "replaced_by": "vpn"}, people["owner"], offering=old)
    assert retired.replaced_by_id == new.id
    with pytest.raises(ValidationError) as refused:
        editing.save_offering(session, it, {"slug": "old-vpn", "title": "Old VPN",
                                            "replaced_by": "old-vpn"}, people["owner"],
                              offering=old)
    assert "itself" in refused.value.fields["replaced_by"]


def test_publish_retire_and_restore(session, it, people, make_offering):
    draft = make_offering(it, slug="draft", title="Draft", status="draft")
    successor = make_offering(it, slug="successor", title="Successor")
    editing.change_status(session, draft, "published", people["owner"])
    assert draft.status == "published"
    editing.save_offering(session, it, {**history.offering_snapshot(draft), "status": "retired",
                                        "replaced_by": "successor"}, people["owner"],
                          offering=draft)
    assert draft.status == "retired" and draft.replaced_by_id == successor.id
    editing.change_status(session, draft, "published", people["owner"])
    session.commit()
    assert draft.status == "published" and draft.replaced_by_id is None
    actions = [r.action for r in revisions(session, draft)]
    assert actions == ["imported", "published", "retired", "restored"]


def test_an_old_revision_can_be_restored_as_a_new_revision(session, it, people):
    offering = editing.save_offering(session, it, offering_data(), people["owner"])
    editing.save_offering(session, it, offering_data(slug="remote", title="Remote access",
                                                     form=[]), people["owner"],
                          offering=offering)
    editing.revert_offering(session, offering, 1, people["admin"])
    session.commit()
    assert offering.title == "VPN access" and offering.slug == "vpn"
    assert offering.form[0]["name"] == "reason"
    latest = revisions(session, offering)[-1]
    assert (latest.number, latest.action, latest.restored_from) == (3, "reverted", 1)
    assert set(latest.changed) == {"title", "slug", "form"}
    with pytest.raises(NotFound):
        editing.revert_offering(session, offering, 99, people["owner"])


def test_state_written_outside_the_portal_is_kept_before_the_next_save(session, it, people,
                                                                        make_offering):
    offering = make_offering(it, slug="vpn", title="Imported title")
    editing.save_offering(session, it, offering_data(), people["owner"], offering=offering)
    offering.summary = "Changed by an import"
    session.commit()
    editing.save_offering(session, it, offering_data(title="Third"), people["owner"],
                          offering=offering)
    session.commit()
    found = revisions(session, offering)
    assert [r.action for r in found] == ["imported", "edited", "outside", "edited"]
    assert found[0].snapshot["title"] == "Imported title" and found[0].author_id is None
    assert found[2].changed == ["summary"]


def test_marking_reviewed_is_recorded(session, it, people, make_offering):
    offering = make_offering(it, slug="vpn", title="VPN")
    editing.mark_reviewed(session, offering, people["owner"])
    session.commit()
    assert offering.reviewed_at is not None
    latest = revisions(session, offering)[-1]
    assert latest.action == "reviewed" and latest.changed == ["reviewed_at"]
    with pytest.raises(PermissionDenied):
        editing.mark_reviewed(session, offering, people["agent"])


@pytest.mark.parametrize(("title", "slug"), [
    ("Order a new laptop!", "order-a-new-laptop"),
    ("Schlüssel & Ausweis", "schluessel-ausweis"),
    ("Café  crème", "cafe-creme"),
    ("???", ""),
])
def test_suggested_slugs(title, slug):
    assert editing.suggest_slug(title) == slug
