"""Browser tests: the portal served for real (werkzeug in a thread, a SQLite file) and Chromium
driven by Playwright. Run with `make test-browser` (marker `browser`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from catalog.models import Base
from portal import ROOT, create_app
from portal.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUTPUT = ROOT / "test-output"


@dataclass
class LiveServer:
    url: str
    app: Flask

    def session(self) -> Session:
        """A session of the test's own on the server's database."""
        with self.app.app_context():
            return Session(db.engine, expire_on_commit=False)


@pytest.fixture
def live_server_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                        ) -> Iterator[Callable[..., LiveServer]]:
    """`live_server_factory(**config)`: the app with extra configuration on a fresh SQLite file,
    served on 127.0.0.1 and a free port, CSRF and all; BASE_URL is the server's real URL.
    `configure(url)`, if given, returns more configuration once the URL is known."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    started: list[tuple[Any, threading.Thread, Flask]] = []

    def start(configure: Callable[[str], dict[str, Any]] | None = None,
              **config: Any) -> LiveServer:
        # The port first, so that the app knows its own URL (e.g. for OpenID Connect redirects).
        server = make_server("127.0.0.1", 0, lambda environ, start_response: [], threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            if configure is not None:
                config = {**config, **configure(url)}
            app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
                              "SECRET_KEY": "browser-test", "BASE_URL": url, **config})
            with app.app_context():
                Base.metadata.create_all(db.engine)
        except BaseException:
            server.server_close()
            raise
        server.app = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread, app))
        return LiveServer(url=url, app=app)

    try:
        yield start
    finally:
        for server, thread, app in started:
            server.shutdown()
            thread.join(10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def live_server(live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """The app on a fresh SQLite file, served on 127.0.0.1 and a free port, CSRF and all."""
    return live_server_factory()


@pytest.fixture
def browser_page() -> Iterator[Any]:
    """A Chromium page (Debian's Chromium, headless) that closes after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB", timezone_id="Europe/Berlin",
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def screenshot(browser_page: Any) -> Callable[[str], Path]:
    """Saves a full-page screenshot under test-output/ and returns its path."""
    def take(name: str) -> Path:
        OUTPUT.mkdir(exist_ok=True)
        path = OUTPUT / f"{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path
    return take


# A browser may drop a connection while the server still sends it a static file (it went on
# to the next page); werkzeug's development server then leaves the file to the garbage
# collector, and its ResourceWarning, raised wherever collection happens to run, failed
# whichever browser test was running (seen once in CI, with static/js/suggest.js). Only that
# warning is let pass, and only in browser tests.
_DROPPED_STATIC_FILE = (
    r"ignore:unclosed file <_io\.BufferedReader name='[^']*/static/:ResourceWarning",
    r"ignore:Exception ignored in. <_io\.(FileIO|BufferedReader) name='[^']*/static/"
    r":pytest.PytestUnraisableExceptionWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser"):
            for ignored in _DROPPED_STATIC_FILE:
                item.add_marker(pytest.mark.filterwarnings(ignored))
