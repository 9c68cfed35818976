"""The console's dashboard: a period's figures within an operator's scope, each panel one grouped query.

Which appeals a panel counts follows the rates (storage/rates.py): those filed in the period (Beijing dates)
whose grid lies in the scope, merged-away ones left out. The backlog, the overdue list and the queues are the
state at `now` (storage/queries.py's definitions: the console's lists show the same appeals). Workload counts
what each grid member did in the period (接单 and 办结 in their name, whichever appeal), and what they hold now.

Times to 接单 and to 办结 are read from the rates' per-appeal facts (storage/rate_counts.appeal_facts): to 接单,
filing to the first 接单, of the appeals dispatched; to 办结, filing to the last 办结, of the appeals resolved as
解决率 counts them, less the time they were paused (挂起 to 恢复: 恢复 moves the resolve deadline on by as much, so
the rates do not count it either). Median and p90 are nearest-rank (the value at rank ⌈p × n⌉), found by the
database with a window function: only those two values come back.

Nothing here loads a period's appeals into Python; every list is capped at `TOP` lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float, String

from storage import queries
from storage.actors import ActorKind
from storage.appeals import Action
from storage.models import (
    GRID_TEAM,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealStatus,
    Community,
    FocusCase,
    FocusCaseAppeal,
    FocusStatus,
    Grid,
    Staff,
    Street,
)
from storage.queries import EVERYWHERE, Overdue, QueueCounts, Scope
from storage.rate_counts import Unit, appeal_facts, is_dispatched, resolved, without_jit
from storage.rates import DEFAULT_WEIGHTS, LOCAL_ZONE, Period, Ranking, Weights, ranking
from storage.tasks import WORKING

DEFAULT_DAYS = 30  # the dashboard's period unless the operator picks one
TOP = 20  # lines of each list: the overdue appeals, the members' workload, the focus cases, the ranking
AGES = (timedelta(days=1), timedelta(days=3), timedelta(days=7))  # the backlog's buckets: <1, 1–3, 3–7, >7 days
TICKETS_PER_CASE = 5
# Beijing time has kept UTC+8 without daylight saving since 1991: a day of filing is the UTC time plus 8 hours.
LOCAL_OFFSET_HOURS = 8


@dataclass(frozen=True)
class DayCount:
    day: date
    category: str
    count: int


@dataclass(frozen=True)
class Backlog:
    """The open appeals at `now` by age since filing: <1 天, 1–3 天, 3–7 天, >7 天."""

    by_age: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class Workload:
    """A grid member's load: appeals they hold now (接单, not yet 办结), and their 接单 and 办结 in the period."""

    staff_id: int
    name: str
    grid: str  # 社区·网格; 街道·社区·网格 where two streets' communities of one name are listed
    held: int
    accepted: int
    resolved: int


@dataclass(frozen=True)
class FocusLine:
    """An open 聚焦办 case: where, about what, since when, who owns it, and its appeals (the first few tickets)."""

    code: str
    place: str
    key: str
    opened_at: datetime
    owner: str | None  # None: the community's operators
    appeals: int
    tickets: tuple[str, ...]


@dataclass(frozen=True)
class Spread:
    """How long something took over `count` appeals: median and p90 (None: no appeal)."""

    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class Charts:
    """What the dashboard draws (also served as JSON for its script)."""

    period: Period
    per_day: tuple[DayCount, ...]  # by day, then category; days without appeals are absent
    channels: tuple[tuple[str, int], ...]  # most used first
    backlog: Backlog

    @property
    def received(self) -> int:
        return sum(line.count for line in self.per_day)


@dataclass(frozen=True)
class PeriodFigures:
    """The panels computed over the period's appeals: the slow part of the dashboard at a city's size, which the
    console may serve a few minutes old (bot/figure_cache.py). `as_of` is when they were computed."""

    per_day: tuple[DayCount, ...]
    channels: tuple[tuple[str, int], ...]
    workload: tuple[Workload, ...]
    to_accept: Spread
    to_resolve: Spread
    ranking: Ranking  # by `overview_unit(scope)`
    as_of: datetime


