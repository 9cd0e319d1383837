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
    charts = page.locator("figure.weekly-chart > svg")
    assert charts.count() == 7  # one per demo department
    first = charts.first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    # Bars were drawn from the history, and the chart has its accessible name.
    # Bars were drawn from the history, first responses and resolutions apart; the legend
    # shows the same hatching as the resolution bars.
    assert page.locator("figure.weekly-chart rect.chart-first-response").count() > 50
    assert page.locator("figure.weekly-chart rect.chart-resolution").count() > 50
    assert "share of first responses and of resolutions on time per week" in \
        first.locator("title").first.text_content()
    # The comparison at the top sorts by a column heading, without script.
    page.get_by_role("link", name="Resolved on time").first.click()
    rows = page.locator("table.comparison tbody tr")
    assert rows.count() == 7
    shares = [int(text.split(" ")[0]) for text in
              rows.locator("td:nth-of-type(3)").all_inner_texts() if text.endswith("%")]
    assert shares == sorted(shares, reverse=True) and len(shares) >= 2
    assert page.get_by_text("Too few requests to measure").count() == 0
    record = page.locator("#dept-it table.record")
    assert "%" in record.inner_text()
    screenshot("commitments")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/commitments")
    assert page.locator("figure.weekly-chart > svg").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("commitments-phone")
    # On a phone the search filters wait behind their button, above the results.
    page.goto(f"{live_server.url}/search?q=laptop")
    facets = page.locator("aside.facets section").first
    assert not facets.is_visible()
    page.locator("aside.facets summary").click()
    assert facets.is_visible()
    screenshot("search-filters-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/departments/it")
    section = page.locator("section.department-record")
    assert "How we keep our commitments" in section.inner_text()
    chart = section.locator("figure.weekly-chart > svg")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    assert section.locator("rect.chart-first-response").count() >= 10
    assert page.locator("section.recent-thanks li").count() >= 1
    screenshot("department-it-record")
