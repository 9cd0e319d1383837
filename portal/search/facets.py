"""The filter lists beside search results: each department and audience with its count, as
links that narrow the results (the selected one not a link).

Built as strings here rather than in the template: a results page lists every department with
a match, and a template's function calls and escaping cost ten times as much per entry.
Departments are named in the reader's language where they have a name in it (as on the result
cards), read once per index state and language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, cast

from flask import Flask, current_app
from markupsafe import Markup, escape

from catalog import directory
from catalog.search import SearchResults
from catalog.search.memo import Memo
from catalog.translations import Text

from ..display import audience_group
from ..entry_texts import lang_of, page_language
from ..extensions import db
from ..i18n import page_translations
from ..page_urls import url_with, urls_with_each

# Department names kept per index state and language (a state lasts until the next change).
NAMES_KEPT = 8


class Facets(NamedTuple):
    """The two lists' entries (`<li>` elements) and how many filters are applied."""

    departments: Markup
    audiences: Markup
    applied: int


def result_facets(results: SearchResults) -> Facets:
    """The facet lists of a results page (links keep the query and go to the first page)."""
    criteria = results.criteria
    names = department_names(results)
    gettext = page_translations().ugettext
    departments = _entries("department", criteria.department, gettext("All departments"),
                           results.facets["department"], names.__getitem__)
    audiences = _entries("audience", criteria.audience, gettext("All audiences"),
                         results.facets["audience"],
                         lambda value: Text(_capitalized(audience_group(value)), ""))
    return Facets(departments, audiences, bool(criteria.department) + bool(criteria.audience))


def department_names(results: SearchResults) -> dict[str, Text]:
    """{slug: name} of the departments the facets may list, in the reader's language where
    translated; a department the database no longer has keeps the index's name."""
    kept: Memo = current_app.extensions["facet_names"]
    key = (results.state, page_language())
    names = cast("dict[str, Text] | None",
                 kept.get(key) if results.state is not None else None)
    if names is None:
        names = directory.department_names(db.session, key[1])
        if results.state is not None:
            kept.put(key, names)
    missing = results.facets["department"].keys() - names.keys()
    if missing:
        names = {**names, **{slug: Text(results.department_names.get(slug, slug), "")
                             for slug in missing}}
    return names


def _entries(name: str, selected: str | None, everything: str, counts: dict[str, int],
             label: Callable[[str], Text]) -> Markup:
    values = list(counts)
    hrefs = urls_with_each(name, values, page=None)
    items = [_item(Text(everything, ""), "", not selected,
                   url_with(**{name: None, "page": None}))]
    items += [_item(label(value), f' <span class="facet-count">({counts[value]:d})</span>',
                    value == selected, href) for value, href in zip(values, hrefs, strict=True)]
    return Markup("".join(items))


def _item(label: Text, count: str, selected: bool, href: str) -> str:
    """An entry; a label not in the page's language says which it is in (`Text.lang`, ""
    for the page's)."""
    lang = lang_of(label)
    if selected:
        return (f'<li><span class="facet-selected" aria-current="true"{lang}>'
                f'{escape(label.value)}{count}</span></li>')
    return f'<li><a href="{escape(href)}"{lang}>{escape(label.value)}{count}</a></li>'


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]


def init_app(app: Flask) -> None:
    app.extensions["facet_names"] = Memo(NAMES_KEPT)
