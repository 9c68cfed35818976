"""每日简报: each morning every 网格长 gets their grid's figures and every community 操作员 their community's (an
操作员 bound to no community: the street's), one message each, through the outbox like every staff notice.

Who: active staff, bound to WeChat and on duty (请假 pauses it): 网格长 of an active grid, and 操作员. What
(storage.notices.StaffDailySummary): the appeals filed, claimed (接单), resolved (办结) and reopened by 不满意 in
the days reported on; the open backlog and what is overdue that morning, the few most late by name; the month's
three rates to date, from storage.rates (computed nowhere else). The days reported on are yesterday, or on a
working day every day since the previous working day (Monday's covers Friday to Sunday, so nothing that came in
over a weekend or a holiday goes unreported).

Quiet days: on a working day everyone gets their summary, a quiet one (nothing new, no 不满意, nothing overdue) in
one line, because on a working day a missing summary cannot be told from a lost one, and people come to look for
it. On a day off (storage.workdays: weekends, holidays, make-up workdays counted as working) only those with
something overdue get one: that is what cannot wait for the next working day's summary, which reports the days
off anyway.

Once: each person's summary of a day has the outbox key summary:<staff id>:<day>. A second run, a second worker
or `gridbot summary` the same day finds the row and writes nothing; two at once are kept apart by the key's
unique index (the loser's insert is rolled back to its savepoint).

The figures are read once per morning for the whole organisation, per grid (a few grouped queries and the
overdue list), and added up per person's scope, however many people there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import complaints, duty, outbox, queries, workdays
from storage.appeals import Action
from storage.models import OPEN_STATUSES, Appeal, AppealEvent, Community, Grid, OutboxMessage, Staff, StaffRole
from storage.notices import StaffDailySummary
from storage.queries import Scope
from storage.rates import DEFAULT_WEIGHTS, Counts, Period, Unit, Weights, counts_by, rates_of
from storage.staff import workplace_label
from storage.tickets import LOCAL_ZONE

DAY = timedelta(days=1)
# A worker that was down at the hour sends the day's summary when it is back within this (8:00 → until noon);
# later the day's news is old, and tomorrow's summary reports it.
CATCH_UP = timedelta(hours=4)
# Working days looked back for: the calendar refuses a holiday longer than a month (storage/workdays.py).
LOOK_BACK = 31
LATE_SHOWN = 3  # the overdue appeals a summary names; the count covers all
NEXT_YEAR_FROM_MONTH = 11  # from November operators are reminded of a next year the calendar lacks
KEY = "summary:{staff_id}:{day}"
# The actions counted per day, and the summary's field for each.
ACTIVITY = {Action.ACCEPTED: "accepted", Action.RESOLVED: "resolved", Action.REOPENED: "reopened"}


class Outcome(StrEnum):
    WRITTEN = "written"  # written to the outbox now (a dry run: would be)
    ALREADY = "already"  # the person's summary of the day is in the outbox already
    QUIET = "quiet"  # a day off with nothing overdue: nothing to send


@dataclass(frozen=True)
class Recipient:
    """Someone who gets a summary: who, and what part of the organisation it is about."""

    staff_id: int
    name: str
    openid: str
    role: str  # StaffRole.GRID_LEADER or StaffRole.OPERATOR
    scope: Scope
    area: str

    def key(self, day: date) -> str:
        """The outbox key of this person's summary of `day`."""
        return KEY.format(staff_id=self.staff_id, day=day.isoformat())


@dataclass(frozen=True)
class Planned:
    """One person's summary of the morning: what happened to it, and what it says (None: already sent)."""

    recipient: Recipient
    outcome: Outcome
    notice: StaffDailySummary | None


def due_day(now: datetime, hour: int) -> date | None:
    """The day whose summaries are due at `now`: today, from `hour` o'clock (Beijing time) for CATCH_UP but not
    past midnight; None at any other time."""
    local = now.astimezone(LOCAL_ZONE)
    start = datetime.combine(local.date(), time(hour), LOCAL_ZONE)
    return local.date() if start <= local < start + CATCH_UP else None


def plan(session: Session, day: date, now: datetime, weights: Weights = DEFAULT_WEIGHTS) -> list[Planned]:
    """Who gets which summary on the morning of `day`, read at `now`; writes nothing (`gridbot summary --dry-run`)."""
    people = recipients(session, now)
    sent = set(session.scalars(select(OutboxMessage.idempotency_key).where(
        OutboxMessage.idempotency_key.in_([person.key(day) for person in people]))))
    waiting = [person for person in people if person.key(day) not in sent]
    planned = {person.staff_id: Planned(person, Outcome.ALREADY, None) for person in people if person.key(day) in sent}
    if waiting:
        morning = Morning.read(session, day, now)
        workday = _calendar().is_workday(day)
        for person in waiting:
            notice = morning.summary(person, now, weights)
            worth = workday or notice.overdue > 0
            planned[person.staff_id] = Planned(person, Outcome.WRITTEN if worth else Outcome.QUIET, notice)
    return [planned[person.staff_id] for person in people]


