"""在岗/休假: whether 派单 may give a member new tasks, set by the street office (`gridbot staff duty`) or by the
member (请假 到 12月31日, 销假).

Leave until a day lasts through that whole local day: from the next midnight (Beijing time) the member counts as
on duty again, without anyone writing it back (`on_duty_condition` asks the clock). Leave changes nothing about
the tasks the member already holds: they stay theirs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Sequence

from sqlalchemy import ColumnElement, or_

from storage.errors import DomainError
from storage.models import Staff
from storage.tickets import LOCAL_ZONE

# 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日; without the year: 12-31, 12/31, 12月31日 (号)
_WITH_YEAR = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_WITHOUT_YEAR = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
# Days said relative to today: 明天, 后天; 周五, 星期日, 下周一 (the week after this one, weeks start on Monday). 昨天
# and 前天 too: a slip (请假 到 昨天 for leave taken yesterday) is refused as a day already over, not left unread.
_RELATIVE = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_WEEKDAY = re.compile(r"(下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAYS = "一二三四五六日"
# 请假三天, 请假 3天: that many days, today the first of them (the reply names the last day, to be corrected).
_DAYS_LONG = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*个?(?:天|日)")
_DIGIT_WORDS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEAD = ("到", "至", "直到")
_TAIL = ("为止", "止")
_EDGES = " \t\u3000。.！!，,"


class PastDay(DomainError):
    """Leave until a day that is already over."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


class UnclearYear(DomainError):
    """A day typed without its year that is over this year and half a year or more away next year: most likely
    a slip (12-01 typed on 7 December for 12-07), not a year of leave."""

    def __init__(self, passed: date, next_one: date) -> None:
        super().__init__(next_one.isoformat())
        self.passed = passed
        self.next_one = next_one


# A day without its year that is over this year means next year's only this close: 01-03 typed on 28 December.
NEXT_YEAR_WITHIN = timedelta(days=183)


@dataclass(frozen=True)
class Duty:
    """A member's duty as it stands at some moment."""

    on_duty: bool
    until: date | None = None  # on leave: the last day of it (None: until 销假)


def parse_day(typed: str, today: date) -> date | None:
    """The day in 2026-12-31, 12-31, 12月31日, 到 12月31日 (a day without a year: the next one to come, today
    included); None when the words are no such day, or the calendar's last (9999-12-31): leave through a day ends
    at the midnight after it, which that day has none of. Raises UnclearYear for a day without a year that is
    over this year and not within NEXT_YEAR_WITHIN next year."""
    found = _named_day(typed, today)
    return found if found is not None and found < date.max else None


def _named_day(typed: str, today: date) -> date | None:
    text = unicodedata.normalize("NFKC", typed).strip(_EDGES)
    for lead in _LEAD:
        if text.startswith(lead):
            text = text[len(lead):].strip(_EDGES)
            break
    for tail in _TAIL:
        if text.endswith(tail):
            text = text[: -len(tail)].strip(_EDGES)
            break
    relative = _relative_day(text, today)
    if relative is not None:
        return relative
    full = _WITH_YEAR.fullmatch(text)
    if full:
        return _day(int(full.group(1)), int(full.group(2)), int(full.group(3)))
    short = _WITHOUT_YEAR.fullmatch(text)
    if short is None:
        return None
    month, day = int(short.group(1)), int(short.group(2))
    found = _day(today.year, month, day)
    if found is None or found < today:  # over this year, or (29 February) not in it: the next one to come
        passed, found = found, _day(today.year + 1, month, day)
        if passed is not None and found is not None and found - today > NEXT_YEAR_WITHIN:
            raise UnclearYear(passed, found)
    return found


def _relative_day(text: str, today: date) -> date | None:
    """明天 and the like, or a weekday: 周五 is the next Friday (today, said on a Friday), 本周五 or 这周五 this
    week's (perhaps over), 下周五 next week's."""
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    days = _DAYS_LONG.fullmatch(text)
    if days is not None:
        count = _count(days.group(1))
        return today + timedelta(days=count - 1) if count else None
    said = _WEEKDAY.fullmatch(text)
    if said is None:
        return None
    weekday = _WEEKDAYS.index("日" if said.group(2) == "天" else said.group(2))
    this_monday = today - timedelta(days=today.weekday())
    if said.group(1) is None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    if said.group(1).startswith("下"):
        return this_monday + timedelta(days=7 + weekday)
    return this_monday + timedelta(days=weekday)  # 这周一 said on a Friday: a day already over


