"""Absolute links come from PORTAL_BASE_URL, never from the request's Host header; requests
naming a host that is not trusted are refused with 400.

A forged Host header would otherwise reach every `url_for(..., _external=True)`: permalinks and
embed snippets of cached pages, API answers, `/opensearch.xml`, Location headers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import flask
from flask import Config, Flask, Request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.routing import MapAdapter

# Trusted besides the base URL's host when PORTAL_TRUSTED_HOSTS is not set: `make run`, tests.
LOCAL_HOSTS = ("localhost", "127.0.0.1")
# Marks a request whose Host header named an untrusted host (in its WSGI environment).
UNTRUSTED = "portal.untrusted_host"


class Portal(Flask):
    """Flask whose URL building starts from PORTAL_BASE_URL (scheme, host and path prefix).

    So an address without variable parts (a page's, a static file's) is the same for every
    request: each is built once (`url_for`), not about ten times per page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fixed_urls: dict[tuple[object, ...], str] = {}

    def url_for(self, endpoint: str, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values: Any) -> str:
        fixed = (not values or (endpoint == "static" and values.keys() == {"filename"})) \
            and endpoint[:1] != "." and _anchor is None and _method is None and _scheme is None
        if not fixed:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method,
                                   _scheme=_scheme, _external=_external, **values)
        # Outside a request, addresses are absolute unless asked otherwise (as Flask's).
        external = _external if _external is not None else not flask.has_request_context()
        key = (endpoint, values.get("filename"), external, self.config["BASE_URL"])
        found = self._fixed_urls.get(key)
        if found is None:
            found = self._fixed_urls[key] = super().url_for(endpoint, _external=external,
                                                            **values)
        return found

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        base = urlsplit(str(self.config["BASE_URL"]))
        if request is None:  # commands and mail: no request, links as from the base URL
            return self.url_map.bind(base.netloc, script_name=base.path or "/",
                                     url_scheme=base.scheme)
        try:
            adapter = super().create_url_adapter(request)
        except SecurityError:
            # An untrusted Host: the request is refused (400, see `refuse_untrusted_host`), but
            # its error page still needs links, made from the base URL as always.
            request.environ[UNTRUSTED] = True
            request.host = base.netloc  # type: ignore[misc]
            adapter = self.url_map.bind_to_environ(request.environ, server_name=base.netloc,
                                                   subdomain="")
        assert adapter is not None  # a request always gets one
        adapter.server_name = base.netloc
        adapter.url_scheme = base.scheme
        adapter.script_name = base.path.rstrip("/") + "/"
        return adapter


def trusted_hosts(config: Config | dict[str, Any]) -> list[str]:
    """Host names the portal answers: the base URL's host and PORTAL_TRUSTED_HOSTS (a list, or
    comma-separated), by default localhost and 127.0.0.1."""
    setting = config["TRUSTED_HOSTS"]
    if setting is None:
        setting = LOCAL_HOSTS
    elif isinstance(setting, str):
        setting = [host for host in (item.strip() for item in setting.split(",")) if host]
    base_host = urlsplit(str(config["BASE_URL"])).hostname or ""
    return list(dict.fromkeys([base_host, *setting]))


# Answered whatever the Host: a load balancer or orchestrator probes each host by its own
# address, and the probe's JSON holds no links and nothing cached.
ANY_HOST_ENDPOINTS = frozenset({"health.healthz"})


def refuse_untrusted_host() -> None:
    """Answer 400 before the view runs when the Host header named an untrusted host."""
    if (flask.request.environ.get(UNTRUSTED)
            and flask.request.endpoint not in ANY_HOST_ENDPOINTS):
        raise SecurityError(_("This address is not the portal's. Please use the portal's own "
                              "address."))


def init_app(app: Flask) -> None:
    app.before_request(refuse_untrusted_host)
