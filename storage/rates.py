"""The three rates (响应率、解决率、满意率) and their companions — the one place they are defined and computed.

`gridbot rates`, `gridbot report` (storage/monthly_report.py) and the console (issue 13) all call `ranking()`
or `counts_by()`; README ("三率 / The three rates") and the report's 说明 sheet word the same definitions for
operators. Change them together.

Which appeals count: those filed (提交) in the period (Asia/Shanghai dates) whose grid lies in the scope.
Withdrawn (撤销), 不受理 and merged-away appeals are left out (a merged appeal counts once, as the appeal it
joined) — but not one 办结 before it was withdrawn, rejected or merged (after 不满意, say): it stays, with its 办结 and its
rating, or a street could have its 不满意 withdrawn; FAQ answers are not appeals. Of those, **派发
(dispatched)**: the appeals that reached a grid or a department. The period's end is `as_of` = the end, or now while the period is running; the trail is read up to
it, so a past period's figures no longer change (except 响应率: a claim just after the end may still be in time):
an appeal withdrawn, 不受理 or merged after the end stays in it as it was at the end, and one merged at the end and
split off (拆分) after it stays out of it.

- 响应率 = appeals whose first 接单 came by the response deadline / 派发. (挂起 comes only after 接单, so no
  paused time lies inside the response clock.) A 改派's fresh deadline (a 转办's, a 拆分's) counts only when the one before had not
  passed and nobody had claimed the appeal yet (Appeal.claim_due_at).
- 解决率 = appeals 办结 at the period's end and not reopened since (an appeal reopened by 不满意 and not
  办结 again by then is not resolved) / 派发.
- 满意率 = (满意 + w × 基本满意) / 已评价, the latest rating by the period's end; 不满意 counts 0; unrated
  appeals are not in the denominator. w: GRIDBOT_RATE_BASIC_CREDIT (default 0.9).
- 评价率 = 已评价 / 办结过 (appeals 办结 at least once by the period's end).
- 综合成绩 = 100 × (a × 响应率 + b × 解决率 + c × 满意率), a/b/c: GRIDBOT_RATE_WEIGHTS (default 0.10/0.50/0.40);
  "—" when any of the three is "—".
- 按期办结率 = appeals 办结 (as for 解决率) by the resolve deadline, which 恢复 moves on by the time paused /
  派发. 重办率 = 办结过 and reopened at least once / 办结过. 回退率 = appeals 退回 at least once / 派发.
- A rate with an empty denominator is None ("—"), never 0 %: a unit without appeals is not ranked last.
  Totals are pooled (Σ numerators / Σ denominators), never an average of the units' rates.
- Per member: the appeals whose last 办结 was theirs; not resolved: the appeals they held at the period's end
  (before 0045 a change of holder did not record who held it before: such appeals count under their holder now);
  appeals nobody held then form the unit None, but one claimed after a past period's end in time counts under
  who claimed it, as it counts in 响应率.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import org
from storage.models import GRID_TEAM, Community, Grid, Staff, Street
from storage.queries import EVERYWHERE, Scope
from storage.rate_counts import Counts, Unit, counts_by
from storage.rate_weights import DEFAULT_WEIGHTS, Weights

__all__ = ["DEFAULT_WEIGHTS", "Counts", "Unit", "Weights", "counts_by"]

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Rates:
    """A unit's rates as fractions; None where the denominator is empty."""

    response: float | None
    resolve: float | None
    satisfaction: float | None
    rating: float | None  # 评价率
    score: float | None  # 综合成绩, 0–100
    on_time: float | None  # 按期办结率
    redo: float | None  # 重办率
    returned: float | None  # 回退率


