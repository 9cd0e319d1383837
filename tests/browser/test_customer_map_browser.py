"""The internal customer map on the demo data in Chromium: readable on a phone and a desktop,
in English and German, the SVG drawn with every department, the table beside it, and no axe
violation; screenshots go to test-output/."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server):
    result = live_server.app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def test_the_customer_map_in_both_languages_at_phone_and_desktop_width(
        live_server, demo, browser_page, screenshot):
    page = browser_page
    for language, title in (("en", "Internal customer map"), ("de", "Interne Kundenlandkarte")):
        for width, height in ((390, 844), (1366, 900)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/commitments/map?lang={language}")
            assert page.locator("h1").inner_text() == title
            drawing = page.locator("figure.customer-map svg[role=img]")
            drawing.scroll_into_view_if_needed()
            assert drawing.is_visible()
            box = drawing.bounding_box()
            assert box is not None and box["width"] >= 600 and box["height"] > 200
            # Every demo department is a box on the map (HR and Legal as customers).
            assert page.locator("svg .map-box").count() >= 7 + 1  # and "not known"
            assert page.locator("svg path.map-line").count() == \
                page.locator("table.customer-map-table tbody tr").count() > 10
            # The page never scrolls sideways; the wide diagram scrolls in its own region.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # Each department's link is reachable by keyboard.
            link = page.locator("#dept-it h3 a")
            link.focus()
            assert page.evaluate("document.activeElement.getAttribute('href')") == \
                "/departments/it"
            assert axe_violations(page) == [], (language, width)
            screenshot(f"customer-map-{language}-{width}")
