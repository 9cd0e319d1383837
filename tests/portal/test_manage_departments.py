"""The management start page, the "Manage" link, department settings, and the admin pages."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import Department, DepartmentRevision, User
from tests.manage_fixtures import settings_data

MANAGE_LINK = '<a href="/manage/">Manage</a>'


def department(session, slug: str) -> Department:
    session.expire_all()
    return session.scalar(select(Department).where(Department.slug == slug))


def test_the_manage_link_shows_for_owners_agents_and_admins_only(client, auth, people, it, hr):
    assert MANAGE_LINK not in client.get("/departments/").get_data(as_text=True)
    for who, shown in (("employee", False), ("agent", True), ("owner_other", True),
                       ("admin", True)):
        auth.login(people[who])
        assert (MANAGE_LINK in client.get("/departments/").get_data(as_text=True)) is shown, who


def test_the_start_page_lists_what_each_user_manages(client, auth, people, it, hr):
    auth.login(people["owner"])
    page = client.get("/manage/").get_data(as_text=True)
    assert "IT Services" in page and "Human Resources" not in page
    assert "/manage/departments/it/settings" in page and "Create a department" not in page
    auth.login(people["agent"])
    page = client.get("/manage/").get_data(as_text=True)
    assert "IT Services" in page and "Agent" in page
    assert "/manage/departments/it/settings" not in page  # agents do not edit the catalog
    auth.login(people["admin"])
    page = client.get("/manage/").get_data(as_text=True)
    assert "IT Services" in page and "Human Resources" in page and "Create a department" in page
    auth.login(people["employee"])
    assert client.get("/manage/").status_code == 403


def test_signing_in_is_needed(client, it):
    response = client.get("/manage/departments/it/settings")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_owner_edits_description_contact_hours_and_commitments(client, auth, session, people,
                                                               it):
    auth.login(people["owner"])
    url = "/manage/departments/it/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'value="it@example.com"' in page and 'value="4h"' in page and 'value="3d"' in page
    response = client.post(url, data=settings_data(
        page, description="We keep **your** laptops running.", contact_email="help@example.com",
        days=["mon", "tue", "wed", "thu"], start="07:30", end="16:00", holidays="DE-BY",
        **{"commitments-0-first_response": "1d", "commitments-0-resolution": "5d",
           "commitments-2-first_response": "", "commitments-2-resolution": ""}))
    assert response.status_code == 302
    saved = department(session, "it")
    assert (saved.contact_email, saved.work_days, saved.day_start, saved.day_end,
            saved.holiday_region) == ("help@example.com", "mon,tue,wed,thu", "07:30", "16:00",
                                      "DE-BY")
    # "1d" is one working day of the new hours (8.5 h); high priority is no longer offered.
    assert saved.targets() == [("low", 510, 2550), ("normal", 240, 1530)]
    public = client.get("/departments/it").get_data(as_text=True)
    assert "<strong>your</strong>" in public and "help@example.com" in public
    assert "07:30–16:00" in public
    actions = session.scalars(select(DepartmentRevision.action).order_by(
        DepartmentRevision.number)).all()
    assert actions == ["imported", "edited"]


def test_saving_unchanged_settings_records_nothing(client, auth, session, people, it):
    auth.login(people["owner"])
    url = "/manage/departments/it/settings"
    response = client.post(url, data=settings_data(client.get(url).get_data(as_text=True)))
    assert response.status_code == 302
    assert "Nothing changed." in client.get(url).get_data(as_text=True)
    assert session.scalars(select(DepartmentRevision.action)).all() == ["imported"]


def test_admin_creates_a_department_and_names_its_people(client, auth, session, people, it):
    auth.login(people["admin"])
    response = client.post("/manage/new-department",
                           data={"name": "Facility Services", "slug": "facilities", "code": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/departments/facilities/people")
    created = department(session, "facilities")
    assert (created.name, created.code) == ("Facility Services", "FACILITIES")
    response = client.post("/manage/departments/facilities/people", data={
        "name": "Facilities", "slug": "facility",
        "owners": "Owner@Example.com\nnew.person@example.com\nowner@example.com",
        "agents": "agent@example.com"})
    assert response.status_code == 302
    renamed = department(session, "facility")
    assert renamed.name == "Facilities"
    assert [u.email for u in renamed.people("owner")] == ["new.person@example.com",
                                                         "owner@example.com"]
    assert [u.email for u in renamed.people("agent")] == ["agent@example.com"]
    newcomer = session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert newcomer.password_hash is None  # an admin sets a password with the users command
    assert client.get("/departments/facilities").status_code == 301
    auth.login(people["owner"])
    assert "Facilities" in client.get("/manage/").get_data(as_text=True)


def test_owners_may_not_use_the_admin_pages(client, auth, people, it):
    auth.login(people["owner"])
    assert client.get("/manage/new-department").status_code == 403
    assert client.get("/manage/departments/it/people").status_code == 403
