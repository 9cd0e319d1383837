"""Fixtures shared by all tests: the app on SQLite (or PORTAL_TEST_DATABASE_URL), a client,
a CLI runner, signing in, factories and a SQL query counter."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy.orm import Session

from catalog.models import Base, User
from catalog.people import sessions
from portal import create_app
from portal.extensions import db, limiter
from tests import factories

# Fixture modules shared by several test files, registered once for the whole suite: tests
# name their fixtures as arguments and never import them. (tests/search_fixtures.py and
# tests/adherence_fixtures.py hold only helper functions and data, imported where used.)
pytest_plugins = [
    "tests.manage_fixtures",
    "tests.oidc_fixtures",
    "tests.request_fixtures",
    "tests.smtp_fixtures",
    "tests.webhook_fixtures",
]

# Fixtures that start a server or a process: a test that uses one is `slow` (left out of
# `make test-fast`) even where its module forgot to say so.
PROCESS_FIXTURES = {"smtp_server", "start_oidc_provider"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PostgreSQL when PORTAL_TEST_DATABASE_URL is set, else a SQLite file for the session."""
    return os.environ.get("PORTAL_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Create the schema once per session from a clean slate."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    with app.app_context():
        # Every table the database has, also those of earlier schemas and alembic_version (a
        # shared PostgreSQL database keeps what earlier runs and other branches left).
        found = MetaData()
        found.reflect(db.engine)
        found.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        db.engine.dispose()
    yield


def _empty_all_tables() -> None:
    _empty_all_tables_with(db.engine)


def _empty_all_tables_with(engine: Engine) -> None:
    """Delete every row (the schema stays), so the next test starts from an empty database."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the many apps a test run creates."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_BYTECODE = _MemoryBytecodeCache()


@pytest.fixture
def app(_schema: None, database_url: str, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """A fresh app on the test database; no app context stays pushed, so every request gets
    its own context, session and `g`, as in production."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "SEARCH_LOG_WRITE_SECONDS": 0,  # a search is in the log when its request ends
        "SEARCH_WARM_UP": False,  # no thread reading the tables while a test empties them
    })
    app.jinja_env.bytecode_cache = _TEMPLATE_BYTECODE
    yield app
    limiter.reset()  # sign-in counts are kept per process; each test starts with none
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(app: Flask, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Another app on the test database with some settings changed."""
    made = []

    def make(**settings: Any) -> Flask:
        other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                            "WTF_CSRF_ENABLED": False, "SEARCH_LOG_WRITE_SECONDS": 0,
                            "SEARCH_WARM_UP": False, **settings})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()
    limiter.init_app(app)  # one global limiter: give it back the fixture app's storage
    limiter._storage_dead = False  # and forget a store another app found unreachable


@pytest.fixture
def engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session of the test's own, like a second program looking at the same database."""
    with Session(engine, expire_on_commit=False) as own_session:
        yield own_session


@pytest.fixture
def wipe_database(session: Session, engine: Engine) -> Callable[[], None]:
    """Empties the database in the middle of a test (e.g. to import into an empty catalog)."""
    def wipe() -> None:
        session.close()  # PostgreSQL's TRUNCATE waits for every open transaction
        _empty_all_tables_with(engine)
    return wipe


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Auth:
    """Signs the test client in and out as a given user."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User) -> User:
        """A real server-side session, as signing in makes, and its cookie in the client."""
        with self.client.application.app_context():
            account = db.session.get(User, user.id)
            sessions.start_session(db.session, account, lifetime=timedelta(hours=1))
            db.session.commit()
            user_id = account.get_id()
        with self.client.session_transaction() as http_session:
            http_session["_user_id"] = user_id
            http_session["_fresh"] = True
        return user

    def logout(self) -> None:
        with self.client.session_transaction() as http_session:
            http_session.clear()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    def make(**values: Any) -> User:
        user = factories.make_user(session, **values)
        session.commit()
        return user
    return make


@pytest.fixture
def make_department(session: Session) -> Callable[..., Any]:
    def make(**values: Any) -> Any:
        department = factories.make_department(session, **values)
        session.commit()
        return department
    return make


@pytest.fixture
def make_offering(session: Session) -> Callable[..., Any]:
    def make(department: Any, **values: Any) -> Any:
        offering = factories.make_offering(session, department, **values)
        session.commit()
        return offering
    return make


@pytest.fixture
def count_queries(engine: Engine) -> Callable[[], Any]:
    """`with count_queries() as counted:` ... `counted.n` is the number of SQL statements,
    `counted.statements` their SQL."""

    class Counter:
        def __init__(self) -> None:
            self.n = 0
            self.statements: list[str] = []

    @contextmanager
    def counting() -> Iterator[Counter]:
        counter = Counter()

        def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
            counter.n += 1
            counter.statements.append(sql)

        event.listen(engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", count)

    return counting
