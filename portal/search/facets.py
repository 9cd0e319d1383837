"""The filter lists beside search results: each department and audience with its count, as
links that narrow the results (the selected one not a link).

Built as strings here rather than in the template: a results page lists every department with
a match, and a template's function calls and escaping cost ten times as much per entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from markupsafe import Markup, escape

from catalog.search import SearchResults

from ..display import audience_group
from ..i18n import page_translations
from ..page_urls import url_with, urls_with_each


class Facets(NamedTuple):
    """The two lists' entries (`<li>` elements) and how many filters are applied."""

    departments: Markup
    audiences: Markup
    applied: int


def result_facets(results: SearchResults) -> Facets:
    """The facet lists of a results page (links keep the query and go to the first page)."""
    criteria = results.criteria
    names = results.department_names
    gettext = page_translations().ugettext
    departments = _entries("department", criteria.department, gettext("All departments"),
                           results.facets["department"], lambda slug: names.get(slug, slug))
    audiences = _entries("audience", criteria.audience, gettext("All audiences"),
                         results.facets["audience"],
                         lambda value: _capitalized(audience_group(value)))
    return Facets(departments, audiences, bool(criteria.department) + bool(criteria.audience))


def _entries(name: str, selected: str | None, everything: str, counts: dict[str, int],
             label: Callable[[str], str]) -> Markup:
    values = list(counts)
    hrefs = urls_with_each(name, values, page=None)
    items = [_item(everything, "", not selected, url_with(**{name: None, "page": None}))]
    items += [_item(label(value), f' <span class="facet-count">({counts[value]:d})</span>',
                    value == selected, href) for value, href in zip(values, hrefs, strict=True)]
    return Markup("".join(items))


def _item(label: str, count: str, selected: bool, href: str) -> str:
    if selected:
        return (f'<li><span class="facet-selected" aria-current="true">{escape(label)}{count}'
                f'</span></li>')
    return f'<li><a href="{escape(href)}">{escape(label)}{count}</a></li>'


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]
