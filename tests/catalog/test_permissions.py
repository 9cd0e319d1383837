"""Who may do what, asked in one place."""

from __future__ import annotations

import pytest

from catalog.permissions import can, managed_departments, may_manage


@pytest.mark.parametrize(("who", "edit_it", "work_it", "edit_hr", "admin_only"), [
    ("owner", True, True, False, False),
    ("agent", False, True, False, False),
    ("owner_other", False, False, True, False),
    ("employee", False, False, False, False),
    ("admin", True, True, True, True),
])
def test_department_roles_decide(people, it, hr, make_offering, who, edit_it, work_it, edit_hr,
                                 admin_only):
    user = people[who]
    offering = make_offering(it, slug="vpn")
    assert can(user, "edit_catalog", it) is edit_it
    assert can(user, "edit_catalog", offering) is edit_it   # an offering is its department's
    assert can(user, "work_queue", it) is work_it
    assert can(user, "edit_catalog", hr) is edit_hr
    assert can(user, "manage_departments") is admin_only
    assert can(user, "manage_people", it) is admin_only


def test_nobody_without_an_account_or_with_a_disabled_one(session, people, it):
    assert not can(None, "edit_catalog", it)
    people["owner"].active = False
    session.commit()
    assert not can(people["owner"], "edit_catalog", it)
    assert not may_manage(people["owner"])


def test_managed_departments_and_the_manage_link(session, people, it, hr):
    def slugs(who):
        return [d.slug for d in managed_departments(session, people[who])]

    assert slugs("owner") == ["it"] and slugs("agent") == ["it"]
    assert slugs("owner_other") == ["hr"] and slugs("employee") == []
    assert slugs("admin") == ["hr", "it"]   # by name: Human Resources, IT Services
    assert [may_manage(people[who]) for who in ("owner", "agent", "employee", "admin")] \
        == [True, True, False, True]
