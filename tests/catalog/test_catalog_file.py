"""Catalog file import and export: every problem with its path, nothing half-written, round trip."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.models import Department, Offering, User

GOOD = {
    "departments": [{
        "slug": "it",
        "name": "IT Services",
        "description": "We help.",
        "contact_email": "it-help@example.com",
        "owners": ["alice@example.com"],
        "agents": ["bob@example.com"],
        "business_hours": {"timezone": "Europe/Berlin", "days": ["mon", "tue", "wed", "thu", "fri"],
                           "start": "08:00", "end": "17:00", "holidays": "DE-BY"},
        "commitments": [{"priority": "normal", "first_response": "4h", "resolution": "3d"},
                        {"priority": "high", "first_response": "1h", "resolution": "1d"}],
        "offerings": [{
            "slug": "password-reset",
            "title": "Reset a password",
            "language": "en",
            "summary": "Locked out? We reset it.",
            "description": "Markdown **text**",
            "keywords": ["password", "locked out"],
            "audience": ["employee", "temporary"],
            "service_standard": {"included": "A new password", "not_included": "Other accounts",
                                 "prerequisites": "Your badge", "process": "We call you"},
            "commitment": {"first_response": "30m", "resolution": "4h"},
            "form": [
                {"name": "account", "label": "Account", "type": "text", "required": True,
                 "help": "Your login"},
                {"name": "device", "label": "Device", "type": "select",
                 "choices": ["Laptop", "Phone"]},
            ],
        }],
    }],
}


def counts(session):
    return (session.scalar(select(func.count(Department.id))),
            session.scalar(select(func.count(Offering.id))))


def test_import_creates_departments_offerings_and_people(session):
    summary = import_catalog(session, copy.deepcopy(GOOD))
    session.commit()
    assert summary.created == ["it", "it/password-reset"]
    department = session.scalar(select(Department))
    assert department.code == "IT" and department.holiday_region == "DE-BY"
    assert [(c.priority, c.first_response_minutes, c.resolution_minutes)
            for c in department.commitments] == [("normal", 240, 1620), ("high", 60, 540)]
    assert [u.email for u in department.people("owner")] == ["alice@example.com"]
    alice = session.scalar(select(User).where(User.email == "alice@example.com"))
    assert alice.password_hash is None   # an account without a password yet
    offering = department.offerings[0]
    assert (offering.first_response_minutes, offering.resolution_minutes) == (30, 240)
    assert offering.form[1]["choices"] == ["Laptop", "Phone"]


def test_second_import_updates_by_slug(session):
    import_catalog(session, copy.deepcopy(GOOD))
    session.commit()
    changed = copy.deepcopy(GOOD)
    changed["departments"][0]["name"] = "IT"
    changed["departments"][0]["offerings"][0]["title"] = "Password reset"
    summary = import_catalog(session, changed)
    session.commit()
    assert summary.updated == ["it", "it/password-reset"]
    assert counts(session) == (1, 1)
    assert session.scalar(select(Offering.title)) == "Password reset"


def test_every_problem_is_reported_with_its_path_and_nothing_is_written(session):
    bad = copy.deepcopy(GOOD)
    department = bad["departments"][0]
    department["business_hours"]["holidays"] = "DE-XX"
    department["business_hours"]["timezone"] = "Mars/Olympus"
    department["commitments"][1]["first_response"] = "0h"
    department["commitments"].append({"priority": "urgent", "first_response": "1h",
                                      "resolution": "soon"})
    offering = department["offerings"][0]
    offering["slug"] = "Password Reset"
    offering["form"].append({"name": "kind", "label": "Kind", "type": "select"})
    offering["form"].append({"name": "x", "label": "X", "type": "colour"})
    bad["departments"].append({"slug": "hr", "offerings": [{"slug": "a", "title": ""}]})
    with pytest.raises(CatalogFileError) as raised:
        import_catalog(session, bad)
    session.rollback()
    paths = {path for path, _ in raised.value.problems.items}
    assert {
        "departments[0].business_hours.holidays",
        "departments[0].business_hours.timezone",
        "departments[0].commitments[1].first_response",
        "departments[0].commitments[2].priority",
        "departments[0].commitments[2].resolution",
        "departments[0].offerings[0].slug",
        "departments[0].offerings[0].form[2].choices",
        "departments[0].offerings[0].form[3].type",
        "departments[1].name",
        "departments[1].offerings[0].title",
    } <= paths
    assert counts(session) == (0, 0)


def test_unknown_keys_and_duplicates_are_problems(session):
    bad = copy.deepcopy(GOOD)
    bad["departments"][0]["offerings"][0]["titel"] = "typo"
    bad["departments"][0]["offerings"].append(copy.deepcopy(GOOD["departments"][0]["offerings"][0]))
    bad["departments"][0]["offerings"][0]["form"][1]["name"] = "account"
    with pytest.raises(CatalogFileError) as raised:
        import_catalog(session, bad)
    problems = dict(raised.value.problems.items)
    assert problems["departments[0].offerings[0].titel"] == "unknown key"
    assert "used twice" in problems["departments[0].offerings[1].slug"]
    assert "used twice" in problems["departments[0].offerings[0].form[1].name"]


@pytest.mark.parametrize("text", ["departments: [", "- just\n- a list", "departments: 3", ""])
def test_files_that_are_not_a_catalog_are_refused(session, text):
    with pytest.raises(CatalogFileError):
        import_catalog(session, load_yaml(text))


def test_export_import_export_round_trips(session, wipe_database):
    import_catalog(session, copy.deepcopy(GOOD))
    session.commit()
    first = dump_yaml(export_catalog(session))
    # Import the export into an empty database.
    wipe_database()
    import_catalog(session, load_yaml(first))
    session.commit()
    assert dump_yaml(export_catalog(session)) == first
    assert "first_response: 30m" in first and "resolution: 3d" in first


@pytest.mark.slow
def test_demo_catalog_round_trips(session, wipe_database):
    from catalog.demo import load_demo_data
    load_demo_data(session)
    session.commit()
    first = dump_yaml(export_catalog(session))
    wipe_database()
    import_catalog(session, load_yaml(first))
    session.commit()
    assert dump_yaml(export_catalog(session)) == first


def test_a_successor_later_in_the_file_is_linked(session):
    data = copy.deepcopy(GOOD)
    offerings = data["departments"][0]["offerings"]
    offerings[0].update(status="retired", replaced_by="self-service-reset")
    offerings.append({"slug": "self-service-reset", "title": "Reset it yourself"})
    import_catalog(session, data)
    old = session.scalar(select(Offering).where(Offering.slug == "password-reset"))
    assert old.replaced_by is not None and old.replaced_by.slug == "self-service-reset"


@pytest.mark.parametrize("reference", ["nothing-here", "hr/password-reset"])
def test_an_unknown_successor_is_a_problem_and_nothing_is_written(session, reference):
    data = copy.deepcopy(GOOD)
    data["departments"][0]["offerings"][0].update(status="retired", replaced_by=reference)
    with pytest.raises(CatalogFileError) as refused:
        import_catalog(session, data)
    assert "departments[0].offerings[0].replaced_by" in refused.value.problems.as_fields()
    session.rollback()
    assert counts(session) == (0, 0)
