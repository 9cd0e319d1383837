"""Markdown written by department owners is shown safely."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

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


def image_hosts(html: str, page: str = "https://portal.example.com/departments/it") -> set[str]:
    """The hosts a browser on `page` would load the HTML's images from (it drops tabs and line
    breaks from URLs and reads a backslash as a slash)."""
    return {urlsplit(urljoin(page, attributes["src"].replace("\\", "/")
                             .translate({9: None, 10: None, 13: None}))).netloc
            for tag, attributes in elements(html) if tag == "img"}


def test_a_tracking_pixel_from_another_host_is_not_rendered():
    html = render_markdown("Welcome![](https://tracker.example.net/pixel.gif?reader=1)")
    assert image_hosts(html) == set()


def test_an_image_from_another_host_becomes_a_link_to_it():
    html = render_markdown("![Floor plan](https://elsewhere.example.net/plan.png)")
    assert ("a", {"href": "https://elsewhere.example.net/plan.png",
                  "rel": "noopener noreferrer"}) in elements(html)
    assert ">Floor plan</a>" in html
    linked = render_markdown("[![Plan](https://elsewhere.example.net/plan.png)](https://x.example)")
    assert [tag for tag, _ in elements(linked)] == ["p", "a"] and ">Plan</a>" in linked


@pytest.mark.parametrize("src", [
    "//tracker.example.net/p.gif", "<\\\\tracker.example.net/p.gif>",
    "</\t/tracker.example.net/p.gif>", "/\\tracker.example.net/p.gif",
    "http://portal.example.com/p.gif", "https://portal.example.com:8443/p.gif",
    "https://tracker.example.net/p.gif#portal.example.com",
    "https://portal.example.com@tracker.example.net/p.gif",
])
def test_images_from_elsewhere_in_disguise_are_not_rendered(src):
    html = render_markdown(f"![x]({src})", frozenset({"https://portal.example.com"}))
    assert image_hosts(html) <= {"portal.example.com"}


@pytest.mark.parametrize("src", ["https://portal.example.com:99999/p.gif",
                                 "https://portal.example.com:abc/p.gif", "http://[::1/p.gif"])
def test_an_image_address_with_a_broken_port_is_no_error(src):
    html = render_markdown(f"![x]({src})", frozenset({"https://portal.example.com"}))
    assert "<img" not in html and ">x</a>" in html


def test_images_of_this_site_and_of_allowed_hosts_are_rendered():
    sources = frozenset({"https://portal.example.com", "images.example.com"})
    for src in ("/static/plan.png", "plan.png", "https://portal.example.com/plan.png",
                "http://images.example.com/plan.png", "https://IMAGES.example.com/plan.png"):
        html = render_markdown(f"![Plan]({src})", sources)
        assert ("img", {"src": src, "alt": "Plan"}) in elements(html), src
