"""The request-form builder with JavaScript, in a real Chromium: add, reorder and remove fields
in the page, then save once. (Without JavaScript, test_manage_offerings covers every button.)"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from catalog.models import Offering
from tests import manage_fixtures

pytestmark = pytest.mark.browser
people, it, vpn = manage_fixtures.people, manage_fixtures.it, manage_fixtures.vpn


@pytest.fixture
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(live_url):
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        tab = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        yield tab
        browser.close()


def test_the_builder_adds_reorders_and_removes_fields_without_a_round_trip(page, live_url,
                                                                             session, people,
                                                                             vpn):
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
