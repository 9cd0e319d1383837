"""The history records what the owner changed, nothing that only looks different on the way."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import OfferingRevision
from tests.manage_fixtures import form_data

EDIT = "/manage/departments/it/offerings/handbook/edit"


def test_an_edit_of_the_title_alone_records_exactly_the_title(client, auth, session, people, it,
                                                              make_offering):
    # Written by an import: Windows line endings, trailing blanks, a final line break.
    handbook = make_offering(
        it, slug="handbook", title="Handbook", summary="Work from anywhere  ",
        description="First line  \r\nSecond line\r\n\r\n", keywords=["remote"],
        included="- a printed copy\r\n- a PDF \n",
        form=[{"name": "reason", "label": "Reason", "type": "text", "required": True,
               "help": ""}])
    auth.login(people["owner"])
    # What a browser sends back for the untouched fields: CRLF in text areas, no trailing blanks.
    response = client.post(EDIT, data=form_data(
        handbook.version, title="Staff handbook", slug="handbook",
        summary="Work from anywhere", description="First line  \r\nSecond line",
        standard_included="- a printed copy\r\n- a PDF"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    edited = session.scalars(select(OfferingRevision).where(
        OfferingRevision.offering_id == handbook.id, OfferingRevision.action == "edited")).one()
    assert edited.changed == ["title"]
    history = client.get("/manage/departments/it/offerings/handbook/history")
    assert "Edited: Title<" in history.get_data(as_text=True)


def test_offering_again_and_restoring_a_revision_have_different_words(client, auth, people, it,
                                                                      make_offering):
    make_offering(it, slug="old-phone", title="Old phone", status="retired")
    auth.login(people["owner"])
    page = client.get("/manage/departments/it/").get_data(as_text=True)
    assert ">Offer again<" in page and ">Restore<" not in page
    german = client.get("/manage/departments/it/?lang=de").get_data(as_text=True)
    assert ">Wieder anbieten<" in german
