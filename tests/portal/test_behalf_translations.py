"""Every string of the requests-for-someone-else, priorities and reopening work has a German
translation (the files it added to or changed), so no page shows English in German."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    "catalog/submission.py", "catalog/workflow.py", "catalog/catalog_file/priorities.py",
    "portal/mail.py", "portal/requests/forms.py", "portal/requests/views.py",
    "portal/manage/forms.py", "templates/requests/form.html", "templates/requests/detail.html",
    "templates/requests/list.html", "templates/requests/not_allowed.html",
    "templates/manage/offering_form.html", "templates/commitments/index.html",
    "templates/browse/offering.html",
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def german() -> dict[str, object]:
    with open(ROOT / "portal/translations/de/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    return {message.id if isinstance(message.id, str) else message.id[0]: message.string
            for message in catalog if message.id}


@pytest.mark.parametrize("name", FILES)
def test_every_string_has_a_german_translation(name):
    translations = german()
    method = "jinja2" if name.endswith(".html") else "python"
    options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
    missing = []
    for _line, message, _comments, _context in extract_from_file(
            method, str(ROOT / name), keywords=KEYWORDS, options=options):
        key = message if isinstance(message, str) else message[0]
        found = translations.get(key)
        if not found or (isinstance(found, tuple) and not all(found)):
            missing.append(key)
    assert missing == []