def send(session: Session, day: date, now: datetime, weights: Weights = DEFAULT_WEIGHTS) -> list[Planned]:
    """Write the morning's summaries of `day` to the outbox, once per person and day (see the module); returns
    what happened to each person's."""
    done = []
    for planned in plan(session, day, now, weights):
        if planned.outcome is Outcome.WRITTEN and planned.notice is not None:
            try:
                with session.begin_nested():
                    outbox.add(session, key=planned.recipient.key(day), recipient_openid=planned.recipient.openid,
                               notice=planned.notice, now=now)
            except IntegrityError:
                # Another worker (or `gridbot summary`) wrote this person's summary a moment ago.
                planned = Planned(planned.recipient, Outcome.ALREADY, None)
        done.append(planned)
    return done


def recipients(session: Session, now: datetime) -> list[Recipient]:
    """Everyone who gets a summary at `now`: active, bound, on duty 网格长 of active grids, and 操作员; by id."""
    active_grids = select(Grid.id).where(Grid.active.is_(True))
    staff = session.scalars(
        select(Staff).where(
            Staff.active.is_(True), Staff.openid.is_not(None), duty.on_duty_condition(now),
            or_(and_(Staff.role == StaffRole.GRID_LEADER, Staff.grid_id.in_(active_grids)),
                Staff.role == StaffRole.OPERATOR),
        ).order_by(Staff.id)
    ).all()
    return [Recipient(member.id, member.name, member.openid or "", member.role, Scope.overseen_by(member),
                      workplace_label(session, member.role, member.grid_id, member.community_id,
                                      street_id=member.street_id) or "")
            for member in staff]


def covered_from(day: date) -> date:
    """The first day the summary of `day` reports on: yesterday, or on a working day the previous working day
    (Monday's: Friday; after a holiday, the last working day before it)."""
    calendar = _calendar()
    first = day - DAY
    if calendar.is_workday(day):
        for _ in range(LOOK_BACK):
            if calendar.is_workday(first):
                break
            first -= DAY
    return first


@dataclass(frozen=True)
class _GridPlace:
    id: int
    community_id: int
    street_id: int

    def within(self, scope: Scope) -> bool:
        return (scope.grid_id in (None, self.id) and scope.community_id in (None, self.community_id)
                and scope.street_id in (None, self.street_id))


@dataclass(frozen=True)
class _Complaint:
    """A complaint about staff among the morning's figures: its grid, whom it is about, and what it counts in."""

    grid_id: int
    about: frozenset[int]
    open: bool  # in the backlog
    filed: bool  # among the new (filed in the days reported on)
    steps: frozenset[str]  # the ACTIVITY fields it counts in

    def hidden_from(self, staff_id: int, grids: set[int]) -> bool:
        """Whether it is about the reader, in their grids: not theirs to know of (storage.staff.can_read)."""
        return self.grid_id in grids and staff_id in self.about


