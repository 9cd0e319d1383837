"""A real OpenID Connect provider for tests: node package oidc-provider (tests/oidc/), started
per test on 127.0.0.1 and a free port, stopped afterwards.

    def test_something(oidc_provider):              # client redirect URIs: oidc_redirect_uris
        oidc_provider.issuer, oidc_provider.client_id, oidc_provider.client_secret
        oidc_provider.set_user("olivia", name="Olivia Other", groups=["staff"])

    def test_live(live_server, start_oidc_provider):  # when the portal's port is known only now
        provider = start_oidc_provider(f"{live_server.url}/login/oidc/callback")

Users (defined in tests/oidc/provider.mjs, account id = `sub`): olivia (groups staff, it-leads;
department it; manager max@example.com), tom (temps), nobody (no groups). Sign-in at the
provider: oidc-provider's development login form (any password), consent is automatic.
`provider.authorize(url, "olivia")` does that sign-in without a browser and returns the URL the
provider redirects to (the portal's callback with `code` and `state`).

The node packages are installed with `npm ci` (under a file lock) when tests/oidc/node_modules is
missing or does not hold the pinned version.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener, urlopen

import pytest

from tests.node_packages import NodePackageError, ensure_installed

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "portal"
CLIENT_SECRET = "portal-test-secret"
READY = "OIDC_PROVIDER_READY "
START_TIMEOUT = 30


class OidcProviderError(RuntimeError):
    """The provider could not be installed or started; the message says why."""


@dataclass
class OidcProvider:
    """A running provider with one confidential client (client_secret_basic)."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    accounts_file: Path
    log_file: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def users(self) -> dict[str, dict[str, Any]]:
        """Every account the provider knows: {sub: claims}."""
        return json.loads(self.accounts_file.read_text("utf-8"))

    def set_user(self, sub: str, **claims: Any) -> None:
        """Changes (or creates) the account `sub`: the given claims replace the old values, a
        claim given as None is removed. Takes effect at the provider's next findAccount."""
        users = self.users()
        user = users.setdefault(sub, {})
        for name, value in claims.items():
            if value is None:
                user.pop(name, None)
            else:
                user[name] = value
        self._write(users)

    def remove_user(self, sub: str) -> None:
        """The provider no longer knows `sub` (its sign-in form then refuses the account)."""
        users = self.users()
        users.pop(sub, None)
        self._write(users)

    def _write(self, users: dict[str, dict[str, Any]]) -> None:
        temporary = self.accounts_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(users, indent=2), "utf-8")
        os.replace(temporary, self.accounts_file)  # the provider never reads half a file

    def log(self) -> str:
        """What the provider wrote (warnings, errors) so far."""
        return self.log_file.read_text("utf-8", errors="replace")

    def authorize(self, url: str, account: str, *, password: str = "any",
                  cookies: CookieJar | None = None) -> str:
        """Follows an authorization URL at the provider like a browser, signing in as `account`,
        and returns the first URL outside the provider it redirects to (the client's redirect
        URI with code and state, or with error). Pass the same `cookies` to keep the provider's
        session between calls (single sign-on)."""
        opener = build_opener(HTTPCookieProcessor(cookies if cookies is not None else CookieJar()),
                              _NoRedirects())
        data: bytes | None = None
        for _ in range(12):
            if not url.startswith(f"{self.issuer}/"):
                return url
            try:
                with opener.open(Request(url, data=data), timeout=10) as response:
                    page = response.read().decode("utf-8", errors="replace")
            except HTTPError as error:
                if error.code in (301, 302, 303, 307, 308):
                    url, data = urljoin(url, error.headers["Location"]), None
                    continue
                raise AssertionError(f"the provider answered {error.code} at {url}: "
                                     f"{error.read().decode('utf-8', 'replace')[:500]}") from None
            form = re.search(r'<form[^>]*action="([^"]+)"', page)
            prompt = re.search(r'name="prompt" value="(\w+)"', page)
            if not form or not prompt:
                raise AssertionError(f"no sign-in form at {url}: {page[:500]}")
            url = urljoin(url, html.unescape(form.group(1)))
            fields = {"prompt": prompt.group(1)}
            if fields["prompt"] == "login":
                fields |= {"login": account, "password": password}
            data = urlencode(fields).encode()
        raise AssertionError(f"too many steps at the provider, last at {url}")

    def stop(self) -> None:
        _stop(self.process)


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def ensure_node_modules() -> None:
    """The pinned oidc-provider in tests/oidc/node_modules (tests/node_packages.py)."""
    try:
        ensure_installed(OIDC_DIR, "oidc-provider")
    except NodePackageError as error:
        raise OidcProviderError(str(error)) from error


