"""The block scorer (scoring.py) against Whoosh's own public API on the same index.

The portal reads whole posting blocks instead of asking Whoosh's matchers posting by posting.
These tests build an index of several segments (writers that commit separately, never
merging) with deleted and replaced documents, and check that for the portal's own queries
the fast path finds the same documents with the same scores, in the same order, as
`Searcher.search` with a weighting model of the same formula. Documents with equal scores
(ties) may come in another order: Whoosh breaks ties by document number, the portal keeps
the order the postings gave; the tests compare ties as sets. Phrases score a constant per
document in the portal (Whoosh scores them by the words' frequencies), so for phrases only
the documents are compared.
"""

from __future__ import annotations

import math
import random

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.query import Or, Phrase, Query
from whoosh.scoring import FunctionWeighting

from catalog.models import Department, Offering
from catalog.search import parse_query
from catalog.search.query import QueryBuilder
from catalog.search.schema import META_ID, SCHEMA_VERSION, document_for
from catalog.search.scoring import K1, Deadline, Evaluation
from catalog.search.store import new_generation
from catalog.search.view import IndexView

EN = ["laptop", "monitor", "printer", "password", "meeting", "room", "parking", "space",
      "badge", "invoice", "travel", "booking", "repair", "request", "order", "account"]
DE = ["Laptop", "Bildschirm", "Drucker", "Passwort", "Besprechungsraum", "Parkplatz",
      "Ausweis", "Rechnung", "Dienstreise", "Reparatur", "Antrag", "Urlaub", "Konto"]
QUERIES = ["laptop", "Laptop kaputt", "meeting room", "parking space badge", "Parkplätze",
           "Rechnungen", "Labtop", "lapt", "Besprechungsraum Drucker", "repair laptop monitor",
           '"meeting room"', '"parking space"', "Antrag auf Urlaub", "zebra",
           "department laptop"]
SEGMENTS = 4
PER_SEGMENT = 180


def offering(number: int, rng: random.Random) -> Offering:
    """A made-up offering; some repeat words, so term frequencies above 1 occur."""
    german = number % 2 == 1
    words = DE if german else EN
    text = [rng.choice(words) for _ in range(rng.randint(6, 14))]
    department = Department(slug=f"d{number % 3}", name=f"Department {number % 3}")
    return Offering(
        id=number, version=1, department=department, slug=f"o-{number}",
        title=" ".join(rng.sample(words, 3)), language="de" if german else "en",
        summary=" ".join(text[:5]), description=" ".join(text), keywords=text[-2:],
        audience=[] if number % 4 else ["employee"], status="published",
        included="", not_included="", prerequisites="", process="")


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    """An index of SEGMENTS segments, with deletions and replacements in later ones."""
    rng = random.Random(7)
    _, ix = new_generation(tmp_path_factory.mktemp("equivalence"))
    number = 0
    for segment in range(SEGMENTS):
        writer = ix.writer()
        if segment == 0:
            writer.add_document(id=META_ID, meta={"revision": 1, "schema": SCHEMA_VERSION})
        for _ in range(PER_SEGMENT):
            number += 1
            writer.add_document(**document_for(offering(number, rng)))
        if segment:  # delete some documents of earlier segments, replace others
            for victim in rng.sample(range(1, segment * PER_SEGMENT), 25):
                writer.delete_by_term("id", str(victim))
            for replaced in rng.sample(range(1, segment * PER_SEGMENT), 10):
                writer.update_document(**document_for(offering(replaced, rng)))
        writer.commit(merge=False)
    view = IndexView(ix, ix.searcher())
    yield view
    view.close()


def portal_weighting(view: IndexView) -> FunctionWeighting:
    """BM25 as scoring.py computes it (no length normalisation), for Whoosh's matchers."""
    def score(searcher, fieldname, text, matcher) -> float:  # noqa: ANN001 (Whoosh's API)
        whole = searcher.get_parent()  # Whoosh scores segment by segment: count them all
        df = whole.doc_frequency(fieldname, text)
        n = whole.doc_count() - 1  # the meta document is no offering
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = matcher.weight()
        return idf * (K1 + 1) * tf / (tf + K1)
    return FunctionWeighting(score)


def whoosh_scores(view: IndexView, query: Query) -> list[tuple[int, float]]:
    """(document, score) best first, from Whoosh's public search."""
    with view.ix.searcher(weighting=portal_weighting(view)) as searcher:
        results = searcher.search(query, limit=None, terms=False)
        return [(hit.docnum, hit.score) for hit in results]


def clauses(view: IndexView) -> list[tuple[str, Query]]:
    builder = QueryBuilder(view.reader, view.vocabulary)
    found = []
    for text in QUERIES:
        built = builder.build(parse_query(text))
        found += [(text, clause) for clause in built.clauses]
        if len(built.clauses) > 1:
            found.append((f"{text} (all words)", Or(built.clauses)))
    return found


def has_phrase(query: Query) -> bool:
    return isinstance(query, Phrase) or any(has_phrase(q) for q in query.children())


def tie_groups(ranked: list[tuple[int, float]]) -> list[tuple[float, frozenset[int]]]:
    """Ranked documents as (score, documents with that score), best first."""
    groups: list[tuple[float, set[int]]] = []
    for doc, score in ranked:
        if groups and math.isclose(groups[-1][0], score, rel_tol=1e-9):
            groups[-1][1].add(doc)
        else:
            groups.append((score, {doc}))
    return [(score, frozenset(docs)) for score, docs in groups]


def test_the_index_has_several_segments_deletions_and_block_postings(view):
    assert len(view.segments) >= SEGMENTS
    assert len(view.deleted) >= 50
    reader, _ = view.segments[0]
    matcher = reader.postings("title_en", "laptop")
    leaf = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    assert isinstance(leaf, W3LeafMatcher)  # the fast path's kind of matcher
    # Every document names its department: more than one block of postings per segment.
    assert len(list(view.postings("exact", "department"))) > SEGMENTS
    blocks = view.postings("body_en", "laptop")
    assert any(tfs is not None for _, _, tfs in blocks)  # frequencies above 1 occur


@pytest.mark.parametrize("index", range(len(QUERIES)))
def test_block_scorer_finds_what_whoosh_finds_with_the_same_scores(view, index):
    text = QUERIES[index]
    for label, clause in [c for c in clauses(view) if c[0].startswith(text)]:
        mine = Evaluation(view, Deadline(10)).scores(clause)
        expected = whoosh_scores(view, clause)
        assert set(mine) == {doc for doc, _ in expected}, label
        assert not set(mine) & view.deleted
        if has_phrase(clause):
            continue
        for doc, score in expected:
            assert mine[doc] == pytest.approx(score, rel=1e-9), (label, doc)
        ranked = sorted(mine.items(), key=lambda item: -item[1])
        # The same order, except among documents with equal scores.
        assert [docs for _, docs in tie_groups(ranked)] == \
            [docs for _, docs in tie_groups(expected)], label


def test_queries_of_the_mix_match_something_and_some_have_ties(view):
    found = [c for c in clauses(view) if whoosh_scores(view, c[1])]
    assert len(found) >= len(QUERIES) - 2  # "zebra" and the like match nothing
    ties = [c for c in found if any(len(docs) > 1 for _, docs in
                                   tie_groups(whoosh_scores(view, c[1])))]
    assert ties  # so the tie rule above is exercised
