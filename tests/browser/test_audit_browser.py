"""The audit log on a phone (390 px wide), in a real Chromium: the filters and the entries fit
the screen without sideways scrolling, and filtering narrows the list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

pytestmark = pytest.mark.browser


@pytest.fixture
def session(live_server) -> Iterator[Session]:
    """The served database, so that manage_fixtures' `people` and `it` are made there."""
    with live_server.session() as own:
        yield own


def test_the_audit_log_fits_a_phone_and_filters(browser_page, live_server, people, it,
                                                screenshot):
    page, live_url = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/login")
    page.fill("#email", "admin@example.com")
    page.fill("#password", "secret-pass")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_url}/")
    page.goto(f"{live_url}/manage/")
    page.click("a[href='/manage/audit']")
    page.wait_for_url(f"{live_url}/manage/audit")
    assert page.locator("table.audit-table tbody tr").count() >= 7  # the fixtures' accounts
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for field in ("#f-action", "#f-actor", "#f-subject", "#f-since", "#f-until"):
        box = page.locator(field).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, field
    screenshot("audit-log-phone")

    page.select_option("#f-action", "role.granted")
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_url("**/manage/audit?action=role.granted*")
    actions = page.locator("table.audit-table tbody th").all_inner_texts()
    assert actions and set(actions) == {"Role granted"}