@dataclass(frozen=True)
class Dashboard:
    charts: Charts
    as_of: datetime  # when the period's figures were computed (the backlog, queues and lists are as of now)
    queues: QueueCounts  # the home page's queues at `now`
    overdue: tuple[Overdue, ...]  # the TOP of `queues.overdue` longest past their deadline, the longest first
    workload: tuple[Workload, ...]
    focus: tuple[FocusLine, ...]
    to_accept: Spread
    to_resolve: Spread
    ranking: Ranking  # by `overview_unit(scope)`


def default_period(now: datetime) -> Period:
    """The dashboard's period unless the operator picks one: the last DEFAULT_DAYS days, today (Beijing time)
    included."""
    today = now.astimezone(LOCAL_ZONE).date()
    return Period.days(today - timedelta(days=DEFAULT_DAYS - 1), today)


def dashboard(session: Session, scope: Scope, period: Period, now: datetime,
              weights: Weights = DEFAULT_WEIGHTS, figures: PeriodFigures | None = None) -> Dashboard:
    """Every panel of the dashboard for the scope and period, as of `now`; the period's figures computed here
    unless given (as the console keeps them: bot/figure_cache.py)."""
    found = figures or period_figures(session, scope, period, now, weights)
    return Dashboard(
        charts=charts(session, scope, period, now, found), as_of=found.as_of,
        queues=queries.queue_counts(session, now, scope),
        overdue=tuple(queries.most_overdue(session, now, scope, limit=TOP)),
        workload=found.workload, focus=focus(session, scope), to_accept=found.to_accept,
        to_resolve=found.to_resolve, ranking=found.ranking,
    )


def period_figures(session: Session, scope: Scope, period: Period, now: datetime,
                   weights: Weights = DEFAULT_WEIGHTS) -> PeriodFigures:
    """The panels over the period's appeals: per day, channels, workload, times to 接单 and 办结, the ranking."""
    to_accept, to_resolve = times(session, scope, period, now)
    return PeriodFigures(per_day(session, scope, period), channels(session, scope, period),
                         workload(session, scope, period), to_accept, to_resolve,
                         ranking(session, period, now, overview_unit(scope), scope, weights), period.as_of(now))


def charts(session: Session, scope: Scope, period: Period, now: datetime,
           figures: PeriodFigures | None = None) -> Charts:
    """The panels drawn as charts: appeals per day by category and the channels (from the period's figures when
    given), the backlog by age (now)."""
    if figures is None:
        return Charts(period, per_day(session, scope, period), channels(session, scope, period),
                      backlog(session, scope, now))
    return Charts(period, figures.per_day, figures.channels, backlog(session, scope, now))


def overview_unit(scope: Scope) -> Unit:
    """The unit the dashboard ranks: the parts one level below the scope (a community's grids, a street's
    communities, everywhere's streets)."""
    if scope.community_id is not None or scope.grid_id is not None:
        return Unit.GRID
    if scope.street_id is not None:
        return Unit.COMMUNITY
    return Unit.STREET


def units_within(scope: Scope) -> tuple[Unit, ...]:
    """The units an operator of the scope may rank by: none wider than the scope (a community's operator has
    no street to compare; their community's figures are one line by community)."""
    if scope.community_id is not None or scope.grid_id is not None:
        return (Unit.COMMUNITY, Unit.GRID, Unit.MEMBER, Unit.CATEGORY)
    return tuple(Unit)


# --- appeals filed in the period ---------------------------------------------------------------------------------

def _filed(columns: list[Any], scope: Scope, period: Period) -> Any:
    return (select(*columns).select_from(Appeal).join(Grid, Grid.id == Appeal.grid_id)
            .join(Community, Community.id == Grid.community_id)
            .where(Appeal.created_at >= period.start, Appeal.created_at < period.end,
                   Appeal.status != AppealStatus.MERGED, scope.grid_condition()))


def per_day(session: Session, scope: Scope, period: Period) -> tuple[DayCount, ...]:
    """The appeals filed each day (Beijing time) of the period, per category."""
    day = LocalDay(Appeal.created_at)
    rows = session.execute(_filed([day, Appeal.category, func.count()], scope, period)
                           .group_by(day, Appeal.category).order_by(day, Appeal.category))
    return tuple(DayCount(date.fromisoformat(str(found)[:10]), category, count) for found, category, count in rows)


