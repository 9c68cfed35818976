"""The one place that knows SQLite and PostgreSQL spell upserts differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_of(session: Session) -> str:
    """The backend name of the session's database: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def insert_for(dialect: str, table: Any) -> Any:
    """An INSERT construct that supports on_conflict_* for the backend (cache what you build from it)."""
    try:
        return _INSERTS[dialect](table)
    except KeyError:
        raise RuntimeError(f"unsupported database backend: {dialect}") from None
