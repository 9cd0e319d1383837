"""Intranet pages and other systems link to these addresses: each must keep answering.

Every public URL of DESIGN.md (and the ones added since) is listed with an example address and
the methods it takes. A route that disappears, changes its shape or stops taking a method fails
here, unless the old address redirects (werkzeug's RequestRedirect counts as kept).
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

# (example address, methods it must take)
STABLE = [
    ("/", "GET"),
    ("/search", "GET"),
    ("/departments/", "GET"),
    ("/departments/it", "GET"),
    ("/departments/it/new-laptop", "GET"),
    ("/departments/it/new-laptop/request", "GET POST"),
    ("/o/42", "GET"),
    ("/commitments", "GET"),
    ("/requests/", "GET"),
    ("/requests/IT-2026-00042", "GET"),
    ("/login", "GET POST"),
    ("/logout", "POST"),
    ("/opensearch.xml", "GET"),
    ("/healthz", "GET"),
    ("/profile", "GET"),
    ("/manage/audit", "GET"),
    # Intranet: feeds and cards for iframes.
    ("/feeds/catalog.atom", "GET"),
    ("/departments/it/feed.atom", "GET"),
    ("/embed/o/42", "GET"),
    ("/embed/departments/it", "GET"),
    # The JSON API.
    ("/api/v1/openapi.json", "GET"),
    ("/api/v1/departments", "GET"),
    ("/api/v1/departments/it", "GET"),
    ("/api/v1/departments/it/new-laptop", "GET PUT"),
    ("/api/v1/search", "GET"),
    ("/api/v1/suggest", "GET"),
    ("/api/v1/requests", "POST"),
    ("/api/v1/requests/IT-2026-00042", "GET"),
    ("/api/v1/requests/IT-2026-00042/comments", "POST"),
    ("/api/v1/requests/IT-2026-00042/status", "POST"),
    ("/api/v1/requests/IT-2026-00042/feedback", "POST"),
]


@pytest.mark.parametrize(("url", "methods"), STABLE, ids=[url for url, _ in STABLE])
def test_a_stable_address_still_answers(app: Flask, url: str, methods: str) -> None:
    adapter = app.url_map.bind("127.0.0.1:5000")
    for method in methods.split():
        try:
            endpoint, _ = adapter.match(url, method=method)
        except RequestRedirect:
            continue  # the old shape redirects to the new one: links keep working
        except (NotFound, MethodNotAllowed) as error:
            pytest.fail(f"{method} {url} no longer answers: {error!r}")
        assert endpoint != "static"


def test_the_feeds_and_cards_are_not_caught_by_the_offering_route(app: Flask) -> None:
    """`/departments/<dept>/feed.atom` must not be read as an offering called feed.atom."""
    adapter = app.url_map.bind("127.0.0.1:5000")
    assert adapter.match("/departments/it/feed.atom")[0] == "intranet.department_feed"
    assert adapter.match("/departments/it/new-laptop")[0] == "browse.offering"
