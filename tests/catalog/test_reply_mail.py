"""Reply addresses and the text of replies, without a server: what is kept of a reply, and
which tokens are ours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest

from catalog.mail.replies import Inbox, ReplyRefused, file_reply
from catalog.mail.reply_address import (
    BadToken,
    make_token,
    parse_address,
    reply_address,
    verify_token,
)
from catalog.mail.reply_text import body_of, strip_reply
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories
from tests.request_fixtures import berlin

SECRET = b"k" * 32
TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("text", [
    "Works now, thanks!\n\nOn Tue, 8 Jul 2025 at 09:00, IT <portal@example.com> wrote:\n> Hi",
    "Works now, thanks!\n\nOn Tue, 8 Jul 2025 at 09:00, IT Services\n<portal@example.com>"
    " wrote:\n\n> Hi",
    "Works now, thanks!\n\nAm Di., 8. Juli 2025 um 09:00 Uhr schrieb IT <it@example.com>:\n> Hallo",
    "Works now, thanks!\n-- \nEmma Employee\nSales",
    "Works now, thanks!\n\n-----Original Message-----\nFrom: IT\nSent: Tuesday\n\nHi",
    "Works now, thanks!\n\nFrom: IT Services <portal@example.com>\nSent: Tuesday, 8 July\nHi",
    "> Did it work?\nWorks now, thanks!\n> Anything else?\n",
])
def test_quoted_history_and_signatures_are_removed(text):
    assert strip_reply(text) == "Works now, thanks!"


def test_a_line_that_merely_starts_with_on_is_kept():
    assert strip_reply("On Monday I will be back.\nThanks") == "On Monday I will be back.\nThanks"


def test_html_only_mail_is_read_as_text():
    message = EmailMessage()
    message.set_content("<p>Works &amp; thanks<br>Emma</p><div>On Tue, X wrote:</div>"
                        "<blockquote>old</blockquote>", subtype="html")
    assert body_of(message) == "Works & thanks\nEmma"


def test_a_reply_address_round_trips_and_fits_a_local_part():
    address = reply_address("portal@example.com", SECRET, "FACILITIES-2026-00042", 123456,
                            TODAY, 90)
    local = address.split("@")[0]
    assert len(local) <= 64 and local.rpartition(".")[2].islower()
    ref, token = parse_address("portal@example.com", address.upper())  # servers may upcase it
    assert ref == "FACILITIES-2026-00042"
    found = verify_token(SECRET, ref, token, TODAY + timedelta(days=90))
    assert (found.user_id, found.expires) == (123456, TODAY + timedelta(days=90))


def test_tokens_of_other_requests_keys_or_days_are_refused():
    token = make_token(SECRET, "IT-2026-00042", 7, TODAY)
    with pytest.raises(BadToken) as other_request:
        verify_token(SECRET, "IT-2026-00043", token, TODAY)
    with pytest.raises(BadToken):
        verify_token(b"another key", "IT-2026-00042", token, TODAY)
    user, day, mac = token.split("-")
    with pytest.raises(BadToken):  # a later expiry written in by hand
        verify_token(SECRET, "IT-2026-00042", f"{user}-{int(day, 16) + 99:x}-{mac}", TODAY)
    with pytest.raises(BadToken) as expired:
        verify_token(SECRET, "IT-2026-00042", token, TODAY + timedelta(days=1))
    assert (other_request.value.expired, expired.value.expired) == (False, True)
    assert parse_address("portal@example.com", "other+IT-1.x@example.com") is None
    assert parse_address("portal@example.com", "portal+IT-1.x@elsewhere.com") is None


@pytest.fixture
def pdf_request(session, it_dept, employee, tmp_path):
    offering = factories.make_offering(session, it_dept, slug="invoice", form=[
        {"name": "scan", "label": "Scan", "type": "file", "required": False,
         "file_types": ["pdf"]}])
    session.commit()
    made = submit_request(session, offering, employee, priority="normal", values={},
                          store=FileStore(tmp_path / "form", 1024), now=berlin(2025, 7, 8, 9))
    session.commit()
    return made


@pytest.mark.parametrize(("filename", "content", "reason"), [
    ("notes.txt", b"plain text", "not of a type"),
    ("big.pdf", b"%PDF-1.4\n" + b"x" * 2000, "larger than"),
])
def test_attachments_follow_the_request_forms_file_rules(session, pdf_request, employee,
                                                         tmp_path, filename, content, reason):
    inbox = Inbox("portal@example.com", SECRET, frozenset({"portal@example.com"}))
    message = EmailMessage()
    message["From"] = employee.email
    message.set_content("Here it is.")
    message.add_attachment(content, maintype="application", subtype="octet-stream",
                           filename=filename)
    to = reply_address(inbox.reply_address, SECRET, pdf_request.ref, employee.id, TODAY, 90)
    store = FileStore(tmp_path / "mail", 1024)
    with pytest.raises(ReplyRefused) as refused:
        file_reply(session, message.as_bytes(), employee.email, [to], inbox, store,
                   datetime(2026, 11, 28, 12, tzinfo=UTC))
    assert reason in refused.value.reason
    assert not list((tmp_path / "mail").glob("*"))  # nothing kept on disk either
    session.rollback()
