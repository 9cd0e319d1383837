"""Confidential departments: read from and written to the catalog file, set by owners on the
settings page, marked in the demo catalog, and nothing about their requesters in public."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.demo import CATALOG_FILE
from catalog.models import Department
from tests.manage_fixtures import settings_data

FILE = {"departments": [{"slug": "legal", "code": "LEG", "name": "Legal", "confidential": True,
                         "offerings": []},
                        {"slug": "it", "code": "IT", "name": "IT", "offerings": []}]}


def _confidential(session) -> dict[str, bool]:
    session.expire_all()
    return dict(session.execute(select(Department.slug, Department.confidential)).all())


def test_the_catalog_file_reads_and_writes_confidential(session):
    import_catalog(session, copy.deepcopy(FILE))
    session.commit()
    assert _confidential(session) == {"legal": True, "it": False}
    exported = export_catalog(session)
    assert {d["slug"]: d["confidential"] for d in exported["departments"]} == \
        {"legal": True, "it": False}
    # A file without the key leaves it as it is; one with false makes the department public.
    unchanged = copy.deepcopy(FILE)
    del unchanged["departments"][0]["confidential"]
    import_catalog(session, unchanged)
    session.commit()
    assert _confidential(session)["legal"] is True
    import_catalog(session, load_yaml(dump_yaml(exported).replace("confidential: true",
                                                                   "confidential: false")))
    session.commit()
    assert _confidential(session)["legal"] is False


def test_confidential_must_be_true_or_false(session):
    bad = copy.deepcopy(FILE)
    bad["departments"][0]["confidential"] = "yes"
    with pytest.raises(CatalogFileError) as error:
        import_catalog(session, bad)
    assert [path for path, _ in error.value.problems.items] == ["departments[0].confidential"]


def test_the_demo_catalog_marks_hr_and_legal_confidential():
    departments = load_yaml(CATALOG_FILE.read_text())["departments"]
    assert sorted(d["slug"] for d in departments if d.get("confidential")) == ["hr", "legal"]


def test_an_owner_marks_the_department_confidential_on_its_settings_page(client, auth, session,
                                                                         people, it):
    auth.login(people["owner"])
    url = "/manage/departments/it/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'name="confidential"' in page
    response = client.post(url, data=settings_data(page, confidential="y"))
    assert response.status_code == 302
    assert _confidential(session)["it"] is True
    page = client.get(url).get_data(as_text=True)
    assert "checked" in next(line for line in page.splitlines() if 'name="confidential"' in line)
    public = client.get("/departments/it").get_data(as_text=True)
    assert "confidential" in public
    # Unticking makes it public again.
    client.post(url, data=settings_data(page))
    assert _confidential(session)["it"] is False


def test_agents_cannot_change_it(client, auth, session, people, it):
    auth.login(people["agent"])
    url = "/manage/departments/it/settings"
    response = client.post(url, data={"confidential": "y"})
    assert response.status_code in (403, 404)
    assert _confidential(session)["it"] is False