@dataclass(frozen=True)
class Morning:
    """One morning's figures for the whole organisation, per grid: read once, added up per person."""

    holidays_missing: int | None  # this year, or from November the next, when the calendar has none of its days
    since: datetime
    until: datetime
    grids: tuple[_GridPlace, ...]
    filed: dict[int, Counts]  # in the days reported on
    activity: dict[tuple[int, str], int]  # (grid, ACTIVITY's field) -> appeals
    backlog: dict[int, int]
    overdue: tuple[queries.Overdue, ...]  # most late first
    accused: dict[int, frozenset[int]]  # of the overdue appeals, complaints about staff: whom each is about
    month: dict[int, Counts]  # the month of the last day reported on, to that day's end
    complaints: tuple[_Complaint, ...]  # in the backlog, the new or the steps: left out of their subject's figures

    @classmethod
    def read(cls, session: Session, day: date, now: datetime) -> Morning:
        """The figures for the summaries of `day`, the overdue appeals as of `now`."""
        since, until = _midnight(covered_from(day)), _midnight(day)
        last = day - DAY
        month = Period.month(last.year, last.month)
        grids = tuple(_GridPlace(*row) for row in session.execute(
            select(Grid.id, Grid.community_id, Community.street_id).join(Community, Community.id == Grid.community_id)))
        backlog = dict(session.execute(  # type: ignore[arg-type]
            select(Appeal.grid_id, func.count()).where(Appeal.status.in_(OPEN_STATUSES), Appeal.grid_id.is_not(None))
            .group_by(Appeal.grid_id)).all())
        late = sorted(queries.overdue(session, now), key=lambda item: (item.due, item.appeal.id))
        return cls(_missing_year(day), since, until, grids,
                   counts_by(session, Unit.GRID, since, until, until, queries.EVERYWHERE),
                   _activity(session, since, until), backlog, tuple(late),
                   complaints.accused_in(session, [item.appeal.id for item in late]),
                   counts_by(session, Unit.GRID, month.start, min(month.end, until), until, queries.EVERYWHERE),
                   _complaints(session, since, until))

    def summary(self, person: Recipient, now: datetime, weights: Weights) -> StaffDailySummary:
        """The person's summary: the figures of the grids in their scope."""
        grids = {grid.id for grid in self.grids if grid.within(person.scope)}
        filed = sum((self.filed.get(grid, Counts()) for grid in grids), Counts())
        month = sum((self.month.get(grid, Counts()) for grid in grids), Counts())
        rates = rates_of(month, weights)
        # A complaint about the reader is not theirs to read (storage.staff.can_read): left out of what is overdue.
        late = [item for item in self.overdue if item.appeal.grid_id in grids
                and person.staff_id not in self.accused.get(item.appeal.id, ())]
        shown = late[:LATE_SHOWN]
        # Nor counted in the day's figures: "在办 4 件" beside three found would tell them one is about them.
        hidden = [item for item in self.complaints if item.hidden_from(person.staff_id, grids)]
        steps = {field: sum(self.activity.get((grid, field), 0) for grid in grids)
                 - sum(field in item.steps for item in hidden) for field in ACTIVITY.values()}
        return StaffDailySummary(
            area=person.area, since=self.since, until=self.until, new=filed.received - sum(item.filed for item in hidden),
            **steps,
            backlog=sum(self.backlog.get(grid, 0) for grid in grids) - sum(item.open for item in hidden),
            overdue=len(late),
            late_tickets=tuple(item.appeal.ticket for item in shown),
            late_categories=tuple(item.appeal.category for item in shown),
            late_clocks=tuple(str(item.clock) for item in shown),
            late_minutes=tuple(int((now - item.due).total_seconds() // 60) for item in shown),
            response_rate=rates.response, resolve_rate=rates.resolve, satisfaction_rate=rates.satisfaction,
            holidays_missing=self.holidays_missing if person.role == StaffRole.OPERATOR else None, rated=month.rated,
        )


def _activity(session: Session, since: datetime, until: datetime) -> dict[tuple[int, str], int]:
    """Per grid and ACTIVITY action: the appeals with such a step in [since, until) (one pass over the trail)."""
    rows = session.execute(
        select(Appeal.grid_id, AppealEvent.action, func.count(distinct(AppealEvent.appeal_id)))
        .join(Appeal, Appeal.id == AppealEvent.appeal_id)
        .where(AppealEvent.action.in_([str(action) for action in ACTIVITY]), AppealEvent.at >= since,
               AppealEvent.at < until, Appeal.grid_id.is_not(None))
        .group_by(Appeal.grid_id, AppealEvent.action)
    )
    counted: dict[tuple[int, str], int] = defaultdict(int)
    for grid_id, action, appeals in rows:
        counted[(grid_id, ACTIVITY[Action(action)])] += appeals
    return dict(counted)


def _complaints(session: Session, since: datetime, until: datetime) -> tuple[_Complaint, ...]:
    """The complaints about named staff that count in the morning's backlog, new or steps of [since, until)."""
    about = {appeal_id: ids for appeal_id, ids in complaints.accused_in_all(session).items() if ids}
    if not about:
        return ()
    steps: dict[int, set[str]] = defaultdict(set)
    for appeal_id, action in session.execute(select(AppealEvent.appeal_id, AppealEvent.action).where(
            AppealEvent.appeal_id.in_(list(about)), AppealEvent.action.in_([str(action) for action in ACTIVITY]),
            AppealEvent.at >= since, AppealEvent.at < until)):
        steps[appeal_id].add(ACTIVITY[Action(action)])
    rows = session.execute(select(Appeal.id, Appeal.grid_id, Appeal.status, Appeal.created_at).where(
        Appeal.id.in_(list(about)), Appeal.grid_id.is_not(None)))
    return tuple(_Complaint(grid_id, about[appeal_id], status in OPEN_STATUSES, since <= created_at < until,
                            frozenset(steps.get(appeal_id, ())))
                 for appeal_id, grid_id, status, created_at in rows
                 if status in OPEN_STATUSES or since <= created_at < until or appeal_id in steps)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_ZONE)


def _missing_year(day: date) -> int | None:
    """The year whose holidays the calendar lacks and an operator should add: this one, or from November (the State
    Council publishes the next year's in November) the next; None when both are there."""
    calendar = _calendar()
    wanted = (day.year, day.year + 1) if day.month >= NEXT_YEAR_FROM_MONTH else (day.year,)
    return next((year for year in wanted if not calendar.covers(year)), None)


def _calendar() -> workdays.Calendar:
    """The process's holiday calendar (GRIDBOT_HOLIDAYS, configured at start-up)."""
    calendar = workdays.clock(True).calendar
    assert calendar is not None  # a working-day clock always has one
    return calendar
