"""Markdown written by department owners is shown safely."""

from html.parser import HTMLParser

import pytest

from catalog.markdown import render_markdown


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of the HTML with its attributes, as a browser would see them."""
    found: list[tuple[str, dict[str, str]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, {k: v or "" for k, v in attrs}))

    Collector().feed(html)
    return found


def test_markdown_renders_formatting_lists_and_links():
    html = render_markdown("**Bring** your badge.\n\n- one\n- two\n\n[Form](https://intranet.example.com/f)")
    assert "<strong>Bring</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://intranet.example.com/f"' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "Hello <img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "![x](javascript:alert(1))",
    "<iframe src=https://evil.example.com></iframe>",
    "[x](vbscript:msgbox)",
])
def test_hostile_markdown_is_rendered_harmless(hostile):
    tags = elements(render_markdown(hostile))
    assert not {name for name, _ in tags} & {"script", "iframe", "object", "embed", "style"}
    for _, attributes in tags:
        assert not any(key.startswith("on") for key in attributes)
        for key in ("href", "src"):
            if key in attributes:
                assert attributes[key].lower().startswith(("http:", "https:", "mailto:"))


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""
