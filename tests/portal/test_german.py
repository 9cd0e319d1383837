"""The German user interface: chosen with ?lang=de or by the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import portal

MESSAGES = Path(portal.__file__).resolve().parent / "translations" / "de" / "LC_MESSAGES"
PO_FILE = MESSAGES / "messages.po"
MO_FILE = MESSAGES / "messages.mo"

ENGLISH = {"accept-language": "en"}
GERMAN = {"accept-language": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture(scope="module", autouse=True)
def german_catalog() -> Iterator[None]:
    """Compile the German catalog when the .mo file is missing or older than the .po file,
    since the suite may run without `make translations`."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        with PO_FILE.open("rb") as po:
            catalog = read_po(po, locale="de")
        with MO_FILE.open("wb") as mo:
            write_mo(mo, catalog)
    yield


@pytest.fixture
def it_dept(make_department, make_user):
    owner = make_user(email="owner@example.com", name="Olga Owner")
    # Published commitments: normal 4 h / 3 days, high 1 h / 1 day (a business day is 9 h).
    return make_department(slug="it", code="IT", name="IT Services",
                           contact_email="it-help@example.com", owners=[owner])


@pytest.fixture
def laptop(make_offering, it_dept):
    return make_offering(it_dept, slug="new-laptop", title="Order a new laptop",
                         summary="A laptop for new and existing staff",
                         audience=["employee"], included="- a laptop\n- a bag")


def page(client, path: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path, headers", [("/?lang=de", ENGLISH), ("/", GERMAN)],
                         ids=["lang-parameter", "accept-language"])
def test_home_in_german(client, laptop, path, headers):
    html = page(client, path, headers)
    assert '<html lang="de">' in html
    for german in ("Serviceportal", "Zum Inhalt springen", "Abteilungen", "Zusagen",
                   "Anmelden", "Wie können wir helfen?", "Beliebte Services",
                   "z. B. Passwort zurücksetzen, Urlaubsantrag, Parkplatz"):
        assert german in html
    for english in ("Service Portal", "Skip to content", ">Departments<", ">Sign in<",
                    "How can we help?", "Popular services", "Search services"):
        assert english not in html
    # The catalog's own content is not translated.
    assert "Order a new laptop" in html


@pytest.mark.parametrize("path, headers", [("/departments/it?lang=de", ENGLISH),
                                           ("/departments/it", GERMAN)],
                         ids=["lang-parameter", "accept-language"])
def test_department_page_in_german(client, laptop, path, headers):
    html = page(client, path, headers)
    for german in ("Unsere Zusagen", "Erstreaktion", "Lösung", "Priorität",
                   "innerhalb von 4 Geschäftsstunden", "innerhalb von 3 Arbeitstagen",
                   "innerhalb von 1 Geschäftsstunde", "innerhalb von 1 Arbeitstag",
                   "Kontakt", "Verantwortlich:"):
        assert german in html
    for english in ("Our commitments", "First response", "business hour", "business day",
                    "within ", ">Contact<", "Owner:"):
        assert english not in html


@pytest.mark.parametrize("path, headers", [("/departments/it/new-laptop?lang=de", ENGLISH),
                                           ("/departments/it/new-laptop", GERMAN)],
                         ids=["lang-parameter", "accept-language"])
def test_offering_page_in_german(client, laptop, path, headers):
    html = page(client, path, headers)
    for german in ("Diesen Service anfragen", "Anfragen können: Mitarbeitende.",
                   "Zum Anfragen anmelden", "Reaktionszusage", "Servicestandard",
                   "innerhalb von 4 Geschäftsstunden"):
        assert german in html
    for english in ("Request this service", "Who may request it", "Sign in to request",
                    "Response commitment", "business hours"):
        assert english not in html


def test_signed_in_employee_sees_german_navigation_and_request_button(client, auth, make_user,
                                                                    laptop):
    auth.login(make_user(email="emma@example.com", name="Emma Employee"))
    html = page(client, "/departments/it/new-laptop?lang=de")
    for german in ("Meine Anfragen", "Abmelden", ">Anfragen</a>"):
        assert german in html
    for english in ("My requests", "Sign out", ">Request</a>"):
        assert english not in html


def test_contractor_is_told_in_german_who_may_request(client, auth, make_user, laptop):
    auth.login(make_user(email="carl@example.com", audience="contractor"))
    html = page(client, "/departments/it/new-laptop", GERMAN)
    assert "Für externe Dienstleister ist dieser Service nicht vorgesehen." in html
    assert "you cannot request this service" not in html


@pytest.mark.parametrize("path, headers", [("/login?lang=de", ENGLISH), ("/login", GERMAN)],
                         ids=["lang-parameter", "accept-language"])
def test_sign_in_page_in_german(client, path, headers):
    html = page(client, path, headers)
    for german in ("E-Mail", "Passwort", "Auf diesem Gerät angemeldet bleiben", "Anmelden"):
        assert german in html
    for english in ("Password", "Keep me signed in", ">Sign in<"):
        assert english not in html


def test_failed_sign_in_is_explained_in_german(client, make_user):
    make_user(email="olga@example.com", password="right-password")
    response = client.post("/login?lang=de", data={"email": "olga@example.com",
                                                    "password": "wrong-password"})
    html = response.get_data(as_text=True)
    assert "E-Mail oder Passwort ist nicht korrekt." in html
    assert "is not right" not in html


def test_language_choice_sticks_and_english_stays_the_default(client, laptop):
    assert "Order a new laptop" in page(client, "/", ENGLISH)
    assert "Popular services" in page(client, "/", ENGLISH)
    page(client, "/?lang=de", ENGLISH)
    # The choice is kept in the session, whatever the browser says afterwards.
    html = page(client, "/departments/it", ENGLISH)
    assert "Unsere Zusagen" in html
    assert "Our commitments" not in html
    html = page(client, "/departments/it?lang=en", GERMAN)
    assert "Our commitments" in html
    assert "within 4 business hours" in html
