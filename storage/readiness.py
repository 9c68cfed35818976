"""Whether a database can be used at start-up: it answers within a short timeout, and its schema is the code's.

Processes check this before they serve anyone (serve and worker refuse to start on an old schema; operator
commands migrate it). Every failure is one line an operator can act on, never a traceback.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from storage.db import (
    SHORT_CONNECT_TIMEOUT_S,
    DatabaseUnavailable,
    alembic_config,
    applied_heads,
    first_line,
    is_sqlite_url,
    missing_sqlite_file,
    shipped_heads,
)

__all__ = ["DatabaseUnavailable", "Schema", "first_line", "masked", "probe", "schema"]

PROBE_TIMEOUT_S = 3


class Schema(Enum):
    """How the database's schema compares with the code's migrations."""

    CURRENT = "current"
    BEHIND = "behind"  # a migration is pending (or the database is empty): `gridbot db upgrade`
    AHEAD = "ahead"  # the database was migrated by a newer gridbot


def masked(url: str) -> str:
    """The URL with its password replaced by ***, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "(unreadable URL)"


def probe(url: str, timeout_s: int = PROBE_TIMEOUT_S) -> None:
    """Connect once and run `SELECT 1`; raise DatabaseUnavailable with the reason. A SQLite file that does not
    exist yet is not opened (that would create it): the schema check reports it as not migrated."""
    if missing_sqlite_file(url):
        return
    engine = _engine(url, timeout_s)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        reason = first_line(error)
        password = make_url(url).password
        raise DatabaseUnavailable(reason.replace(password, "***") if password else reason) from None
    finally:
        engine.dispose()


def schema(url: str) -> Schema:
    """Whether every migration shipped with the code has been applied to the database at `url`."""
    from alembic.script import ScriptDirectory

    if missing_sqlite_file(url):
        return Schema.BEHIND
    engine = _engine(url, PROBE_TIMEOUT_S)
    try:
        with engine.connect() as connection:
            applied = applied_heads(connection)
    except (SQLAlchemyError, OSError) as error:
        raise DatabaseUnavailable(first_line(error)) from None
    finally:
        engine.dispose()
    if applied == shipped_heads():
        return Schema.CURRENT
    known = {revision.revision for revision in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
    return Schema.AHEAD if applied - known else Schema.BEHIND


def _engine(url: str, timeout_s: int):  # type: ignore[no-untyped-def]
    if is_sqlite_url(url):
        return create_engine(url, poolclass=NullPool, connect_args={"timeout": timeout_s})
    return create_engine(url, poolclass=NullPool,
                         connect_args={"connect_timeout": max(SHORT_CONNECT_TIMEOUT_S, timeout_s)})
