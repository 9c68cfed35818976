"""After a PostgreSQL restart or failover, a resident's message is filed on a new connection rather than refused.

The web process keeps its idle connections between messages; a restarted server has ended them all. The message
that meets one is handled once more on a new connection (bot/web/runtime.py), so no resident is asked to resend
after the database is back.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.web import inbox
from handlers import resident_texts
from storage import dedup
from storage.models import Appeal, ProcessedMessage

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修"


@pytest.fixture(autouse=True)
def postgres_only(seeded) -> None:  # type: ignore[no-untyped-def]
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL server ends a backend; SQLite has none")


def test_a_message_meeting_a_connection_the_server_ended_is_filed_on_a_new_one(runtime, wechat, caplog) -> None:
    database = runtime.database
    with database.transaction() as session:  # the connection the next message's transaction takes
        backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with database.read() as session:  # ended while idle, as a restart ends every backend
        session.connection().exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    caplog.set_level(logging.WARNING, logger="bot.web.runtime")
    reply = wechat.send("o1", LIFT) or ""
    assert "已受理您的诉求" in reply, reply
    assert "ended the connection" in caplog.text
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 1
        assert session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar() != backend


def test_a_connection_ended_in_the_middle_of_a_message_leaves_nothing_and_the_new_try_files_it_once(
        runtime, wechat, monkeypatch) -> None:
    claims, claim = [], dedup.claim

    def claim_on_a_backend_that_ends(session, key, now, reply):  # type: ignore[no-untyped-def]
        claims.append(key)
        if len(claims) == 1:  # the appeal and its event are written; the server ends the backend before the commit
            session.connection().exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return claim(session, key, now, reply)

    monkeypatch.setattr(inbox.dedup, "claim", claim_on_a_backend_that_ends)
    reply = wechat.send("o1", LIFT) or ""
    assert "已受理您的诉求" in reply, reply
    assert len(claims) == 2 and claims[0] == claims[1]
    with runtime.database.transaction() as session:
        tickets = session.scalars(select(Appeal.ticket)).all()
        assert session.scalar(select(func.count()).select_from(ProcessedMessage)) == 1
    assert len(tickets) == 1 and tickets[0] in reply


def test_a_server_that_stays_down_gets_the_resident_asked_to_resend(runtime, wechat, monkeypatch) -> None:
    ended, claim = [], dedup.claim

    def claim_on_backends_that_end(session, key, now, reply):  # type: ignore[no-untyped-def]
        ended.append(key)  # every try meets a server ending its backends, as one shutting down does
        session.connection().exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return claim(session, key, now, reply)

    monkeypatch.setattr(inbox.dedup, "claim", claim_on_backends_that_end)
    reply = wechat.send("o1", LIFT) or ""
    assert reply == resident_texts.SYSTEM_BUSY
    assert len(ended) == 2  # one more try, not a loop
    with runtime.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 0
