"""Search results as HTML, each rendered once per offering and kept for later queries.

A result shows what its offering is (link, title in the reader's language, department,
commitment, whom it is open to) and what the query found in it (the marked title and snippet).
The first part depends on the catalog, the language and the reader's audience only, so it is
rendered once and kept under those (the index state stands for the catalog: every catalog
revision makes a new one); a search page then only marks the words found. Answers from an
index that is catching up (no state) are rendered afresh.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Flask, current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from catalog.search import Hit, SearchResults
from catalog.search.memo import Memo

from ..templating import marked

CUT = "<!--cut-->"  # escaped catalog text cannot contain these
END = "<!--end-->"
# Rendered results kept per process (about 1 KB each), least recently used dropped first.
CARDS_KEPT = 20_000


class Card(NamedTuple):
    """A result's HTML around what the query changes: before the title (all of it when the
    title is a translation, which is not marked), between title and snippet, the snippet's
    opening tag, and the rest."""

    head: str
    between: str
    snippet_open: str
    tail: str
    marks_title: bool


def result_cards(results: SearchResults, audience: str | None, link_marker: str) -> Markup:
    """The page's results as HTML (`<li>` elements), in order."""
    kept: Memo = current_app.extensions["result_cards"]
    state, locale = results.state, str(get_locale())
    keys = [(state, hit.offering.id, locale, audience, link_marker) for hit in results.hits]
    cards = kept.get_each(keys) if state is not None else [None] * len(keys)
    missing = [n for n, card in enumerate(cards) if card is None]
    if missing:  # rendered in one go: a template's own set-up costs as much as a card
        html = render_template("search/_hits.html", audience=audience,
                               offerings=[results.hits[n].offering for n in missing],
                               from_search=link_marker, cut=Markup(CUT), end=Markup(END))
        for n, card_html in zip(missing, html.split(END), strict=False):
            cards[n] = _card(card_html)
            if state is not None:
                kept.put(keys[n], cards[n])
    return Markup("".join([_filled(card, hit) for card, hit in zip(cards, results.hits,
                                                                 strict=True)]))


def _card(html: str) -> Card:
    pieces = html.split(CUT)
    if len(pieces) == 3:  # a translated title: nothing to mark in it
        return Card(pieces[0], "", pieces[1], pieces[2], marks_title=False)
    head, between, snippet_open, tail = pieces
    return Card(head, between, snippet_open, tail, marks_title=True)


def _filled(card: Card, hit: Hit) -> str:
    # Joined as plain strings: adding a str to Markup would escape the str.
    pieces = [card.head]
    if card.marks_title:
        pieces.append(marked(hit.title))
    pieces.append(card.between)
    if hit.snippet:
        pieces += (card.snippet_open, marked(hit.snippet), "</p>")
    pieces.append(card.tail)
    return "".join(pieces)


def init_app(app: Flask) -> None:
    app.extensions["result_cards"] = Memo(CARDS_KEPT)