DEFAULT_UNIT = Unit.GRID  # what the console's rates page ranks unless the operator picks another


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def rates_of(counts: Counts, weights: Weights = DEFAULT_WEIGHTS) -> Rates:
    """The rates of these counts (see the module's definitions)."""
    response = _ratio(counts.responded, counts.dispatched)
    resolve = _ratio(counts.resolved, counts.dispatched)
    satisfaction = _ratio(counts.satisfied + weights.basic_credit * counts.basic, counts.rated)
    score = None
    if response is not None and resolve is not None and satisfaction is not None:
        score = 100 * (weights.response * response + weights.resolve * resolve + weights.satisfaction * satisfaction)
    return Rates(response, resolve, satisfaction, _ratio(counts.rated, counts.ever_resolved), score,
                 _ratio(counts.resolved_on_time, counts.dispatched), _ratio(counts.reopened, counts.ever_resolved),
                 _ratio(counts.returned, counts.dispatched))


@dataclass(frozen=True)
class Period:
    """[start, end), bounds at midnight in Asia/Shanghai."""

    start: datetime
    end: datetime

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """From the first day to the last, both included (ValueError: the last is before the first)."""
        if last < first:
            raise ValueError("period ends before it starts")
        return cls(_midnight(first), _midnight(last + timedelta(days=1)))

    @classmethod
    def month_of(cls, moment: datetime) -> Period:
        """The calendar month (Beijing time) `moment` falls in."""
        local = moment.astimezone(LOCAL_ZONE)
        return cls.month(local.year, local.month)

    @classmethod
    def month(cls, year: int, number: int) -> Period:
        """A calendar month (ValueError: no such month)."""
        return cls(datetime(year, number, 1, tzinfo=LOCAL_ZONE),
                   datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL_ZONE))

    @property
    def first_day(self) -> date:
        return self.start.astimezone(LOCAL_ZONE).date()

    @property
    def last_day(self) -> date:
        return self.end.astimezone(LOCAL_ZONE).date() - timedelta(days=1)

    def previous(self) -> Period:
        """The period just before, of the same length: the previous calendar month for a whole month."""
        first = self.first_day
        if first.day == 1 and self.end == Period.month(first.year, first.month).end:
            before = first - timedelta(days=1)
            return Period.month(before.year, before.month)
        length = self.last_day - first
        return Period.days(first - length - timedelta(days=1), first - timedelta(days=1))

    def as_of(self, now: datetime) -> datetime:
        """Up to when the trail is read: the end, or now while the period runs."""
        return min(self.end, now)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


@dataclass(frozen=True)
class Row:
    """One unit's figures: its key (id, category name, or None: nobody claimed), label, counts and rates, its
    rank by 综合成绩 (None: no score), and its rates in the previous period (None: no appeals there)."""

    key: Any
    label: str
    counts: Counts
    rates: Rates
    rank: int | None = None
    previous: Rates | None = None
    left: bool = False  # a member who has left since (离职): their figures stay, the tables say they left


@dataclass(frozen=True)
class Ranking:
    """A period's figures per unit, ranked, with the pooled total and the previous period's."""

    period: Period
    previous_period: Period
    as_of: datetime
    unit: Unit
    rows: list[Row]
    total: Row
    weights: Weights = field(default=DEFAULT_WEIGHTS)


