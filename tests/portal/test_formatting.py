"""Dates, numbers, plurals and durations as each language writes them, on pages and in mail."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string

from catalog.models import OutboxMessage
from portal.commitments.display import elapsed_business
from portal.display import answer_filter, decimal_filter, format_time
from portal.locale_memo import force_locale
from portal.mail import compose

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2025, 1, 3, 16, 30, tzinfo=BERLIN)


@pytest.mark.parametrize(("style", "english", "german"), [
    ("due", "Fri 3 Jan, 16:30", "Fr., 3. Jan., 16:30"),
    ("stamp", "3 Jan 2025, 16:30", "3. Jan. 2025, 16:30"),
    ("date", "3 Jan 2025", "3. Jan. 2025"),
    ("day", "3 Jan", "3. Jan."),
    ("time", "16:30", "16:30"),
])
def test_times_in_each_language(app, style, english, german):
    with app.test_request_context():
        assert format_time(FRIDAY, style, zone=BERLIN, locale="en") == english
        assert format_time(FRIDAY, style, zone=BERLIN, locale="de") == german


def test_a_time_is_shown_in_the_readers_zone(app):
    with app.test_request_context(), force_locale("de"):
        assert format_time(FRIDAY, "due", zone=ZoneInfo("America/New_York")) == \
            "Fr., 3. Jan., 10:30"


def test_a_forced_language_holds_in_its_block_and_the_page_keeps_its_own(app):
    """Translations and the reading language are worked out once per request; mail and error
    pages written in another language inside a page get theirs, and the page keeps its own."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        render = "{{ _('Search') }} {{ department|tr('name') }}"
        department = SimpleNamespace(name="IT Services", language="en",
                                     translations={"de": {"name": "IT-Service"}})
        assert render_template_string(render, department=department) == "Search IT Services"
        with force_locale("de"):
            assert render_template_string(render, department=department) == \
                "Suchen IT-Service"
        assert render_template_string(render, department=department) == "Search IT Services"


def test_numbers_plurals_and_durations(app, make_department):
    it = make_department(slug="it")  # a business day of 9 hours
    with app.test_request_context():
        with force_locale("en"):
            assert elapsed_business(540, it) == "1 business day"
            assert elapsed_business(1080, it) == "2 business days"
            assert elapsed_business(60, it) == "1 business hour"
            assert elapsed_business(150, it) == "2.5 business hours"
            assert elapsed_business(1, it) == "1 business minute"
            assert decimal_filter(3.333) == "3.3"
            assert answer_filter(2.5, "number") == "2.5"
            assert answer_filter("2026-12-01", "date") == "1 Dec 2026"
        with force_locale("de"):
            assert elapsed_business(540, it) == "1 Arbeitstag"
            assert elapsed_business(1080, it) == "2 Arbeitstage"
            assert elapsed_business(150, it) == "2,5 Geschäftsstunden"
            assert decimal_filter(3.333) == "3,3"
            assert answer_filter(2.5, "number") == "2,5"
            assert answer_filter("2026-12-01", "date") == "1. Dez. 2026"
            assert answer_filter("not a date", "date") == "not a date"


def test_mail_dates_in_the_recipients_language_and_zone(app):
    message = OutboxMessage(kind="submitted", to_address="emma@example.com", data={
        "ref": "IT-2025-00001", "offering": "Neuer Laptop", "department": "IT",
        "requester": "Emma", "status": "new", "locale": "de", "timezone": "Europe/Berlin",
        "first_response_due": FRIDAY.isoformat(), "resolution_due": None})
    with app.app_context():
        _subject, body = compose(message)
    assert "Erstreaktion bis Fr., 3. Jan., 16:30" in body


def test_the_refusal_names_the_audience_in_the_readers_language(client, auth, make_user,
                                                                 make_department, make_offering):
    contractor = make_user(email="carl@example.com", audience="contractor")
    it = make_department(slug="it", contact_email="it@example.com")
    make_offering(it, slug="laptop", audience=["employee"])
    auth.login(contractor)
    html = client.get("/departments/it/laptop/request?lang=de").get_data(as_text=True)
    assert "(contractor)" not in html
    assert "(externe Dienstleister)" in html


def test_ratings_are_written_as_the_language_writes_decimals(app):
    with app.test_request_context(), force_locale("de"):
        template = app.jinja_env.from_string(
            "{{ _('Rated %(average)s of 5', average=3.333|decimal) }}")
        assert template.render() == "Bewertung: 3,3 von 5"


def test_a_text_without_values_keeps_its_percent_signs_and_one_with_values_is_filled(app):
    with app.test_request_context():
        assert render_template_string('{{ _("90 %% on time") }} {{ _("%(n)d open", n=3) }}') \
            == "90 % on time 3 open"


@pytest.mark.parametrize("address", [
    "/search?q=Drucker+%26+Toner&department=hr&page=3&x=%C3%BC",
    "/search?q=a&page=2",
    "/search",
])
def test_links_made_for_many_values_are_those_made_one_by_one(app, address):
    """A results page links every facet value and page number with the rest of its address
    encoded once; each link is the one `url_with` would make (the changed argument in its
    place, others kept, the page dropped)."""
    from portal.page_urls import url_with, urls_with_each

    values = ["it", "a b", "ä&ö", 7]
    with app.test_request_context(address):
        for name in ("department", "audience"):
            assert urls_with_each(name, values, page=None) == \
                [url_with(**{name: value, "page": None}) for value in values]
        for name in ("department", "page", "audience"):
            assert urls_with_each(name, values) == [url_with(**{name: value}) for value in values]
