"""What a person wrote in a reply, without the quoted history and the signature."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage

# "On Tue, 8 Jul 2025 at 10:00, Adam <adam@example.com> wrote:" (often broken over two lines)
# and "Am 08.07.2025 um 10:00 schrieb Adam <adam@example.com>:".
ATTRIBUTION = re.compile(r"^(On\s.+\swrote:|Am\s.+\sschrieb\s.*:)\s*$", re.IGNORECASE | re.DOTALL)
ATTRIBUTION_START = re.compile(r"^(On|Am)\s", re.IGNORECASE)
# Outlook and others quote below a separator or a header block instead.
ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Forwarded message|"
                      r"Weitergeleitete Nachricht)\s*-{2,}\s*$", re.IGNORECASE)
HEADER_BLOCK = re.compile(r"^\s*(From|Von):\s.+$", re.IGNORECASE)
TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
BREAK = re.compile(r"<\s*(br|/p|/div|/li|/tr)\b[^>]*>", re.IGNORECASE)


def _end_of_reply(lines: list[str]) -> int:
    """The index of the first line that belongs to the quoted history or the signature."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if line.rstrip() == "--" or ORIGINAL.match(line):
            return index
        if ATTRIBUTION_START.match(stripped):
            if ATTRIBUTION.match(stripped):
                return index
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if following and ATTRIBUTION.match(f"{stripped} {following}"):
                return index
        if HEADER_BLOCK.match(line) and index + 1 < len(lines) \
                and re.match(r"^\s*(Sent|Gesendet|Date|Datum|To|An):", lines[index + 1], re.I):
            return index
    return len(lines)


def strip_reply(text: str) -> str:
    """The new text of a reply: up to the quoted history or the signature ("-- "), without
    lines quoted with ">"."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [line.rstrip() for line in lines[:_end_of_reply(lines)]
            if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


def html_to_text(markup: str) -> str:
    """Plain text of an HTML-only mail: breaks kept, tags dropped, entities decoded."""
    text = BREAK.sub("\n", markup)
    text = TAG.sub("", text)
    return html.unescape(text)


def body_of(message: EmailMessage) -> str:
    """The reply's text: its plain-text part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return strip_reply(content)
