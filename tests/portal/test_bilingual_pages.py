"""A bilingual entry on the pages: the reader's language, else the entry's own marked with
`lang`; the request form's labels and choices translated; owners edit both side by side."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from catalog.catalog_file import import_catalog
from catalog.models import Offering, OfferingRevision
from tests.catalog.test_translations import CATALOG


@pytest.fixture
def catalog(session, people):
    data = copy.deepcopy(CATALOG)
    data["departments"][0]["owners"] = [people["owner"].email]
    data["departments"][0]["commitments"] = [
        {"priority": p, "first_response": "4h", "resolution": "3d"} for p in ("normal", "high")]
    import_catalog(session, data)
    session.commit()


def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_an_offering_page_shows_the_reader_s_language(client, catalog):
    english = text(client, "/departments/facilities/desk-move?lang=en")
    german = text(client, "/departments/facilities/desk-move?lang=de")
    assert "<h1>Desk or team move</h1>" in english
    assert "<h1>Arbeitsplatz- oder Teamumzug</h1>" in german
    assert "Wir <strong>ziehen</strong> Ihren Arbeitsplatz um." in german
    # "How it is handled" has no German text: the English one, marked as English.
    assert re.search(r'<dd class="prose" lang="en">\s*<p>We plan it with you</p>', german)
    assert '>Gebäudemanagement</a>' in german


def test_a_text_only_in_the_other_language_is_marked_with_its_language(client, catalog):
    english = text(client, "/departments/facilities/leave?lang=en")
    assert "<h1>Request holiday</h1>" in english
    assert '<p class="lead" lang="de">Urlaubstage einreichen.</p>' in english
    german = text(client, "/departments/facilities/leave?lang=de")
    assert "<h1>Urlaub beantragen</h1>" in german
    assert '<p class="lead">Urlaubstage einreichen.</p>' in german


def test_department_page_and_embed_show_titles_in_the_reader_s_language(client, catalog):
    german = text(client, "/departments/facilities?lang=de")
    assert '<h1>Gebäudemanagement</h1>' in german
    assert ">Arbeitsplatz- oder Teamumzug</a>" in german
    assert 'lang="en">Parking space</a>' in german
    english = text(client, "/departments/facilities?lang=en")
    assert ">Request holiday</a>" in english and ">Desk or team move</a>" in english


def test_search_in_either_language_shows_the_reader_s_title(client, catalog):
    german = text(client, "/search?q=relocation&lang=de")
    assert ">Arbeitsplatz- oder Teamumzug</a>" in german
    english = text(client, "/search?q=Umzug&lang=en")
    assert "Desk or team move" in english
    assert "Request holiday" in text(client, "/search?q=Urlaub&lang=en")


def test_the_request_form_reads_in_german_and_stores_the_choice(client, auth, catalog, people):
    auth.login(people["employee"])
    german = text(client, "/departments/facilities/desk-move/request?lang=de")
    assert "Neuer Raum" in german and "z. B. B2.14" in german
    assert '<option value="Desk">Arbeitsplatz</option>' in german
    assert 'data-pattern-message="Gebäudebuchstabe, dann Etage"' in german
    assert "Ein Team kann nicht arbeiten" in german


def test_editing_only_the_german_title_records_exactly_that_field(client, auth, session, catalog,
                                                                  people):
    auth.login(people["owner"])
    edit = "/manage/departments/facilities/offerings/desk-move/edit"
    page = text(client, edit)
    assert 'Title (Deutsch)' in page and 'name="tr_title"' in page
    assert re.search(r'<input[^>]*lang="de"[^>]*name="tr_title"|<input[^>]*name="tr_title"'
                     r'[^>]*lang="de"', page)
    move = session.scalar(select(Offering).where(Offering.slug == "desk-move"))
    data = _posted(page)
    assert data["tr_title"] == "Arbeitsplatz- oder Teamumzug"
    data["tr_title"] = "Umzug eines Arbeitsplatzes oder Teams"
    response = client.post(edit, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.expire_all()
    revisions = session.scalars(select(OfferingRevision).where(
        OfferingRevision.offering_id == move.id, OfferingRevision.action == "edited")).all()
    assert [r.changed for r in revisions] == [["title.de"]]
    assert "Edited: Title (Deutsch)<" in text(
        client, "/manage/departments/facilities/offerings/desk-move/history")
    german = text(client, "/departments/facilities/desk-move?lang=de")
    assert "<h1>Umzug eines Arbeitsplatzes oder Teams</h1>" in german


def _posted(page: str) -> dict[str, object]:
    """What a browser sends for the edit form as it was loaded."""
    import html

    form = page.split('class="offering-form"', 1)[1].split("</form>", 1)[0]
    data: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or "__index__" in name[1]:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind[1] in ("checkbox", "radio"):
            if "checked" in tag:
                data.setdefault(name[1], [])
                data[name[1]].append(html.unescape(value[1]) if value else "y")  # type: ignore
            continue
        if kind and kind[1] == "submit":
            continue
        data[name[1]] = html.unescape(value[1]) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form,
                                 re.S):
        if "__index__" not in name:
            data[name] = html.unescape(body.removeprefix("\n"))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form,
                                    re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"'
                           r'[^>]*selected', options)
        if "__index__" not in name:
            data[name] = (chosen[1] or chosen[2]) if chosen else ""
    data["builder"] = ""
    return data


@pytest.mark.parametrize("name", [
    "catalog/catalog_file/translations.py", "portal/manage/translation_fields.py",
    "templates/manage/offering_form.html", "templates/manage/_builder_row.html",
    "templates/manage/_macros.html", "portal/manage/forms.py"])
def test_every_new_string_has_a_german_translation(name):
    from tests.portal.test_behalf_translations import test_every_string_has_a_german_translation

    test_every_string_has_a_german_translation(name)


def test_the_requester_s_answers_and_mail_read_in_their_language(app, client, auth, session,
                                                                    catalog, people):
    from catalog.models import OutboxMessage, ServiceRequest
    from portal.mail import compose

    people["employee"].locale = "de"
    session.commit()
    auth.login(people["employee"])
    response = client.post("/departments/facilities/desk-move/request",
                           data={"priority": "normal", "f_room": "B2", "f_size": "Desk"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    request = session.scalars(select(ServiceRequest)).one()
    assert request.answers["size"] == "Desk"  # the choice itself, whatever the language
    detail = text(client, f"/requests/{request.ref}?lang=de")
    assert re.search(r"<dt>Umfang</dt>\s*<dd>\s*Arbeitsplatz", detail)
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == people["employee"].email)).one()
    with app.test_request_context():
        subject, body = compose(message)
    assert "Arbeitsplatz- oder Teamumzug" in subject
    assert "Gebäudemanagement" in body


def test_search_as_you_type_offers_the_reader_s_title(client, catalog):
    german = client.get("/api/v1/suggest?q=relocation", headers={"Accept-Language": "de"})
    assert [s["title"] for s in german.get_json()] == ["Arbeitsplatz- oder Teamumzug"]
    english = client.get("/api/v1/suggest?q=Teamumzug", headers={"Accept-Language": "en"})
    assert [s["title"] for s in english.get_json()] == ["Desk or team move"]


def test_the_api_keeps_its_keys_in_the_entry_s_language_and_adds_translations(client, catalog):
    move = client.get("/api/v1/departments/facilities/desk-move").get_json()
    assert move["title"] == "Desk or team move"
    assert move["translations"]["de"]["title"] == "Arbeitsplatz- oder Teamumzug"
    parking = client.get("/api/v1/departments/facilities/parking").get_json()
    assert parking["translations"] == {}
    department = client.get("/api/v1/departments/facilities").get_json()
    assert department["name"] == "Facilities"
    assert department["translations"] == {"de": {"name": "Gebäudemanagement"}}
    listed = {o["slug"]: o["translations"] for o in department["offerings"]}
    assert listed["leave"] == {"en": {"title": "Request holiday"}}


def test_the_feed_and_the_embed_read_in_the_reader_s_language(client, catalog):
    feed = text(client, "/feeds/catalog.atom?lang=de")
    assert "Arbeitsplatz- oder Teamumzug</title>" in feed
    english = text(client, "/feeds/catalog.atom?lang=en")
    assert "Request holiday</title>" in english
    move_id = client.get("/api/v1/departments/facilities/desk-move").get_json()["id"]
    embed = text(client, f"/embed/o/{move_id}?lang=de")
    assert ">Arbeitsplatz- oder Teamumzug</a></h1>" in embed


def test_owners_give_the_department_description_in_german_too(client, auth, session, people,
                                                             it):
    from catalog.models import Department, DepartmentRevision
    from tests.manage_fixtures import settings_data

    it.translations = {"de": {"name": "IT-Service"}}
    session.commit()
    auth.login(people["owner"])
    url = "/manage/departments/it/settings"
    page = text(client, url)
    assert "Description (Deutsch)" in page and 'name="tr_description"' in page
    response = client.post(url, data=settings_data(
        page, tr_description="Wir halten Ihre **Laptops** am Laufen."))
    assert response.status_code == 302
    session.expire_all()
    saved = session.scalar(select(Department).where(Department.slug == "it"))
    assert saved.translations == {"de": {"name": "IT-Service",
                                         "description": "Wir halten Ihre **Laptops** am Laufen."}}
    [edited] = session.scalars(select(DepartmentRevision).where(
        DepartmentRevision.action == "edited")).all()
    assert edited.changed == ["description.de"]
    german = text(client, "/departments/it?lang=de")
    assert "<h1>IT-Service</h1>" in german
    assert "Wir halten Ihre <strong>Laptops</strong> am Laufen." in german
