"""The counts behind the rates (storage/rates.py), per unit, in one grouped query over a period's appeals.

The inner query gathers one row per appeal filed in the period (one held for the resident's address past its end:
in the period it was placed in, `placed_at`): its unit and its trail facts — the first 接单,
the last 办结 / 重办 / 评价 / 退回 before the period's end. They come from the columns the lifecycle keeps on the
appeal (storage/trail_facts.py) where those tell the trail as of the period's end, else (an appeal worked on
since, or one whose columns are not kept) from its audit trail. The outer query sums those rows per unit. The
database does all of it: a month of a city's appeals is never loaded into Python.

A past period's appeal counts under the grid (so community and street) it was in at the period's end: an appeal
moved since (改派, a building's move) under the grid its first move after the end left, recorded on that event
(`from_grid_id`); the others, and those whose moves predate the column, under their current grid. A running
period's end is now, so nothing has moved since: its query joins the current grid as it always did. Likewise
a past period's unresolved appeal counts under the member who held it at the period's end (`_member`).

Indexes it uses: `ix_appeals_created_at` (the period), `ix_appeals_grid_created` (the period in a street or
community), `ix_appeals_placed_at` (the held appeals placed in the period); `ix_appeal_events_appeal_action` for the trails it still reads and a past period's moves since,
`ix_appeal_events_action_at` for the appeals moved since; the primary keys of grids,
communities and appeal_events (the lookups by id).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from storage.appeals import NOBODY, Action
from storage.models import Appeal, AppealEvent, AppealStatus, Community, Grid
from storage.queries import Scope
from storage.trail_facts import RATING_CODES, TRAIL, rating_key

# Statuses an appeal reaches only through dispatch (派发) and that keep it in the figures. Withdrawn (撤销),
# 不受理 and merged-away appeals are out unless 办结 before (`is_dispatched`); so are those still waiting for an
# address or a grid.
DISPATCHED_STATUSES = (
    AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED,
    AppealStatus.RESOLVED, AppealStatus.CLOSED,
)
# Where an appeal goes when it leaves the figures; one that went there after a past period's end stays in it.
_LEFT_STATUSES = [str(AppealStatus.CANCELLED), str(AppealStatus.REJECTED), str(AppealStatus.MERGED)]




class Unit(StrEnum):
    """What the figures are broken down by (`gridbot rates --by`)."""

    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    MEMBER = "member"
    CATEGORY = "category"


@dataclass(frozen=True)
class Counts:
    """The numerators and denominators of one unit, or of a total (counts add up: totals are pooled)."""

    received: int = 0  # filed in the period (merged-away appeals not counted)
    rejected: int = 0  # 不受理
    emergencies: int = 0
    dispatched: int = 0  # 派发: the denominator of 响应率, 解决率, 按期办结率 and 回退率
    responded: int = 0  # first 接单 by the response deadline
    resolved: int = 0  # 办结 at the period's end, not reopened since
    resolved_on_time: int = 0  # of those, 办结 by the resolve deadline (pauses added back)
    ever_resolved: int = 0  # 办结 at least once by the period's end: the denominator of 评价率 and 重办率
    reopened: int = 0  # of those, reopened (不满意) at least once
    returned: int = 0  # 退回 at least once
    overdue: int = 0  # a deadline missed, or passed while still open and not paused
    satisfied: int = 0  # the latest rating by the period's end
    basic: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


COUNTED = tuple(f.name for f in fields(Counts))


def counts_by(session: Session, unit: Unit, start: datetime, end: datetime, as_of: datetime,
              scope: Scope) -> dict[Any, Counts]:
    """The counts per unit (its id; the category's name; None for appeals no member handled) of the appeals
    filed in [start, end) within the scope, their trail read up to `as_of`."""
    without_jit(session)
    return {row.unit: Counts(**{name: int(getattr(row, name) or 0) for name in COUNTED})
            for row in session.execute(counts_query(unit, start, end, as_of, scope))}


def without_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT off for the transaction, before a query over `appeal_facts`: a month of a city is
    costed high enough for the JIT, whose compiling took seconds where the query itself takes a fraction of one
    (measured with bench/rates.py)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def counts_query(unit: Unit, start: datetime, end: datetime, as_of: datetime, scope: Scope) -> Select[Any]:
    """The grouped query behind `counts_by`: a column `unit`, then one sum per field of Counts."""
    facts = appeal_facts(start, end, as_of, scope).subquery("facts")
    if unit is Unit.MEMBER:
        key = _member(facts, resolved(facts), as_of, end)
    else:
        key = facts.c[unit.value]
    counted = _counted(facts, as_of)
    return (
        select(key.label("unit"), *(func.sum(case((counted[name], 1), else_=0)).label(name) for name in COUNTED))
        .select_from(facts)
        # By the output name: PostgreSQL would not match the member CASE's bound parameters twice.
        .group_by(literal_column("unit"))
    )


# What a drill-down can list: the counts an operator reads as a denominator or a numerator, and 已评价 (`rated`).
LISTED = ("dispatched", "responded", "resolved", "ever_resolved", "rated")
LISTED_DAYS = 366  # the longest period of a figure's list: a year, as the dashboard and the ranking read


def counted_ids(measure: str, start: datetime, end: datetime, as_of: datetime, scope: Scope) -> Select[Any]:
    """The ids of the appeals one of the counts (a name in LISTED) counted for the period within the scope: the
    drill-down of a figure lists exactly what it counted, by the same period rule (`_filed`) and the same facts."""
    facts = appeal_facts(start, end, as_of, scope).subquery("facts")
    counted = _counted(facts, as_of)
    wanted = or_(*(counted[name] for name in RATING_CODES if name in counted)) if measure == "rated" \
        else counted[measure]
    return select(facts.c.id).where(wanted)


def _counted(facts: Any, as_of: datetime) -> dict[str, ColumnElement[Any]]:
    """Per field of Counts, the condition on `appeal_facts` under which an appeal adds one to it."""
    is_resolved = resolved(facts)
    rating = facts.c.rating_key % len(RATING_CODES)
    dispatched = is_dispatched(facts)
    # As at `as_of`: a claim after a past period's end, even a late one, was no late claim at the end.
    claimed_by_then = facts.c.first_claim < as_of
    late_claim = or_(and_(claimed_by_then, facts.c.first_claim > facts.c.claim_due_at),
                     and_(~func.coalesce(claimed_by_then, False), facts.c.claim_due_at < as_of))
    late_resolve = or_(and_(is_resolved, facts.c.resolved_at > facts.c.resolve_due_at),
                       # Paused at `as_of`: a pause begun after a past period's end does not clear its 超期.
                       and_(~is_resolved, ~func.coalesce(facts.c.paused_at <= as_of, False),
                            facts.c.resolve_due_at < as_of))
    counted: dict[str, ColumnElement[Any]] = {
        "received": literal(True),
        "rejected": and_(facts.c.status == AppealStatus.REJECTED, ~dispatched),
        "emergencies": facts.c.emergency.is_not(None),
        "dispatched": dispatched,
        "responded": and_(dispatched, facts.c.first_claim <= facts.c.claim_due_at),
        "resolved": and_(dispatched, is_resolved),
        "resolved_on_time": and_(dispatched, is_resolved, facts.c.resolved_at <= facts.c.resolve_due_at),
        "ever_resolved": and_(dispatched, facts.c.resolve_id.is_not(None)),
        "reopened": and_(dispatched, facts.c.resolve_id.is_not(None), facts.c.reopen_id.is_not(None)),
        "returned": and_(dispatched, facts.c.returned == 1),
        "overdue": and_(dispatched, or_(late_claim, late_resolve)),
        **{name: and_(dispatched, rating == code) for name, code in RATING_CODES.items() if code},
    }
    return counted


def resolved(facts: Any) -> ColumnElement[bool]:
    """A condition on `appeal_facts`: 办结 at the period's end and not reopened since (解决率's numerator)."""
    return and_(facts.c.resolve_id.is_not(None),
                or_(facts.c.reopen_id.is_(None), facts.c.reopen_id < facts.c.resolve_id))


def is_dispatched(facts: Any) -> ColumnElement[bool]:
    """A condition on `appeal_facts`: the appeal counts as 派发 (the rates' denominator) — dispatched and still
    open or done, or 办结 at least once by the period's end whatever became of it: a 撤销, 不受理 or 合并 after a
    办结 (say after 不满意) leaves its 办结 and its rating in the figures, or a street could have them withdrawn."""
    return or_(facts.c.dispatched == 1, facts.c.resolve_id.is_not(None))


def _resolver(facts: Any) -> Any:
    """The staff member of the appeal's last 办结, looked up by the event's id: a scalar subquery, not a join,
    which let PostgreSQL hash the whole audit trail to find a few thousand events by primary key."""
    resolver = aliased(AppealEvent)
    return (select(resolver.actor_id).where(resolver.id == facts.c.resolve_id, resolver.actor_kind == "staff")
            .scalar_subquery())


def _member(facts: Any, is_resolved: ColumnElement[bool], as_of: datetime, end: datetime) -> ColumnElement[Any]:
    """The member an appeal counts under (None: nobody): whoever 办结 it last, if resolved at `as_of`; else who held
    it then — in a past period, the holder its first change of holder since names (`from_staff_id`), or the holder
    now when it changed hands since only before the column was kept, or never. One that nobody held at a past
    period's end and was first claimed after it, in time, counts under who claimed it: its 响应及时 counts too.
    The scalar subqueries (by `ix_appeal_events_appeal_action`) are read only for the appeals not resolved."""
    resolver = _resolver(facts)
    done = and_(is_resolved, resolver.is_not(None))
    if as_of < end:  # a running period: its end is now, nobody has taken it over since
        return case((done, resolver), else_=facts.c.assignee_staff_id)
    change, claim = aliased(AppealEvent), aliased(AppealEvent)
    before = (select(change.from_staff_id).where(change.appeal_id == facts.c.id, change.at >= as_of,
                                                 change.from_staff_id.is_not(None))
              .order_by(change.at, change.id).limit(1).scalar_subquery())
    held = func.coalesce(before, facts.c.assignee_staff_id)
    claimer = (select(claim.actor_id).where(claim.appeal_id == facts.c.id, claim.action == Action.ACCEPTED)
               .order_by(claim.at, claim.id).limit(1).scalar_subquery())
    # The claim's times first: the holder's subquery only for the few claimed since the end.
    claimed_in_time = and_(facts.c.first_claim >= as_of, facts.c.first_claim <= facts.c.claim_due_at, held == NOBODY)
    return case((done, resolver), (claimed_in_time, claimer), else_=func.nullif(held, NOBODY))


def appeal_facts(start: datetime, end: datetime, as_of: datetime, scope: Scope) -> CompoundSelect:
    """One row per appeal filed in [start, end) within the scope: its units, deadlines and trail facts — from
    the appeal's trail columns where they tell the trail as of `as_of` (storage/trail_facts.py), else from
    the trail itself. The rates sum it; the dashboard (storage/dashboard.py) reads its times to 接单 and 办结."""
    kept = and_(Appeal.trail_at.is_not(None), Appeal.trail_at < as_of)
    left_since = _left_since(as_of) if as_of >= end else None
    # A merged-away appeal 办结 before (after 不满意, say) stays, as a withdrawn one does (`is_dispatched`).
    merged_counted = _resolved_before(as_of) if left_since is None else or_(_resolved_before(as_of), left_since)
    counted = or_(Appeal.status != AppealStatus.MERGED, merged_counted)
    if left_since is not None:  # a past period: one merged at its end and split off (拆分) since was out of it
        counted = and_(counted, or_(Appeal.id.not_in(_split_since(as_of)), _resolved_before(as_of)))

    def facts(grid: ColumnElement[Any], placed: ColumnElement[bool]) -> list[Select[Any]]:
        from_columns = _facts_select(
            left_since, grid,
            Appeal.trail_first_accepted_at.label("first_claim"), Appeal.trail_resolve_event_id.label("resolve_id"),
            Appeal.trail_resolved_at.label("resolved_at"), Appeal.trail_reopen_event_id.label("reopen_id"),
            Appeal.trail_rating_key.label("rating_key"), case((Appeal.trail_returned, 1), else_=0).label("returned"),
        ).where(_filed(start, end, scope, counted), kept, placed)
        return [from_columns,
                _from_trail(start, end, as_of, scope, left_since, grid, counted).where(~kept, placed)]

    if as_of < end:  # a running period: nothing has moved since its end (now)
        return union_all(*facts(Appeal.grid_id, true()))
    # A past one: the appeals not moved since, by their grid (a street's or community's by the grid's index);
    # the few moved since out of a grid in the scope, by the grid they left. (NOT EXISTS, an anti-join: a NOT IN
    # of every move since an old month's end may outgrow PostgreSQL's hash.)
    moves = aliased(AppealEvent)
    stayed = ~select(moves.id).where(moves.appeal_id == Appeal.id, *_moves(moves, as_of)).correlate(Appeal).exists()
    moved = Appeal.id.in_(_moved_since(as_of, scope))
    return union_all(*facts(Appeal.grid_id, stayed), *facts(_grid_at(as_of), moved))


def _resolved_before(as_of: datetime) -> ColumnElement[bool]:
    """The appeal was 办结 before `as_of` (read only for merged-away appeals)."""
    done = aliased(AppealEvent)
    return (select(done.id).where(done.appeal_id == Appeal.id, done.action == Action.RESOLVED, done.at < as_of)
            .correlate(Appeal).exists())


def _left_since(as_of: datetime) -> ColumnElement[bool]:
    """The appeal was withdrawn, 不受理 or merged at or after `as_of` (a past period's end) while dispatched: at the
    end it was still in the figures, and it stays in them — a published month does not move."""
    left = aliased(AppealEvent)
    return (select(left.id).where(left.appeal_id == Appeal.id, left.action.in_(_LEAVING), left.at >= as_of,
                                  left.from_status.in_([str(status) for status in DISPATCHED_STATUSES]))
            .correlate(Appeal).exists())


_LEAVING = [str(Action.CANCELLED), str(Action.REJECTED), str(Action.MERGED)]
_MOVES = [str(Action.REASSIGNED), str(Action.BUILDING_MOVED)]


def _moves(moved: Any, as_of: datetime) -> tuple[ColumnElement[bool], ...]:
    """Conditions on an aliased AppealEvent: a move to another grid at or after `as_of` that names the grid left."""
    return moved.action.in_(_MOVES), moved.at >= as_of, moved.from_grid_id.is_not(None)


def _moved_since(as_of: datetime, scope: Scope) -> Select[Any]:
    """The appeals moved since `as_of` out of a grid within the scope — the grid they were in at `as_of` is among
    those they left (by `ix_appeal_events_action_at`)."""
    moved = aliased(AppealEvent)
    within = (select(Grid.id).join(Community, Community.id == Grid.community_id).where(scope.grid_condition())
              .correlate(None))
    return select(moved.appeal_id).where(*_moves(moved, as_of), moved.from_grid_id.in_(within))


def _grid_at(as_of: datetime) -> ColumnElement[Any]:
    """The grid a moved appeal was in at `as_of`: the one its first move since left."""
    moved = aliased(AppealEvent)
    return (select(moved.from_grid_id).where(moved.appeal_id == Appeal.id, *_moves(moved, as_of))
            .order_by(moved.at, moved.id).limit(1).correlate(Appeal).scalar_subquery())


def _facts_select(left_since: ColumnElement[bool] | None, grid: ColumnElement[Any], *trail: Any) -> Select[Any]:
    dispatched = Appeal.status.in_([str(status) for status in DISPATCHED_STATUSES])
    if left_since is not None:
        dispatched = or_(dispatched, and_(Appeal.status.in_(_LEFT_STATUSES), left_since))
    return (
        select(
            Appeal.id, Appeal.status, Appeal.emergency, Appeal.response_due_at, Appeal.resolve_due_at,
            # The deadline its first 接单 is judged by: a 改派 after it was missed or met does not move it.
            func.coalesce(Appeal.claim_due_at, Appeal.response_due_at).label("claim_due_at"),
            Appeal.paused_at, Appeal.assignee_staff_id, Appeal.category, Appeal.created_at,
            Grid.id.label("grid"), Grid.community_id.label("community"), Community.street_id.label("street"),
            # Once per appeal here, rather than in each of the sums that read it.
            case((dispatched, 1), else_=0).label("dispatched"),
            *trail,
        )
        .select_from(Appeal)
        .join(Grid, Grid.id == grid)
        .join(Community, Community.id == Grid.community_id)
    )


def _filed(start: datetime, end: datetime, scope: Scope, counted: ColumnElement[bool]) -> ColumnElement[bool]:
    """Filed in [start, end) and placed in a grid by its end, or held for an address before it and placed in it:
    a held appeal counts in the period it was placed in, so that a closed month does not change when its resident
    binds after it. One OR, which both databases read by both indexes (a bitmap OR, SQLite's multi-index OR), rather
    than more branches of the union for PostgreSQL to plan."""
    filed_in = and_(Appeal.created_at >= start, Appeal.created_at < end,
                    or_(Appeal.placed_at.is_(None), Appeal.placed_at < end))
    placed_in = and_(Appeal.placed_at >= start, Appeal.placed_at < end, Appeal.created_at < start)
    return and_(or_(filed_in, placed_in), counted, scope.grid_condition())


def _split_since(as_of: datetime) -> Select[Any]:
    """The appeals merged away at `as_of` (a past period's end) and split off since: a 拆分 at or after it with no
    合并 between the two (by `ix_appeal_events_action_at`; splits are few)."""
    split, merge = aliased(AppealEvent), aliased(AppealEvent)
    merged_between = (select(merge.id).where(merge.appeal_id == split.appeal_id, merge.action == Action.MERGED,
                                             merge.at >= as_of, merge.at < split.at).correlate(split).exists())
    return select(split.appeal_id).where(split.action == Action.SPLIT, split.at >= as_of, ~merged_between)


def _from_trail(start: datetime, end: datetime, as_of: datetime, scope: Scope, left_since: ColumnElement[bool] | None,
                grid: ColumnElement[Any], counted: ColumnElement[bool]) -> Select[Any]:
    """The facts read from the appeals' trails, up to `as_of`."""
    event = AppealEvent

    def last(action: Action, column: Any = None) -> Any:
        return func.max(case((and_(event.action == action, event.at < as_of), column if column is not None
                              else event.id), else_=null()))

    return (
        _facts_select(
            left_since, grid,
            func.min(case((event.action == Action.ACCEPTED, event.at), else_=null())).label("first_claim"),
            last(Action.RESOLVED).label("resolve_id"),
            last(Action.RESOLVED, event.at).label("resolved_at"),
            last(Action.REOPENED).label("reopen_id"),
            last(Action.RATED, rating_key(event)).label("rating_key"),
            func.max(case((and_(event.action == Action.RETURNED, event.at < as_of), 1), else_=0)).label("returned"),
        )
        # Only the actions the figures read: a real trail is mostly progress notes, reminders and views.
        .outerjoin(event, and_(event.appeal_id == Appeal.id, event.action.in_([str(action) for action in TRAIL])))
        .where(_filed(start, end, scope, counted))
        .group_by(Appeal.id, Grid.id, Grid.community_id, Community.street_id)
    )
