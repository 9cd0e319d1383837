"""Every page of the portal that a person opens in a browser, for the all-pages browser test
(tests/browser/test_every_page_browser.py). tests/portal/test_page_list.py fails when a GET
route is neither here nor in NOT_PAGES, so a new page cannot be left out of the sweep."""

from __future__ import annotations

# Route rules (as Flask writes them) of the pages the sweep visits.
PAGES = (
    "/", "/search", "/departments/", "/departments/<dept>", "/departments/<dept>/<offering>",
    "/departments/<dept>/<offering>/request", "/commitments", "/commitments/map",
    "/commitments/recognition", "/requests/", "/requests/<ref>",
    "/approvals/", "/profile", "/login",
    "/embed/o/<int:offering_id>", "/embed/departments/<dept>",
    "/manage/", "/manage/queue/", "/manage/queue/<dept>", "/manage/feedback/<dept>",
    "/manage/departments/<dept>/", "/manage/departments/<dept>/offerings/new",
    "/manage/departments/<dept>/offerings/<offering>/edit",
    "/manage/departments/<dept>/offerings/<offering>/history",
    "/manage/departments/<dept>/offerings/<offering>/history/compare",
    "/manage/departments/<dept>/settings", "/manage/departments/<dept>/settings/history",
    "/manage/departments/<dept>/settings/history/compare",
    "/manage/departments/<dept>/people", "/manage/departments/<dept>/webhooks",
    "/manage/new-department", "/manage/audit", "/manage/webhooks",
    "/manage/webhooks/<int:hook_id>", "/manage/<dept>/searches", "/manage/synonyms",
    "/manage/<dept>/breakdowns", "/manage/<dept>/breakdowns/requests", "/manage/breakdowns",
    "/manage/departments/<dept>/reply-templates",
    "/manage/departments/<dept>/reply-templates/<int:template_id>",
)

# GET routes that are not pages, and why.
NOT_PAGES = {
    "/o/<int:offering_id>": "a redirect to the offering page",
    "/requests/<ref>/attachments/<int:attachment_id>": "a file download",
    "/feeds/catalog.atom": "an Atom feed (tests/portal/test_feeds.py)",
    "/departments/<dept>/feed.atom": "an Atom feed (tests/portal/test_feeds.py)",
    "/opensearch.xml": "a description for browsers",
    "/healthz": "JSON for probes",
    "/login/oidc": "a redirect to the identity provider",
    "/login/oidc/callback": "the identity provider's return, then a redirect",
}


def example(rule: str, values: dict[str, str]) -> str:
    """The rule with its placeholders filled in: <dept> -> it, <int:hook_id> -> 3, ..."""
    path = rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value).replace(f"<int:{name}>", value)
    return path
