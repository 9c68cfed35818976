"""Quiet hours: news of an appeal does not wake its resident at night (GRIDBOT_QUIET_HOURS, 22:00-07:00 Beijing).

A notice to a resident (or a neighbour following the appeal) decided in the quiet hours is written at once, due at
their end: the worker sends it then. What cannot wait is never held: an emergency's news, and a notice whose
resident's reply window (storage.windows) closes before morning, which would then go by template or not at all.
Staff's cards are work and keep their clocks: they are not held here. The setting reaches storage through the
session's info, as GRIDBOT_DIGEST_AFTER does (`session_info`); storage/telling.py decides when each notice is due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from storage.workdays import LOCAL_ZONE

QUIET_HOURS_KEY = "quiet_hours"
_SPAN = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])\s*-\s*([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class QuietHours:
    """From `start` to `end`, Beijing time; past midnight when `end` comes before `start` (22:00-07:00)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def ends_after(self, now: datetime) -> datetime | None:
        """The end of the quiet spell `now` falls in (aware, in `now`'s zone), or None when `now` is not quiet."""
        local = now.astimezone(LOCAL_ZONE)
        clock = local.time().replace(tzinfo=None)
        end = datetime.combine(local.date(), self.end, LOCAL_ZONE)
        if self.start <= self.end:  # within one day, e.g. 12:00-14:00
            quiet = self.start <= clock < self.end
        else:
            quiet = clock >= self.start or clock < self.end
            if clock >= self.start:
                end += timedelta(days=1)  # the evening's spell ends tomorrow morning
        return end.astimezone(now.tzinfo) if quiet else None


DEFAULT = QuietHours(time(22, 0), time(7, 0))


def parse(text: str) -> QuietHours:
    """"22:00-07:00" (Beijing time); raises ValueError for anything else, or a span of no length."""
    match = _SPAN.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a span of the day like 22:00-07:00: {text!r}")
    start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
    span = QuietHours(time(start_hour, start_minute), time(end_hour, end_minute))
    if span.start == span.end:
        raise ValueError(f"a span of no length: {text!r}")
    return span


def session_info(quiet: QuietHours | None) -> dict[str, Any]:
    """What a Database puts into each session's info (None: GRIDBOT_QUIET_HOURS=off)."""
    return {QUIET_HOURS_KEY: quiet}
