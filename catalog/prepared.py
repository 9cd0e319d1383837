"""Statements that pages run all the time, executed on the database driver's own cursor.

Every signed-in page checks its session and reads the catalog's activity mark in one small
statement, and every cached page reads the mark. SQLite answers it in about 10 µs; SQLAlchemy's
work around it (the statement's cache key, a transaction of the request's session, an
execution context, a result, and ending the session after the request) took about 130 µs more.
A search page reads the offerings it shows for the first time the same way
(`catalog.search.operations`).
A `Prepared` statement is compiled once per database dialect; each run converts its parameters
and columns with the types SQLAlchemy would have used and borrows a connection from the
engine's pool for one cursor, so the rows are what `session.execute` would have given.

It goes through SQLAlchemy as usual where that matters: inside a transaction the request's
session already began (so that it sees what the transaction wrote), and while anything listens
to the engine's statements (the tests that count them). Driver errors become SQLAlchemy's, so
that they reach the same error pages.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    compiled: SQLCompiler
    sql: str
    names: tuple[str, ...]  # the parameters, in the order a positional driver takes them
    positional: bool
    binds: dict[str, Processor]
    expanding: bool  # a list parameter (`bindparam(..., expanding=True)`, for IN)
    columns: tuple[Processor, ...] | None  # None until the first run saw the cursor's types

    def arguments(self, params: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL and the driver's parameters for these values."""
        sql, names, binds = self.sql, self.names, self.binds
        if self.expanding:  # one placeholder per list item, as SQLAlchemy renders them
            state = self.compiled.construct_expanded_state(dict(params))
            sql, binds = state.statement, {**binds, **state.processors}
            params = {name: value for name, value in state.parameters.items()
                      if name not in state.parameter_expansion}
            names = tuple(state.positiontup or params)
        values = {name: value if (convert := binds.get(name)) is None else convert(value)
                  for name, value in params.items()}
        return sql, [values[name] for name in names] if self.positional else values


class Prepared:
    """A select compiled once per dialect and run on a pooled DBAPI connection."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = (
            weakref.WeakKeyDictionary())

    def rows(self, source: Session | scoped_session[Session] | Engine,
             params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """All rows, as tuples, of the statement with these parameters, read through a
        session or, for a request that has not begun one, an engine (making a session and
        ending it cost more than the statement)."""
        if isinstance(source, scoped_session):  # the request's (Flask-SQLAlchemy's db.session)
            source = source()
        engine = source.get_bind() if isinstance(source, Session) else source
        if isinstance(source, Session) and (source.in_transaction()
                                            or not isinstance(engine, Engine)):
            return self._through_sqlalchemy(source.connection(), params)
        if engine.dispatch.before_cursor_execute:
            with engine.connect() as connection:
                return self._through_sqlalchemy(connection, params)
        compiled = self._compiled.get(engine.dialect) or self._compile(engine.dialect)
        sql, arguments = compiled.arguments(params)
        driver_error = engine.dialect.loaded_dbapi.Error
        try:
            connection = engine.raw_connection()
        except driver_error as error:  # the pool does not wrap them: a database unreachable
            raise DBAPIError.instance(None, None, error, driver_error,
                                      dialect=engine.dialect) from error
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, arguments)
                found = cursor.fetchall()
                if compiled.columns is None:
                    compiled = self._with_columns(engine.dialect, compiled, cursor.description)
            finally:
                cursor.close()
        except driver_error as error:
            if engine.dialect.is_disconnect(error, connection.dbapi_connection, None):
                connection.invalidate(error)
            raise DBAPIError.instance(sql, arguments, error, driver_error,
                                      hide_parameters=engine.hide_parameters,
                                      dialect=engine.dialect) from error
        finally:
            connection.close()
        processors = compiled.columns or ()
        if not any(processors):
            return [tuple(row) for row in found]
        return [tuple(value if convert is None else convert(value)
                      for convert, value in zip(processors, row, strict=True)) for row in found]

    def _through_sqlalchemy(self, connection: Connection,
                            params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in connection.execute(self.statement, params)]

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or compiled.binds)
        binds = {name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                 for name in names}
        expanding = any(bind.expanding for bind in compiled.binds.values())
        made = _Compiled(compiled, compiled.string, names, bool(compiled.positional), binds,
                         expanding, None)
        self._compiled[dialect] = made
        return made

    def _with_columns(self, dialect: Dialect, compiled: _Compiled,
                      description: Any) -> _Compiled:
        columns = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(self.statement.selected_columns, description,
                                         strict=True))
        made = dataclasses.replace(compiled, columns=columns)
        self._compiled[dialect] = made
        return made
