"""Statements run on the driver's cursor (catalog/prepared.py) answer what SQLAlchemy would, on
SQLite and PostgreSQL (the PostgreSQL suite runs this file too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    event,
    select,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from catalog.activity import MARK_COLUMNS, activity_mark, format_mark
from catalog.models import User, utcnow
from catalog.people import sessions
from catalog.prepared import Prepared
from tests import factories

USERS_SIGNED_IN_AFTER = (
    select(User.id, User.name, User.is_admin, User.active, User.locale, User.last_sign_in_at)
    .where(User.last_sign_in_at > bindparam("since")).order_by(User.id))


@pytest.fixture
def signed_in(session: Session) -> list[User]:
    now = utcnow()
    users = [factories.make_user(session, name="Ada Admin", is_admin=True),
             factories.make_user(session, name="Ben Busy"),
             factories.make_user(session, name="Carl Earlier")]
    users[0].locale = "de"
    users[0].last_sign_in_at = now - timedelta(minutes=5)
    users[1].last_sign_in_at = now - timedelta(minutes=1, microseconds=250)
    users[2].last_sign_in_at = now - timedelta(days=3)
    session.commit()
    return users


def test_rows_are_what_sqlalchemy_gives(session, signed_in, engine):
    """Booleans, None, times with their zone, and a time as parameter, converted alike."""
    since = utcnow() - timedelta(hours=1)
    session.close()  # no transaction begun: the driver's cursor answers
    found = Prepared(USERS_SIGNED_IN_AFTER).rows(session, {"since": since})
    assert not session.in_transaction()
    with engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(USERS_SIGNED_IN_AFTER,
                                                              {"since": since})]
    assert found == expected
    assert Prepared(USERS_SIGNED_IN_AFTER).rows(engine, {"since": since}) == expected
    assert [row[1] for row in found] == ["Ada Admin", "Ben Busy"]
    assert found[0][2] is True or found[0][2] == 1
    assert found[1][4] is None
    assert found[0][5] == signed_in[0].last_sign_in_at
    assert found[0][5].utcoffset() == timedelta(0)


def test_the_activity_mark_is_the_one_sqlalchemy_reads(session, engine):
    """Cached pages are keyed by the mark: both ways of reading it must spell it alike."""
    factories.make_department(session, slug="it")
    session.commit()
    session.close()
    mark = activity_mark(session)
    with engine.connect() as connection:
        assert mark == format_mark(connection.execute(select(*MARK_COLUMNS)).one())


def test_inside_a_transaction_it_sees_what_the_transaction_wrote(session, signed_in):
    late = factories.make_user(session, name="Dora Draft")
    late.last_sign_in_at = utcnow()
    session.flush()  # not committed: only this session's transaction sees it
    found = Prepared(USERS_SIGNED_IN_AFTER).rows(
        session, {"since": utcnow() - timedelta(hours=1)})
    assert "Dora Draft" in [row[1] for row in found]
    session.rollback()


def test_statements_are_counted_where_someone_listens(session, signed_in, engine):
    """Through a session or an engine alike."""
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args):  # noqa: ANN001, ANN002
        seen.append(sql)

    session.close()
    event.listen(engine, "before_cursor_execute", record)
    try:
        Prepared(USERS_SIGNED_IN_AFTER).rows(session, {"since": utcnow()})
        Prepared(USERS_SIGNED_IN_AFTER).rows(engine, {"since": utcnow()})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 2 and all("last_sign_in_at" in sql for sql in seen)


def test_a_driver_error_is_sqlalchemys_and_returns_the_connection(session, engine):
    """And, like SQLAlchemy's with the portal's settings, it names no values: error messages
    are logged, and values can be people's."""
    missing = Table("no_such_table", MetaData(), Column("id", Integer),
                    Column("email", String(100)))
    statement = select(missing.c.id).where(missing.c.email == bindparam("email"))
    session.close()
    before = engine.pool.checkedout()
    with pytest.raises(DBAPIError) as through_session:
        Prepared(statement).rows(session, {"email": "emma@example.com"})
    with pytest.raises(DBAPIError) as through_engine:
        Prepared(statement).rows(engine, {"email": "emma@example.com"})
    with pytest.raises(DBAPIError) as by_sqlalchemy, engine.connect() as connection:
        connection.execute(statement, {"email": "emma@example.com"})
    assert engine.pool.checkedout() == before
    for raised in (through_session, through_engine, by_sqlalchemy):
        assert "no_such_table" in str(raised.value)
        assert "emma@example.com" not in str(raised.value)


def test_a_session_check_reads_the_viewer_and_ends_with_the_session(session, signed_in):
    ada = signed_in[0]
    factories.make_department(session, slug="it")
    key = sessions.start_session(session, ada, lifetime=timedelta(hours=1))
    session.commit()
    session.close()
    viewer, mark = sessions.viewer_for_session(session, ada.id, key)
    assert (viewer.name, viewer.is_admin, viewer.locale) == ("Ada Admin", True, "de")
    assert mark == activity_mark(session)
    sessions.end_session(session, key)
    session.commit()
    session.close()
    assert sessions.viewer_for_session(session, ada.id, key) is None


def test_the_session_check_reads_only_by_index(engine):
    """It runs on every signed-in page: no table it reads is scanned whole (a company has
    thousands of sessions, roles and requests)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the query plan read here is SQLite's")
    sql = str(sessions._VIEWER_FOR_SESSION.statement.compile(dialect=engine.dialect))
    with engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, ("key", 1, "2026-01-01 00:00:00.000000"))]
    scanned = [step for step in plan if step.startswith("SCAN")
               and not step.startswith("SCAN catalog_state")]  # one row
    assert not scanned, plan


def test_a_database_out_of_reach_is_sqlalchemys_error_too():
    """So that pages answer their 503 (tests/portal/test_database_unavailable.py)."""
    unreachable = create_engine("postgresql://nobody@127.0.0.1:1/nothing")
    with pytest.raises(OperationalError):
        Prepared(select(User.id)).rows(unreachable, {})
    unreachable.dispose()


def test_a_list_parameter_gives_one_placeholder_per_item(session, signed_in, engine):
    """`IN` lists of any length (bindparam(expanding=True)), as SQLAlchemy renders them."""
    statement = (select(User.id, User.name).where(User.id.in_(bindparam("ids", expanding=True)))
                 .order_by(User.id))
    prepared = Prepared(statement)
    session.close()
    for ids in ([signed_in[0].id], [user.id for user in signed_in], [], [10**6]):
        with engine.connect() as connection:
            expected = [tuple(row) for row in connection.execute(statement, {"ids": ids})]
        assert prepared.rows(engine, {"ids": ids}) == expected
    assert [row[1] for row in prepared.rows(session, {"ids": [u.id for u in signed_in]})] == [
        "Ada Admin", "Ben Busy", "Carl Earlier"]