def _count(said: str) -> int | None:
    """3, 三, 十, 十五, 二十: a count of days up to 99; None for what is no count (二二)."""
    if said.isdigit():
        return int(said)
    tens, ten, units = said.partition("十")
    if not ten:
        return _DIGIT_WORDS.get(said) if len(said) == 1 else None
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _DIGIT_WORDS) or (units and units not in _DIGIT_WORDS):
        return None
    return (_DIGIT_WORDS[tens] if tens else 1) * 10 + (_DIGIT_WORDS[units] if units else 0)


# 我明天请假, 明天我想请个假, 周五想请假一天: a day off to come, said in a sentence (leave starts when sent: see
# `starts_later`).
_LATER_LEAVE = re.compile(r"(?:我|本人)?(.{1,8}?)(?:我|本人)?(?:要|想|需要|得)?请(?:个|一天|一下)?假(?:一天|1天)?(?:吧|啊|哈)?")


def leave_said_for_later(typed: str, today: date) -> date | None:
    """The day of leave to come a sentence such as 我明天请假 names (a day after today), or None. Leave has no
    start of its own: it starts when 请假 is sent, so such a day is answered, never recorded."""
    said = _LATER_LEAVE.fullmatch(unicodedata.normalize("NFKC", typed).strip(_EDGES))
    return _day_after(said.group(1), today) if said is not None else None


def starts_later(typed: str, today: date) -> bool:
    """Whether `请假 <typed>` names a lone day after today (明天, 周五, 12月9日), not 到 that day nor a count of days:
    perhaps meant as the day the leave starts, which it cannot (leave starts when 请假 is sent, through that day)."""
    text = unicodedata.normalize("NFKC", typed).strip(_EDGES)
    if text.startswith(_LEAD) or text.endswith(_TAIL) or _DAYS_LONG.fullmatch(text):
        return False
    return _day_after(text, today) is not None


def _day_after(said: str, today: date) -> date | None:
    """The day the words name when it is after today; None for none, an unclear one, or today and before."""
    try:
        day = _named_day(said, today)
    except UnclearYear:
        return None
    return day if day is not None and day > today else None


def names_a_day(typed: str) -> bool:
    """Whether the words name a day at all (29 February included), whatever today is."""
    return _named_day(typed, _LEAP_YEAR_START) is not None


_LEAP_YEAR_START = date(2000, 1, 1)


def today(now: datetime) -> date:
    """The local (Beijing) day at `now`."""
    return now.astimezone(LOCAL_ZONE).date()


def set_duty(member: Staff, on_duty: bool, until: date | None, now: datetime) -> Duty:
    """在岗 (clears any leave), or 休假 through the day `until` (None: until 销假); a day already over: PastDay."""
    if on_duty:
        member.on_duty, member.off_duty_until = True, None
        return Duty(True)
    if until is not None and until < today(now):
        raise PastDay(until)
    member.on_duty = False
    member.off_duty_until = _back_at(until) if until is not None else None
    return Duty(False, until)


def duty_of(member: Staff, now: datetime) -> Duty:
    """The member's duty at `now`: leave that has run out is duty again."""
    if member.on_duty or (member.off_duty_until is not None and member.off_duty_until <= now):
        return Duty(True)
    until = member.off_duty_until
    return Duty(False, (until.astimezone(LOCAL_ZONE) - timedelta(days=1)).date() if until is not None else None)


def at_work(people: Sequence[Staff], now: datetime) -> list[Staff]:
    """Those of `people` on duty at `now` (`duty_of`), in their order."""
    return [person for person in people if duty_of(person, now).on_duty]


def on_duty_condition(now: datetime) -> ColumnElement[bool]:
    """A condition on Staff: on duty at `now` (as `duty_of` says), for 派单's choice."""
    return or_(Staff.on_duty.is_(True), Staff.off_duty_until.is_not(None) & (Staff.off_duty_until <= now))


def _back_at(last_day: date) -> datetime:
    """The moment leave through `last_day` ends: the next local midnight."""
    return datetime.combine(last_day + timedelta(days=1), time(), LOCAL_ZONE)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
