"""The read side of the JSON API."""

from __future__ import annotations

import pytest


@pytest.fixture
def catalog(make_department, make_offering):
    it = make_department(slug="it", code="IT", name="IT Services")
    make_offering(it, slug="vpn", title="VPN access", audience=["employee"],
                  form=[{"name": "reason", "label": "Reason", "type": "text", "required": True,
                         "help": ""}])
    make_offering(it, slug="draft", title="Draft", status="draft")
    return it


def test_departments_list(client, catalog):
    body = client.get("/api/v1/departments").get_json()
    assert body == [{"slug": "it", "name": "IT Services", "offerings": 1,
                     "url": "http://127.0.0.1:5000/departments/it"}]


def test_department_detail_has_offerings_and_commitments(client, catalog):
    body = client.get("/api/v1/departments/it").get_json()
    assert body["slug"] == "it"
    assert [o["slug"] for o in body["offerings"]] == ["vpn"]
    assert body["commitments"][0] == {"priority": "normal", "first_response": "4h",
                                      "resolution": "3d"}
    assert body["business_hours"]["start"] == "08:00"


def test_offering_detail_has_id_standard_audience_form_and_etag(client, catalog):
    response = client.get("/api/v1/departments/it/vpn")
    body = response.get_json()
    assert response.headers["ETag"]
    assert isinstance(body["id"], int) and body["slug"] == "vpn"
    assert body["audience"] == ["employee"]
    assert set(body["service_standard"]) == {"included", "not_included", "prerequisites",
                                             "process"}
    assert body["form"][0]["name"] == "reason"
    assert body["commitments"][0]["first_response_minutes"] == 240
    assert client.get(f"/o/{body['id']}").headers["Location"].endswith("/departments/it/vpn")
    again = client.get("/api/v1/departments/it/vpn",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/api/v1/departments/nope", "/api/v1/departments/it/nope",
                                 "/api/v1/departments/it/draft", "/api/v1/nothing"])
def test_errors_are_json(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found" and error["message"]
