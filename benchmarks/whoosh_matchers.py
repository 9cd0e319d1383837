"""Whoosh's own matchers against the portal's block scorer, on the same index and queries.

    .venv/bin/python benchmarks/whoosh_matchers.py [--offerings 10000] [--rounds 5]

Builds the portal's index of the generated catalog (see benchmarks/search.py), builds each
query of the fixed mix with the portal's QueryBuilder (an OR of per-word clauses over the same
fields with the same boosts), and times the top 20 of that query three ways, taking turns:

- block scorer: `scoring.Evaluation` over whole posting blocks, then the best 20;
- Whoosh, same formula: `Searcher.search(Or(clauses), limit=20)` with a weighting model that
  computes the portal's BM25 (what tests/catalog/test_search_scoring_equivalence.py checks);
- Whoosh BM25F: the same query with Whoosh's default weighting, which may skip blocks that
  cannot reach the top 20 (block quality): Whoosh at its fastest.

Query building (the same for all three) is not timed. Prints p50/p95 and the total per way
and the ratios.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import QUERIES, generate_offerings, load_catalog, percentile  # noqa: E402

LIMIT = 20


def portal_weighting():  # noqa: ANN201 (a Whoosh weighting model)
    """The portal's BM25 (scoring.py) as a Whoosh weighting model; idf computed once a term."""
    from whoosh.scoring import BaseScorer, WeightingModel

    from catalog.search.scoring import K1

    class Scorer(BaseScorer):
        def __init__(self, searcher, fieldname: str, text: str) -> None:  # noqa: ANN001
            whole = searcher.get_parent() or searcher
            df = whole.doc_frequency(fieldname, text)
            self.weight = math.log(1 + (whole.doc_count() - 1 - df + 0.5) / (df + 0.5)) \
                * (K1 + 1)

        def max_quality(self) -> float:
            return math.inf  # no bound known: Whoosh skips nothing

        def score(self, matcher) -> float:  # noqa: ANN001
            tf = matcher.weight()
            return self.weight * tf / (tf + K1)

    class PortalBM25(WeightingModel):
        def scorer(self, searcher, fieldname: str, text: str, qf: float = 1) -> Scorer:  # noqa: ANN001
            return Scorer(searcher, fieldname, text)

    return PortalBM25()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    os.environ["PORTAL_INSTANCE_PATH"] = str(work)
    from whoosh.query import Or

    from catalog.models import Base
    from catalog.search import SearchIndex, parse_query
    from catalog.search.query import QueryBuilder
    from catalog.search.scoring import Deadline, Evaluation
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SECRET_KEY": "benchmark"})
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalog(db.session, generate_offerings(args.offerings))
        index = SearchIndex(work / "search-index")
        index.rebuild(db.session)
        with index.reading(db.session) as view:
            builder = QueryBuilder(view.reader, view.vocabulary)
            queries = []
            for kind, text in QUERIES:
                built = builder.build(parse_query(text))
                if built.clauses:
                    queries.append((kind, text, built.clauses, Or(built.clauses)))
            same = view.ix.searcher(weighting=portal_weighting())
            default = view.ix.searcher()

            def blocks(clauses: list, query: Or) -> list[int]:
                scores = Evaluation(view, Deadline(10)).scores(query)
                return heapq.nlargest(LIMIT, scores, key=scores.__getitem__)

            def whoosh_same(clauses: list, query: Or) -> list[int]:
                return [hit.docnum for hit in same.search(query, limit=LIMIT)]

            def whoosh_bm25f(clauses: list, query: Or) -> list[int]:
                return [hit.docnum for hit in default.search(query, limit=LIMIT)]

            ways = {"block scorer": blocks, "Whoosh, same formula": whoosh_same,
                    "Whoosh BM25F": whoosh_bm25f}
            for _, _, clauses, query in queries:  # warm-up: files read, caches filled
                for run in ways.values():
                    run(clauses, query)
            times: dict[str, list[float]] = {name: [] for name in ways}
            for _ in range(args.rounds):
                for _, _, clauses, query in queries:
                    for name, run in ways.items():
                        start = time.perf_counter()
                        run(clauses, query)
                        times[name].append((time.perf_counter() - start) * 1000)
            same.close()
            default.close()
    print(f"{args.offerings} offerings, {len(queries)} queries with terms, {args.rounds} rounds")
    for name, values in times.items():
        print(f"  {name:22} p50 {percentile(values, 0.5):7.2f} ms   p95 "
              f"{percentile(values, 0.95):7.2f} ms   total {sum(values):8.1f} ms")
    base = times["block scorer"]
    for name in ("Whoosh, same formula", "Whoosh BM25F"):
        print(f"  {name} / block scorer: p50 "
              f"{percentile(times[name], 0.5) / percentile(base, 0.5):.1f}x, p95 "
              f"{percentile(times[name], 0.95) / percentile(base, 0.95):.1f}x, total "
              f"{sum(times[name]) / sum(base):.1f}x")


if __name__ == "__main__":
    main()
