"""Behind a reverse proxy: the client's address and scheme from X-Forwarded-For and
X-Forwarded-Proto, believed only when the connection comes from PORTAL_TRUSTED_PROXIES.

Without this every visitor behind the proxy would have the proxy's address, and the limits per
client address (searches, sign-in attempts) would count them all together. A client that reaches
the portal directly cannot claim another address: its headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxyFix:
    """WSGI middleware: Werkzeug's ProxyFix (one proxy hop) for requests from trusted peers."""

    def __init__(self, wsgi_app: Any, networks: Iterable[Network]) -> None:
        self.wsgi_app = wsgi_app
        self.networks = list(networks)
        self.behind_proxy = ProxyFix(wsgi_app, x_for=1, x_proto=1)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.behind_proxy(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _trusted(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def init_app(app: Flask) -> None:
    """Wrap the app once PORTAL_TRUSTED_PROXIES is parsed (auth.init_app); nothing if empty."""
    networks = app.extensions["trusted_proxies"]
    if networks:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, networks)  # type: ignore[method-assign]
