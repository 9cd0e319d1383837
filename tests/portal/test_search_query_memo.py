"""Clauses and scores remembered per index state never outlive an edit: not on the host where
the edit was made, nor on another host with its own index on the same database (the answer
cache is off here, so every search runs on what the index view remembers)."""

from __future__ import annotations

import pytest

from portal.indexing import catalog_changed
from tests.portal.test_search_answer_cache import edit_leave, offerings, second_host  # noqa: F401
from tests.search_fixtures import load_search_catalog


@pytest.fixture
def catalog(app, session):
    load_search_catalog(session)
    app.config["SEARCH_ANSWER_CACHE_SIZE"] = 0
    app.extensions.pop("search_index", None)


def memo_of(app):  # noqa: ANN001, ANN201
    return app.extensions["search_index"]._view.memo


def test_a_new_query_of_known_words_reuses_their_clauses(app, client, catalog):
    assert offerings(client, "q=Urlaub") == ["leave"]
    offerings(client, "q=laptop+")  # a finished word (a space after it): no prefix
    memo = memo_of(app)
    words, scores = memo.words.misses, memo.scores.hits
    assert offerings(client, "q=laptop+Urlaub")
    # Nothing built anew: the two words and their synonyms' words were all remembered.
    assert memo.words.misses == words and memo.scores.hits == scores + 2


def test_the_words_of_a_query_s_synonyms_are_remembered_too(app, client, catalog):
    offerings(client, "q=laptop+")  # laptop, notebook, computer, PC, Rechner
    memo = memo_of(app)
    misses, hits = memo.words.misses, memo.words.hits
    offerings(client, "q=laptop+")  # asked again (no answer cache here)
    assert memo.words.misses == misses
    assert memo.words.hits > hits + 1  # not only the word typed


def test_an_edit_on_this_host_is_found_by_the_next_search(app, client, session, catalog):
    assert offerings(client, "q=Urlaub") == ["leave"]
    before = memo_of(app)
    edit_leave(session, "Antrag auf Freizeitausgleich")
    with app.app_context():
        catalog_changed()  # what the edit's view does after committing
    assert offerings(client, "q=Urlaub") == []
    assert offerings(client, "q=Freizeitausgleich") == ["leave"]
    assert memo_of(app) is not before


def test_an_edit_on_another_host_is_found_here(app, client, second_host, session,  # noqa: F811
                                              catalog):
    second_host.config["SEARCH_ANSWER_CACHE_SIZE"] = 0
    second_host.extensions.pop("search_index", None)
    other = second_host.test_client()
    for host in (other, client):
        assert offerings(host, "q=Urlaub") == ["leave"]
    edit_leave(session, "Antrag auf Freizeitausgleich")  # on neither host's index
    with second_host.app_context():
        catalog_changed()  # the second host made the edit: only its index is told
    for host in (other, client):
        assert offerings(host, "q=Urlaub") == []
        assert offerings(host, "q=Freizeitausgleich") == ["leave"]
