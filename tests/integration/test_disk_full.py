"""A message that meets a full disk under the database: the resident is asked to resend (nothing was stored), and
the operator reads one English line saying what to do rather than a traceback."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.web import inbox
from handlers import resident_texts
from storage.models import Appeal

LIFT = "3号楼电梯坏了，物业一直不来修"


def test_a_message_meeting_a_full_disk_asks_to_resend_and_tells_the_operator_to_free_space(
        runtime, wechat, monkeypatch, caplog) -> None:
    def claim_on_a_full_disk(session, key, now, reply):  # type: ignore[no-untyped-def]
        full = sqlite3.OperationalError("database or disk is full")
        full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
        raise OperationalError("COMMIT", {}, full)

    monkeypatch.setattr(inbox.dedup, "claim", claim_on_a_full_disk)
    caplog.set_level(logging.INFO, logger="bot.web.runtime")
    assert wechat.send("o1", LIFT) == resident_texts.SYSTEM_BUSY
    lines = [record for record in caplog.records if record.name == "bot.web.runtime"]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "disk is full" in lines[0].getMessage() and "free disk space" in lines[0].getMessage()
    with runtime.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 0
