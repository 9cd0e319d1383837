"""Where a webhook may point: https to a public address (no requests into the portal's own
network, "server-side request forgery"), unless local receivers are allowed (tests, labs)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..errors import ValidationError
from ..messages import Message, _

MAX_URL = 2000
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


def _refused(message: Message) -> ValidationError:
    return ValidationError(_("Please correct the marked fields."), {"url": message})


def check_url(url: object, allow_local: bool) -> str:
    """The URL, stripped, if a hook may post to it; else ValidationError at `url`.

    `allow_local` (PORTAL_WEBHOOK_ALLOW_HTTP): http to localhost, and private addresses."""
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        raise _refused(_("Enter the address to post events to."))
    if len(text) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise _refused(_("Enter a web address of at most %(max)d characters, without spaces.",
                         max=MAX_URL))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _refused(_("This is not a web address.")) from None
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise _refused(_("Enter a web address starting with https://."))
    if parts.username or parts.password:
        raise _refused(_("Put no user name or password into the address; events are signed."))
    if parts.scheme == "http" and not (allow_local and host in LOCAL_NAMES):
        raise _refused(_("Enter a web address starting with https://."))
    check_host(host, port or (443 if parts.scheme == "https" else 80), allow_local)
    return text


def check_host(host: str, port: int, allow_local: bool) -> None:
    """Refuse a host that does not resolve, or resolves to a private or loopback address."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise _refused(_("The host %(host)s cannot be found.", host=host)) from None
    if allow_local:
        return
    for *_rest, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global:
            raise _refused(_("The host %(host)s is in a private network; webhooks post only "
                             "to public addresses.", host=host))
