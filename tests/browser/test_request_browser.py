"""One deep walk in a real browser: an employee requests a service through a form with every
field type, including a file, lands on the request, reads the due times, finds it again."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from catalog.models import ServiceRequest
from tests import factories
from tests.request_fixtures import EVERY_FIELD

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def catalog(live_server):
    with live_server.session() as session:
        department = factories.make_department(
            session, slug="it", code="IT", name="IT Services",
            contact_email="it-help@example.com", holiday_region="DE-BY")
        factories.make_offering(session, department, slug="new-laptop",
                                title="Order a new laptop", audience=["employee"],
                                form=EVERY_FIELD)
        employee = factories.make_user(session, email="emma@example.com", name="Emma Employee")
        employee.set_password(PASSWORD)
        session.commit()


def test_employee_requests_with_every_field_type_and_follows_the_request(
        live_server, catalog, browser_page, screenshot, tmp_path):
    page = browser_page
    quote = tmp_path / "Angebot März.pdf"
    quote.write_bytes(b"%PDF-1.4 a quote for two laptops")

    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill("emma@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/departments/it/new-laptop")
    page.get_by_role("link", name="Request", exact=True).click()
    page.wait_for_url(re.compile(r"/departments/it/new-laptop/request$"))
    page.get_by_label("High").check()
    page.get_by_label("Short summary").fill("Two laptops for the new team")
    page.get_by_label("Details").fill("One for Jo,\none for Sam.")
    page.get_by_label("Contact e-mail").fill("jo@example.com")
    page.get_by_label("How many").fill("2")
    page.get_by_label("Needed by").fill("2030-01-15")
    page.get_by_label("Model").select_option("Developer")
    page.get_by_label("Dock").check()
    page.get_by_label("Monitor").check()
    page.get_by_label("I agree to the terms").check()
    page.get_by_label("Quote").set_input_files(str(quote))
    screenshot("request-form-filled")
    page.get_by_role("button", name="Send request").click()

    page.wait_for_url(re.compile(r"/requests/IT-\d{4}-00001$"))
    ref = page.url.rsplit("/", 1)[-1]
    with live_server.session() as session:
        stored = session.scalar(select(ServiceRequest))
    assert stored.ref == ref and stored.priority == "high"
    assert stored.answers == {
        "summary": "Two laptops for the new team", "details": "One for Jo,\none for Sam.",
        "contact": "jo@example.com", "quantity": 2, "needed_by": "2030-01-15",
        "model": "Developer", "extras": ["Dock", "Monitor"], "agree": True,
        "quote": "Angebot März.pdf",
    }
    berlin = ZoneInfo("Europe/Berlin")
    first = format_datetime(stored.first_response_due, "EEE d MMM, HH:mm", tzinfo=berlin,
                            locale="en")
    resolution = format_datetime(stored.resolution_due, "EEE d MMM, HH:mm", tzinfo=berlin,
                                 locale="en")
    body = page.locator("main")
    assert f"Your request {ref} has been sent to IT Services." in body.inner_text()
    assert f"First response by {first}" in body.inner_text()
    assert f"Resolution by {resolution}" in body.inner_text()
    assert "Dock, Monitor" in body.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Angebot März.pdf").click()
    assert download.value.suggested_filename == "Angebot März.pdf"
    assert Path(download.value.path()).read_bytes() == quote.read_bytes()
    screenshot("request-submitted")

    page.get_by_role("link", name="My requests").first.click()
    page.wait_for_url(f"{live_server.url}/requests/")
    row = page.get_by_role("row").filter(has_text=ref)
    assert "Order a new laptop" in row.inner_text() and "New" in row.inner_text()
    assert f"First response by {first}" in row.inner_text()
    screenshot("my-requests")
