"""The all-pages browser sweep knows every page: a new GET route must be added to
tests/page_list.py (PAGES, or NOT_PAGES with the reason it is not a page)."""

from __future__ import annotations

from tests.page_list import NOT_PAGES, PAGES


def test_every_get_route_is_a_page_of_the_sweep_or_said_not_to_be(app):
    routes = {rule.rule for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))}
    missing = routes - set(PAGES) - set(NOT_PAGES)
    assert not missing, f"add to tests/page_list.py: {sorted(missing)}"
    gone = (set(PAGES) | set(NOT_PAGES)) - routes
    assert not gone, f"no longer routes: {sorted(gone)}"
