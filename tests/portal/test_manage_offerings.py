"""Owners create and edit offerings in the pages: the whole entry on one form, the request-form
builder without JavaScript, publishing, retiring, restoring, and links that keep working."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from catalog.models import Offering, OfferingRevision
from tests.manage_fixtures import form_data, hidden_value, writes

EDIT = "/manage/departments/it/offerings/vpn/edit"


def load(session, slug: str = "vpn") -> Offering:
    session.expire_all()
    return session.scalar(select(Offering).where(Offering.slug == slug))


def test_owner_creates_an_offering_with_a_request_form(client, auth, session, people, it):
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/offerings/new").get_data(as_text=True)
    assert "New offering" in page and 'name="form_fields-__index__-label"' in page
    response = client.post("/manage/departments/it/offerings/new", data=form_data(
        slug="", title="Order a new laptop", status="draft", audience=["employee"],
        first_response="2h", resolution="3d",
        rows=[{"label": "Device type", "type": "select", "choices": "Laptop\nTablet\n"},
              {"label": "", "name": ""},                      # a blank row is left out
              {"label": "Why", "type": "textarea", "required": "y", "help": "A sentence"}]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "/manage/departments/it/offerings/order-a-new-laptop/edit")
    created = load(session, "order-a-new-laptop")
    assert created.status == "draft" and created.audience == ["employee"]
    assert (created.first_response_minutes, created.resolution_minutes) == (120, 3 * 540)
    assert created.form == [
        {"name": "device_type", "label": "Device type", "type": "select", "required": False,
         "help": "", "choices": ["Laptop", "Tablet"]},
        {"name": "why", "label": "Why", "type": "textarea", "required": True,
         "help": "A sentence"},
    ]
    assert client.get("/departments/it/order-a-new-laptop").status_code == 200  # owner sees draft


def test_the_edit_form_shows_everything_about_the_offering(client, auth, people, vpn):
    auth.login(people["owner"])
    page = client.get(EDIT).get_data(as_text=True)
    for text in ("VPN access", "Work from anywhere", "A VPN profile", 'value="reason"',
                 "What is not included", "How it is handled", "First response within",
                 "Request form", "Review every (months)", f"/o/{vpn.id}"):
        assert text in page, text
    assert hidden_value(page, "version") == str(vpn.version)


def test_saving_changes_and_history_records_them(client, auth, session, people, vpn):
    auth.login(people["owner"])
    response = client.post(EDIT, data=form_data(vpn.version, title="VPN for laptops",
                                                standard_process="1. We send a profile"))
    assert response.status_code == 302
    saved = load(session)
    assert saved.title == "VPN for laptops" and saved.process == "1. We send a profile"
    numbers = session.scalars(select(OfferingRevision.action).where(
        OfferingRevision.offering_id == vpn.id).order_by(OfferingRevision.number)).all()
    assert numbers == ["imported", "edited"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved “VPN for laptops”." in page


@pytest.mark.parametrize(("button", "order"), [
    ("add", ["first", "second", "third", ""]),
    ("remove-1", ["first", "third"]),
    ("up-1", ["second", "first", "third"]),
    ("up-0", ["first", "second", "third"]),      # the first cannot move up: nothing happens
    ("down-1", ["first", "third", "second"]),
    ("down-2", ["first", "second", "third"]),
    ("remove-9", ["first", "second", "third"]),  # a row that is not there: nothing happens
])
def test_the_builder_works_without_javascript(client, auth, session, people, vpn, button,
                                              order):
    auth.login(people["owner"])
    before = writes(session)
    rows = [{"name": name, "label": name.title()} for name in ("first", "second", "third")]
    response = client.post(EDIT, data=form_data(vpn.version, rows=rows, builder=button))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    shown = [html.unescape(value) for value in _row_names(page)]
    assert shown == order
    assert writes(session) == before  # a builder button never saves


def _row_names(page: str) -> list[str]:
    import re
    return [m.group(2) for m in sorted(
        re.finditer(r'id="form_fields-(\d+)-name" name="form_fields-\d+-name" type="text" '
                    r'value="([^"]*)"', page), key=lambda m: int(m.group(1)))]


def test_the_builder_focuses_the_row_it_changed(client, auth, people, vpn):
    auth.login(people["owner"])
    page = client.post(EDIT, data=form_data(vpn.version, builder="add")).get_data(as_text=True)
    assert 'autofocus id="form_fields-1-label"' in page


def test_markdown_preview_is_rendered_on_the_server(client, auth, session, people, vpn):
    auth.login(people["owner"])
    before = writes(session)
    page = client.post(EDIT, data=form_data(
        vpn.version, builder="preview", standard_included="**All** of it\n\n<script>x()</script>",
    )).get_data(as_text=True)
    assert "<strong>All</strong> of it" in page
    assert "<script>x()</script>" not in page
    assert writes(session) == before


def test_publish_retire_with_replacement_and_restore(client, auth, session, people, vpn,
                                                    make_offering, it):
    successor = make_offering(it, slug="ztna", title="Zero trust access")
    auth.login(people["owner"])
    post = client.post("/manage/departments/it/offerings/vpn/status",
                       data={"status": "retired", "version": vpn.version})
    assert post.status_code == 302 and load(session).status == "retired"
    # The owner names the replacement in the edit form.
    response = client.post(EDIT, data=form_data(load(session).version, status="retired",
                                                replaced_by="ztna"))
    assert response.status_code == 302
    assert load(session).replaced_by_id == successor.id
    page = client.get("/departments/it/vpn").get_data(as_text=True)
    assert "has been retired" in page and "/departments/it/ztna" in page
    client.post("/manage/departments/it/offerings/vpn/status",
                data={"status": "published", "version": load(session).version})
    restored = load(session)
    assert restored.status == "published" and restored.replaced_by_id is None


def test_a_draft_is_published_from_the_list(client, auth, session, people, it, make_offering):
    make_offering(it, slug="new-thing", title="New thing", status="draft")
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/").get_data(as_text=True)
    assert "New thing" in page and ">Publish<" in page
    client.post("/manage/departments/it/offerings/new-thing/status",
                data={"status": "published", "version": load(session, "new-thing").version})
    assert load(session, "new-thing").status == "published"


def test_the_catalog_list_filters_by_status_and_pages(client, auth, people, it, make_offering):
    for number in range(25):
        make_offering(it, slug=f"s{number:02}", title=f"Service {number:02}",
                      status="retired" if number == 3 else "published")
    auth.login(people["owner"])
    first = client.get("/manage/departments/it/").get_data(as_text=True)
    # Never reviewed, the 24 listed are due now: ten shown (00 to 10 without the retired
    # 03), the rest behind a disclosure.
    due = first[first.index("Due for review"):first.index('id="offerings-heading"')]
    assert due.count("Never reviewed — due now") == 24
    assert due.index("Service 10") < due.index("Show 14 more due for review") \
        < due.index("Service 11")
    first = first[first.index('id="offerings-heading"'):]
    assert "Service 00" in first and "Service 19" in first and "Service 20" not in first
    assert "page=2" in first
    assert "Service 24" in client.get("/manage/departments/it/?page=2").get_data(as_text=True)
    retired = client.get("/manage/departments/it/?status=retired").get_data(as_text=True)
    retired = retired[retired.index('id="offerings-heading"'):]
    assert "Service 03" in retired and "Service 04" not in retired
    assert "No offerings with this status." in client.get(
        "/manage/departments/it/?status=draft").get_data(as_text=True)


def test_renaming_the_slug_in_the_form_keeps_the_old_url_working(client, auth, session, people,
                                                                 vpn):
    auth.login(people["owner"])
    response = client.post(EDIT, data=form_data(vpn.version, slug="remote-access"))
    assert response.headers["Location"].endswith("/offerings/remote-access/edit")
    old = client.get("/departments/it/vpn")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/departments/it/remote-access")
    assert client.get(f"/o/{vpn.id}").headers["Location"].endswith("/it/remote-access")
    # The old management address still finds the entry, too.
    assert client.get(EDIT).headers["Location"].endswith("/offerings/remote-access/edit")


def test_renaming_an_offerings_slug_old_url_answers_301_and_search_finds_the_new_title_at_once(
        client, auth, session, people, vpn):
    auth.login(people["owner"])
    client.get("/api/v1/search?q=VPN")  # the index exists before the edit
    response = client.post(EDIT, data=form_data(vpn.version, title="Zero trust network access",
                                                slug="zero-trust"))
    assert response.status_code == 302
    old = client.get("/departments/it/vpn")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/departments/it/zero-trust")
    found = client.get("/api/v1/search?q=zero trust network").get_json()
    assert found["results"][0]["offering"] == "zero-trust"
    assert found["results"][0]["title"] == "Zero trust network access"
    assert found["results"][0]["url"].endswith("/departments/it/zero-trust")


def test_every_change_in_the_pages_updates_the_search_index_after_the_commit(
        client, auth, session, people, vpn, engine, monkeypatch):
    from sqlalchemy.orm import Session

    from portal import indexing
    seen: list[tuple[str, str]] = []

    def changed() -> None:
        with Session(engine) as other:  # a second program sees the change: it is committed
            seen.append(tuple(other.execute(select(Offering.title, Offering.status)).one()))

    monkeypatch.setattr(indexing, "catalog_changed", changed)
    auth.login(people["owner"])
    client.post(EDIT, data=form_data(vpn.version, title="Edited"))
    client.post("/manage/departments/it/offerings/vpn/status",
                data={"status": "retired", "version": load(session).version})
    client.post("/manage/departments/it/offerings/vpn/status",
                data={"status": "published", "version": load(session).version})
    client.post("/manage/departments/it/offerings/vpn/history/1/restore",
                data={"version": load(session).version})
    assert seen == [("Edited", "published"), ("Edited", "retired"), ("Edited", "published"),
                    ("VPN access", "published")]


def test_a_failing_index_update_never_loses_the_edit(client, auth, session, people, vpn,
                                                    monkeypatch):
    from portal import indexing

    def broken() -> None:
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(indexing, "catalog_changed", broken)
    auth.login(people["owner"])
    response = client.post(EDIT, data=form_data(vpn.version, title="Saved anyway"))
    assert response.status_code == 302 and load(session).title == "Saved anyway"
