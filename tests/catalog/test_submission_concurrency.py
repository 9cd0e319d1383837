"""Fifty people submit to one department at the same moment: fifty different references.

Runs on whatever database the suite runs on (a SQLite file, or PostgreSQL with
PORTAL_TEST_DATABASE_URL); each thread is its own session and connection, like separate
web workers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from catalog.models import Offering, ReferenceCounter, ServiceRequest, User
from catalog.submission import submit_request
from catalog.uploads import FileStore
from tests import factories

pytestmark = pytest.mark.slow  # 50 threads submitting at once

SUBMISSIONS = 50


def test_concurrent_submissions_get_distinct_consecutive_references(engine, session, tmp_path):
    department = factories.make_department(session, slug="it", code="IT")
    offering = factories.make_offering(session, department, slug="help", form=[])
    users = [factories.make_user(session) for _ in range(SUBMISSIONS)]
    session.commit()
    offering_id, user_ids = offering.id, [u.id for u in users]
    # No counter row exists yet: the first submissions also race to create it.
    start = threading.Barrier(SUBMISSIONS, timeout=60)
    # A connection for every submitter, so that all of them are inside the race at once.
    workers = create_engine(engine.url, pool_size=SUBMISSIONS, max_overflow=0)

    def submit(user_id: int) -> str:
        with Session(workers) as own:
            user, item = own.get(User, user_id), own.get(Offering, offering_id)
            item.department.calendar  # noqa: B018  (load before the race, as a view does)
            start.wait()
            request = submit_request(own, item, user, priority="normal", values={},
                                     store=FileStore(tmp_path / "uploads", 1024))
            own.commit()
            return request.ref

    try:
        with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
            refs = list(pool.map(submit, user_ids))
    finally:
        workers.dispose()

    year = refs[0].split("-")[1]
    assert len(set(refs)) == SUBMISSIONS
    assert sorted(refs) == [f"IT-{year}-{n:05d}" for n in range(1, SUBMISSIONS + 1)]
    session.expire_all()
    assert session.scalar(select(ReferenceCounter.last_number)) == SUBMISSIONS
    assert len(session.scalars(select(ServiceRequest.ref)).all()) == SUBMISSIONS
