"""Ticket numbers residents can read out on the phone: G + date + per-day sequence, e.g. G2611220007."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.driver_sql import DriverSQL

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
PREFIX = "G"
FOCUS_PREFIX = "J"  # 聚焦办 cases: J2611230001, counted apart from the tickets
NOTICE_PREFIX = "N"  # broadcast notices: N2612020001, counted apart too
WISH_PREFIX = "W"  # 微心愿: W2612020001, counted apart too
_TICKET = re.compile(r"^G?(\d{10,})$")
_FOCUS_CODE = re.compile(r"^J?(\d{10,})$")
_NOTICE_NUMBER = re.compile(r"^N?(\d{10,})$")
_WISH_CODE = re.compile(r"^W(\d{10,})$")
# One statement: insert the day's counter at 1, or bump it; the row lock orders concurrent tickets. It runs
# aside from the caller's transaction where the database allows (DriverSQL.run_aside), so that the row is locked
# for this statement only, not until the whole appeal is written: a number handed to a transaction that then
# rolls back is not handed out again, and the day's numbers have a gap there.
_INCREMENT = DriverSQL(
    "INSERT INTO ticket_counters (day, value) VALUES (%(day)s, 1) "
    "ON CONFLICT (day) DO UPDATE SET value = ticket_counters.value + 1 RETURNING value"
)


def next_ticket(session: Session, now: datetime) -> str:
    """Allocate the next ticket number of the local day, atomically across processes."""
    return _next_of_day(session, now, PREFIX, counter="")  # the tickets' counter rows are keyed by the bare day


def next_focus_code(session: Session, now: datetime) -> str:
    """Allocate the next focus-case number of the local day (J + date + sequence), atomically."""
    return _next_of_day(session, now, FOCUS_PREFIX, counter=FOCUS_PREFIX)


def next_notice_number(session: Session, now: datetime) -> str:
    """Allocate the next broadcast notice number of the local day (N + date + sequence), atomically."""
    return _next_of_day(session, now, NOTICE_PREFIX, counter=NOTICE_PREFIX)


def next_wish_code(session: Session, now: datetime) -> str:
    """Allocate the next 微心愿 number of the local day (W + date + sequence), atomically."""
    return _next_of_day(session, now, WISH_PREFIX, counter=WISH_PREFIX)


def _next_of_day(session: Session, now: datetime, prefix: str, counter: str) -> str:
    """`prefix` + the local day + the next value of that day's counter row (keyed `counter` + the day)."""
    day = now.astimezone(LOCAL_ZONE).strftime("%y%m%d")
    (value,) = _INCREMENT.run_aside(session, {"day": f"{counter}{day}"})  # type: ignore[misc]
    return f"{prefix}{day}{value:04d}"


def normalize_wish_code(text: str) -> str | None:
    """Read a 微心愿 number as people type it (full-width, lower case, spaces); None if it isn't one. The W is
    required: a bare number is an appeal's ticket, as everywhere else."""
    cleaned = _as_typed(text)
    match = _WISH_CODE.match(cleaned)
    return f"{WISH_PREFIX}{match.group(1)}" if match else None


def normalize_notice_number(text: str) -> str | None:
    """Read a notice number as people type it (N optional, full-width, lower case); None if it isn't one."""
    cleaned = _as_typed(text)
    match = _NOTICE_NUMBER.match(cleaned)
    return f"{NOTICE_PREFIX}{match.group(1)}" if match else None


def normalize_focus_code(text: str) -> str | None:
    """Read a focus-case number as people type it (J optional, full-width, lower case); None if it isn't one."""
    cleaned = _as_typed(text)
    match = _FOCUS_CODE.match(cleaned)
    return f"{FOCUS_PREFIX}{match.group(1)}" if match else None


def _as_typed(text: str) -> str:
    """A number as people type or copy it, made plain: half-width, upper case, without spaces, and without the
    punctuation around it (G2612020002。 said to a phone, “G2612020002” copied out of a WeChat message)."""
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    return re.sub(r"^\W+|\W+$", "", cleaned)


def normalize_ticket(text: str) -> str | None:
    """Read a ticket as people type it (full-width, lower case, spaces, without the G); None if it isn't one."""
    cleaned = _as_typed(text)
    match = _TICKET.match(cleaned)
    return f"{PREFIX}{match.group(1)}" if match else None

