"""One way to save a change (portal/changes.py): commit or roll everything back, and show the
reason in the reader's language, at the field where it belongs."""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

import portal
from catalog import editing, workflow
from catalog.errors import Conflict, ValidationError
from catalog.messages import _
from catalog.models import Offering, ServiceRequest
from catalog.people.tokens import issue_token
from catalog.submission import submit_request
from portal import changes
from portal.extensions import db

PORTAL = Path(portal.__file__).resolve().parent
MESSAGES = PORTAL / "translations" / "de" / "LC_MESSAGES"
GERMAN = {"accept-language": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture(scope="module", autouse=True)
def german_catalog() -> Iterator[None]:
    """Compile the German catalog if it is missing or stale (the suite may run without
    `make translations`)."""
    po_file, mo_file = MESSAGES / "messages.po", MESSAGES / "messages.mo"
    if not mo_file.exists() or mo_file.stat().st_mtime < po_file.stat().st_mtime:
        with po_file.open("rb") as po, mo_file.open("wb") as mo:
            write_mo(mo, read_po(po, locale="de"))
    yield


@pytest.fixture
def owner(make_user):
    return make_user(email="eigentuemerin@example.com", name="Olga Owner")


@pytest.fixture
def requester(make_user):
    return make_user(email="emma@example.com", name="Emma Employee")


@pytest.fixture
def it(make_department, owner):
    return make_department(slug="it", code="IT", name="IT Services", owners=[owner],
                           agents=[owner])


@pytest.fixture
def vpn(make_offering, it):
    make_offering(it, slug="printer", title="Printer")
    return make_offering(it, slug="vpn", title="VPN access", summary="Work from anywhere",
                         audience=["employee"],
                         form=[{"name": "devices", "label": "Devices", "type": "number",
                                "required": True, "help": ""}])


def edit_form(version: int, **changes: str) -> dict[str, str]:
    """What the offering's edit form posts, as a browser sends it."""
    return {"title": "VPN access", "slug": "vpn", "status": "published", "language": "en",
            "replaced_by": "", "summary": "Work from anywhere", "description": "",
            "keywords": "", "standard_included": "", "standard_not_included": "",
            "standard_prerequisites": "", "standard_process": "", "first_response": "",
            "resolution": "", "review_interval_months": "12", "version": str(version),
            "builder": "", "audience": "employee", "form_fields-0-name": "devices",
            "form_fields-0-label": "Devices", "form_fields-0-type": "number",
            "form_fields-0-required": "y", **changes}


def error_at(page: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', page)
    assert match, f"no message at {field_id}"
    return html.unescape(match.group(1))


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="flash flash-\w+"[^>]*>([^<]*)<', page)]


def stored(session, slug: str = "vpn") -> tuple:
    session.expire_all()
    return session.execute(select(Offering.title, Offering.version, Offering.status)
                           .where(Offering.slug == slug)).one()


# German reasons at the field ---------------------------------------------------------------------

@pytest.mark.parametrize("how", ["accept-language", "profile"])
def test_a_german_owner_sees_a_slug_clash_in_german_at_the_field(client, auth, session, owner,
                                                                  vpn, how):
    headers = GERMAN if how == "accept-language" else {"accept-language": "en"}
    if how == "profile":
        owner.locale = "de"
        session.commit()
    auth.login(owner)
    before = stored(session)
    response = client.post("/manage/departments/it/offerings/vpn/edit", headers=headers,
                           data=edit_form(vpn.version, slug="printer", title="Neuer Titel"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "verwendet bereits 'printer'" in error_at(page, "slug")
    assert "already uses" not in page
    assert stored(session) == before


@pytest.mark.parametrize(("changes", "field_id", "german"), [
    ({"review_interval_months": "0"}, "review_interval_months",
     "muss eine ganze Zahl von 1 bis 60 sein"),
    ({"first_response": "1h", "resolution": "-2d"}, "resolution",
     "'-2d' ist keine Dauer wie 30m, 4h oder 2d"),
    ({"first_response": "1h"}, "resolution", "ist erforderlich"),
    ({"title": "   "}, "title", "darf nicht leer sein"),
    ({"form_fields-0-name": "Bad Name"}, "form_fields-0-name",
     "nur Kleinbuchstaben, Ziffern und Unterstriche, beginnend mit einem Buchstaben"),
])
def test_a_german_owner_sees_invalid_fields_in_german(client, auth, session, owner, vpn,
                                                      changes, field_id, german):
    auth.login(owner)
    response = client.post("/manage/departments/it/offerings/vpn/edit", headers=GERMAN,
                           data=edit_form(vpn.version, **changes))
    assert response.status_code == 422
    assert error_at(response.get_data(as_text=True), field_id) == german


def test_a_german_owner_sees_a_stale_version_in_german(client, auth, session, owner, vpn):
    auth.login(owner)
    stale = vpn.version
    vpn.title = "Changed meanwhile"
    vpn.version += 1
    session.commit()
    response = client.post("/manage/departments/it/offerings/vpn/status", headers=GERMAN,
                           data={"status": "retired", "version": str(stale)},
                           follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        "Es wurde nichts geändert: Jemand anderes hat diesen Service gespeichert, nachdem Sie "
        "ihn geöffnet haben; Ihre Änderungen wurden nicht gespeichert."]
    assert stored(session)[2] == "published"


def test_a_german_admin_sees_department_problems_in_german(client, auth, make_user, it):
    admin = make_user(email="admin@example.com", name="Ada Admin", is_admin=True)
    auth.login(admin)
    response = client.post("/manage/new-department", headers=GERMAN,
                           data={"slug": "it", "name": "Noch eine IT", "code": "9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_at(page, "slug") == "eine andere Abteilung verwendet bereits 'it'"
    assert error_at(page, "code") == ("2 bis 10 Großbuchstaben oder Ziffern, beginnend mit "
                                      "einem Buchstaben")


def test_a_german_requester_sees_the_form_problems_in_german(client, auth, session, requester,
                                                             vpn):
    auth.login(requester)
    response = client.post("/departments/it/vpn/request", headers=GERMAN,
                           data={"priority": "normal", "f_devices": "drei"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_at(page, "f_devices").startswith("Geben Sie eine Zahl ein")
    assert "Enter a number" not in page
    assert session.scalar(select(ServiceRequest.id)) is None


# The API's errors in German ----------------------------------------------------------------------

def bearer(session, user) -> dict[str, str]:
    token = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}", **GERMAN}


def test_the_api_answers_a_german_caller_in_german(client, session, owner, vpn):
    response = client.put("/api/v1/departments/it/vpn", headers=bearer(session, owner), json={
        "slug": "vpn", "title": "VPN access", "review_interval_months": 0, "colour": "blue"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Bitte korrigieren Sie die markierten Felder."
    assert error["fields"] == {"review_interval_months": "muss eine ganze Zahl von 1 bis 60 sein",
                               "colour": "unbekannter Schlüssel"}


def test_api_lookups_and_request_errors_are_german_too(client, session, requester, vpn):
    headers = bearer(session, requester)
    missing = client.get("/api/v1/departments/nowhere", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "Es gibt keine Abteilung 'nowhere'."
    refused = client.post("/api/v1/requests", headers=headers,
                          json={"department": "it", "offering": "vpn",
                                "fields": {"devices": "drei"}})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["devices"].startswith("Geben Sie eine Zahl ein")
    english = client.get("/api/v1/departments/nowhere", headers={"accept-language": "en"})
    assert english.get_json()["error"]["message"] == "There is no department 'nowhere'."


# A failure half-way changes nothing --------------------------------------------------------------

def test_a_save_that_fails_after_flushing_changes_nothing_and_says_why(client, auth, session,
                                                                       owner, vpn, monkeypatch):
    real = editing.save_offering

    def fails_half_way(session, *args, **kwargs):
        real(session, *args, **kwargs)
        session.flush()  # the new title is in the transaction now
        message = _("another offering of this department already uses %(slug)r", slug="vpn")
        raise ValidationError(_("Please correct the marked fields."), {"slug": message})

    monkeypatch.setattr(editing, "save_offering", fails_half_way)
    auth.login(owner)
    before = stored(session)
    response = client.post("/manage/departments/it/offerings/vpn/edit", headers=GERMAN,
                           data=edit_form(vpn.version, title="Half-way title"))
    assert response.status_code == 422
    assert error_at(response.get_data(as_text=True), "slug") == (
        "ein anderer Service dieser Abteilung verwendet bereits 'vpn'")
    assert stored(session) == before


def test_a_status_change_that_fails_half_way_changes_nothing(client, auth, session, owner,
                                                             requester, vpn, monkeypatch):
    created = submit_request(session, vpn, requester, priority="normal",
                             values={"devices": "2"}, store=None)
    session.commit()
    real = workflow.change_status

    def fails_half_way(session, item, *args, **kwargs):
        real(session, item, *args, **kwargs)
        session.flush()
        raise Conflict(_("Only open requests can be assigned."))

    monkeypatch.setattr(workflow, "change_status", fails_half_way)
    auth.login(owner)
    response = client.post(f"/manage/queue/requests/{created.ref}/status", headers=GERMAN,
                           data={"status": "in_progress", "note": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert flashes(response.get_data(as_text=True)) == [
        "Nur offene Anfragen können zugewiesen werden."]
    session.expire_all()
    assert session.get(ServiceRequest, created.id).status == "new"
    assert len(session.get(ServiceRequest, created.id).events) == len(created.events)


# The helper itself -------------------------------------------------------------------------------

def test_saving_commits_then_updates_the_index(app, session, it, monkeypatch):
    calls = []
    monkeypatch.setattr(changes.indexing, "catalog_changed", lambda: calls.append("index"))
    with app.test_request_context():
        with changes.saving(reindex=True):
            db.session.get(type(it), it.id).name = "IT"
        assert calls == ["index"]
        with changes.saving():
            db.session.get(type(it), it.id).name = "IT again"
        assert calls == ["index"]
    session.expire_all()
    assert session.get(type(it), it.id).name == "IT again"


def test_a_failing_index_update_is_logged_not_raised(app, session, it, monkeypatch, caplog):
    def broken() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(changes.indexing, "catalog_changed", broken)
    with app.test_request_context(), changes.saving(reindex=True):
        db.session.get(type(it), it.id).name = "Saved anyway"
    assert "search index" in caplog.text
    session.expire_all()
    assert session.get(type(it), it.id).name == "Saved anyway"


def test_saving_rolls_back_and_re_raises_any_exception(app, session, it):
    undone = []
    with app.test_request_context():
        with pytest.raises(RuntimeError), changes.saving(on_rollback=lambda: undone.append(1)):
            db.session.get(type(it), it.id).name = "Never saved"
            db.session.flush()
            raise RuntimeError("half-way")
        assert undone == [1]
    session.expire_all()
    assert session.get(type(it), it.id).name == "IT Services"


def test_show_on_form_translates_places_and_flashes_the_rest(app):
    from flask import get_flashed_messages
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class NameForm(FlaskForm):
        name = StringField()

    error = ValidationError(_("Please correct the marked fields."), {
        "name": _("is longer than %(max)d characters", max=200),
        "owners": _("not an e-mail address: %(emails)s", emails="bob")})
    with app.test_request_context(headers=GERMAN):
        form = NameForm(meta={"csrf": False})
        rest = changes.show_on_form(form, error)
        assert form.name.errors == ["ist länger als 200 Zeichen"]
        assert rest == ["owners: keine E-Mail-Adresse: bob"]
        assert get_flashed_messages() == rest
        assert changes.reason_of(error) == "ist länger als 200 Zeichen keine E-Mail-Adresse: bob"


# Nothing else rolls back -------------------------------------------------------------------------

# Modules that may roll back themselves: the helper, the error handlers, and CLI commands.
ALLOWED = {"changes.py", "errors.py"}


def test_no_view_rolls_back_itself():
    offenders = []
    for path in sorted(PORTAL.rglob("*.py")):
        name = path.relative_to(PORTAL).as_posix()
        if name in ALLOWED or name.startswith("commands/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "rollback":
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == [], "use portal.changes.saving instead of rolling back in a view"
