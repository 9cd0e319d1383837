"""Breakdowns benchmark: the breakdown pages over 100,000 requests.

    .venv/bin/python benchmarks/breakdowns.py [--requests 100000] [--days 100] [--rounds 5]
        [--no-postgres]

Builds the commitments benchmark's data (benchmarks/commitments.py: 7 departments with 3
offerings each, the requests spread over the last --days days, the adherence rollups), then adds
to it what breakdowns read: three status moves per request (some sent back to the requester
twice, some reopened, some cancelled by the requester), a rating for every third request (some
poor, with comments), and form openings per offering and day, and fills the breakdown rollups
(`breakdown_rollups.rebuild`, timed). Then it times the computation
(catalog.commitments.breakdowns) for one department and for all, and the pages
/manage/it/breakdowns (as its owner) and /manage/breakdowns (as an admin), on a throwaway
SQLite file and, if reachable, on PostgreSQL at PORTAL_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test) in a schema of its own, dropped afterwards; and
prints the median and best of the rounds with the number of SQL statements per page.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import commitments as base  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

SCHEMA = "bench_breakdowns"
MOVES = {  # kind of history -> status moves (old, new), hours apart
    "plain": (("new", "in_progress"), ("in_progress", "resolved")),
    "sent_back": (("new", "waiting"), ("waiting", "in_progress"), ("in_progress", "waiting"),
                  ("waiting", "resolved")),
    "reopened": (("new", "resolved"), ("resolved", "in_progress"), ("in_progress", "resolved")),
    "cancelled": (("new", "cancelled"),),
}


def add_history(app: Any, days: int) -> None:
    """Status moves, ratings and form openings for the requests built, in bulk."""
    from catalog.models import Feedback, FormOpening, Offering, RequestEvent, ServiceRequest
    from portal.extensions import db

    with app.app_context():
        session, rng = db.session, random.Random(15)
        R = ServiceRequest
        events, ratings = [], []
        kinds = list(MOVES)
        for request_id, offering_id, department_id, requester_id, created in session.execute(
                select(R.id, R.offering_id, R.department_id, R.requester_id, R.created_at)):
            kind = rng.choices(kinds, weights=(80, 8, 7, 5))[0]
            for step, (old, new) in enumerate(MOVES[kind]):
                events.append({"request_id": request_id, "kind": "status", "old_status": old,
                               "new_status": new, "actor_id": requester_id, "body": "",
                               "created_at": created + timedelta(hours=rng.randint(1, 30)
                                                                 * (step + 1))})
            if request_id % 3 == 0:
                rating = rng.choice((1, 2, 3, 4, 5, 5))
                ratings.append({"request_id": request_id, "department_id": department_id,
                                "offering_id": offering_id, "rating": rating,
                                "comment": "Too slow" if rating <= 2 and rng.random() < 0.5
                                else "", "created_at": created, "updated_at": created})
            for table, rows in ((RequestEvent, events), (Feedback, ratings)):
                if len(rows) >= 5000:
                    session.execute(insert(table), rows)
                    rows.clear()
        for table, rows in ((RequestEvent, events), (Feedback, ratings)):
            if rows:
                session.execute(insert(table), rows)
        today = base_today()
        session.execute(insert(FormOpening), [
            {"offering_id": offering_id, "day": today - timedelta(days=day),
             "opened": rng.randint(10, 80)}
            for offering_id in session.scalars(select(Offering.id)) for day in range(days)])
        session.commit()
        if db.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
        from catalog.commitments import breakdown_rollups
        start = time.perf_counter()
        breakdown_rollups.rebuild(session)  # the bulk inserts bypass the flush
        session.commit()
        print(f"  breakdown rollups rebuilt in {time.perf_counter() - start:.1f} s")


def base_today() -> Any:
    from catalog.models import utcnow
    return utcnow().date()


def sign_in(app: Any, client: Any, email: str, **roles: Any) -> None:
    from catalog.people import sessions
    from portal.extensions import db
    from tests import factories

    with app.app_context():
        user = factories.make_user(db.session, email=email, **roles)
        if not roles:
            from catalog.models import Department, DepartmentRole
            it = db.session.scalar(select(Department).where(Department.slug == "it"))
            it.roles.append(DepartmentRole(user=user, role="owner"))
        sessions.start_session(db.session, user, lifetime=timedelta(hours=2))
        db.session.commit()
        user_id = user.get_id()
    with client.session_transaction() as http_session:
        http_session["_user_id"] = user_id
        http_session["_fresh"] = True


def measure(app: Any, rounds: int) -> dict[str, tuple[float, float, int]]:
    from catalog.commitments import breakdowns
    from catalog.models import Department
    from portal.extensions import db

    owner, admin = app.test_client(), app.test_client()
    sign_in(app, owner, "owner@example.com")
    sign_in(app, admin, "admin@example.com", is_admin=True)
    results = {}
    with app.app_context():  # pages run outside it: each request gets its own context
        engine = db.engine
        it_id = db.session.scalar(select(Department.id).where(Department.slug == "it"))

    def one() -> None:
        with app.app_context():
            breakdowns.department_breakdowns(db.session, db.session.get(Department, it_id))

    def every() -> None:
        with app.app_context():
            breakdowns.summary(db.session)

    def page(client: Any, url: str) -> Any:
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    for name, job in (("department_breakdowns (it)", one),
                      ("summary (all departments)", every),
                      ("GET /manage/it/breakdowns", page(owner, "/manage/it/breakdowns")),
                      ("GET /manage/breakdowns", page(admin, "/manage/breakdowns"))):
        job()  # warm up
        counted = [0]

        def count(*_: Any, counted: list[int] = counted) -> None:
            counted[0] += 1
        event.listen(engine, "before_cursor_execute", count)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            job()
            times.append(time.perf_counter() - start)
        event.remove(engine, "before_cursor_execute", count)
        results[name] = (statistics.median(times), min(times), counted[0] // rounds)
    return results


def main() -> None:
    base.main(__doc__, SCHEMA, extend=add_history, timed=measure)


if __name__ == "__main__":
    main()
