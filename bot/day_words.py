"""A day as an operator types it (the console's filters and periods, `gridbot rates --from`, `summary --date`):
one that gridbot's records can hold.

A date the calendar allows may still be none gridbot can ask about: the day after 9999-12-31 does not exist,
and the Beijing midnight of 0001-01-01 lies before the first UTC time. Every day read here is within EARLIEST and
LATEST, far around anything gridbot has recorded or will, so every day and period computed from it exists too.
"""

from __future__ import annotations

from datetime import date, datetime

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def read_day(typed: str) -> date | None:
    """The day `typed` names as YYYY-MM-DD (2026-3-1 too), within EARLIEST and LATEST; None for anything else."""
    try:
        day = datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None
