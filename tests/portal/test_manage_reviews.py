"""Review dates in the pages: last reviewed, due lists for owners, overdue notices for everyone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from catalog.models import Offering, OfferingRevision, utcnow


def test_offering_page_shows_when_it_was_last_reviewed(client, make_offering, it):
    make_offering(it, slug="fresh", title="Fresh", reviewed_at=utcnow() - timedelta(days=40))
    make_offering(it, slug="never", title="Never reviewed", created_at=utcnow())
    page = client.get("/departments/it/fresh").get_data(as_text=True)
    assert "Last reviewed" in page and "overdue" not in page
    assert "Not reviewed yet." in client.get("/departments/it/never").get_data(as_text=True)


def test_employees_are_told_when_an_entry_is_overdue(client, make_offering, it):
    make_offering(it, slug="stale", title="Stale standard",
                  reviewed_at=utcnow() - timedelta(days=400))
    make_offering(it, slug="quarterly", title="Quarterly", review_interval_months=3,
                  reviewed_at=utcnow() - timedelta(days=100))
    make_offering(it, slug="fresh", title="Fresh", reviewed_at=utcnow() - timedelta(days=10))
    page = client.get("/departments/it").get_data(as_text=True)
    notice = page[page.index("Overdue for review"):]
    assert "Stale standard" in notice and "Quarterly" in notice and "Fresh" not in notice
    offering_page = client.get("/departments/it/stale").get_data(as_text=True)
    assert "This entry is overdue for review" in offering_page


def test_owners_set_the_interval_see_what_is_due_and_mark_it_reviewed(client, auth, session,
                                                                      people, it,
                                                                      make_offering):
    stale = make_offering(it, slug="stale", title="Stale standard",
                          reviewed_at=utcnow() - timedelta(days=400))
    make_offering(it, slug="fresh", title="Fresh", reviewed_at=utcnow() - timedelta(days=10))
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/").get_data(as_text=True)
    due = page[page.index("Due for review"):page.index("Offerings</h2>")]
    assert "Stale standard" in due and "overdue since" in due and "Fresh" not in due
    response = client.post("/manage/departments/it/offerings/stale/reviewed",
                           data={"version": stale.version})
    assert response.status_code == 302
    session.expire_all()
    reviewed = session.get(Offering, stale.id)
    assert utcnow() - reviewed.reviewed_at < timedelta(minutes=5)
    assert session.scalars(select(OfferingRevision.action).where(
        OfferingRevision.offering_id == stale.id).order_by(OfferingRevision.number)).all() \
        == ["imported", "reviewed"]
    page = client.get("/manage/departments/it/").get_data(as_text=True)
    assert "Nothing is due for review in the next 30 days." in page
    assert "Overdue for review" not in client.get("/departments/it").get_data(as_text=True)


def test_the_review_interval_is_set_in_the_edit_form(client, auth, session, people, it,
                                                     make_offering):
    from tests.manage_fixtures import form_data
    item = make_offering(it, slug="vpn", title="VPN access", summary="Work from anywhere",
                         keywords=["remote"], included="A VPN profile",
                         reviewed_at=utcnow() - timedelta(days=100),
                         form=[{"name": "reason", "label": "Reason", "type": "text",
                                "required": True, "help": ""}])
    auth.login(people["owner"])
    client.post("/manage/departments/it/offerings/vpn/edit",
                data=form_data(item.version, review_interval_months="3"))
    session.expire_all()
    assert session.get(Offering, item.id).review_interval_months == 3
    assert "This entry is overdue for review" in client.get("/departments/it/vpn").get_data(
        as_text=True)


def test_a_never_reviewed_entry_is_due_now_in_every_place_owners_look(client, auth, people, it,
                                                                      make_offering):
    make_offering(it, slug="new", title="Brand new", created_at=utcnow() - timedelta(days=3))
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/").get_data(as_text=True)
    due = page[page.index("Due for review"):page.index("Offerings</h2>")]
    # The due list and the offerings table agree: never reviewed means due now.
    assert "Brand new" in due and "Never reviewed — due now" in due
    assert "Nothing is due for review" not in page
    table = page[page.index("Offerings</h2>"):]
    assert "Never reviewed — due now" in table
    edit = client.get("/manage/departments/it/offerings/new/edit").get_data(as_text=True)
    assert "Never reviewed — due now." in edit and "Next review due on" not in edit
    # Readers are not told it is out of date: it is new.
    assert "overdue" not in client.get("/departments/it/new").get_data(as_text=True)
