"""The request-form builder with JavaScript, in a real Chromium: add, reorder and remove fields
in the page, then save once. (Without JavaScript, test_manage_offerings covers every button.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Offering

pytestmark = pytest.mark.browser


@pytest.fixture
def session(live_server) -> Iterator[Session]:
    """The served database, so that manage_fixtures' `people` and `vpn` are made there."""
    with live_server.session() as own:
        yield own


@pytest.fixture
def page(browser_page):
    browser_page.set_viewport_size({"width": 390, "height": 844})  # a phone
    return browser_page


def test_the_builder_adds_reorders_and_removes_fields_without_a_round_trip(
        page, live_server, session, people, vpn):
    live_url = live_server.url
    page.goto(f"{live_url}/login")
    page.fill("#email", "owner@example.com")
    page.fill("#password", "secret-pass")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_url}/")
    page.goto(f"{live_url}/manage/departments/it/offerings/vpn/edit")
    rows = page.locator("[data-builder-rows] [data-builder-row]")
    assert rows.count() == 1
    page.click("button[data-builder=add]")
    assert rows.count() == 2 and page.url.endswith("/vpn/edit")  # no reload
    # The new row has the keyboard focus and the next free number in its names.
    assert page.evaluate("document.activeElement.name") == "form_fields-1-label"
    page.keyboard.type("Device")
    page.select_option("#form_fields-1-type", "select")
    assert page.is_visible("#form_fields-1-choices")
    page.fill("#form_fields-1-choices", "Laptop\nPhone")
    page.click("button[value='up-1']")
    assert page.input_value("#form_fields-0-label") == "Device"
    assert page.input_value("#form_fields-1-label") == "Reason"
    page.click("button[data-builder=add]")
    page.fill("#form_fields-2-label", "Scratch")
    page.click("button[value='remove-2']")
    assert rows.count() == 2
    page.click("form.offering-form p > button[type=submit]")
    page.wait_for_url("**/vpn/edit")
    session.expire_all()
    saved = session.scalar(select(Offering).where(Offering.slug == "vpn"))
    assert [(f["name"], f.get("choices")) for f in saved.form] == [
        ("device", ["Laptop", "Phone"]), ("reason", None)]
