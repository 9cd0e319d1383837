"""The due-time explanation in Chromium: a <details> opened with the keyboard alone, its lines
in the accessibility tree, and axe finds nothing wrong with it, on the request page and in the
agent's queue, in English and German, at phone and desktop width."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from catalog.submission import submit_request
from catalog.uploads import FileStore, Upload
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def sent_on_friday_evening(live_server, tmp_path: Path) -> str:
    with live_server.session() as session:
        emma = factories.make_user(session, email="emma@example.com", name="Emma Employee")
        adam = factories.make_user(session, email="adam@example.com", name="Adam Agent")
        for person in (emma, adam):
            person.set_password(PASSWORD)
        it = factories.make_department(session, slug="it", code="IT", name="IT Services",
                                       holiday_region="DE-BY", agents=[adam],
                                       commitments={"normal": (240, 1620)})
        laptop = factories.make_offering(
            session, it, slug="new-laptop", title="Order a new laptop",
            form=[{"name": "quote", "label": "Quote", "type": "file", "required": False}])
        session.commit()
        made = submit_request(session, laptop, emma, priority="normal", values={
            "quote": Upload("q.pdf", BytesIO(b"%PDF"))},
            store=FileStore(tmp_path / "uploads", 1024 * 1024),
            now=datetime(2025, 1, 3, 16, 30, tzinfo=ZoneInfo("Europe/Berlin")))
        session.commit()
        return made.ref


def sign_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")


def open_with_keyboard(page: Any, summary: Any) -> None:
    """Tab until the summary has the focus, then Enter, as a keyboard user would."""
    for _ in range(60):
        if summary.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("the summary never got the keyboard focus")
    page.keyboard.press("Enter")


def test_the_explanation_opens_with_the_keyboard_and_is_read_out(
        live_server, sent_on_friday_evening, browser_page, screenshot):
    page = browser_page
    ref = sent_on_friday_evening
    sign_in(page, live_server.url, "emma@example.com")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/requests/{ref}?lang=de")
    details = page.locator("#first-response-explained")
    summary = details.locator("summary")
    assert summary.inner_text() == "Wie wurde das berechnet?"
    assert not details.evaluate("element => element.open")
    open_with_keyboard(page, summary)
    assert details.evaluate("element => element.open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    lines = details.get_by_role("listitem").all_inner_texts()
    assert lines[3] == "Mo., 6. Jan.: Feiertag: Heilige Drei Könige (DE-BY)"
    spoken = details.aria_snapshot()  # what a screen reader is given
    assert "Heilige Drei Könige" in spoken and "210 Geschäftsminuten gezählt" in spoken
    assert axe_violations(page, "#first-response-explained") == []
    screenshot("due-explanation-request-390-de")

    page.keyboard.press("Enter")  # closes again from the keyboard
    assert not details.evaluate("element => element.open")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/requests/{ref}?lang=en")
    page.locator("#resolution-explained summary").click()
    assert axe_violations(page, "#resolution-explained") == []
    screenshot("due-explanation-request-1366-en")


def test_the_queue_row_expands_without_a_tooltip(live_server, sent_on_friday_evening,
                                                 browser_page, screenshot):
    page = browser_page
    sign_in(page, live_server.url, "adam@example.com")
    page.goto(f"{live_server.url}/manage/queue/it")
    details = page.locator(f"#explained-{sent_on_friday_evening}")
    open_with_keyboard(page, details.locator("summary"))
    assert "Fri 3 Jan, 16:30–17:00: 30 business minutes counted" in details.inner_text()
    assert axe_violations(page, f"#explained-{sent_on_friday_evening}") == []
    screenshot("due-explanation-queue-1366-en")