def start_provider(redirect_uris: str | Sequence[str], directory: Path, *,
                   users: dict[str, dict[str, Any]] | None = None) -> OidcProvider:
    """Starts `node tests/oidc/provider.mjs` on 127.0.0.1 and a free port and waits until its
    discovery document answers. `users` replaces the built-in accounts."""
    ensure_node_modules()
    uris = [redirect_uris] if isinstance(redirect_uris, str) else list(redirect_uris)
    directory.mkdir(parents=True, exist_ok=True)
    accounts_file = directory / "accounts.json"
    if users is not None:
        accounts_file.write_text(json.dumps(users, indent=2), "utf-8")
    log_file = directory / "provider.log"
    env = {**os.environ, "OIDC_PORT": "0", "OIDC_REDIRECT_URIS": " ".join(uris),
           "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_ACCOUNTS_FILE": str(accounts_file)}
    env.pop("OIDC_KEEP_RUNNING", None)
    with open(log_file, "wb") as log:
        # stdin stays an open pipe: the provider exits when it closes, i.e. with this process.
        process = subprocess.Popen([shutil.which("node") or "node", str(OIDC_DIR / "provider.mjs")],
                                   cwd=OIDC_DIR, env=env, stdin=subprocess.PIPE, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        issuer = _wait_until_ready(process, log_file)
    except BaseException:
        _stop(process)
        raise
    return OidcProvider(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        redirect_uris=uris, accounts_file=accounts_file, log_file=log_file,
                        process=process)


def _wait_until_ready(process: subprocess.Popen[bytes], log_file: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    issuer = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OidcProviderError(f"tests/oidc/provider.mjs exited with {process.returncode}:\n"
                                    f"{log_file.read_text('utf-8', errors='replace')}")
        if issuer is None:
            for line in log_file.read_text("utf-8", errors="replace").splitlines():
                if line.startswith(READY):
                    issuer = json.loads(line[len(READY):])["issuer"]
        if issuer is not None:
            with (contextlib.suppress(URLError, OSError, ValueError),
                  urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as answer):
                if json.load(answer).get("issuer") == issuer:
                    return issuer
        time.sleep(0.05)
    raise OidcProviderError(f"tests/oidc/provider.mjs did not answer within {START_TIMEOUT} s:\n"
                            f"{log_file.read_text('utf-8', errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    if process.stdin:
        with contextlib.suppress(OSError):
            process.stdin.close()


@pytest.fixture(scope="session")
def oidc_node_modules() -> None:
    """tests/oidc/node_modules, installed once (npm ci) if missing."""
    try:
        ensure_node_modules()
    except OidcProviderError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def start_oidc_provider(oidc_node_modules: None, tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[Callable[..., OidcProvider]]:
    """`start_oidc_provider(redirect_uris, users=None)` -> a running OidcProvider; every
    provider started is stopped after the test."""
    started: list[OidcProvider] = []

    def start(redirect_uris: str | Sequence[str], *,
              users: dict[str, dict[str, Any]] | None = None) -> OidcProvider:
        try:
            provider = start_provider(redirect_uris, tmp_path_factory.mktemp("oidc"),
                                      users=users)
        except OidcProviderError as error:
            pytest.fail(str(error), pytrace=False)
        started.append(provider)
        return provider

    try:
        yield start
    finally:
        for provider in started:
            provider.stop()


@pytest.fixture
def oidc_redirect_uris() -> list[str]:
    """The client's redirect URIs for `oidc_provider`; override the fixture to change them."""
    return ["http://localhost/login/oidc/callback", "http://127.0.0.1/login/oidc/callback",
            "http://127.0.0.1:5000/login/oidc/callback"]


@pytest.fixture
def oidc_provider(start_oidc_provider: Callable[..., OidcProvider],
                  oidc_redirect_uris: list[str]) -> OidcProvider:
    """A running provider whose client accepts `oidc_redirect_uris`."""
    return start_oidc_provider(oidc_redirect_uris)
