"""PUT /api/v1/departments/<dept>/<offering>: the catalog "as code", with the same rules as the
pages: permissions, validation, history, slug aliases, and If-Match against lost updates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from catalog.models import Offering, OfferingRevision
from catalog.people.tokens import issue_token
from tests.manage_fixtures import writes

URL = "/api/v1/departments/it/vpn"


@pytest.fixture
def token(session, people) -> str:
    value = issue_token(session, people["owner"])
    session.commit()
    return value


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "vpn", "title": "VPN access", "summary": "Work from anywhere",
        "keywords": ["remote"], "audience": ["employee", "contractor"],
        "service_standard": {"included": "A VPN profile", "process": "We mail it."},
        "commitment": {"first_response": "30m", "resolution": "1d"},
        "form": [{"name": "reason", "label": "Reason", "type": "textarea", "required": True}],
    }
    data.update(changes)
    return data


def load(session, slug: str = "vpn") -> Offering | None:
    session.expire_all()
    return session.scalar(select(Offering).where(Offering.slug == slug))


def test_put_creates_an_offering_201_with_etag_and_location(client, session, token, it):
    response = client.put("/api/v1/departments/it/printer", json=body(slug="printer",
                                                                       title="Printer"),
                          headers=bearer(token))
    assert response.status_code == 201
    assert response.headers["Location"] == "http://127.0.0.1:5000/departments/it/printer"
    created = load(session, "printer")
    assert response.headers["ETag"] == f'"{created.id}-{created.version}"'
    assert response.get_json()["id"] == created.id
    assert (created.first_response_minutes, created.resolution_minutes) == (30, 540)
    revision = session.scalar(select(OfferingRevision).where(
        OfferingRevision.offering_id == created.id))
    assert revision.action == "created" and revision.author.email == "owner@example.com"


def test_put_replaces_200_and_the_get_answer_can_be_sent_back(client, session, token, vpn):
    read = client.get(URL)
    data = read.get_json()
    data["title"] = "VPN for everyone"
    response = client.put(URL, json=data, headers=bearer(token, **{"If-Match": read.headers[
        "ETag"]}))
    assert response.status_code == 200
    assert response.headers["ETag"] != read.headers["ETag"]
    assert load(session).title == "VPN for everyone"
    assert client.get(URL).headers["ETag"] == response.headers["ETag"]


def test_a_stale_if_match_is_412_and_the_first_write_is_kept(client, session, token, vpn):
    etag = client.get(URL).headers["ETag"]
    first = client.put(URL, json=body(title="First"), headers=bearer(token, **{"If-Match": etag}))
    assert first.status_code == 200
    before = writes(session)
    second = client.put(URL, json=body(title="Second"), headers=bearer(token,
                                                                        **{"If-Match": etag}))
    assert second.status_code == 412
    assert second.get_json()["error"]["code"] == "precondition_failed"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert load(session).title == "First" and writes(session) == before


def test_if_match_on_a_missing_offering_is_412(client, session, token, it):
    response = client.put("/api/v1/departments/it/nothing", json=body(slug="nothing"),
                          headers=bearer(token, **{"If-Match": '"1-1"'}))
    assert response.status_code == 412 and load(session, "nothing") is None


def test_a_changed_slug_renames_and_the_old_address_answers_301(client, session, token, vpn):
    response = client.put(URL, json=body(slug="remote-access"), headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["url"] == "http://127.0.0.1:5000/departments/it/remote-access"
    old = client.get("/departments/it/vpn")
    assert old.status_code == 301 and old.headers["Location"].endswith("/it/remote-access")


def test_a_new_offering_must_keep_the_address_it_is_put_at(client, session, token, it):
    response = client.put("/api/v1/departments/it/printer", json=body(slug="scanner"),
                          headers=bearer(token))
    assert response.status_code == 422
    assert "slug" in response.get_json()["error"]["fields"]
    assert load(session, "scanner") is None and load(session, "printer") is None


@pytest.mark.parametrize(("changes", "path"), [
    ({"title": ""}, "title"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"form": [{"name": "device", "label": "Device", "type": "select"}]}, "form[0].choices"),
    ({"commitment": {"first_response": "0m", "resolution": "1h"}}, "commitment.first_response"),
    ({"audience": ["aliens"]}, "audience[0]"),
    ({"colour": "blue"}, "colour"),
])
def test_invalid_bodies_are_422_with_field_paths_and_change_nothing(client, session, token, vpn,
                                                                    changes, path):
    before = writes(session), load(session).version
    response = client.put(URL, json=body(**changes), headers=bearer(token))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and path in error["fields"]
    assert (writes(session), load(session).version) == before


def test_a_body_that_is_not_a_json_object_is_400(client, token, vpn):
    for data in ("not json", "[1, 2]"):
        response = client.put(URL, data=data, headers=bearer(token),
                               content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("who", ["employee", "agent", "owner_other"])
def test_only_owners_and_admins_may_put(client, session, people, vpn, hr, who):
    value = issue_token(session, people[who])
    session.commit()
    response = client.put(URL, json=body(title="Mine now"), headers=bearer(value))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert load(session).title == "VPN access"


def test_anonymous_put_is_401(client, session, vpn):
    assert client.put(URL, json=body(title="Anyone")).status_code == 401
    assert load(session).title == "VPN access"


def test_cookie_writes_need_the_csrf_token(app, client, auth, session, people, vpn):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(people["owner"])
    response = client.put(URL, json=body(title="From the browser"))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert load(session).title == "VPN access"


def test_a_signed_in_browser_writes_with_its_csrf_token(client, auth, session, people, vpn):
    import re
    auth.login(people["owner"])
    page = client.get("/manage/").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.put(URL, json=body(title="From the browser"),
                          headers={"X-CSRFToken": csrf_token})
    assert response.status_code == 200 and load(session).title == "From the browser"


def test_the_search_index_hears_of_every_committed_write(client, session, token, vpn,
                                                          monkeypatch, engine):
    from sqlalchemy.orm import Session

    from portal import indexing
    seen: list[str] = []

    def changed() -> None:
        with Session(engine) as other:  # what another program sees: the write is committed
            seen.append(other.scalar(select(Offering.title).where(Offering.id == vpn.id)))

    monkeypatch.setattr(indexing, "catalog_changed", changed)
    client.put(URL, json=body(title="Indexed"), headers=bearer(token))
    assert seen == ["Indexed"]


def test_a_failing_index_update_never_loses_the_write(client, session, token, vpn, monkeypatch):
    from portal import indexing

    def broken() -> None:
        raise RuntimeError("index is on fire")

    monkeypatch.setattr(indexing, "catalog_changed", broken)
    response = client.put(URL, json=body(title="Saved anyway"), headers=bearer(token))
    assert response.status_code == 200
    assert load(session).title == "Saved anyway"
