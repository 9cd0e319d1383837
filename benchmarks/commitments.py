"""Commitments benchmark: /commitments and its adherence queries over 100,000 requests.

    .venv/bin/python benchmarks/commitments.py [--requests 100000] [--days 100] [--rounds 5]
        [--no-postgres]

Builds 7 departments with 3 offerings each and the given number of requests spread over the
last --days days (bulk inserts, seeded: resolved ones with measured business minutes, some late,
some open and overdue) on a throwaway SQLite file and, if reachable, on PostgreSQL at
PORTAL_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) inside a schema of
its own that is dropped afterwards, then fills the adherence rollups (`rollups.rebuild`, timed).
Then it times the adherence computation for every department from the rollups
(catalog.adherence.records) beside the baseline that reads every request
(catalog.commitments.full_scan.records), the whole /commitments page and one department page
(anonymous page cache off), and prints the median and best of the rounds with the number of
SQL statements per page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402

POSTGRES = os.environ.get("PORTAL_BENCH_POSTGRES_URL",
                          "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "bench_commitments"
DEPARTMENTS = ["it", "hr", "facilities", "finance", "catering", "marketing", "legal"]


def build(app: Any, total: int, days: int) -> None:
    from catalog.commitments import rollups
    from catalog.models import Base, ServiceRequest, User, utcnow
    from portal.extensions import db
    from tests import factories

    with app.app_context():
        Base.metadata.create_all(db.engine)
        session = db.session
        requester = factories.make_user(session, email="bench@example.com")
        offerings = []
        for index, slug in enumerate(DEPARTMENTS):
            department = factories.make_department(session, slug=slug, code=f"B{index}",
                                                   name=slug.title())
            offerings += [(department.id, factories.make_offering(session, department).id)
                          for _ in range(3)]
        session.commit()
        rng, now, rows = random.Random(6), utcnow(), []
        for number in range(total):
            department_id, offering_id = rng.choice(offerings)
            created = now - timedelta(minutes=rng.randint(0, days * 24 * 60))
            first_target, resolution_target = rng.choice(((240, 1620), (60, 540)))
            done = rng.random() < 0.9
            rows.append({
                "ref": f"B-{number:07d}", "department_id": department_id,
                "offering_id": offering_id, "requester_id": requester.id,
                "priority": "normal" if first_target == 240 else "high",
                "status": "resolved" if done else "in_progress", "answers": {}, "form": [],
                "created_at": created, "updated_at": created,
                "first_response_minutes": first_target,
                "resolution_minutes": resolution_target,
                "first_response_due": created + timedelta(hours=8),
                "resolution_due": created + timedelta(days=4),
                "first_response_at": created + timedelta(hours=1),
                "resolved_at": created + timedelta(days=1) if done else None,
                "first_response_business_minutes": int(first_target * rng.uniform(0.1, 1.4)),
                "resolution_business_minutes":
                    int(resolution_target * rng.uniform(0.1, 1.3)) if done else None,
            })
            if len(rows) == 5000:
                session.execute(insert(ServiceRequest), rows)
                rows = []
        if rows:
            session.execute(insert(ServiceRequest), rows)
        session.commit()
        assert session.query(User).count() == 1
        if db.engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load
            session.execute(text("ANALYZE service_request"))
        start = time.perf_counter()
        rollups.rebuild(session)
        session.commit()
        print(f"  rollups rebuilt in {time.perf_counter() - start:.1f} s")


def measure(app: Any, rounds: int) -> dict[str, tuple[float, float, int]]:
    from catalog import adherence
    from catalog.commitments import full_scan, histograms
    from catalog.models import utcnow
    from portal.extensions import db
    from portal.page_cache import cache

    results = {}
    client = app.test_client()
    with app.app_context():
        def computation() -> None:
            adherence.records(db.session, "department")
            db.session.rollback()

        def baseline() -> None:
            full_scan.records(db.session, "department")
            db.session.rollback()

        def page(url: str) -> Any:
            def get() -> None:
                cache.clear()
                assert client.get(url).status_code == 200
            return get

        now = utcnow()
        assert adherence.records(db.session, "department", now=now) == \
            full_scan.records(db.session, "department", now=now), "rollups disagree"
        db.session.rollback()
        read, fetch = [0], histograms.fetch

        def counting(session: Any, statement: Any) -> list[Any]:
            rows = fetch(session, statement)
            read[0] += len(rows)
            return rows
        histograms.fetch = counting  # type: ignore[assignment]
        adherence.records(db.session, "department", now=now)
        histograms.fetch = fetch  # type: ignore[assignment]
        db.session.rollback()
        print(f"  histogram rows read for every department's record: {read[0]:,}")
        for name, job in (("baseline: full_scan.records (all)", baseline),
                          ("adherence.records (all departments)", computation),
                          ("GET /commitments", page("/commitments")),
                          ("GET /departments/it", page("/departments/it"))):
            job()  # warm up
            counted = [0]

            def count(*_: Any, counted: list[int] = counted) -> None:
                counted[0] += 1
            event.listen(db.engine, "before_cursor_execute", count)
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                job()
                times.append(time.perf_counter() - start)
            event.remove(db.engine, "before_cursor_execute", count)
            results[name] = (statistics.median(times), min(times), counted[0] // rounds)
    return results


def run(label: str, url: str, total: int, days: int, rounds: int,
        extend: Callable[[Any, int], None] | None = None,
        timed: Callable[[Any, int], dict[str, tuple[float, float, int]]] | None = None) -> None:
    """Build the data (and `extend` it: other benchmarks add to it), then print the timings of
    `timed` (default: this benchmark's)."""
    from portal import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    print(f"\n{label}:")
    start = time.perf_counter()
    build(app, total, days)
    if extend is not None:
        extend(app, days)
    print(f"  {total:,} requests over {days} days built in {time.perf_counter() - start:.1f} s")
    for name, (median, best, queries) in (timed or measure)(app, rounds).items():
        print(f"  {name:40s} median {median * 1000:8.1f} ms   best {best * 1000:8.1f} ms"
              f"   {queries} SQL statements")
    with app.app_context():
        from portal.extensions import db
        db.engine.dispose()


def main(description: str = __doc__, schema: str = SCHEMA, **options: Any) -> None:
    """Run on SQLite, then on PostgreSQL in a throwaway `schema`; `options` go to `run`."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PORTAL_INSTANCE_PATH"] = folder
        run("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.requests, args.days, args.rounds,
            **options)
    if args.no_postgres:
        return
    admin = create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # noqa: BLE001  (no server: report and skip)
        print(f"\nPostgreSQL at {POSTGRES} not reachable, skipped: {error}")
        return
    separator = "&" if "?" in POSTGRES else "?"
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["PORTAL_INSTANCE_PATH"] = folder
            run("PostgreSQL", f"{POSTGRES}{separator}options=-csearch_path%3D{schema}",
                args.requests, args.days, args.rounds, **options)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
