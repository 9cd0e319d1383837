"""`init-db` (Alembic migrations) builds exactly the schema the models describe."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from catalog.models import Base
from portal import MIGRATIONS, create_app
from portal.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own: a new SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models_and_downgrade_cleanly(empty_database_url, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        downgrade(directory=str(MIGRATIONS), revision="base")
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()


@contextmanager
def upgraded_with_a_request(database_url: str) -> Iterator[tuple[Any, Any]]:
    """An app on a fully upgraded database holding one request (bulk-inserted, created
    2026-11-02 09:00 UTC, as a backup from before a migration would hold it): (session, its
    requester)."""
    from datetime import UTC, datetime

    from tests import factories
    from tests.adherence_fixtures import insert_requests, request_row

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        session = db.session
        department = factories.make_department(session)
        offering = factories.make_offering(session, department)
        requester = factories.make_user(session)
        session.commit()
        insert_requests(session, [request_row(department, offering, requester,
                                              datetime(2026, 11, 2, 9, tzinfo=UTC))])
        yield session, requester
        session.close()
        db.engine.dispose()


def test_upgrading_a_database_with_requests_fills_the_adherence_rollups(
        empty_database_url, tmp_path, monkeypatch):
    """A database from before the rollups gets them filled from its requests on upgrade."""
    from sqlalchemy import func, select

    from catalog.models import AdherenceDay, AdherenceHistogram

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    with upgraded_with_a_request(empty_database_url) as (session, _requester):

        def rollups() -> tuple[int, int]:
            return (session.scalar(select(func.sum(AdherenceDay.requests))),
                    session.scalar(select(func.count()).select_from(AdherenceHistogram)))

        kept = rollups()
        assert kept[0] == 1 and kept[1] > 0
        session.close()
        downgrade(directory=str(MIGRATIONS), revision="7c8e542de409")  # before the rollups
        upgrade(directory=str(MIGRATIONS))
        assert rollups() == kept


def test_upgrading_a_database_with_status_changes_fills_the_breakdown_rollups(
        empty_database_url, tmp_path, monkeypatch):
    """A database from before the breakdown rollups gets them filled on upgrade."""
    from datetime import timedelta

    from sqlalchemy import func, insert, select

    from catalog.models import BreakdownDay, RequestEvent, ServiceRequest, WaitDay

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    with upgraded_with_a_request(empty_database_url) as (session, requester):
        request_id, created = session.execute(
            select(ServiceRequest.id, ServiceRequest.created_at)).one()
        session.execute(insert(RequestEvent), [
            {"request_id": request_id, "kind": "status", "old_status": old, "new_status": new,
             "actor_id": requester.id, "body": "", "created_at": created + timedelta(hours=n)}
            for n, (old, new) in enumerate((("new", "waiting"), ("waiting", "in_progress"),
                                            ("in_progress", "waiting")), start=1)])
        session.commit()
        downgrade(directory=str(MIGRATIONS), revision="5c0a7d3e9f12")  # before them
        upgrade(directory=str(MIGRATIONS))
        assert session.scalar(select(func.sum(BreakdownDay.back_and_forth))) == 1
        assert session.execute(select(WaitDay.status, WaitDay.stays, WaitDay.minutes)
                               .order_by(WaitDay.status)).all() == [
            ("in_progress", 1, 60.0), ("new", 1, 60.0), ("waiting", 1, 60.0)]
