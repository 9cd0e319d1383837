"""Field rules and conditional fields in Chromium: the browser knows the owner's pattern, minimum
and file types before sending, and conditional fields appear and disappear with their answers."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalog.clock import BusinessCalendar
from catalog.field_checks import earliest_date
from catalog.models import ServiceRequest
from tests import factories
from tests.catalog.test_field_rules import PDF, RULED

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def catalog(live_server):
    with live_server.session() as session:
        department = factories.make_department(session, slug="it", code="IT", name="IT Services",
                                               holiday_region="DE-BY")
        factories.make_offering(session, department, slug="ruled", title="Ruled form",
                                form=copy.deepcopy(RULED))
        employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
        employee.set_password(PASSWORD)
        session.commit()


def validity(page, selector: str) -> dict:
    return page.eval_on_selector(selector, "el => ({valid: el.validity.valid, "
                                 "pattern: el.validity.patternMismatch, "
                                 "under: el.validity.rangeUnderflow, "
                                 "over: el.validity.rangeOverflow, accept: el.accept})")


def test_the_browser_checks_rules_and_shows_conditional_fields(live_server, catalog,
                                                               browser_page, screenshot,
                                                               tmp_path):
    page = browser_page
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill("emma@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/departments/it/ruled/request")

    # The owner's rules as HTML constraints: pattern (with the owner's message), min, accept.
    page.fill("#f_cost_centre", "12ab")
    assert validity(page, "#f_cost_centre")["pattern"] is True
    page.locator("#f_cost_centre").blur()
    hint = page.locator("#f_cost_centre-hint")
    assert hint.is_visible() and hint.inner_text() == "Six digits, e.g. 410200"
    assert page.get_attribute("#f_cost_centre", "aria-invalid") == "true"
    assert "f_cost_centre-hint" in page.get_attribute("#f_cost_centre", "aria-describedby")
    page.fill("#f_cost_centre", "410200")
    page.locator("#f_cost_centre").blur()
    assert validity(page, "#f_cost_centre")["valid"] and not hint.is_visible()
    page.fill("#f_amount", "-1")
    assert validity(page, "#f_amount")["under"] is True
    page.fill("#f_amount", "6000")
    assert validity(page, "#f_amount")["over"] is True
    page.fill("#f_amount", "19.99")
    assert validity(page, "#f_amount")["valid"]
    page.fill("#f_needed_by", "2020-01-01")
    assert validity(page, "#f_needed_by")["under"] is True
    assert validity(page, "#f_proof")["accept"] == ".pdf"

    # Conditional fields: hidden until their answer is given, announced when they appear.
    other = page.locator("#f_other_reason-block")
    car = page.locator("#f_car-block")
    since = page.locator("#f_since-block")
    assert not other.is_visible() and not car.is_visible() and not since.is_visible()
    assert "f_other_reason-block" in page.get_attribute("#f_reason", "aria-controls")
    page.select_option("#f_reason", "Other")
    assert other.is_visible() and not since.is_visible()
    status = page.locator("[data-conditions-status]")
    expect(status).to_have_text("“Other reason” appeared below.")
    page.fill("#f_other_reason", "typed before changing my mind")
    page.select_option("#f_reason", "Too slow")
    assert not other.is_visible() and since.is_visible()
    page.get_by_label("I need a parking space").check()
    assert car.is_visible()
    page.fill("#f_car", "M-AB 1")
    page.focus("#f_car")
    # The field with the focus disappears: the focus goes back to what controls it.
    page.eval_on_selector("#f_parking", "el => { el.checked = false; "
                          "el.dispatchEvent(new Event('change', {bubbles: true})); }")
    assert not car.is_visible()
    assert page.evaluate("document.activeElement.id") == "f_parking"
    screenshot("field-rules-conditional")

    berlin = datetime.now(ZoneInfo("Europe/Berlin")).date()
    calendar = BusinessCalendar(timezone="Europe/Berlin", holidays="DE-BY")
    needed = earliest_date({"min_business_days_ahead": 3}, calendar, berlin)
    page.fill("#f_first_day", berlin.isoformat())
    page.fill("#f_needed_by", needed.isoformat())
    # "Back on" may not be before "Needed by": the browser knows once "Needed by" is chosen.
    assert page.get_attribute("#f_back_on", "min") == needed.isoformat()
    page.fill("#f_back_on", needed.isoformat())
    page.fill("#f_since", "2024-01-01")
    page.get_by_label("Dock").check()
    page.get_by_label("Bag").check()
    proof = tmp_path / "scan.pdf"
    proof.write_bytes(PDF)
    page.set_input_files("#f_proof", str(proof))
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/requests/IT-"))

    with live_server.session() as session:
        item = session.scalar(select(ServiceRequest))
        assert item.answers["cost_centre"] == "410200" and item.answers["since"] == "2024-01-01"
        assert "other_reason" not in item.answers and "car" not in item.answers