def channels(session: Session, scope: Scope, period: Period) -> tuple[tuple[str, int], ...]:
    """How the period's appeals came in (storage.appeals.Channel), most used first."""
    count = func.count()
    rows = session.execute(_filed([Appeal.channel, count], scope, period).group_by(Appeal.channel)
                           .order_by(count.desc(), Appeal.channel))
    return tuple((channel, total) for channel, total in rows)


# --- the state at `now` --------------------------------------------------------------------------------------

def backlog(session: Session, scope: Scope, now: datetime) -> Backlog:
    """The open appeals (the 全部未办结 list) by age since filing."""
    younger = [Appeal.created_at > now - age for age in AGES]
    buckets = [younger[0], and_(~younger[0], younger[1]), and_(~younger[1], younger[2]), ~younger[2]]
    query = (select(*(func.sum(case((bucket, 1), else_=0)) for bucket in buckets)).select_from(Appeal)
             .where(Appeal.status.in_(OPEN_STATUSES)))
    if scope != EVERYWHERE:
        query = query.where(scope.condition())
    found = session.execute(query).one()
    return Backlog(tuple(int(value or 0) for value in found))  # type: ignore[arg-type]


def workload(session: Session, scope: Scope, period: Period) -> tuple[Workload, ...]:
    """The grid team of the scope's grids, busiest first (most held, then most 接单 in the period), TOP of them."""
    held = (select(Appeal.assignee_staff_id.label("staff_id"), func.count().label("held"))
            .where(Appeal.status.in_(WORKING), Appeal.assignee_staff_id.is_not(None))
            .group_by(Appeal.assignee_staff_id).subquery("held"))
    event = AppealEvent
    acts = (select(event.actor_id.label("staff_id"),
                   func.sum(case((event.action == Action.ACCEPTED, 1), else_=0)).label("accepted"),
                   func.sum(case((event.action == Action.RESOLVED, 1), else_=0)).label("resolved"))
            .where(event.action.in_([Action.ACCEPTED, Action.RESOLVED]), event.actor_kind == ActorKind.STAFF,
                   event.at >= period.start, event.at < period.end)
            .group_by(event.actor_id).subquery("acts"))
    counts = [func.coalesce(held.c.held, 0), func.coalesce(acts.c.accepted, 0), func.coalesce(acts.c.resolved, 0)]
    rows = session.execute(
        select(Staff.id, Staff.name, Street.name, Community.id, Community.name, Grid.name, *counts)
        .join(Grid, Grid.id == Staff.grid_id).join(Community, Community.id == Grid.community_id)
        .join(Street, Street.id == Community.street_id)
        .outerjoin(held, held.c.staff_id == Staff.id).outerjoin(acts, acts.c.staff_id == Staff.id)
        .where(Staff.role.in_(GRID_TEAM), Staff.active.is_(True), scope.grid_condition())
        .order_by(counts[0].desc(), counts[1].desc(), Staff.id).limit(TOP)).all()
    # Two streets' communities of one name among them: only the street tells their members' grids apart.
    named: dict[str, set[int]] = {}
    for row in rows:
        named.setdefault(row[4], set()).add(row[3])
    return tuple(Workload(staff_id, name, f"{street}·{community}·{grid}" if len(named[community]) > 1
                          else f"{community}·{grid}", int(held_now), int(accepted), int(done))
                 for staff_id, name, street, _id, community, grid, held_now, accepted, done in rows)


def focus(session: Session, scope: Scope) -> tuple[FocusLine, ...]:
    """The open 聚焦办 cases of the scope's grids, oldest first, TOP of them, with their first few tickets."""
    cases = session.execute(
        select(FocusCase, Staff.name).join(Grid, Grid.id == FocusCase.grid_id)
        .join(Community, Community.id == Grid.community_id).outerjoin(Staff, Staff.id == FocusCase.owner_staff_id)
        .where(FocusCase.status == FocusStatus.OPEN, scope.grid_condition()).order_by(FocusCase.id).limit(TOP)
    ).all()
    tickets: dict[int, list[str]] = {case.id: [] for case, _owner in cases}
    if tickets:
        for case_id, ticket in session.execute(
                select(FocusCaseAppeal.case_id, Appeal.ticket).join(Appeal, Appeal.id == FocusCaseAppeal.appeal_id)
                .where(FocusCaseAppeal.case_id.in_(list(tickets))).order_by(Appeal.id)):
            tickets[case_id].append(ticket)
    return tuple(FocusLine(case.code, case.scope_label, case.key, case.opened_at, owner, len(tickets[case.id]),
                           tuple(tickets[case.id][:TICKETS_PER_CASE])) for case, owner in cases)


