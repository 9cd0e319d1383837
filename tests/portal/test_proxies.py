"""Behind the TLS proxy: limits per client address count each client, not the proxy, and only
the configured proxies may say who the client is."""

from __future__ import annotations

import pytest
from flask import request

PROXY = "10.20.0.5"


@pytest.fixture
def behind_proxy(make_app):
    return make_app(TRUSTED_PROXIES=PROXY, SEARCH_LIMIT="2 per minute").test_client()


def search(client, peer: str, forwarded_for: str):
    return client.get("/api/v1/search", query_string={"q": "laptop"},
                      headers={"X-Forwarded-For": forwarded_for},
                      environ_base={"REMOTE_ADDR": peer})


def test_each_client_behind_the_proxy_has_its_own_limit(behind_proxy):
    assert [search(behind_proxy, PROXY, "203.0.113.7").status_code for _ in range(3)] == [
        200, 200, 429]
    # Another employee behind the same proxy is not refused because of the first one.
    assert search(behind_proxy, PROXY, "203.0.113.8").status_code == 200


def test_a_direct_client_cannot_claim_another_address(behind_proxy):
    statuses = [search(behind_proxy, "10.99.0.1", f"203.0.113.{n}").status_code
                for n in range(1, 4)]
    assert statuses == [200, 200, 429]


def test_the_proxy_says_the_scheme(make_app):
    client = make_app(TRUSTED_PROXIES=PROXY).test_client()
    seen = []
    client.application.before_request(lambda: seen.append(request.scheme))
    client.get("/healthz", headers={"X-Forwarded-Proto": "https"},
               environ_base={"REMOTE_ADDR": PROXY})
    client.get("/healthz", headers={"X-Forwarded-Proto": "https"},
               environ_base={"REMOTE_ADDR": "10.99.0.1"})
    assert seen == ["https", "http"]
