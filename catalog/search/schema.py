"""What the index holds for an offering: the fields, their analysis, and the document."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.fields import ID, STORED, TEXT, Schema

from ..models import Offering
from .text import exact_analyzer, language_analyzer, prefix_analyzer, spelling_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 5
LANGUAGES = ("de", "en")
# Zones of an offering and how much a match in each counts: title > keywords > summary > body.
ZONES = {"title": 6.0, "keywords": 4.0, "summary": 2.5, "body": 1.0}
EXACT_BOOST = 2.0
META_ID = "_meta"


def build_schema() -> Schema:
    """The index schema: one field per zone and language, exact words and prefixes."""
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True, sortable=True),
        "stamp": ID(sortable=True),
        "department": ID(stored=True, sortable=True),
        "department_name": ID(sortable=True),
        "audiences": ID(sortable=True),
        # Stored for search as you type, which answers without asking the database.
        "slug": STORED(),
        "title": STORED(),
        # {language: title} of the other language's titles, for search as you type.
        "titles": STORED(),
        "meta": STORED(),
        "exact": TEXT(analyzer=exact_analyzer(), phrase=False),
        "prefix": TEXT(analyzer=prefix_analyzer(), phrase=False),
        # Words as people write them (only lowercased), for "did you mean".
        "spelling": TEXT(analyzer=spelling_analyzer(), phrase=False),
    }
    for language in LANGUAGES:
        analyzer = language_analyzer(language)
        for zone in ZONES:
            fields[f"{zone}_{language}"] = TEXT(analyzer=analyzer, phrase=zone != "keywords")
    return Schema(**fields)


def stamp_for(offering_id: int, version: int, department_slug: str, department_name: str) -> str:
    """Changes whenever what the index holds about the offering changes."""
    key = f"{version}\x1f{department_slug}\x1f{department_name}"
    return f"{offering_id}:{zlib.crc32(key.encode()):08x}"


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+|\||<[^>]*>")
# Emphasis and code marks: between two letters they part words (as before), at a word's edge
# they go ("**the same day**." reads "the same day.", not "the same day .").
_EMPHASIS = re.compile(r"[*_`~]+")
# Runs of spaces and tabs become one space (a single space is left alone: no work).
_SPACES = re.compile(r"[ \t]{2,}|\t")


def _between_letters(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def plain_text(markdown: str | None) -> str:
    """Markdown as readable plain text for the index and snippets (links keep their text)."""
    if not markdown:
        return ""
    # Each pattern only where its text can be there: most texts have no link or address.
    text = _LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    text = _URL.sub(" ", text) if "://" in text else text
    text = _MARKUP.sub(lambda m: m.group(1) or " ", text)
    text = _EMPHASIS.sub(lambda m: " " if _between_letters(text, m.start(), m.end()) else "",
                         text)
    return _SPACES.sub(" ", text).strip()


def body_parts(offering: Offering) -> Iterator[str]:
    """Description and service standard sections as plain text, one at a time."""
    yield from plain_parts((offering.description, offering.included, offering.not_included,
                             offering.prerequisites, offering.process))


def plain_parts(parts: Iterable[str | None]) -> Iterator[str]:
    """Each of these Markdown texts as plain text, the empty ones left out."""
    for part in parts:
        text = plain_text(part)
        if text:
            yield text


def body_text(offering: Offering) -> str:
    """Description and service standard as plain text."""
    return "\n".join(body_parts(offering))


def language_of(offering: Offering) -> str:
    """The language the offering's text is analysed in."""
    return offering.language if offering.language in LANGUAGES else "en"


def document_for(offering: Offering) -> dict[str, Any]:
    """The index document of a published offering (its department must be loaded)."""
    department = offering.department
    language = language_of(offering)
    keywords = " ; ".join(offering.keywords or [])
    body = body_text(offering)
    audience = list(offering.audience or [])
    document: dict[str, Any] = {
        "id": str(offering.id),
        "stamp": stamp_for(offering.id, offering.version, department.slug, department.name),
        "department": department.slug,
        "department_name": department.name,
        "audiences": ",".join(sorted(audience)),
        "slug": offering.slug,
        "title": offering.title,
        "exact": "\n".join((offering.title, keywords, offering.summary or "", body,
                            department.name)),
        "prefix": f"{offering.title}\n{keywords}",
        "spelling": f"{offering.title}\n{keywords}\n{offering.summary or ''}",
        f"title_{language}": offering.title,
        f"keywords_{language}": keywords,
        f"summary_{language}": offering.summary or "",
        f"body_{language}": f"{body}\n{department.name}",
    }
    for other, texts in translated_texts(offering):
        # The other language's texts, analysed in that language: either language finds it.
        words = "\n".join((texts["title"], texts["keywords"], texts["summary"]))
        document["exact"] += f"\n{words}\n{texts['body']}"
        document["prefix"] += f"\n{texts['title']}\n{texts['keywords']}"
        document["spelling"] += f"\n{words}"
        if texts["title"]:
            document.setdefault("titles", {})[other] = texts["title"]
        for zone in ZONES:
            document[f"{zone}_{other}"] = texts[zone]
    return document


def translated_texts(offering: Offering) -> Iterator[tuple[str, dict[str, str]]]:
    """(language, {zone: text}) for each language the offering has translations in."""
    own = language_of(offering)
    for other, texts in (offering.translations or {}).items():
        if other not in LANGUAGES or other == own or not isinstance(texts, dict):
            continue
        standard = texts.get("service_standard") or {}
        body = plain_parts((texts.get("description"), *(
            standard.get(section) for section in ("included", "not_included",
                                                  "prerequisites", "process"))))
        yield other, {"title": texts.get("title") or "",
                      "keywords": " ; ".join(texts.get("keywords") or []),
                      "summary": texts.get("summary") or "", "body": "\n".join(body)}
