"""The one place that turns user-written Markdown into HTML that is safe to show."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


@lru_cache(maxsize=4096)
def render_markdown(text: str | None, image_sources: frozenset[str] = frozenset()) -> str:
    """HTML for Markdown text; raw HTML is escaped and only http(s)/mailto links survive.

    Images load only from this site (relative URLs) or from `image_sources`: origins such as
    `https://portal.example.com`, or bare host names (http or https, default ports). Any other
    image becomes a link to it: reading a page never tells another site who read it."""
    if not text:
        return ""
    tokens = _md.parse(text)
    for block in tokens:
        if block.children:
            block.children = _images_from(block.children, image_sources)
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def image_allowed(src: str, image_sources: frozenset[str]) -> bool:
    """Whether an image URL is relative to this site or from one of the allowed sources."""
    # Browsers drop tabs and line breaks and read "\" as "/": "/\t/evil" is "//evil".
    try:
        url = urlsplit(src.replace("\\", "/").translate({9: None, 10: None, 13: None}).strip())
        port = url.port
    except ValueError:  # "http://host:99999/", "http://[::1/": no address a browser loads
        return False
    if not url.scheme and not url.netloc:
        return True
    scheme, host = url.scheme.lower(), url.netloc.rpartition("@")[2].lower()
    bare_host = url.hostname if port is None else None  # a bare name means default ports
    return scheme in ("", "http", "https") and bool(
        {f"{scheme}://{host}", bare_host} & image_sources)


def _images_from(inline: list[Token], image_sources: frozenset[str]) -> list[Token]:
    """The inline tokens with every image from elsewhere turned into a link (or, inside a
    link, into its text)."""
    result: list[Token] = []
    in_link = 0
    for token in inline:
        if token.type in ("link_open", "link_close"):
            in_link += 1 if token.type == "link_open" else -1
        if token.type != "image" or image_allowed(str(token.attrGet("src") or ""), image_sources):
            result.append(token)
            continue
        src = str(token.attrGet("src") or "")
        label = token.children or [Token("text", "", 0, content=src)]
        if in_link:
            result.extend(label)
        else:
            result.extend([Token("link_open", "a", 1, attrs={"href": src}), *label,
                           Token("link_close", "a", -1)])
    return result
