"""A period's figures per grid and per member — the 三率 (响应率、解决率、满意率) and what they are made of.

Pure reads over a period and a scope: `gridbot report` writes them to a workbook, the console (issue 13) shows
the same. Each definition below is also worded for operators, in README's 月报 section and in the workbook's
说明 sheet (bot/sheets/report.py); change them together.

- 收到 (received): the appeals filed within the period (Asia/Shanghai time for a month) whose grid lies in the
  scope. An appeal merged into another (合并) is not counted: its resident follows the appeal it joined.
- 不受理: received and rejected. 紧急: received as an emergency.
- 应办 (to handle): received appeals that reached a grid or department (dispatched), less those later rejected
  (不受理) or cancelled by their resident (撤销).
- 响应及时 (claimed in time): of 应办, the first 接单 came by the response deadline set at filing (an emergency's
  is minutes).
- 办结 (resolved): of 应办, resolved or closed when the report is made (an appeal reopened by 不满意 is not).
  按时办结: of those, resolved by the resolve deadline, which 恢复 moves on by the time the appeal was paused.
- 超期 (overdue): of 应办, a deadline was missed — claimed after the response deadline, resolved after the
  resolve deadline, or still open (and not paused) past either when the report is made.
- 满意 / 基本满意 / 不满意: the latest rating of received appeals (an appeal reopened by 不满意 keeps it until
  rated again); 已评价 is their sum. 未评价: 办结 appeals without a rating (the resident has not answered).
- 响应率 = 响应及时 / 应办; 解决率 = 办结 / 应办; 按时办结率 = 按时办结 / 应办; 满意率 = (满意 + 基本满意) /
  已评价 (基本满意 counts in full: it closes the appeal as 满意 does). A rate over
  nothing is None ("—"), never 0%: a grid without appeals is not ranked last. Totals pool the counts
  (Σ numerators / Σ denominators), they do not average the rates.
- Per member, the appeals they handled: the member whose 办结 was the last, else the member holding it now.
  An appeal nobody claimed counts for its grid only.

Figures are as recorded when the report is made (`now`): an appeal filed in the period and resolved after it
counts as resolved, so a report made later may show more resolved and rated than one made on the 1st.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from storage.appeals import Action
from storage.models import GRID_TEAM, Appeal, AppealEvent, AppealStatus, Community, Grid, Staff
from storage.queries import EVERYWHERE, Scope

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
NOT_TO_HANDLE = (AppealStatus.REJECTED, AppealStatus.CANCELLED)
RESOLVED = (AppealStatus.RESOLVED, AppealStatus.CLOSED)
RATINGS = ("satisfied", "basic", "unsatisfied")  # Appeal.rating, also the names of Figures' counts
OPEN_CLOCKS = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.RETURNED)


def month(year: int, number: int) -> tuple[datetime, datetime]:
    """The month as a period [start, end), its bounds at midnight in Asia/Shanghai (ValueError: no such month)."""
    start = datetime(year, number, 1, tzinfo=LOCAL_ZONE)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL_ZONE)
    return start, end


@dataclass(frozen=True)
class Facts:
    """What the figures need of one received appeal."""

    grid_id: int
    status: str
    emergency: bool
    dispatched: bool
    first_claim: datetime | None
    response_due: datetime | None
    resolved_at: datetime | None
    resolve_due: datetime | None
    paused: bool
    rating: str | None
    handler_id: int | None


@dataclass(frozen=True)
class Figures:
    """The counts of one grid, one member or a total; the rates are computed from them."""

    received: int = 0
    to_handle: int = 0
    claimed_in_time: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    overdue: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    unrated: int = 0
    rejected: int = 0
    emergencies: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def response_rate(self) -> float | None:
        return _rate(self.claimed_in_time, self.to_handle)

    @property
    def resolve_rate(self) -> float | None:
        return _rate(self.resolved, self.to_handle)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.resolved_in_time, self.to_handle)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied + self.basic, self.rated)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(appeals: Iterable[Facts], now: datetime) -> Figures:
    """The counts over `appeals` as of `now` (see the module's definitions)."""
    counts: dict[str, int] = defaultdict(int)
    for facts in appeals:
        counts["received"] += 1
        counts["rejected"] += facts.status == AppealStatus.REJECTED
        counts["emergencies"] += facts.emergency
        if facts.rating in RATINGS:
            counts[facts.rating] += 1
        if not facts.dispatched or facts.status in NOT_TO_HANDLE:
            continue
        counts["to_handle"] += 1
        claimed_late = _late(facts.first_claim, facts.response_due, now, running=not facts.paused)
        counts["claimed_in_time"] += facts.first_claim is not None and not claimed_late
        resolved = facts.status in RESOLVED
        counts["resolved"] += resolved
        counts["unrated"] += resolved and facts.rating is None
        ended = facts.resolved_at if resolved else None
        resolved_late = _late(ended, facts.resolve_due, now,
                              running=not resolved and facts.status in OPEN_CLOCKS and not facts.paused)
        counts["resolved_in_time"] += resolved and not resolved_late
        counts["overdue"] += claimed_late or resolved_late
    return Figures(**counts)


def _late(done_at: datetime | None, due: datetime | None, now: datetime, running: bool) -> bool:
    """Done after the deadline; or not done, the clock running, and the deadline past at `now`."""
    if due is None:
        return False
    if done_at is not None:
        return done_at > due
    return running and now > due


@dataclass(frozen=True)
class Line:
    """One row of the report: a grid (社区·网格) or a member (name, and their grid or department)."""

    label: str
    grid: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    """A period's figures within a scope: per grid, per member, and in total."""

    start: datetime
    end: datetime
    made_at: datetime
    grids: list[Line]
    members: list[Line]
    total: Figures


def report(session: Session, start: datetime, end: datetime, now: datetime, scope: Scope = EVERYWHERE) -> Report:
    """The figures of appeals filed in [start, end) within the scope, as of `now`: every grid of the scope and
    every grid team member of it (quiet ones with zeros), and whoever else handled an appeal of it."""
    received = _facts(session, start, end, scope)
    grids = _grids(session, scope)
    by_grid: dict[int, list[Facts]] = defaultdict(list)
    by_member: dict[int, list[Facts]] = defaultdict(list)
    for facts in received:
        by_grid[facts.grid_id].append(facts)
        if facts.handler_id is not None:
            by_member[facts.handler_id].append(facts)
    labels = {grid_id: label for grid_id, label in grids}
    team = session.scalars(select(Staff.id).where(Staff.grid_id.in_(labels), Staff.role.in_(GRID_TEAM),
                                                  Staff.active.is_(True))).all()
    members = session.scalars(select(Staff).where(Staff.id.in_({*team, *by_member}))
                              .order_by(Staff.grid_id, Staff.id)).all()
    return Report(
        start, end, now,
        [Line(label, label, figures(by_grid[grid_id], now)) for grid_id, label in grids],
        [Line(member.name, labels.get(member.grid_id or 0) or member.department or "",
              figures(by_member[member.id], now)) for member in members],
        figures(received, now),
    )


def _grids(session: Session, scope: Scope) -> list[tuple[int, str]]:
    query = select(Grid.id, Community.name, Grid.name).join(Community, Community.id == Grid.community_id)
    query = query.where(scope.grid_condition())
    return [(grid_id, f"{community}·{grid}") for grid_id, community, grid in
            session.execute(query.order_by(Community.id, Grid.id))]


def _facts(session: Session, start: datetime, end: datetime, scope: Scope) -> Sequence[Facts]:
    first_claim = (select(func.min(AppealEvent.at))
                   .where(AppealEvent.appeal_id == Appeal.id, AppealEvent.action == Action.ACCEPTED)
                   .scalar_subquery())
    dispatched = exists().where(AppealEvent.appeal_id == Appeal.id, AppealEvent.to_status == AppealStatus.DISPATCHED)
    resolving = aliased(AppealEvent)
    last_resolve = (select(func.max(resolving.id))
                    .where(resolving.appeal_id == Appeal.id, resolving.action == Action.RESOLVED)
                    .correlate(Appeal).scalar_subquery())
    resolver = (select(AppealEvent.actor_id)
                .where(AppealEvent.id == last_resolve, AppealEvent.actor_kind == "staff")
                .scalar_subquery())
    rows = session.execute(
        select(Appeal, first_claim, dispatched, resolver)
        .where(and_(Appeal.created_at >= start, Appeal.created_at < end, Appeal.grid_id.is_not(None),
                    Appeal.status != AppealStatus.MERGED, scope.condition()))
        .order_by(Appeal.id)
    ).all()
    return [
        Facts(appeal.grid_id, appeal.status, appeal.emergency is not None, bool(was_dispatched), claimed,
              appeal.response_due_at, appeal.resolved_at, appeal.resolve_due_at,
              appeal.status == AppealStatus.PAUSED or appeal.paused_at is not None, appeal.rating,
              resolved_by if resolved_by is not None and appeal.status in RESOLVED else appeal.assignee_staff_id)
        for appeal, claimed, was_dispatched, resolved_by in rows
    ]
