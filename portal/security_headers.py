"""Security headers on every response: a strict Content-Security-Policy, frame protection,
Referrer-Policy, nosniff and, behind https, HSTS. Built once per app; a response that set a
header of its own (an attachment's stricter one) keeps it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

# A CSP source: a keyword of the two that make sense here, or an origin/host without spaces,
# semicolons, commas or quotes (anything else could end the directive and add another).
EMBED_PREFIX = "/embed/"
_SOURCE = re.compile(r"'self'|'none'|(?:[a-z][a-z0-9+.-]*://)?[^\s;,'\"]+", re.IGNORECASE)


@dataclass(frozen=True)
class SecurityHeaders:
    """The headers every response gets, and where Markdown images may come from."""

    headers: dict[str, str]
    # The cards made for intranet iframes (/embed/...): framed by PORTAL_FRAME_ANCESTORS too.
    embed_headers: dict[str, str] = field(default_factory=dict)
    image_sources: frozenset[str] = field(default_factory=frozenset)

    def apply(self, response: Response) -> Response:
        headers = self.embed_headers if request.path.startswith(EMBED_PREFIX) else self.headers
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response


def sources(value: str | list[str] | None, setting: str) -> list[str]:
    """A setting's origins or hosts, given as text (spaces or commas between) or as a list."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value or [])
    bad = [item for item in items if not _SOURCE.fullmatch(item)]
    if bad:
        raise ValueError(f"{setting}: not an origin or host: {', '.join(bad)}")
    return items


def build(config: dict) -> SecurityHeaders:
    """The headers for a configuration (raises ValueError on a malformed source)."""
    embedders = sources(config["FRAME_ANCESTORS"], "FRAME_ANCESTORS")
    image_hosts = sources(config["MARKDOWN_IMAGE_HOSTS"], "MARKDOWN_IMAGE_HOSTS")
    base = urlsplit(str(config["BASE_URL"]))

    def headers_framed_by(ancestors: list[str]) -> dict[str, str]:
        policy = "; ".join([
            "default-src 'self'", "script-src 'self'", "style-src 'self'",
            " ".join(["img-src 'self'", *image_hosts]), "object-src 'none'", "base-uri 'self'",
            "form-action 'self'", " ".join(["frame-ancestors", *ancestors]),
        ])
        headers = {
            "Content-Security-Policy": policy,
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
        }
        if ancestors == ["'self'"]:
            headers["X-Frame-Options"] = "SAMEORIGIN"
        elif ancestors == ["'none'"]:
            headers["X-Frame-Options"] = "DENY"
        if base.scheme.lower() == "https":
            headers["Strict-Transport-Security"] = "max-age=31536000"
        return headers

    # Only the cards are for other sites' frames; every other page may be framed by itself.
    embed_ancestors = embedders if "'none'" in embedders else ["'self'", *embedders]
    own_origin = f"{base.scheme.lower()}://{base.netloc.lower()}"
    return SecurityHeaders(
        headers_framed_by(["'self'"]),
        headers_framed_by(list(dict.fromkeys(embed_ancestors))),
        frozenset([own_origin, *(h.lower() for h in image_hosts)]))


def markdown_image_sources() -> frozenset[str]:
    """Where images in owner Markdown may load from, besides relative URLs."""
    return current_app.extensions["security_headers"].image_sources


def init_app(app: Flask) -> None:
    security = build(app.config)
    app.extensions["security_headers"] = security
    app.after_request(security.apply)
