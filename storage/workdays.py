"""Working days: China's public holidays and make-up workdays (调休), for time limits that count working days.

A category opts in with `working_days = true` in the taxonomy; its appeals' clocks then run only on working
days, whole days in Beijing time: 24 hours of limit are one working day, and a limit that starts on a holiday
starts at the next working day's midnight. The calendar is a text file (storage/data/holidays.txt, or the file
GRIDBOT_HOLIDAYS names): one date or date range per line, then 休 (a holiday) or 班 (a make-up workday).
Days it does not list are working days from Monday to Friday.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
SHIPPED = Path(__file__).parent / "data" / "holidays.txt"
HOLIDAY, WORKDAY = "休", "班"
_LINE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?\s+(\S)(?:\s.*)?")
_LONGEST_RANGE = 31  # a holiday longer than a month is a typing error
DAY = timedelta(days=1)


class CalendarError(ValueError):
    """A line of a calendar file that is not a date (range) followed by 休 or 班."""

    def __init__(self, line_number: int, line: str) -> None:
        self.line_number = line_number
        self.line = line
        super().__init__(f"line {line_number}: {line!r}")


@dataclass(frozen=True)
class Calendar:
    """Which days are working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # make-up working days on a weekend

    def covers(self, year: int) -> bool:
        """Whether the calendar holds that year's holidays (any day of it, off or made up)."""
        return any(day.year == year for day in self.holidays | self.workdays)

    def is_workday(self, day: date) -> bool:
        """A working day: a make-up workday, or a weekday that is no holiday."""
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def add(self, start: datetime, limit: timedelta) -> datetime:
        """The moment `limit` of working time after `start` (UTC)."""
        cursor, left = start.astimezone(LOCAL_ZONE), limit
        while left > timedelta(0):
            midnight = datetime.combine(cursor.date() + DAY, time(), LOCAL_ZONE)
            if self.is_workday(cursor.date()):
                if left <= midnight - cursor:
                    return (cursor + left).astimezone(start.tzinfo)
                left -= midnight - cursor
            cursor = midnight
        return start

    def subtract(self, end: datetime, limit: timedelta) -> datetime:
        """The moment `limit` of working time before `end` (UTC)."""
        cursor, left = end.astimezone(LOCAL_ZONE), limit
        while left > timedelta(0):
            day_start = datetime.combine(cursor.date(), time(), LOCAL_ZONE)
            if day_start == cursor:
                day_start -= DAY
            if self.is_workday(day_start.date()):
                if left <= cursor - day_start:
                    return (cursor - left).astimezone(end.tzinfo)
                left -= cursor - day_start
            cursor = day_start
        return end

    def reach(self, start: datetime, limit: timedelta) -> datetime:
        """The latest moment at most `limit` of working time after `start` (UTC): `add`, carried over the days off
        that follow it (a deadline on the Saturday morning is no further away than one at Friday's midnight)."""
        end = self.add(start, limit).astimezone(LOCAL_ZONE)
        while end == datetime.combine(end.date(), time(), LOCAL_ZONE) and not self.is_workday(end.date()):
            end = datetime.combine(end.date() + DAY, time(), LOCAL_ZONE)
        return end.astimezone(start.tzinfo)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The working time from `start` to `end` (zero when end is not later)."""
        cursor, total = start.astimezone(LOCAL_ZONE), timedelta(0)
        end = end.astimezone(LOCAL_ZONE)
        while cursor < end:
            midnight = datetime.combine(cursor.date() + DAY, time(), LOCAL_ZONE)
            if self.is_workday(cursor.date()):
                total += min(midnight, end) - cursor
            cursor = midnight
        return total


def parse(text: str) -> Calendar:
    """A calendar from the file format above (CalendarError names the first bad line)."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        # NFKC: dates typed with a Chinese input method in full-width mode (２０３０－０１－０１　休) read as typed.
        line = unicodedata.normalize("NFKC", raw).split("#", 1)[0].strip()
        if not line:
            continue
        found = _LINE.fullmatch(line)
        if found is None or found.group(3) not in (HOLIDAY, WORKDAY):
            raise CalendarError(number, raw.strip())
        try:
            first = date.fromisoformat(found.group(1))
            last = date.fromisoformat(found.group(2) or found.group(1))
        except ValueError:
            raise CalendarError(number, raw.strip()) from None
        if not 0 <= (last - first).days <= _LONGEST_RANGE:
            raise CalendarError(number, raw.strip())
        days = {first + DAY * offset for offset in range((last - first).days + 1)}
        (holidays if found.group(3) == HOLIDAY else workdays).update(days)
    return Calendar(frozenset(holidays - workdays), frozenset(workdays))


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Calendar:
    """The calendar in `path` (None: the shipped one); OSError, UnicodeDecodeError or CalendarError if unusable."""
    # utf-8-sig: Notepad and WPS save "UTF-8" with a BOM, which would make line 1 unreadable though it looks right.
    return parse((path or SHIPPED).read_text(encoding="utf-8-sig"))


@dataclass(frozen=True)
class Clock:
    """How an appeal's limits run: plain hours, or working time on `calendar`."""

    calendar: Calendar | None = None  # None: every hour counts

    def due(self, start: datetime, limit: timedelta) -> datetime:
        """The deadline of a limit starting at `start`."""
        return start + limit if self.calendar is None else self.calendar.add(start, limit)

    def shift(self, due: datetime, change: timedelta) -> datetime:
        """A deadline moved by `change` of the clock's time (negative: earlier)."""
        if self.calendar is None:
            return due + change
        if change >= timedelta(0):
            return self.calendar.add(due, change)
        return self.calendar.subtract(due, -change)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The clock's time from `start` to `end` (a pause to add back to a deadline)."""
        return end - start if self.calendar is None else self.calendar.between(start, end)

    def reach(self, start: datetime, limit: timedelta) -> datetime:
        """The latest deadline at most `limit` of the clock's time after `start` (what a reminder's look-ahead
        covers)."""
        return start + limit if self.calendar is None else self.calendar.reach(start, limit)


HOURS = Clock()


_configured: list[Path | None] = [None]  # the process's calendar file: set once at start-up (`configure`)


def configure(path: Path | None) -> None:
    """Make the calendar in `path` (None: the shipped one) the process's; the app, the worker and the CLI call
    it at start-up with GRIDBOT_HOLIDAYS, which settings have already checked."""
    _configured[0] = path


def clock(working_days: bool) -> Clock:
    """The clock of an appeal (or category) that counts working days or not, on the configured calendar."""
    return Clock(load(_configured[0])) if working_days else HOURS
