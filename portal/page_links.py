"""The links under a long list to its other pages: previous, the numbers around the current
page (1 … 4 5 [6] 7 8 … 20), next; other query arguments kept.

Built as strings: the search page shows them under every result list, and a template macro's
calls, translations and escaping cost about a tenth of that page's rendering.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from catalog.pagination import Page

from .i18n import page_translations
from .page_urls import urls_with_each


def page_links(page: Page[Any], param: str = "page") -> Markup:
    """The page links of a `catalog.pagination.Page` ("" for a single page); `param` is the
    query argument that names the page."""
    if page.pages <= 1:
        return Markup("")
    gettext = page_translations().ugettext
    shown = page.numbers()
    numbers = sorted({n for n in shown if n is not None}
                     | {n for n in (page.page - 1, page.page + 1) if 1 <= n <= page.pages})
    href = {n: escape(url) for n, url in zip(numbers, urls_with_each(param, numbers),
                                             strict=True)}
    items = []
    if page.has_previous:
        items.append(f'<li><a href="{href[page.page - 1]}" rel="prev">‹ '
                     f'{escape(gettext("Previous"))}</a></li>')
    label = gettext("Page %(num)d")
    for number in shown:
        if number is None:
            items.append('<li><span aria-hidden="true">…</span></li>')
        elif number == page.page:
            items.append(f'<li><span aria-current="page">{number}</span></li>')
        else:
            items.append(f'<li><a href="{href[number]}" aria-label="'
                         f'{escape(label % {"num": number})}">{number}</a></li>')
    if page.has_next:
        items.append(f'<li><a href="{href[page.page + 1]}" rel="next">'
                     f'{escape(gettext("Next"))} ›</a></li>')
    return Markup(f'<nav aria-label="{escape(gettext("Pages"))}">'
                  f'<ul class="pagination">{"".join(items)}</ul></nav>')
