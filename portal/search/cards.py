"""Search results as HTML, each rendered once per offering and kept for later queries.

A result shows what its offering is (link, title in the reader's language, department,
commitment, whom it is open to) and what the query found in it (the marked title and snippet).
The first part depends on the catalog, the language and the reader's audience only, so it is
rendered once and kept under those (the index state stands for the catalog: every catalog
revision makes a new one); a search page then only marks the words found. Answers from an
index that is catching up (no state) are rendered afresh. With SEARCH_WARM_UP, the first page
of a language, audience and index state has the cards of every offering kept for that state
rendered in the background (see catalog/search/warming.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from functools import partial
from typing import NamedTuple

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from catalog.models import Offering
from catalog.search import Hit, SearchIndex, SearchResults
from catalog.search.memo import Memo
from catalog.search.operations import kept_offerings

from ..indexing import search_index
from ..locale_memo import force_locale
from ..templating import marked

CUT = "<!--cut-->"  # escaped catalog text cannot contain these
END = "<!--end-->"
# Rendered results kept per process (about 1 KB each), least recently used dropped first.
CARDS_KEPT = 20_000
# Cards rendered at once while warming up (see `_warm`): a few ms.
WARM_CHUNK = 50


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
        made = _rendered([results.hits[n].offering for n in missing], audience, link_marker)
        for n, card in zip(missing, made, strict=True):
            cards[n] = card
            if state is not None:
                kept.put(keys[n], card)
    if state is not None and current_app.config["SEARCH_WARM_UP"]:
        _warm_later(state, locale, audience, link_marker)
    return Markup("".join([_filled(card, hit) for card, hit in zip(cards, results.hits,
                                                                 strict=True)]))


def _rendered(offerings: list[Offering], audience: str | None, link_marker: str,
              ) -> list[Card]:
    html = render_template("search/_hits.html", audience=audience, offerings=offerings,
                           from_search=link_marker, cut=Markup(CUT), end=Markup(END))
    return [_card(card_html) for card_html in html.split(END)[:len(offerings)]]


def _warm_later(state: Hashable, locale: str, audience: str | None, link_marker: str) -> None:
    index = search_index()
    key = ("cards", state, locale, audience, link_marker)
    if not index.warming.asked(key):  # the request's address only then (it costs)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        index.warming.ask(key, partial(_warm, app, index, request.url_root, state, locale,
                                       audience, link_marker))


def _warm(app: Flask, index: SearchIndex, url_root: str, state: Hashable, locale: str,
          audience: str | None, link_marker: str) -> Iterator[None]:
    """Render the cards of every offering kept for this index state (see
    catalog.search.warming) for one language, audience and link, as a page of that request
    would: a chunk a step, while the state is still the open one. Only as many of these
    sets as the kept cards hold for the catalog (each set pushing out the others' would be
    work for nothing)."""
    kept: Memo = app.extensions["result_cards"]
    offerings = kept_offerings(index, state)
    warmed = app.extensions["result_cards_warmed"]  # [state, sets warmed for it]
    if warmed[0] != state:
        warmed[:] = [state, 0]
    warmed[1] += 1
    if warmed[1] * len(offerings) > kept.limit:
        return
    for start in range(0, len(offerings), WARM_CHUNK):
        if index.kept_rows(state) is None:
            return
        chunk = [o for o in offerings[start:start + WARM_CHUNK]
                 if kept.get((state, o.id, locale, audience, link_marker)) is None]
        if chunk:
            with app.test_request_context(base_url=url_root), force_locale(locale):
                for offering, card in zip(chunk, _rendered(chunk, audience, link_marker),
                                          strict=True):
                    kept.put((state, offering.id, locale, audience, link_marker), card)
        yield


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
    app.extensions["result_cards_warmed"] = [None, 0]