# --- times to 接单 and to 办结 -----------------------------------------------------------------------------------

ACCEPT, RESOLVE = 1, 2


def times(session: Session, scope: Scope, period: Period, now: datetime) -> tuple[Spread, Spread]:
    """Median and p90 of the times to 接单 and to 办结 (paused time left out) of the period's appeals."""
    without_jit(session)
    facts = appeal_facts(period.start, period.end, period.as_of(now), scope).cte("facts")
    event = AppealEvent
    paused = (select(func.coalesce(func.sum(case((event.action == Action.RESUMED, Epoch(event.at)), else_=0.0))
                                   - func.sum(case((event.action == Action.PAUSED, Epoch(event.at)), else_=0.0)), 0.0))
              .where(event.appeal_id == facts.c.id, event.action.in_([Action.PAUSED, Action.RESUMED]),
                     event.at < facts.c.resolved_at)
              .scalar_subquery())
    durations = union_all(
        select(literal_column(str(ACCEPT)).label("kind"),
               (Epoch(facts.c.first_claim) - Epoch(facts.c.created_at)).label("seconds"))
        .where(is_dispatched(facts), facts.c.first_claim.is_not(None)),
        select(literal_column(str(RESOLVE)).label("kind"),
               (Epoch(facts.c.resolved_at) - Epoch(facts.c.created_at) - paused).label("seconds"))
        .where(is_dispatched(facts), resolved(facts)),
    ).subquery("durations")
    ranked = select(
        durations.c.kind, durations.c.seconds,
        func.row_number().over(partition_by=durations.c.kind, order_by=durations.c.seconds).label("place"),
        func.count().over(partition_by=durations.c.kind).label("n"),
    ).subquery("ranked")
    found: dict[int, dict[str, Any]] = {ACCEPT: {}, RESOLVE: {}}
    for kind, seconds, place, n in session.execute(
            select(ranked).where(or_(ranked.c.place == _rank(ranked.c.n, 50), ranked.c.place == _rank(ranked.c.n, 90)))):
        spread = found[int(kind)]
        spread["n"] = int(n)
        for name, percent in (("median", 50), ("p90", 90)):
            if int(place) == -(-int(n) * percent // 100):
                spread[name] = timedelta(seconds=round(float(seconds)))
    return tuple(Spread(spread.get("n", 0), spread.get("median"), spread.get("p90"))  # type: ignore[return-value]
                 for spread in (found[ACCEPT], found[RESOLVE]))


def _rank(n: Any, percent: int) -> ColumnElement[Any]:
    """⌈n × percent / 100⌉ in integer arithmetic, which SQLite and PostgreSQL both do the same way."""
    return (n * percent + 99) // 100


# --- SQL both databases need written their own way ---------------------------------------------------------------

class LocalDay(FunctionElement[str]):
    """The Beijing date of a UTC timestamp column, as the database's date (PostgreSQL) or 'YYYY-MM-DD' (SQLite)."""

    type = String()
    inherit_cache = True


@compiles(LocalDay, "sqlite")
def _local_day_sqlite(element: LocalDay, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+{LOCAL_OFFSET_HOURS} hours')"


@compiles(LocalDay, "postgresql")
def _local_day_postgresql(element: LocalDay, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '{LOCAL_OFFSET_HOURS} hours' AS DATE)"


class Epoch(FunctionElement[float]):
    """Seconds since 1970 of a UTC timestamp column (naive, as UTCDateTime stores it)."""

    type = Float()
    inherit_cache = True


@compiles(Epoch, "sqlite")
def _epoch_sqlite(element: Epoch, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(Epoch, "postgresql")
def _epoch_postgresql(element: Epoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"
