"""After `demo-data` (as `make run` does), /commitments and a department page show the demo
history with their SVG charts in a real browser; screenshots go to test-output/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server):
    result = live_server.app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def test_commitments_and_department_page_show_the_record_with_charts(
        live_server, demo, browser_page, screenshot):
    page = browser_page
    page.goto(f"{live_server.url}/commitments")
    charts = page.locator("figure.weekly-chart svg")
    assert charts.count() == 7  # one per demo department
    first = charts.first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    # Bars were drawn from the history, and the chart has its accessible name.
    assert page.locator("figure.weekly-chart rect.chart-bar").count() > 50
    assert "share of commitments kept per week" in first.locator("title").first.text_content()
    assert page.get_by_text("Too few requests to measure").count() == 0
    record = page.locator("#dept-it table.record")
    assert "%" in record.inner_text()
    screenshot("commitments")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/commitments")
    assert page.locator("figure.weekly-chart svg").first.is_visible()
    screenshot("commitments-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/departments/it")
    section = page.locator("section.department-record")
    assert "How we keep our commitments" in section.inner_text()
    chart = section.locator("svg")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    assert section.locator("rect.chart-bar").count() >= 10
    assert page.locator("section.recent-thanks li").count() >= 1
    screenshot("department-it-record")
