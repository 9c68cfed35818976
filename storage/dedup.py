"""Each inbound message is handled once: the first request to commit claims its key, retries get its reply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.driver_sql import DriverSQL, timestamp
from storage.models import ProcessedMessage

TABLE = ProcessedMessage.__table__
# RETURNING tells whether this request inserted the row (rowcount is unreliable after ON CONFLICT on psycopg).
_CLAIM = DriverSQL(
    'INSERT INTO processed_messages ("key", received_at, reply) VALUES (%(key)s, %(received_at)s, %(reply)s) '
    'ON CONFLICT DO NOTHING RETURNING "key"'
)
_STORED_REPLY = DriverSQL('SELECT reply FROM processed_messages WHERE "key" = %(key)s')


def claim(session: Session, key: str, now: datetime, reply: str) -> bool:
    """Record a message key with its reply in the current transaction; False if another request already has.

    On PostgreSQL a concurrent duplicate blocks here until the first transaction ends, then sees its
    committed row; on SQLite the write lock taken at BEGIN serialises them the same way. The caller rolls
    back its own handling when this returns False.
    """
    params = {"key": key, "received_at": timestamp(session, now), "reply": reply}
    return _CLAIM.run(session, params) is not None


def stored_reply(session: Session, key: str) -> str | None:
    """The reply recorded for an already-handled key."""
    row = _STORED_REPLY.run(session, {"key": key})
    return row[0] if row else None


def purge_before(session: Session, cutoff: datetime) -> int:
    """Forget keys older than the cutoff (WeChat retries within seconds); returns how many."""
    return session.execute(delete(TABLE).where(TABLE.c.received_at < cutoff)).rowcount
