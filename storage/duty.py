"""在岗/休假: whether 派单 may give a member new tasks, set by the street office (`gridbot staff duty`) or by the
member (请假 到 12月31日, 销假).

Leave until a day lasts through that whole local day: from the next midnight (Beijing time) the member counts as
on duty again, without anyone writing it back (`on_duty_condition` asks the clock). Leave said for a later day
(我明天请假, 请假 下周一到周三) starts at that day's midnight (Staff.off_duty_from): until then the member is on duty,
the same way. Leave changes nothing about the tasks the member already holds: they stay theirs.
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
    until: date | None = None  # on leave, or leave to come: the last day of it (None: until 销假)
    starts: date | None = None  # on duty with leave arranged from this later day (我明天请假)


class LeaveEndsFirst(DomainError):
    """Leave said with its last day before its first (请假 周三到周一)."""


@dataclass(frozen=True)
class Leave:
    """The leave a member asked for: from `first` (None: now) through `last` (None: until 销假)."""

    first: date | None
    last: date | None

    def later(self, today: date) -> bool:
        """Whether it starts on a day after today (我明天请假): the member is on duty until then."""
        return self.first is not None and self.first > today


class AwayUntilBefore(DomainError):
    """Leave for a later day asked while on leave that ends before it, with days at work between: one leave is
    kept per member, so the one to come waits until they are back."""

    def __init__(self, until: date) -> None:
        super().__init__(until.isoformat())
        self.until = until


def joined(member: Staff, asked: Leave, now: datetime) -> Leave:
    """The leave to record for `asked`: asked while on leave, a later day's leave that runs on from the present
    one (请假 明天, away through today) extends it from now, not back to work for the rest of today.
    AwayUntilBefore when days at work lie between the two."""
    current, today_now = duty_of(member, now), today(now)
    if current.on_duty or not asked.later(today_now):
        return asked
    if current.until is None:
        return Leave(None, None)  # away until 销假 already: so it stays
    assert asked.first is not None, "a later leave has its first day"
    if asked.first > current.until + timedelta(days=1):
        raise AwayUntilBefore(current.until)
    last = None if asked.last is None else max(asked.last, current.until)
    return Leave(None, last)


def parse_leave(typed: str, today: date) -> Leave | None:
    """The leave `请假 <typed>` asks for: a lone day after today is that day off (明天, 周五, 12月9日), a span is
    its days (下周一到周三, 12月8日至12月9日), a day with 起 or 开始 starts then (明天起: until 销假); through a
    day (到 12月31日, 三天) or today, it starts now. None when the words are no such leave; UnclearYear as
    parse_day."""
    text = unicodedata.normalize("NFKC", typed).strip(_EDGES)
    starting = _STARTING.fullmatch(text)
    if starting is not None:
        first = parse_day(starting.group(1), today)
        if first is not None and first < today:
            raise PastDay(first)
        return Leave(first, None) if first is not None else None
    span = _SPAN.fullmatch(text.removeprefix("从"))
    if span is not None and not text.startswith(_LEAD):
        return _span(span.group(1), span.group(2), today)
    last = parse_day(text, today)
    if last is None:
        return None
    return Leave(last, last) if starts_later(text, today) else Leave(None, last)


def _span(first_said: str, last_said: str, today: date) -> Leave | None:
    """下周一到周三: a weekday for the last day is read after the first (周三 is that week's) when a plain reading
    is before it; another last day before the first: LeaveEndsFirst."""
    first = parse_day(first_said, today)
    if first is None:
        return None
    of_month = _DAY_OF_MONTH.fullmatch(unicodedata.normalize("NFKC", last_said).strip(_EDGES))
    last = _day_of_month(int(of_month.group(1)), first) if of_month else parse_day(last_said, today)
    if last is not None and last < first and _WEEKDAY.fullmatch(last_said.strip(_EDGES)):
        last = parse_day(last_said, first)
    if last is None:
        return None
    if last < first:
        raise LeaveEndsFirst(last.isoformat())
    return Leave(first if first > today else None, last)


# A day of the month alone: 30号 (the next 30th); after a first day, 2日 too (11月30日到2日: 2 December).
_DAY_OF_MONTH = re.compile(r"(\d{1,2})\s*[日号]")


def _day_of_month(number: int, earliest: date) -> date | None:
    """The first day numbered `number` on or after `earliest` (a month without it is passed over)."""
    year, month = earliest.year, earliest.month
    for _ in range(3):
        found = _day(year, month, number)
        if found is not None and found >= earliest:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


# 下周一到周三, 从明天到后天, 12月8日至12月9日, 11月30日到2日, 30号到2号; 明天起, 从下周一开始.
_SPAN = re.compile(r"(.{1,12}?)\s*(?:到|至|~|～|—)\s*(.{1,12})")
_STARTING = re.compile(r"(?:从)?\s*(.{1,12}?)\s*(?:起|开始)")


def parse_day(typed: str, today: date) -> date | None:
    """The day in 2026-12-31, 12-31, 12月31日, 到 12月31日, 30号 (a day without a year, or without its month: the
    next one to come, today included); None when the words are no such day, or the calendar's last (9999-12-31): leave through a day ends
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
    of_month = re.fullmatch(r"(\d{1,2})\s*号", text)
    if of_month is not None:  # 到30号: the next 30th, today included (2日 alone is two days: _DAYS_LONG)
        return _day_of_month(int(of_month.group(1)), today)
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


# 我明天请假, 明天我想请个假, 周五想请假一天, 下周一到周三请假, 明天休假: leave to come, said in a sentence.
_LATER_LEAVE = re.compile(r"(?:我|本人)?(.{1,14}?)(?:我|本人)?(?:要|想|需要|得)?(?:请(?:个|一天|一下)?假|休假)(?:一天|1天)?"
                          r"(?:吧|啊|哈)?")


# 请两天假, 我想请三天假, 明天请两天假: a count of days said inside 请…假.
_DAYS_OFF = re.compile(r"(?:我|本人)?(.{0,8}?)(?:我|本人)?(?:要|想|需要|得)?请\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*天\s*假(?:吧|啊|哈)?")


def leave_said_for_later(typed: str, today: date) -> Leave | None:
    """The leave to come a sentence such as 我明天请假 or 下周一到周三请假 names (starting on a day after today),
    or the days 请两天假 names (from now; 明天请两天假: from tomorrow); None for other words, or a day unclear or
    already here."""
    text = unicodedata.normalize("NFKC", typed).strip(_EDGES)
    days = _DAYS_OFF.fullmatch(text)
    if days is not None:
        return _days_off(days.group(1), days.group(2), today)
    said = _LATER_LEAVE.fullmatch(text)
    if said is None:
        return None
    try:
        leave = parse_leave(said.group(1), today)
    except (UnclearYear, LeaveEndsFirst):
        return None
    return leave if leave is not None and leave.later(today) else None


def _days_off(first_said: str, count_said: str, today: date) -> Leave | None:
    """请两天假 (today the first of them), 明天请两天假 (from that later day); None for no count or day."""
    count = _count(count_said)
    if not count:
        return None
    first = _day_after(first_said, today) if first_said else today
    if first is None:
        return None
    return Leave(first if first > today else None, first + timedelta(days=count - 1))


def starts_later(typed: str, today: date) -> bool:
    """Whether `请假 <typed>` names a lone day after today (明天, 周五, 12月9日), not 到 that day nor a count of days:
    the day off itself, which starts then (`parse_leave`)."""
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


def names_leave(typed: str) -> bool:
    """Whether the words after 请假 name leave: a day (`names_a_day`), a span of days (下周一到周三) or a day it
    starts (明天起)."""
    text = unicodedata.normalize("NFKC", typed).strip(_EDGES)
    starting = _STARTING.fullmatch(text)
    if starting is not None and names_a_day(starting.group(1)):
        return True
    span = _SPAN.fullmatch(text.removeprefix("从"))
    if span is not None and names_a_day(span.group(1)) and (
            names_a_day(span.group(2)) or _DAY_OF_MONTH.fullmatch(span.group(2).strip(_EDGES))):
        return True
    return names_a_day(typed)


_LEAP_YEAR_START = date(2000, 1, 1)
# 请假 取消, 请假 不请了: the leave called off (销假), never a day to read.
_CALLING_OFF = frozenset({"取消", "撤销", "不请了"})


def calls_off_leave(typed: str) -> bool:
    """Whether the words after 请假 call the leave off (请假 取消), as 销假 does."""
    return unicodedata.normalize("NFKC", typed).strip(_EDGES) in _CALLING_OFF


def today(now: datetime) -> date:
    """The local (Beijing) day at `now`."""
    return now.astimezone(LOCAL_ZONE).date()


def set_duty(member: Staff, on_duty: bool, until: date | None, now: datetime, first: date | None = None) -> Duty:
    """在岗 (clears any leave, that to come too), or 休假 through the day `until` (None: until 销假), from the day
    `first` when it is after today (else from now); a day already over: PastDay."""
    if on_duty:
        member.on_duty, member.off_duty_until, member.off_duty_from = True, None, None
        return Duty(True)
    if until is not None and until < today(now):
        raise PastDay(until)
    later = first is not None and first > today(now)
    member.on_duty = False
    member.off_duty_until = _back_at(until) if until is not None else None
    member.off_duty_from = _midnight(first) if later and first is not None else None
    return duty_of(member, now)


def duty_of(member: Staff, now: datetime) -> Duty:
    """The member's duty at `now`: leave that has run out is duty again, and so is the time before leave arranged
    for a later day (with that leave's days)."""
    if member.on_duty or (member.off_duty_until is not None and member.off_duty_until <= now):
        return Duty(True)
    until = member.off_duty_until
    last = (until.astimezone(LOCAL_ZONE) - timedelta(days=1)).date() if until is not None else None
    if member.off_duty_from is not None and member.off_duty_from > now:
        return Duty(True, last, member.off_duty_from.astimezone(LOCAL_ZONE).date())
    return Duty(False, last)


def at_work(people: Sequence[Staff], now: datetime) -> list[Staff]:
    """Those of `people` on duty at `now` (`duty_of`), in their order."""
    return [person for person in people if duty_of(person, now).on_duty]


def on_duty_condition(now: datetime) -> ColumnElement[bool]:
    """A condition on Staff: on duty at `now` (as `duty_of` says), for 派单's choice."""
    return or_(Staff.on_duty.is_(True), Staff.off_duty_until.is_not(None) & (Staff.off_duty_until <= now),
               Staff.off_duty_from.is_not(None) & (Staff.off_duty_from > now))


def _back_at(last_day: date) -> datetime:
    """The moment leave through `last_day` ends: the next local midnight."""
    return _midnight(last_day + timedelta(days=1))


def _midnight(day: date) -> datetime:
    """The local (Beijing) midnight `day` starts at."""
    return datetime.combine(day, time(), LOCAL_ZONE)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
