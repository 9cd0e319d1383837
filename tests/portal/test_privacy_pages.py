"""Privacy by default on pages: names on thanks are opt-in for the sender and for the person
thanked; a confidential department shows nothing about its requesters in public."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import Thanks
from catalog.recognition import send_thanks
from catalog.submission import submit_request
from catalog.uploads import FileStore
from catalog.workflow import change_status
from tests import factories


@pytest.fixture
def resolved(app, session, it_dept, employee, agent):
    offering = factories.make_offering(session, it_dept, slug="help", title="Get help",
                                       form=[])
    item = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(Path(app.instance_path) / "uploads", 1024))
    change_status(session, item, agent, "resolved", "Done")
    session.commit()
    return item


def _show_name_box(page: str) -> str:
    return re.search(r'<input[^>]*name="show_name"[^>]*>', page).group(0)


def test_show_my_name_starts_unticked_and_nothing_is_stored_unless_ticked(
        client, auth, session, resolved, employee):
    auth.login(employee)
    page = client.get(f"/requests/{resolved.ref}").get_data(as_text=True)
    assert "checked" not in _show_name_box(page)
    client.post(f"/requests/{resolved.ref}/thanks", data={"message": "Great"})
    session.expire_all()
    assert session.scalars(select(Thanks)).one().show_name is False


def test_a_thanks_names_nobody_in_public_without_their_consent(client, auth, session,
                                                                resolved, employee):
    auth.login(employee)
    client.post(f"/requests/{resolved.ref}/thanks",
                data={"message": "You saved my day", "to_person": "y"})
    auth.logout()
    page = client.get("/departments/it").get_data(as_text=True)
    assert "You saved my day" in page and "A colleague" in page
    assert "to a member of the team" in page
    assert "Emma Employee" not in page and "Adam Agent" not in page


def test_names_show_only_when_both_people_consented(client, auth, session, resolved,
                                                    employee, agent):
    auth.login(agent)
    client.post("/profile", data={"name": "Adam Agent", "locale": "", "timezone": "",
                                  "show_name_when_thanked": "y"})
    auth.login(employee)
    client.post(f"/requests/{resolved.ref}/thanks",
                data={"message": "You saved my day", "to_person": "y", "show_name": "y"})
    auth.logout()
    page = client.get("/departments/it").get_data(as_text=True)
    assert "Emma Employee" in page and "to Adam Agent" in page
    # Withdrawing the consent takes effect at once, also on the cached page.
    auth.login(agent)
    client.post("/profile", data={"name": "Adam Agent", "locale": "", "timezone": ""})
    auth.logout()
    page = client.get("/departments/it").get_data(as_text=True)
    assert "Adam Agent" not in page and "to a member of the team" in page


def test_a_confidential_department_shows_no_thanks_in_public(client, auth, session,
                                                              resolved, employee, agent, it_dept):
    agent.show_name_when_thanked = True
    it_dept.confidential = True
    session.commit()
    send_thanks(session, resolved, employee, "Thanks for the discreet help", to_person=True,
                show_name=True)
    session.commit()
    assert session.scalars(select(Thanks)).one().show_name is False  # no consent kept
    for viewer in (None, factories.make_user(session, email="someone@example.com")):
        session.commit()
        if viewer is not None:
            auth.login(viewer)
        page = client.get("/departments/it").get_data(as_text=True)
        assert "Thanks for the discreet help" not in page
        assert "Emma Employee" not in page and "Adam Agent" not in page
        assert "confidential" in page
        api = client.get("/api/v1/departments/it").get_data(as_text=True)
        assert "Emma" not in api and "discreet" not in api
        assert client.get(f"/api/v1/requests/{resolved.ref}").status_code in (401, 403, 404)
    # The requester still sees their own thanks on the request, without the public box.
    auth.login(employee)
    page = client.get(f"/requests/{resolved.ref}").get_data(as_text=True)
    assert "Thanks for the discreet help" in page
