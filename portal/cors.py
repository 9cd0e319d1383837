"""Cross-origin reads of the catalog API from intranet pages (PORTAL_CORS_ORIGINS).

Only the read-only endpoints, only GET (and its preflight), never with cookies or tokens: an
intranet page's script may show the catalog, search it and suggest from it, but cannot act as
the person looking at it. Empty by default: no other origin may read anything.
"""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from .security_headers import sources

# The catalog as the JSON API reads it: departments, offerings, search, suggestions, the spec.
READ_API = r"^/api/v1/(departments(/[^/]+){0,2}|search|suggest|openapi\.json)$"
# Headers a page's fetch may send (tokens and cookies are not among them).
ALLOWED_HEADERS = ["Accept", "Accept-Language", "Content-Language", "If-None-Match"]
EXPOSED_HEADERS = ["ETag", "Retry-After", "Link"]
PREFLIGHT_MAX_AGE = 600


def origins(config: dict) -> list[str]:
    """The configured origins (scheme://host[:port]), commas or spaces between."""
    found = sources(config["CORS_ORIGINS"], "CORS_ORIGINS")
    bad = [origin for origin in found if "://" not in origin or origin.startswith("'")]
    if bad:
        raise ValueError(f"CORS_ORIGINS: not an origin such as https://intranet.example.com: "
                         f"{', '.join(bad)}")
    return [origin.rstrip("/") for origin in found]


def init_app(app: Flask) -> None:
    allowed = origins(app.config)
    if not allowed:
        return
    CORS(app, resources={READ_API: {"origins": allowed}}, methods=["GET", "HEAD", "OPTIONS"],
         allow_headers=ALLOWED_HEADERS, expose_headers=EXPOSED_HEADERS,
         supports_credentials=False, max_age=PREFLIGHT_MAX_AGE, vary_header=True)
