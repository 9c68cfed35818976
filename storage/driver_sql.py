"""SQL handed straight to the database driver, for the few statements every webhook request runs.

Measured on the webhook's path: SQLAlchemy's execution layers cost 40-100 us around a statement SQLite runs in
5-30 us, and a request runs five of them. These statements run on the DB-API cursor of the session's own
connection, inside the transaction SQLAlchemy began and will commit (`run_aside`: beside it); they skip
compilation, type processing and result wrapping, so parameters must already be what the driver stores (see
`timestamp`) and rows come back as plain tuples. Written once with %(name)s placeholders; SQLite gets them
rewritten to :name. The driver's errors are raised as SQLAlchemy's (an IntegrityError for a key already there, an
OperationalError for a database gone), so callers catch one kind whichever way a statement ran.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.db import ASIDE

T = TypeVar("T")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH)\b|\bRETURNING\b", re.IGNORECASE)
_KEPT_CURSOR = "gridbot_driver_cursor"  # key of a psycopg connection's kept cursor in the pool's per-connection info


class DriverSQL:
    """One statement, in the placeholder style of whichever driver runs it."""

    def __init__(self, text: str, *, lock_rows_of: str | None = None) -> None:
        """`lock_rows_of`: on PostgreSQL the statement locks the rows it reads of this table (or alias) for the rest
        of the transaction (FOR UPDATE OF); SQLite's transactions already hold its one write lock."""
        self._by_dialect = {"postgresql": text + (f" FOR UPDATE OF {lock_rows_of}" if lock_rows_of else ""),
                            "sqlite": _PLACEHOLDER.sub(r":\1", text)}
        # Known from the text, so that a statement without rows is not asked for them: psycopg builds the result's
        # column descriptions to answer that.
        self._fetch_first: Callable[[Any], tuple[Any, ...] | None] = (
            _first_row if _RETURNS_ROWS.search(text) else _no_rows)

    def text_for(self, dialect: str) -> str:
        """The statement as the `dialect` ("sqlite", "postgresql") driver receives it."""
        return self._by_dialect[dialect]

    def run(self, session: Session, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Execute inside the session's transaction; the first row, if the statement returns any."""
        return self._execute(session, params, self._fetch_first)

    def run_aside(self, session: Session, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Execute and commit at once, on a connection of its own beside the session's transaction where its
        database offers one (storage.db's `Database.aside`, PostgreSQL), in the transaction otherwise; the first
        row, if the statement returns any. What it writes stays written if the transaction then rolls back. On a
        connection the server has ended, the statement runs again on a new one: only for one safe to repeat."""
        aside = session.info.get(ASIDE)
        if aside is None:
            return self.run(session, params)
        return aside(lambda connection: self._execute_on(connection, params, self._fetch_first))

    def all(self, session: Session, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute a query inside the session's transaction; every row."""
        return self._execute(session, params, lambda cursor: list(cursor.fetchall()))

    def run_many(self, session: Session, params: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per parameter set, in order, in one call to the driver (psycopg pipelines them)."""
        if len(params) == 1:
            self.run(session, params[0])
        elif params:
            self._execute(session, params, lambda cursor: None, many=True)

    def _execute(self, session: Session, params: Any, fetch: Callable[[Any], T], many: bool = False) -> T:
        return self._execute_on(session.connection(), params, fetch, many)

    def _execute_on(self, connection: Connection, params: Any, fetch: Callable[[Any], T], many: bool = False) -> T:
        dialect = connection.dialect
        statement = self._by_dialect[dialect.name]
        dbapi_connection = connection.connection.dbapi_connection
        # psycopg's cursors take ~10 us of CPU to make and read a result whole when it arrives: each connection keeps
        # one. sqlite3's are cheap and step through a result as it is read: a fresh one, closed after the statement,
        # leaves no statement open (and no read snapshot held) behind.
        keep = dialect.name == "postgresql"
        cursor = (_kept_cursor(connection.connection.info, dbapi_connection) if keep
                  else dbapi_connection.cursor())  # type: ignore[union-attr]
        try:
            if many:
                cursor.executemany(statement, params)
            else:
                cursor.execute(statement, params)
            return fetch(cursor)
        except dialect.loaded_dbapi.Error as error:
            # Wrapped as SQLAlchemy wraps its own statements' errors, parameters hidden (texts, phone numbers), and
            # marked the same way when the connection is gone (storage.db.ended_by_server reads it).
            raise DBAPIError.instance(statement, params, error, dialect.loaded_dbapi.Error, hide_parameters=True,
                                      connection_invalidated=dialect.is_disconnect(error, dbapi_connection, cursor),
                                      dialect=dialect) from error
        finally:
            if not keep:
                cursor.close()


def _kept_cursor(info: dict[Any, Any], dbapi_connection: Any) -> Any:
    """The cursor kept in the pool's `info` of the DB-API connection, made on first use. The pool clears `info`
    when it replaces the connection; the check is for any other way the kept one could be stale."""
    cursor = info.get(_KEPT_CURSOR)
    if cursor is None or cursor.connection is not dbapi_connection or cursor.closed:
        cursor = info[_KEPT_CURSOR] = dbapi_connection.cursor()
    return cursor


def _first_row(cursor: Any) -> tuple[Any, ...] | None:
    return cursor.fetchone()  # type: ignore[no-any-return]


def _no_rows(_cursor: Any) -> None:
    return None


def timestamp(session: Session, value: datetime | None) -> Any:
    """An aware datetime as the driver stores it in a UTCDateTime column (naive UTC)."""
    if value is None:
        return None
    if session.get_bind().dialect.name == "sqlite":
        if value.tzinfo is timezone.utc:
            return _sqlite_text_of_utc(value)
        return _sqlite_text(value.astimezone(timezone.utc).replace(tzinfo=None))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _sqlite_text(naive: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format, "2026-12-05 12:00:00.000000": text, always with
    # microseconds, so values compare as text. isoformat writes it several times faster than strftime.
    return naive.isoformat(" ", "microseconds")


# Cached: a message's statements pass the clock's one `now` (and a few moments computed from it) about ten times.
# Only UTC values are, where equal values are one instant and so one text (a zone's fold could make two instants
# compare equal).
@functools.lru_cache(maxsize=256)
def _sqlite_text_of_utc(value: datetime) -> str:
    return _sqlite_text(value.replace(tzinfo=None))


def parse_timestamp(value: Any) -> datetime | None:
    """A UTCDateTime value read by the driver, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc)
