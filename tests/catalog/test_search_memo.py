"""What an index view remembers of earlier queries (word clauses, clause scores) gives the
same results as working them out afresh, stays within its bound, and never keeps scores that
were cut short by the time limit."""

from __future__ import annotations

import pytest
from whoosh.query import And, Or, Term

from catalog.search import SearchIndex, criteria, parse_query, search
from catalog.search.memo import Memo
from catalog.search.query import QueryBuilder
from catalog.search.scoring import Deadline, Evaluation, clause_key
from tests.search_fixtures import load_search_catalog

QUERIES = ["Urlaub", "laptop", "Urlaub laptop", "laptop Urlaub", "Labtop", "Labtop kaputt",
           "Urlaubsantrag", "Drucker Urlaub", '"Antrag auf Urlaub" laptop', "lapt"]


@pytest.fixture
def index(session, tmp_path):
    load_search_catalog(session)
    index = SearchIndex(tmp_path / "search-index", answer_cache_size=0)
    yield index
    index.close()


def found(index: SearchIndex, session, text: str) -> list[tuple[int, float]]:  # noqa: ANN001
    return [(hit.offering.id, hit.score) for hit in
            search(index, session, criteria(text), spelling=False).hits]


def test_remembered_clauses_and_scores_give_the_same_results(index, session, tmp_path):
    fresh = {}
    for text in QUERIES:  # each on an empty memo
        with index.reading(session) as view:
            view.memo.clear()
        fresh[text] = found(index, session, text)
    for text in QUERIES + QUERIES:  # now with everything remembered
        assert found(index, session, text) == fresh[text], text
    with index.reading(session) as view:
        assert view.memo.words.hits and view.memo.scores.hits


def test_a_remembered_word_adds_what_highlighting_needs(index, session):
    with index.reading(session) as view:
        plain = QueryBuilder(view.reader, view.vocabulary).build(parse_query("Labtop Urlaub"))
        builder = QueryBuilder(view.reader, view.vocabulary, memo=view.memo.words)
        for _ in range(2):
            built = builder.build(parse_query("Labtop Urlaub"))
            assert built.clauses == plain.clauses
            assert (built.stems, built.words, built.prefixes, built.unknown) == (
                plain.stems, plain.words, plain.prefixes, plain.unknown)


def test_scores_cut_short_are_not_kept(index, session):
    with index.reading(session) as view:
        clause = QueryBuilder(view.reader, view.vocabulary).build(
            parse_query("Urlaub")).clauses[0]
        late = Deadline(0.0)
        late.check()
        assert len(Evaluation(view, late).clause(clause)) == 0
        assert view.memo.scores.get(clause_key(clause)) is None
        scores = Evaluation(view, Deadline(10.0)).clause(clause)
        assert len(scores) and view.memo.scores.get(clause_key(clause)) is scores


def test_the_memo_is_bounded_by_weight_least_recently_used_first():
    memo = Memo(10)
    memo.put("a", 1, 4)
    memo.put("b", 2, 4)
    assert memo.get("a") == 1  # now b is the least recently used
    memo.put("c", 3, 4)
    assert memo.get("b") is None and memo.get("a") == 1 and memo.get("c") == 3
    assert memo.weight == 8
    memo.put("huge", 4, 11)  # more than the whole memo: not kept, nothing dropped for it
    assert memo.get("huge") is None and len(memo) == 2
    assert memo.remember("d", lambda: 5, lambda value: 2) == 5 and memo.weight == 10
    # Several at once, as a results page asks: each found one becomes the most recently used.
    assert memo.get_each(["c", "x", "a"]) == [3, None, 1]
    memo.put("e", 6, 4)  # drops the least recently used: d, then c
    assert memo.get_each(["d", "c", "a", "e"]) == [None, None, 1, 6]


def test_offerings_shown_once_are_not_read_again_until_the_catalog_changes(
        index, session, count_queries):
    search(index, session, criteria("Drucker"), spelling=False)  # the index catches up
    with count_queries() as first:
        shown = search(index, session, criteria("Laptop kaputt"), spelling=False).hits
    with count_queries() as again:  # a new query whose results were all shown before
        hits = search(index, session, criteria("kaputt Laptop"), spelling=False).hits
    assert {h.offering.id for h in hits} == {h.offering.id for h in shown}
    # The catalog's revision, then the page's offerings; the second time only the revision.
    assert (first.n, again.n) == (2, 1)
    session.commit()  # a commit expires what the session holds: kept offerings still read
    assert [h.offering.department.name for h in hits] == [
        h.offering.department.name for h in shown]
    # An edit makes a new catalog revision: the next page shows the new title.
    offering = session.get(type(hits[0].offering), hits[0].offering.id)
    offering.title = "Laptop, renewed"
    from catalog.revision import bump_catalog_revision
    bump_catalog_revision(session)
    session.commit()
    titles = [h.offering.title for h in
              search(index, session, criteria("kaputt Laptop"), spelling=False).hits]
    assert "Laptop, renewed" in titles


def test_equal_clauses_share_their_scores_and_different_ones_do_not():
    word = Or([Term("title_de", "drucker"), Term("body_de", "drucker", boost=0.5)])
    other = Or([Term("title_de", "drucker"), Term("body_de", "drucker", boost=0.7)])
    # A word with its synonyms, combined anew for each query, from the word's own clause.
    assert clause_key(Or([word, Term("title_en", "printer")])) == \
        clause_key(Or([word, Term("title_en", "printer")]))
    assert clause_key(Or([word, Term("title_en", "printer")])) != \
        clause_key(Or([other, Term("title_en", "printer")]))
    assert clause_key(Or([word])) != clause_key(And([word]))
    assert clause_key(Or([word], boost=2.0)) != clause_key(Or([word]))