def ranking(session: Session, period: Period, now: datetime, unit: Unit = Unit.GRID, scope: Scope = EVERYWHERE,
            weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    """The rates of every unit of the scope for the period, as of `now`, best 综合成绩 first (ties: more 派发
    first; units without a score last, unranked), each with its rates in the previous period. One grouped
    query per period (storage/rate_counts.py), and one for the units' names."""
    before = period.previous()
    current = counts_by(session, unit, period.start, period.end, period.as_of(now), scope)
    earlier = counts_by(session, unit, before.start, before.end, before.as_of(now), scope)
    labels = unit_labels(session, unit, scope, {*current, *earlier})
    gone = departed(session, set(labels)) if unit is Unit.MEMBER else set()
    rows = [Row(key, label, current.get(key, Counts()), rates_of(current.get(key, Counts()), weights),
                previous=rates_of(earlier[key], weights) if key in earlier else None, left=key in gone)
            for key, label in labels.items()]
    # A stable sort on the figures alone: ties and the unscored stay in the organisation's order (第一 … 第四网格),
    # which a sort by name (code point: 第三 before 第二) would scramble.
    rows.sort(key=lambda row: (row.rates.score is None, -(row.rates.score or 0), -row.counts.dispatched))
    rows = _ranked(rows)
    total, total_before = sum(current.values(), Counts()), sum(earlier.values(), Counts())
    return Ranking(period, before, period.as_of(now), unit, rows,
                   Row(None, "", total, rates_of(total, weights),
                       previous=rates_of(total_before, weights) if earlier else None), weights)


def _told_apart(named: dict[Any, tuple[str, str]]) -> dict[Any, str]:
    """Each unit's label, its street's name before it where two streets each have a community of that name."""
    return dict(zip(named, org.told_apart(list(named.values())), strict=True))


def _ranked(rows: list[Row]) -> list[Row]:
    """The sorted rows with their ranks: units tied on 综合成绩 and 派发 share one (并列), and the next skips as
    many places (1, 1, 3) — the organisation's order must not rank one of two equal grids below the other."""
    ranked: list[Row] = []
    for place, row in enumerate(rows, 1):
        if row.rates.score is None:
            ranked.append(row)
            continue
        before = ranked[-1] if ranked else None
        if before is not None and before.rank is not None and _tie(before) == _tie(row):
            place = before.rank
        ranked.append(replace(row, rank=place))
    return ranked


def _tie(row: Row) -> tuple[float, int]:
    # Rounded: equal rates reached by different sums may differ in the last bits of a float.
    return round(row.rates.score or 0, 9), row.counts.dispatched


def departed(session: Session, members: set[Any]) -> set[int]:
    """Which of these members (staff ids; None and others ignored) have left: listed only for the appeals they
    handled, their figures kept."""
    ids = {key for key in members if isinstance(key, int)}
    return set(session.scalars(select(Staff.id).where(Staff.id.in_(ids), Staff.active.is_(False)))) if ids else set()


def unit_labels(session: Session, unit: Unit, scope: Scope, seen: set[Any]) -> dict[Any, str]:
    """The name of every unit of the scope (streets, communities, grids as 社区·网格, the grid team and anyone
    else in `seen`, categories in `seen`), in the organisation's order; the unit None (nobody claimed) as ""."""
    if unit is Unit.CATEGORY:
        return {name: name for name in sorted(seen)}
    grids = select(Grid.id).join(Community, Community.id == Grid.community_id).where(scope.grid_condition())
    if unit is Unit.GRID:
        rows = session.execute(select(Grid.id, Community.name, Grid.name, Street.name).select_from(Grid)
                               .join(Community, Community.id == Grid.community_id)
                               .join(Street, Street.id == Community.street_id)
                               .where(Grid.id.in_(grids)).order_by(Community.id, Grid.id))
        return _told_apart({grid_id: (f"{community}·{grid}", street) for grid_id, community, grid, street in rows})
    if unit is Unit.COMMUNITY:
        rows = session.execute(select(Community.id, Community.name, Street.name)
                               .join(Grid, Grid.community_id == Community.id)
                               .join(Street, Street.id == Community.street_id)
                               .where(Grid.id.in_(grids)).distinct().order_by(Community.id))
        return _told_apart({key: (name, street) for key, name, street in rows})
    if unit is Unit.STREET:
        rows = session.execute(select(Street.id, Street.name).join(Community, Community.street_id == Street.id)
                               .join(Grid, Grid.community_id == Community.id).where(Grid.id.in_(grids))
                               .distinct().order_by(Street.id))
        return {key: name for key, name in rows}
    team = select(Staff.id).where(Staff.grid_id.in_(grids), Staff.role.in_(GRID_TEAM), Staff.active.is_(True))
    members = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(team) | Staff.id.in_(seen - {None}))
                              .order_by(Staff.grid_id, Staff.id))
    named = list(members)
    names = Counter(name for _key, name in named)
    # Two members of one name (张伟 in two grids): each by the number `gridbot staff list` shows them with.
    labels: dict[Any, str] = {key: f"{name} [{key}]" if names[name] > 1 else name for key, name in named}
    if None in seen:
        labels[None] = ""
    return labels
