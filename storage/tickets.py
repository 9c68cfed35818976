"""Ticket numbers residents can read out on the phone: G + date + per-day sequence, e.g. G2611220007."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.dialect import dialect_of, insert_for
from storage.models import TicketCounter

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
PREFIX = "G"
_TICKET = re.compile(r"^G?(\d{10,})$")
TABLE = TicketCounter.__table__


def next_ticket(session: Session, now: datetime) -> str:
    """Allocate the next ticket number of the local day, atomically across processes."""
    day = now.astimezone(LOCAL_ZONE).strftime("%y%m%d")
    value = session.execute(_increment(dialect_of(session)), {"day": day, "value": 1}).scalar_one()
    return f"{PREFIX}{day}{value:04d}"


def normalize_ticket(text: str) -> str | None:
    """Read a ticket as people type it (full-width, lower case, spaces, without the G); None if it isn't one."""
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    match = _TICKET.match(cleaned)
    return f"{PREFIX}{match.group(1)}" if match else None


@functools.cache
def _increment(dialect: str) -> Any:
    # One statement: insert the day's counter at 1, or bump it; the row lock orders concurrent tickets.
    return (
        insert_for(dialect, TABLE)
        .on_conflict_do_update(index_elements=[TABLE.c.day], set_={"value": TABLE.c.value + 1})
        .returning(TABLE.c.value)
    )
