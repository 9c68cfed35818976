"""Each inbound message is handled once: the first request claims its key, retries get the stored reply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.dialect import insert_for
from storage.models import ProcessedMessage

TABLE = ProcessedMessage.__table__


def claim(session: Session, key: str, now: datetime) -> bool:
    """Claim a message key inside the current transaction; False if another request already has it.

    On PostgreSQL a concurrent duplicate blocks here until the first transaction ends, then sees its
    committed row; on SQLite the write lock taken at BEGIN serialises them the same way.
    """
    statement = (
        insert_for(session, TABLE).values(key=key, received_at=now).on_conflict_do_nothing().returning(TABLE.c.key)
    )
    return session.execute(statement).first() is not None


def stored_reply(session: Session, key: str) -> str | None:
    """The reply recorded for an already-handled key."""
    return session.execute(select(TABLE.c.reply).where(TABLE.c.key == key)).scalar_one_or_none()


def record_reply(session: Session, key: str, reply: str) -> None:
    """Remember the reply so every retry of this message gets the same one."""
    session.execute(update(TABLE).where(TABLE.c.key == key).values(reply=reply))


def purge_before(session: Session, cutoff: datetime) -> int:
    """Forget keys older than the cutoff (WeChat retries within seconds); returns how many."""
    return session.execute(delete(TABLE).where(TABLE.c.received_at < cutoff)).rowcount
