"""A day as an operator types it (the console's filters and periods, `gridbot rates --from`, `summary --date`):
one that gridbot's records can hold.

A date the calendar allows may still be none gridbot can ask about: the day after 9999-12-31 does not exist,
and the Beijing midnight of 0001-01-01 lies before the first UTC time. Every day read here is within EARLIEST and
LATEST, far around anything gridbot has recorded or will, so every day and period computed from it exists too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
_DAY_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def read_day(typed: str) -> date | None:
    """The day `typed` names as YYYY-MM-DD (2026-3-1 too, full-width digits too), within EARLIEST and LATEST;
    None for anything else."""
    try:
        day = datetime.strptime(_half_width(typed), "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def not_on_the_calendar(typed: str) -> bool:
    """Written as YYYY-MM-DD, but a day the calendar lacks (2026-02-29, 2026-11-31, 2026-13-01): the refusal says
    so, rather than ask for the form the person already used."""
    typed = _half_width(typed)
    if not _DAY_SHAPE.fullmatch(typed):
        return False
    try:
        datetime.strptime(typed, "%Y-%m-%d")
    except ValueError:
        return True
    return False


def _half_width(typed: str) -> str:
    """２０２６－１２－０１ as 2026-12-01: a Chinese input method types full-width digits and dashes."""
    return unicodedata.normalize("NFKC", typed)
