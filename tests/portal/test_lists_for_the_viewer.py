"""Lists tell the truth to the person looking: services they may not request are marked on
home and department pages and can be left out of a department's list."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def catalog(make_department, make_offering, session):
    it = make_department(slug="it", name="IT Services")
    make_offering(it, slug="laptop", title="New laptop", audience=["employee"])
    make_offering(it, slug="guest-wifi", title="Guest wifi")  # open to everyone
    make_offering(it, slug="shares", title="Share register", audience=["shareholder"])
    return it


def listed(html: str) -> list[str]:
    return re.findall(r'class="card-title"[^>]*>([^<]+)</a>', html)


def test_anonymous_visitors_see_no_marks_and_no_filter(client, catalog):
    html = client.get("/departments/it").get_data(as_text=True)
    assert "Not open to you" not in html and "open_to_me" not in html


def test_a_contractor_sees_which_services_are_not_for_them(client, auth, catalog, make_user):
    auth.login(make_user(audience="contractor"))
    html = client.get("/departments/it").get_data(as_text=True)
    assert html.count("Not open to you") == 2
    assert "Not open to you: only for employees" in html
    assert "Not open to you: only for shareholders" in html
    only_mine = client.get("/departments/it?open_to_me=1").get_data(as_text=True)
    assert listed(only_mine) == ["Guest wifi"]
    assert "Show all services" in only_mine


def test_an_employee_filters_to_what_they_may_request(client, auth, catalog, make_user):
    auth.login(make_user(audience="employee"))
    html = client.get("/departments/it?lang=de").get_data(as_text=True)
    assert html.count("badge-not-for-you") == 1
    assert listed(client.get("/departments/it?open_to_me=1").get_data(as_text=True)) == [
        "Guest wifi", "New laptop"]


def test_no_filter_when_everything_is_open_to_the_viewer(client, auth, make_department,
                                                         make_offering, make_user):
    it = make_department(slug="it")
    make_offering(it, slug="wifi", title="Wifi")
    auth.login(make_user(audience="employee"))
    assert "open_to_me" not in client.get("/departments/it").get_data(as_text=True)
