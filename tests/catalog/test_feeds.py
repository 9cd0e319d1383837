"""Which offerings a feed lists and how it names what happened to them."""

from __future__ import annotations

from catalog import editing, feeds
from catalog.catalog_file import offering_to_dict


def save(session, offering, actor, **changes):
    editing.save_offering(session, offering.department, {**offering_to_dict(offering), **changes},
                          actor, offering=offering, expected_version=offering.version)
    session.commit()


def by_slug(entries):
    return {entry.offering.slug: entry for entry in entries}


def test_drafts_never_appear_and_new_offerings_are_new(session, make_user, make_department,
                                                       make_offering):
    it = make_department(slug="it")
    make_offering(it, slug="laptop")
    make_offering(it, slug="secret", status="draft")
    entries = by_slug(feeds.catalog_changes(session))
    assert set(entries) == {"laptop"}
    assert entries["laptop"].kind == "new" and entries["laptop"].changed == ()


def test_an_edit_is_a_change_naming_what_changed_and_publishing_a_draft_is_new(
        session, make_user, make_department, make_offering):
    owner = make_user()
    it = make_department(slug="it", owners=[owner])
    laptop = make_offering(it, slug="laptop", title="Laptop")
    draft = make_offering(it, slug="tablet", title="Tablet", status="draft")
    save(session, laptop, owner, summary="Now with a docking station")
    save(session, draft, owner, status="published")
    entries = by_slug(feeds.catalog_changes(session))
    assert entries["laptop"].kind == "changed"
    assert entries["laptop"].changed == ("summary",)
    assert entries["tablet"].kind == "new"
    assert [entry.offering.slug for entry in feeds.catalog_changes(session)] == [
        "tablet", "laptop"]  # the newest change first


def test_retired_offerings_and_a_change_made_outside_the_editor(session, make_user,
                                                                make_department, make_offering):
    owner = make_user()
    it = make_department(slug="it", owners=[owner])
    hr = make_department(slug="hr")
    old = make_offering(it, slug="old")
    imported = make_offering(hr, slug="imported")
    save(session, old, owner, status="retired")
    imported.title = "Changed by an import"  # no revision records it
    session.commit()
    entries = by_slug(feeds.catalog_changes(session))
    assert entries["old"].kind == "retired"
    assert entries["imported"].kind == "changed" and entries["imported"].changed == ()
    assert set(by_slug(feeds.catalog_changes(session, hr))) == {"imported"}
