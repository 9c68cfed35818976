"""Each inbound message is handled once: the first request claims its key, retries get the stored reply."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from storage.dialect import dialect_of, insert_for
from storage.models import ProcessedMessage

TABLE = ProcessedMessage.__table__
# Built once: these run for every inbound message.
_STORED_REPLY = select(TABLE.c.reply).where(TABLE.c.key == bindparam("message_key"))
_RECORD_REPLY = update(TABLE).where(TABLE.c.key == bindparam("message_key")).values(reply=bindparam("reply"))


def claim(session: Session, key: str, now: datetime) -> bool:
    """Claim a message key inside the current transaction; False if another request already has it.

    On PostgreSQL a concurrent duplicate blocks here until the first transaction ends, then sees its
    committed row; on SQLite the write lock taken at BEGIN serialises them the same way.
    """
    return session.execute(_claim(dialect_of(session)), {"key": key, "received_at": now}).first() is not None


def stored_reply(session: Session, key: str) -> str | None:
    """The reply recorded for an already-handled key."""
    return session.execute(_STORED_REPLY, {"message_key": key}).scalar_one_or_none()


def record_reply(session: Session, key: str, reply: str) -> None:
    """Remember the reply so every retry of this message gets the same one."""
    session.execute(_RECORD_REPLY, {"message_key": key, "reply": reply})


def purge_before(session: Session, cutoff: datetime) -> int:
    """Forget keys older than the cutoff (WeChat retries within seconds); returns how many."""
    return session.execute(delete(TABLE).where(TABLE.c.received_at < cutoff)).rowcount


@functools.cache
def _claim(dialect: str) -> Any:
    # RETURNING tells whether this request inserted the row; rowcount is unreliable after ON CONFLICT on psycopg.
    return insert_for(dialect, TABLE).on_conflict_do_nothing().returning(TABLE.c.key)
