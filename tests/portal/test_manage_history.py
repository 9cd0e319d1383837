"""History in the pages: no lost updates between two owners, readable diffs, restoring."""

from __future__ import annotations

import html

from sqlalchemy import select

from catalog.models import Offering, OfferingRevision
from tests.conftest import Auth
from tests.manage_fixtures import form_data, hidden_value, settings_data, writes

EDIT = "/manage/departments/it/offerings/vpn/edit"
HISTORY = "/manage/departments/it/offerings/vpn/history"


def load(session) -> Offering:
    session.expire_all()
    return session.scalar(select(Offering).where(Offering.slug == "vpn"))


def test_concurrent_edits_the_stale_save_is_refused_and_the_first_is_kept(app, session, people,
                                                                          vpn):
    first, second = app.test_client(), app.test_client()
    for client, who in ((first, "owner"), (second, "second_owner")):
        Auth(client).login(people[who])
    # Both open the edit form of the same version.
    version_first = hidden_value(first.get(EDIT).get_data(as_text=True), "version")
    version_second = hidden_value(second.get(EDIT).get_data(as_text=True), "version")
    assert version_first == version_second
    saved = first.post(EDIT, data=form_data(version_first, summary="Now with MFA"))
    assert saved.status_code == 302
    before = writes(session)
    refused = second.post(EDIT, data=form_data(version_second, title="My better title"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Someone else saved this offering while you were editing it" in page
    assert "nothing was overwritten" in page
    # What changed in between: the first owner's summary, old and new.
    assert "<del><span class=\"visually-hidden\">removed: </span>Work from anywhere</del>" in page
    assert "<ins><span class=\"visually-hidden\">added: </span>Now with MFA</ins>" in page
    assert 'value="My better title"' in page  # the second owner's edits are still in the form
    kept = load(session)
    assert kept.summary == "Now with MFA" and kept.title == "VPN access"
    assert writes(session) == before
    # Having seen the changes, saving again is a deliberate choice and goes through.
    again = second.post(EDIT, data=form_data(hidden_value(page, "version"),
                                             title="My better title", summary="Now with MFA"))
    assert again.status_code == 302 and load(session).title == "My better title"


def test_concurrent_settings_edits_are_refused_too(app, session, people, it):
    first, second = app.test_client(), app.test_client()
    for client, who in ((first, "owner"), (second, "admin")):
        Auth(client).login(people[who])
    url = "/manage/departments/it/settings"
    page_first, page_second = (c.get(url).get_data(as_text=True) for c in (first, second))
    assert first.post(url, data=settings_data(page_first, holidays="DE-BY")).status_code == 302
    refused = second.post(url, data=settings_data(page_second, description="We help."))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Someone else changed these settings" in page and "DE-BY" in page
    session.expire_all()
    it_now = session.get(type(it), it.id)
    assert it_now.holiday_region == "DE-BY" and it_now.description == ""


def test_revision_diff_and_restore_end_to_end(client, auth, session, people, vpn):
    auth.login(people["owner"])
    client.post(EDIT, data=form_data(load(session).version, title="VPN for laptops",
                                     standard_process="1. Ask\n2. Install\n3. Connect"))
    client.post(EDIT, data=form_data(
        load(session).version, title="VPN for laptops", slug="remote-access",
        standard_process="1. Ask\n2. Install the client\n3. Connect",
        rows=[{"name": "reason", "label": "Reason", "type": "text", "required": "y"},
              {"name": "device", "label": "Device", "type": "select",
               "choices": "Laptop\nPhone"}]))
    history_url = "/manage/departments/it/offerings/remote-access/history"
    page = client.get(history_url).get_data(as_text=True)
    # Newest first: who did what, and which parts changed.
    assert page.index("Edited: Address (slug), How it is handled, Request form") \
        < page.index("Edited: Title, How it is handled") \
        < page.index("As it was before the first change in the portal")
    main = page[page.index('<main'):]  # the header names the signed-in owner too
    assert main.count("Olga Owner") == 2
    # A readable diff between any two revisions: here the first and the third.
    diff = client.get(history_url + "/compare?from=1&to=3").get_data(as_text=True)
    diff = html.unescape(diff)
    assert "From revision 1 to revision 3" in diff
    assert "removed: </span>VPN access" in diff and "added: </span>VPN for laptops" in diff
    assert "added: </span>2. Install the client" in diff
    assert "added: </span>device · 'Device' · select · choices: Laptop, Phone" in diff
    assert "1. Ask" in diff  # unchanged lines give context
    # Restore revision 1: the offering is as it was, under its first slug, as a new revision.
    compare = client.get(history_url + "/compare?from=1&to=current").get_data(as_text=True)
    assert "Restore revision 1" in compare
    restored = client.post(history_url + "/1/restore",
                           data={"version": hidden_value(compare, "version")})
    assert restored.status_code == 302
    item = load(session)
    assert (item.title, item.slug, item.process, len(item.form)) == ("VPN access", "vpn", "", 1)
    latest = session.scalars(select(OfferingRevision).where(
        OfferingRevision.offering_id == vpn.id).order_by(OfferingRevision.number.desc())).first()
    assert (latest.number, latest.action, latest.restored_from) == (4, "reverted", 1)
    assert "Restored revision 1" in client.get(HISTORY).get_data(as_text=True)
    # Both former addresses lead to it.
    assert client.get("/departments/it/remote-access").status_code == 301


def test_restoring_from_a_stale_page_changes_nothing(client, auth, session, people, vpn):
    auth.login(people["owner"])
    client.post(EDIT, data=form_data(vpn.version, title="Second"))
    stale = client.get(HISTORY + "/compare?from=1&to=current").get_data(as_text=True)
    client.post(EDIT, data=form_data(load(session).version, title="Third"))
    before = writes(session)
    response = client.post(HISTORY + "/1/restore",
                           data={"version": hidden_value(stale, "version")})
    assert response.status_code == 302
    assert "Nothing was changed" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert load(session).title == "Third" and writes(session) == before


def test_settings_history_diff_and_restore(client, auth, session, people, it):
    auth.login(people["owner"])
    url = "/manage/departments/it/settings"
    client.post(url, data=settings_data(client.get(url).get_data(as_text=True),
                                        **{"commitments-1-first_response": "2h"}))
    page = client.get(url + "/history").get_data(as_text=True)
    assert "Edited: Commitment for normal priority" in page
    diff = client.get(url + "/history/compare?from=1&to=2").get_data(as_text=True)
    assert "first_response: 4h, resolution: 3d" in diff
    assert "first_response: 2h, resolution: 3d" in diff
    compare = client.get(url + "/history/compare?from=1").get_data(as_text=True)
    response = client.post(url + "/history/1/restore",
                           data={"loaded": html.unescape(hidden_value(compare, "loaded"))})
    assert response.status_code == 302
    session.expire_all()
    department = session.get(type(it), it.id)
    assert department.commitment_for("normal").first_response_minutes == 240
    assert "Restored revision 1" in client.get(url + "/history").get_data(as_text=True)


def test_compare_and_restore_of_unknown_revisions_are_404(client, auth, people, vpn):
    auth.login(people["owner"])
    assert client.get(HISTORY + "/compare?from=7&to=9").status_code == 404
    assert client.get(HISTORY + "/compare?from=x").status_code == 404
    assert client.post(HISTORY + "/9/restore", data={"version": "1"}).status_code == 404


def test_history_is_paginated(client, auth, session, people, vpn):
    auth.login(people["owner"])
    for number in range(22):
        client.post(EDIT, data=form_data(load(session).version, title=f"Title {number}"))
    first = client.get(HISTORY).get_data(as_text=True)
    assert ">23<" in first and 'rel="next"' in first
    assert ">1<" in client.get(HISTORY + "?page=2").get_data(as_text=True)
