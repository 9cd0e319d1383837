"""An intranet page on another origin, in Chromium: it shows the portal's card in an iframe and
reads the search API with fetch, while the portal's ordinary pages refuse its frames."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests import factories

pytestmark = pytest.mark.browser

INTRANET_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intranet</title></head>
<body>
<h1>Welcome to the intranet</h1>
<iframe id="card" src="{portal}/embed/o/{offering_id}" title="Laptop card"
        width="400" height="220"></iframe>
<iframe id="page" src="{portal}/departments/it/new-laptop" title="Whole page"
        width="400" height="220"></iframe>
<p id="found">searching…</p>
<script>
fetch("{portal}/api/v1/search?q=laptop")
  .then(function (answer) {{ return answer.json(); }})
  .then(function (data) {{
    document.getElementById("found").textContent = "found: " + data.results[0].title; }})
  .catch(function (error) {{
    document.getElementById("found").textContent = "refused: " + error; }});
</script>
</body></html>"""


@pytest.fixture
def intranet() -> Iterator[Any]:
    """A tiny web server on another port (another origin) serving one page given later."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = pages.get(self.path, b"not here")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.pages = pages  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_an_intranet_page_frames_the_card_and_reads_the_api(live_server_factory, intranet,
                                                            browser_page, screenshot):
    origin = f"http://localhost:{intranet.server_port}"
    portal = live_server_factory(FRAME_ANCESTORS=origin, CORS_ORIGINS=origin)
    with portal.session() as session:
        department = factories.make_department(session, slug="it", code="IT", name="IT Services",
                                               commitments={"normal": (240, 1620)})
        laptop = factories.make_offering(session, department, slug="new-laptop",
                                         title="Order a new laptop",
                                         summary="A laptop for new staff", keywords=["laptop"])
        session.commit()
        offering_id = laptop.id
    with portal.app.app_context():
        from portal.extensions import db
        from portal.indexing import search_index
        search_index().rebuild(db.session)
    intranet.pages["/"] = INTRANET_PAGE.format(portal=portal.url,
                                               offering_id=offering_id).encode()
    page: Any = browser_page
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text))

    page.goto(origin + "/")
    card = page.frame_locator("#card")
    assert card.locator("h1").inner_text() == "Order a new laptop"
    assert "First response within 4 business hours" in card.locator("body").inner_text()
    request_link = card.get_by_role("link", name="Request")
    assert request_link.get_attribute("href") == f"{portal.url}/departments/it/new-laptop/request"
    page.wait_for_function("document.getElementById('found').textContent !== 'searching…'")
    assert page.locator("#found").inner_text() == "found: Order a new laptop"
    # The whole offering page is not for frames: Chromium refuses it (frame-ancestors 'self').
    page.wait_for_timeout(300)
    framed = page.frame_locator("#page").locator("body").inner_text()
    assert "Order a new laptop" not in framed and "Service standard" not in framed
    assert any("frame" in text and "ancestor" in text for text in refusals), refusals
    screenshot("intranet-card")

    # The card's button opens the portal in the intranet's window, not inside the frame.
    request_link.click()
    page.wait_for_url(f"{portal.url}/login*")
    assert page.url.startswith(f"{portal.url}/login")


def test_share_boxes_copy_the_card_at_phone_and_desktop_width(live_server, browser_page,
                                                              screenshot):
    with live_server.session() as session:
        department = factories.make_department(session, slug="it", code="IT", name="IT Services")
        factories.make_offering(session, department, slug="new-laptop",
                                title="Order a new laptop", summary="A laptop for new staff")
        session.commit()
    page: Any = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    for width, language in ((390, "de"), (1366, "en")):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/departments/it/new-laptop", "/departments/it"):
            page.goto(f"{live_server.url}{path}?lang={language}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} at {width}px is {scroll}px wide"
            button = page.locator("[data-copy='#embed-frame']")
            button.scroll_into_view_if_needed()
            button.click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.startswith(f'<iframe src="{live_server.url}/embed/'), copied
            screenshot(f"share-{path.strip('/').replace('/', '-')}-{width}-{language}")
