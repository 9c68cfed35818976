"""The appeal list's filters as the page's form sends them (GET arguments), read into one AppealFilter.

The same arguments drive the list, its next page and its CSV export, so a link to a filtered list is a list an
operator can send to a colleague. A value that cannot be read gives one Chinese line and lists nothing, rather
than quietly listing more than was asked for.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.day_words import not_on_the_calendar, read_day
from bot.web.console import texts
from handlers.resident_texts import LOCAL_ZONE
from storage.appeals import LAPSED_STATUS, Channel
from storage.models import AppealStatus
from storage.queries import AppealFilter, Scope
from storage.rate_counts import LISTED, LISTED_DAYS, counted_ids
from storage.rates import Period
from storage.staff import UnclearPlace

QUEUES: dict[str, AppealFilter] = {
    "open": AppealFilter(),
    "review": AppealFilter(unclassified=True),
    "returned": AppealFilter(returned=True),
    "unclaimed": AppealFilter(unclaimed=True),
    "overdue": AppealFilter(overdue=True),
    "reopened": AppealFilter(reopened=True),
    "focus": AppealFilter(in_focus_case=True),
}
ALL_STATUSES = "all"
STATUSES = (*AppealStatus, LAPSED_STATUS)  # the status filter's choices, as `storage.appeals.shown_status` names them
FLAGS = ("overdue", "unclaimed", "paused")  # checkboxes: present means on
FIELDS = ("queue", "status", "category", "where", "channel", "from", "to", "resolved_from", "resolved_to", "q", "counted",
          *FLAGS)
TEXT_LIMIT = 50  # characters of a search or a place: longer is a paste gone wrong


@dataclass(frozen=True)
class Wanted:
    """What the form asked for: the queue, the filter it reads as, the arguments to carry to the next page and the
    export, and the refusal when a value could not be read (then nothing is listed)."""

    queue: str
    filter: AppealFilter
    arguments: dict[str, str]
    refusal: str | None = None


def read(session: Session, args: Mapping[str, str], scope: Scope, now: datetime) -> Wanted:
    """The filter of the list the arguments ask for (the caller narrows it to the operator's `scope`, in which a
    place the filter names is looked for). With `counted` (a figure of the rates, storage.rate_counts.LISTED) the
    days are the rates' period and the list is what that figure counted at `now`, whatever their status."""
    queue = args.get("queue", "open")
    queue = queue if queue in QUEUES else "open"
    given = {name: unicodedata.normalize("NFKC", args.get(name, "")).strip() for name in FIELDS}
    arguments = {name: value for name, value in given.items() if value and name != "queue"}
    arguments["queue"] = queue
    try:
        if any(len(value) > TEXT_LIMIT for value in given.values()):
            raise _Unreadable(texts.FILTER_TOO_LONG.format(limit=TEXT_LIMIT))
        since, until = _days(given["from"], given["to"])
        resolved_since, resolved_until = _days(given["resolved_from"], given["resolved_to"])
        resolved = resolved_since is not None or resolved_until is not None
        wanted = replace(
            QUEUES[queue],
            # Resolved in those days, whatever became of them since: 已办结 and 已评价完结 alike, unless one is chosen.
            **_statuses(given["status"] or (ALL_STATUSES if resolved else "")),
            **{flag: True for flag in FLAGS if given[flag]},
            categories=(given["category"],) if given["category"] else (),
            channel=_channel(given["channel"]),
            since=since,
            until=until,
            resolved_since=resolved_since,
            resolved_until=resolved_until,
            text=given["q"] or None,
            within=_within(session, given["where"], scope),
        )
        if given["counted"]:
            wanted = _counted(wanted, given["counted"], scope, now)
    except _Unreadable as refusal:
        return Wanted(queue, QUEUES[queue], arguments, str(refusal))
    return Wanted(queue, wanted, arguments)


def _counted(wanted: AppealFilter, measure: str, scope: Scope, now: datetime) -> AppealFilter:
    """The list of what a figure of the rates counted for the days given (none: this month) — by the rates' own
    period rule, not by filing day: an appeal held for its address counts in the period it was placed in."""
    if measure not in LISTED:
        raise _Unreadable(texts.FILTER_BAD_COUNTED)
    month = Period.month_of(now)
    period = Period(wanted.since or month.start, wanted.until or month.end)
    if period.end - period.start > timedelta(days=LISTED_DAYS):  # as long as a ranking's, no longer
        raise _Unreadable(texts.PERIOD_TOO_LONG.format(days=LISTED_DAYS))
    among = counted_ids(measure, period.start, period.end, period.as_of(now), scope)
    return replace(wanted, since=None, until=None, among=among, statuses=wanted.statuses or STATUSES)


class _Unreadable(ValueError):
    """A value of the form that means nothing; its message is the operator's line."""


def _statuses(word: str) -> dict[str, tuple[str, ...]]:
    if not word:
        return {}
    if word == ALL_STATUSES:
        return {"statuses": STATUSES}
    if word == LAPSED_STATUS:  # closed for the address never given: not 居民已撤销
        return {"statuses": (LAPSED_STATUS,)}
    try:
        return {"statuses": (AppealStatus(word),)}
    except ValueError:
        raise _Unreadable(texts.FILTER_BAD_STATUS) from None


def _channel(word: str) -> str | None:
    if word and word not in set(Channel):
        raise _Unreadable(texts.FILTER_BAD_CHANNEL)
    return word or None


def _days(first: str, last: str) -> tuple[datetime | None, datetime | None]:
    """From the start of the first day to the end of the last, in Beijing time; either may be left open."""
    since, until = _day(first), _day(last, following=True)
    if since and until and until <= since:
        raise _Unreadable(texts.FILTER_BACKWARDS.format(first=first, last=last))
    return since, until


def _day(word: str, following: bool = False) -> datetime | None:
    """The start of a day in Beijing time (`following`: of the day after, so that 到 includes the day)."""
    if not word:
        return None
    day = read_day(word)
    if day is None:
        refusal = texts.NO_SUCH_DAY if not_on_the_calendar(word) else texts.FILTER_BAD_DATE
        raise _Unreadable(refusal.format(value=word))
    return datetime.combine(day + timedelta(days=1 if following else 0), time(), LOCAL_ZONE)


def _within(session: Session, path: str, scope: Scope) -> Scope | None:
    if not path:
        return None
    try:
        return Scope.of_path(session, path, within=scope, compounds=True)
    except UnclearPlace as unclear:
        if unclear.candidates:
            raise _Unreadable(texts.FILTER_UNCLEAR_PLACE.format(
                name=path, candidates="、".join(unclear.candidates[:8]))) from None
        raise _Unreadable(texts.FILTER_NO_APPEAL_PLACE.format(name=path)) from None
