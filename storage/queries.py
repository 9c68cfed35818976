"""The read model: lists, counts and filters that the chat, the CLI, the console and reports share.

Everything here only reads, in the caller's session: no function adds, changes or deletes a row. State changes
go through `storage.appeals.transition` and the lifecycle modules (tasks, review, joins, focus_cases, rating,
supervision, …), which check permission and write the audit trail; a lifecycle module may read through these
queries (the 督着办 sweep finds what is overdue or unclaimed with the same `overdue` and `unclaimed` a page lists).

Who may read what is decided by `storage.staff.can_read`. A list for a staff member says whether it applies it
or leaves it to the caller; a list by `Scope` narrows to a part of the organisation, and who may see that part
is the caller's to check.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, null, or_, select, true
from sqlalchemy.orm import Session

from storage import duty, unit_reach, workdays
from storage.actors import ActorKind
from storage.appeals import LAPSED_STATUS, UNCLASSIFIED, Action, Sender, shown_statuses
from storage.appeals import response_due as appeals_response_due
from storage.models import (
    GRID_TEAM,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealStatus,
    Building,
    Community,
    ConsoleUser,
    DispatchMode,
    FocusCase,
    FocusCaseAppeal,
    FocusStatus,
    Grid,
    OutboxMessage,
    Staff,
    StaffRole,
    Street,
    Unit,
)
from storage.notices import StaffNewAppeal
from storage.org import Address
from storage.staff import (
    MAX_CANDIDATES,
    PLACE_SEPARATOR,
    AmbiguousPlace,
    UnknownPlace,
    can_read,
    find_compound,
    find_grid,
    place,
)
from storage.tasks import WORKING
from storage.typed_words import holds_words

WORDS_APART = re.compile(r"\s+")  # 幸福里社区 第一网格: two names apart, as · would put them



def _places_named_like(session: Session, part: str, within: Scope | None) -> list[str]:
    """The streets (looked for only by whoever may read every street) and communities whose name holds `part`,
    among those `within` reaches."""
    streets = [] if within is not None else session.scalars(
        select(Street.name).where(holds_words(Street.name, part)).order_by(Street.id)).all()
    communities = select(Community.name).where(holds_words(Community.name, part))
    if within is not None:
        communities = communities.where(Community.id.in_(
            select(Grid.community_id).join(Community, Community.id == Grid.community_id).where(within.grid_condition())))
    return [*streets, *session.scalars(communities.order_by(Community.id).limit(MAX_CANDIDATES)).all()]


@dataclass(frozen=True)
class Scope:
    """A part of the organisation to list: a street, a community, a grid, or (nothing set) everywhere.

    More than one set means all of them at once (a grid of that community).
    """

    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    compound: str | None = None  # a 小区 of the community (community_id): appeals at its buildings

    @classmethod
    def overseen_by(cls, member: Staff) -> Scope:
        """What a 网格长 (their grid) or an operator (their community; bound to none: their street, or every street
        when theirs was never recorded) oversees, as `storage.staff.can_read` lets them read it (sensitive too)."""
        if member.role == StaffRole.GRID_LEADER:
            return cls(grid_id=member.grid_id)
        if member.community_id is None:
            return cls(street_id=member.street_id)
        return cls(community_id=member.community_id)

    @classmethod
    def of_path(cls, session: Session, path: str | None, within: Scope | None = None,
                compounds: bool = False) -> Scope:
        """The scope an operator types after `--scope`: nothing (everywhere), a street, a community, or a grid
        (第一网格 when unique, 幸福里社区·第一网格, 幸福里社区/第一网格, or 幸福里社区 第一网格 where a phone's keyboard
        has no ·), and, given `compounds` (lists of appeals), a 小区 (阳光花园 when unique, else 幸福里社区·阳光花园).
        UnclearPlace names the candidates.
        `within`: the operator's own scope, among whose grids a grid's name is looked for (a community's 第一网格
        is theirs, and another community's is never named to them)."""
        wanted = unicodedata.normalize("NFKC", path or "").strip()
        if not PLACE_SEPARATOR.search(wanted):
            wanted = WORDS_APART.sub("·", wanted)
        if not wanted:
            return cls()
        street = session.scalars(select(Street).where(Street.name == wanted)).first()
        if street is not None:
            return cls(street_id=street.id)
        parts = PLACE_SEPARATOR.split(wanted)
        if len(parts) <= 2:
            # 幸福里社区, or 幸福街道·幸福里社区 where two streets have a community of that name.
            named = select(Community, Street.name).join(Street, Street.id == Community.street_id) \
                .where(Community.name == parts[-1], true() if within is None else within.community_condition())
            if len(parts) == 2:
                named = named.where(Street.name == parts[0])
            community = session.execute(named.order_by(Community.id)).all()
            if len(community) == 1:
                return cls(community_id=community[0][0].id)
            if community:
                raise AmbiguousPlace("community", wanted, [f"{street}·{row.name}" for row, street in community])
        grids = None if within is None else within.grid_condition()
        try:
            # A deactivated grid too: its past is still read.
            return cls(grid_id=find_grid(session, wanted, grids, in_use=False).id)
        except UnknownPlace as unknown:
            if compounds:
                try:
                    community_id, compound = find_compound(session, wanted, (within or EVERYWHERE).grid_condition(),
                                                           (within or EVERYWHERE).community_condition())
                    return cls(community_id=community_id, compound=compound)
                except UnknownPlace:
                    pass
            if unknown.candidates or PLACE_SEPARATOR.search(wanted):
                raise
            # 和平 for 和平社区: part of a name, which find_grid only looks for among grids' names.
            raise UnknownPlace("place", wanted, _places_named_like(session, wanted, within)) from None

    def community_condition(self) -> ColumnElement[bool]:
        """A condition on Community: the community lies within the scope (a grid's scope: the grid's community)."""
        conditions: list[ColumnElement[bool]] = []
        if self.street_id is not None:
            conditions.append(Community.street_id == self.street_id)
        if self.community_id is not None:
            conditions.append(Community.id == self.community_id)
        if self.grid_id is not None:
            conditions.append(Community.id.in_(select(Grid.community_id).where(Grid.id == self.grid_id)))
        return and_(true(), *conditions)

    def grid_condition(self) -> ColumnElement[bool]:
        """A condition on Grid joined with its Community: the grid lies within the scope."""
        conditions: list[ColumnElement[bool]] = []
        if self.street_id is not None:
            conditions.append(Community.street_id == self.street_id)
        if self.community_id is not None:
            conditions.append(Grid.community_id == self.community_id)
        if self.grid_id is not None:
            conditions.append(Grid.id == self.grid_id)
        if self.compound is not None:  # the grids holding the 小区's buildings
            conditions.append(Grid.id.in_(select(Building.grid_id).where(Building.compound == self.compound)))
        return and_(true(), *conditions)

    def condition(self) -> ColumnElement[bool]:
        """A condition on Appeal: it lies within the scope."""
        conditions: list[ColumnElement[bool]] = []
        if self.street_id is not None:
            conditions.append(Appeal.grid_id.in_(
                select(Grid.id).join(Community, Community.id == Grid.community_id)
                .where(Community.street_id == self.street_id)
            ))
        if self.community_id is not None:
            conditions.append(Appeal.grid_id.in_(select(Grid.id).where(Grid.community_id == self.community_id)))
        if self.grid_id is not None:
            conditions.append(Appeal.grid_id == self.grid_id)
        if self.compound is not None:
            conditions.append(Appeal.building_id.in_(
                select(Building.id).join(Grid, Grid.id == Building.grid_id)
                .where(Grid.community_id == self.community_id, Building.compound == self.compound)))
        if not conditions:
            return true()
        return conditions[0] if len(conditions) == 1 else and_(*conditions)


EVERYWHERE = Scope()


# --- a resident's and a staff member's lists ------------------------------------------------------------------

def latest_of(session: Session, resident: Sender, limit: int = 5) -> Sequence[Appeal]:
    """The resident's most recent appeals, newest first."""
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident.id).order_by(Appeal.id.desc()).limit(limit)
    ).all()


def timeline(session: Session, appeal: Appeal, include_internal: bool = False) -> Sequence[AppealEvent]:
    """The appeal's audit trail, oldest first; staff-only notes only when asked for."""
    query = select(AppealEvent).where(AppealEvent.appeal_id == appeal.id)
    if not include_internal:
        query = query.where(AppealEvent.internal.is_(False))
    return session.scalars(query.order_by(AppealEvent.id)).all()


def timeline_with_names(session: Session, appeal: Appeal) -> list[tuple[AppealEvent, str | None]]:
    """Every event of the appeal, internal ones included, with the name of who acted: the staff member's, or a
    console operator's display name (`event.actor_kind` tells which; see storage.actors)."""
    rows = session.execute(
        select(AppealEvent, Staff.name, ConsoleUser.display_name)
        .outerjoin(Staff, (AppealEvent.actor_kind == ActorKind.STAFF) & (Staff.id == AppealEvent.actor_id))
        .outerjoin(ConsoleUser, (AppealEvent.actor_kind == ActorKind.CONSOLE_USER)
                   & (ConsoleUser.id == AppealEvent.actor_id))
        .where(AppealEvent.appeal_id == appeal.id)
        .order_by(AppealEvent.id)
    ).all()
    return [(event, staff or operator) for event, staff, operator in rows]


@dataclass(frozen=True)
class Task:
    """One line of 我的任务: the appeal, and the deadline of the clock it is on (None: paused, the clock stands)."""

    appeal: Appeal
    due: datetime | None


def tasks_of(session: Session, member: Staff, now: datetime | None = None) -> list[Task]:
    """我的任务: what the member works on and what waits to be claimed in their grid or department, most
    urgent first: an open emergency (someone may be in danger: above even a task overdue for days), then overdue,
    then the soonest due; paused ones last, their clock stands still. An operator's list (of their community; a
    street operator's: all) starts, after emergencies, with the appeals grids returned (退回), waiting for them to
    改派, then those waiting in 待分类 for review, then, given `now`, those past a deadline (unclaimed past the
    limit, or not resolved in time).

    Not filtered by `can_read`: the caller hides a waiting sensitive appeal the member may not read.
    """
    waiting = (Appeal.status == AppealStatus.DISPATCHED) & (
        ((Appeal.department == member.department) & unit_reach.served_by(member)) if member.department
        else (Appeal.department.is_(None) & (Appeal.grid_id == member.grid_id))
    ) & (Appeal.assignee_staff_id.is_(None) | (Appeal.assignee_staff_id == member.id))  # 派单 gave it to them
    mine = Appeal.status.in_(WORKING) & (Appeal.assignee_staff_id == member.id)
    rows = session.execute(select(Appeal, _dispatched_since(), returned_since())
                           .where(or_(mine, waiting, _overseen_by(session, member, now)))).all()
    found = [Task(appeal, returned_due(appeal, returned_at) if appeal.status == AppealStatus.RETURNED
                  else _due(appeal, at)) for appeal, at, returned_at in rows]
    reviews = member.role == StaffRole.OPERATOR  # 待分类 waits for an operator; to a grid member it is one more task
    return sorted(found, key=lambda task: (task.appeal.emergency is None, task.appeal.status != AppealStatus.RETURNED,
                                           reviews and task.appeal.category != UNCLASSIFIED, task.due is None,
                                           task.due.timestamp() if task.due else 0.0, task.appeal.id))


def carded(session: Session, member: Staff, appeal_ids: Sequence[int]) -> set[int]:
    """Which of the appeals the member was sent the task card of (a sensitive one's with its words withheld)."""
    if member.openid is None or not appeal_ids:
        return set()
    return set(session.scalars(select(OutboxMessage.appeal_id).where(
        OutboxMessage.recipient_openid == member.openid, OutboxMessage.template == StaffNewAppeal.name,
        OutboxMessage.appeal_id.in_(list(appeal_ids)))))


def _overseen_by(session: Session, member: Staff, now: datetime | None) -> ColumnElement[bool]:
    """What waits for an operator: returned appeals to 改派, those waiting in a grid with nobody bound to claim them,
    or (given `now`) a 派单 grid with nobody of its team on duty (their card went to the operators instead,
    storage.dispatch.stand_ins), open ones in 待分类, and (given `now`)
    overdue ones, of their community (of the street, for a street operator)."""
    if member.role != StaffRole.OPERATOR:
        return false()
    team = (Staff.grid_id == Appeal.grid_id, Staff.active.is_(True), Staff.openid.is_not(None),
            Staff.role.in_(GRID_TEAM))
    claimer = exists().where(*team)
    if now is not None:  # ...or, in a 派单 grid, nobody of its team on duty (storage.dispatch gives them the card too)
        grabs = exists().where(Grid.id == Appeal.grid_id, Grid.dispatch_mode == DispatchMode.GRAB)
        claimer = (claimer & grabs) | exists().where(*team, duty.on_duty_condition(now))
    unmanned = ((Appeal.status == AppealStatus.DISPATCHED) & Appeal.department.is_(None)
                & Appeal.assignee_staff_id.is_(None) & ~claimer)
    waits = [Appeal.status == AppealStatus.RETURNED, unmanned,
             (Appeal.category == UNCLASSIFIED) & Appeal.status.in_(OPEN_STATUSES)]
    if now is not None:
        waits.append(_late(session, now))
    if member.community_id is None and member.street_id is None:
        return or_(*waits)  # a street operator bound before their street was recorded: every street
    if member.community_id is None:
        communities = select(Community.id).where(Community.street_id == member.street_id)
        return or_(*waits) & Appeal.grid_id.in_(select(Grid.id).where(Grid.community_id.in_(communities)))
    return or_(*waits) & Appeal.grid_id.in_(select(Grid.id).where(Grid.community_id == member.community_id))


def _due(appeal: Appeal, dispatched_at: datetime | None) -> datetime | None:
    if appeal.status == AppealStatus.PAUSED or appeal.paused_at is not None:
        return None
    if appeal.status == AppealStatus.DISPATCHED:
        return response_due(appeal, dispatched_at or appeal.created_at)
    return appeal.resolve_due_at


def review_queue(session: Session, scope: Scope = EVERYWHERE, limit: int = 20) -> Sequence[Appeal]:
    """Open appeals waiting in 待分类 within the scope, oldest first."""
    query = select(Appeal).where(Appeal.category == UNCLASSIFIED, Appeal.status.in_(OPEN_STATUSES))
    if scope != EVERYWHERE:
        query = query.where(scope.condition())
    return session.scalars(query.order_by(Appeal.created_at, Appeal.id).limit(limit)).all()


# --- focus cases (聚焦办) ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseSummary:
    """One focus case as a list shows it."""

    case: FocusCase
    owner_name: str | None
    tickets: tuple[str, ...]  # of its appeals, in the order they were filed


def focus_cases_visible_to(session: Session, member: Staff) -> Sequence[CaseSummary]:
    """聚焦: the open cases of the grids the member may read (`storage.staff.can_read`): their grid; an operator
    their community's (a street operator: all); a department's staff, who have no grid, none."""
    query = select(FocusCase).where(FocusCase.status == FocusStatus.OPEN)
    if member.role != StaffRole.OPERATOR:
        query = query.where(FocusCase.grid_id == member.grid_id)  # the SQL narrows, can_read decides
    cases = session.scalars(query.order_by(FocusCase.id)).all()
    return _summaries(session, [case for case in cases if can_read(member, place(session, case.grid_id))])


def focus_cases(session: Session, include_closed: bool = False) -> Sequence[CaseSummary]:
    """Every open case (with `include_closed`, every case), oldest first: `gridbot focus list`."""
    query = select(FocusCase)
    if not include_closed:
        query = query.where(FocusCase.status == FocusStatus.OPEN)
    return _summaries(session, session.scalars(query.order_by(FocusCase.id)).all())


def _summaries(session: Session, cases: Sequence[FocusCase]) -> list[CaseSummary]:
    if not cases:
        return []
    ids = [case.id for case in cases]
    tickets: dict[int, list[str]] = {case_id: [] for case_id in ids}
    for case_id, ticket in session.execute(
        select(FocusCaseAppeal.case_id, Appeal.ticket).join(Appeal, Appeal.id == FocusCaseAppeal.appeal_id)
        .where(FocusCaseAppeal.case_id.in_(ids)).order_by(Appeal.id)
    ):
        tickets[case_id].append(ticket)
    owners = dict(session.execute(
        select(Staff.id, Staff.name).where(Staff.id.in_([c.owner_staff_id for c in cases if c.owner_staff_id]))
    ).all())
    return [CaseSummary(case, owners.get(case.owner_staff_id) if case.owner_staff_id else None,
                        tuple(tickets[case.id])) for case in cases]


# --- the clocks: unclaimed and overdue --------------------------------------------------------------------------
# A paused appeal is in neither list: its clock stands still (恢复 moves its deadline by the pause).

class Clock(StrEnum):
    RESPONSE = "response"  # dispatched: someone must claim it (接单) by `response_due_at`
    RESOLVE = "resolve"  # accepted: the assignee must resolve it (办结) by `resolve_due_at`
    RETURNED = "returned"  # given back (退回): an operator must route it again (改派, 转办) within its response time


@dataclass(frozen=True)
class Unclaimed:
    """A dispatched appeal nobody has claimed yet, since when it waits and by when it should be claimed."""

    appeal: Appeal
    since: datetime  # it (re-)entered dispatched: a 转办 or a 退回 starts the wait again
    due: datetime | None


@dataclass(frozen=True)
class Overdue:
    """An appeal past the deadline of the clock it is on."""

    appeal: Appeal
    clock: Clock
    due: datetime


def response_due(appeal: Appeal, since: datetime) -> datetime | None:
    """When a dispatched appeal waiting since `since` should be claimed.

    After a 转办 the department gets its own `response_hours` from the transfer (in the category's time: a
    working-day appeal transferred on a Friday evening is not late on Saturday), because the original deadline has
    long passed; an emergency its `response_minutes`, every minute (storage.appeals.response_due): someone may
    still be in danger.
    """
    if appeal.department:
        return appeals_response_due(appeal, since)
    return appeal.response_due_at


def unclaimed(session: Session, scope: Scope = EVERYWHERE, *, dispatched_by: datetime | None = None,
              where: ColumnElement[bool] | None = None, limit: int | None = None,
              after_id: int | None = None) -> list[Unclaimed]:
    """Dispatched appeals waiting for a claim within the scope, by id (oldest first).

    `dispatched_by`: only those waiting since then or earlier (a page of "unclaimed for over 30 minutes");
    `where`: any further condition on Appeal; `limit` and `after_id` (the last id of the previous page) page.
    """
    since = _dispatched_since()
    conditions: list[ColumnElement[bool]] = [Appeal.status == AppealStatus.DISPATCHED, Appeal.paused_at.is_(None)]
    if dispatched_by is not None:
        conditions.append(func.coalesce(since, Appeal.created_at) <= dispatched_by)
    rows = session.execute(_page(select(Appeal, since), scope, conditions, where, limit, after_id)).all()
    return [Unclaimed(appeal, at or appeal.created_at, response_due(appeal, at or appeal.created_at))
            for appeal, at in rows]


def overdue(session: Session, now: datetime, scope: Scope = EVERYWHERE, *, clocks: Sequence[Clock] = tuple(Clock),
            where: ColumnElement[bool] | None = None, limit: int | None = None,
            after_id: int | None = None) -> list[Overdue]:
    """Appeals past the deadline of their clock at `now` within the scope, by id (oldest first).

    `clocks`: which clocks (not claimed in time, not resolved in time; both by default); `where`: any further
    condition on Appeal; `limit` and `after_id` (the last id of the previous page) page.
    """
    since = _dispatched_since() if Clock.RESPONSE in clocks else null()
    returned = returned_since() if Clock.RETURNED in clocks else null()
    conditions = [_late(session, now, clocks)]
    rows = session.execute(_page(select(Appeal, since, returned), scope, conditions, where, limit, after_id)).all()
    return [_overdue_of(appeal, at, returned_at) for appeal, at, returned_at in rows]


MOST_OVERDUE_BATCH = 100  # rows `most_overdue` reads at a time


def most_overdue(session: Session, now: datetime, scope: Scope = EVERYWHERE, limit: int = 20) -> list[Overdue]:
    """The `limit` appeals of the scope longest past their deadline at `now`, the longest first (ties: by id): the
    dashboard's list, so that what waited the longest is not pushed off it by an appeal filed earlier.

    A deadline counted from a 转办 or a 退回 is computed here, not in SQL (working days, the category's hours), so
    SQL orders by when each clock started there — never after its deadline — and the batches stop once no appeal
    further down can be due before the last one kept.
    """
    since, returned = _dispatched_since(), returned_since()
    started = case(
        (Appeal.status == AppealStatus.ACCEPTED, Appeal.resolve_due_at),
        (and_(Appeal.status == AppealStatus.DISPATCHED, Appeal.department.is_(None)), Appeal.response_due_at),
        (Appeal.status == AppealStatus.RETURNED, func.coalesce(returned, Appeal.updated_at)),
        else_=func.coalesce(since, Appeal.created_at))
    query = _page(select(Appeal, since, returned), scope, [_late(session, now)], None, None, None)
    query = query.order_by(None).order_by(started, Appeal.id)
    found: list[Overdue] = []
    for offset in itertools.count(0, MOST_OVERDUE_BATCH):
        rows = session.execute(query.offset(offset).limit(MOST_OVERDUE_BATCH)).all()
        found = sorted(found + [_overdue_of(*row) for row in rows], key=lambda late: (late.due, late.appeal.id))
        if len(rows) < MOST_OVERDUE_BATCH or (len(found) >= limit and found[limit - 1].due <= _started(*rows[-1])):
            break
    return found[:limit]


def _overdue_of(appeal: Appeal, dispatched_at: datetime | None, returned_at: datetime | None) -> Overdue:
    """An appeal `_late` chose, with the clock it is late on and that clock's deadline."""
    if appeal.status == AppealStatus.RETURNED:
        return Overdue(appeal, Clock.RETURNED, returned_due(appeal, returned_at))
    waits = appeal.status == AppealStatus.DISPATCHED
    due = response_due(appeal, dispatched_at or appeal.created_at) if waits else appeal.resolve_due_at
    assert due is not None  # the SQL chose it for being past this deadline
    return Overdue(appeal, Clock.RESPONSE if waits else Clock.RESOLVE, due)


def _started(appeal: Appeal, dispatched_at: datetime | None, returned_at: datetime | None) -> datetime:
    """What `most_overdue` orders by, for one row: its deadline, or when a clock computed from its start started."""
    if appeal.status == AppealStatus.ACCEPTED:
        assert appeal.resolve_due_at is not None  # `_late` chose it for being past it
        return appeal.resolve_due_at
    if appeal.status == AppealStatus.RETURNED:
        return returned_at or appeal.updated_at
    if appeal.department is None:
        assert appeal.response_due_at is not None
        return appeal.response_due_at
    return dispatched_at or appeal.created_at


def returned_due(appeal: Appeal, returned_at: datetime | None) -> datetime:
    """By when an appeal given back (退回) at `returned_at` should be routed again: its response time after it, in
    the category's time; an emergency's minutes (someone may still be in danger while the operators 改派 it)."""
    return appeals_response_due(appeal, returned_at or appeal.updated_at)


def _late(session: Session, now: datetime, clocks: Sequence[Clock] = tuple(Clock)) -> ColumnElement[bool]:
    """A condition on Appeal: past the deadline of one of `clocks` at `now` (a paused appeal never is)."""
    late: list[ColumnElement[bool]] = []
    if Clock.RESPONSE in clocks:
        late.append(_response_overdue(session, now))
    if Clock.RESOLVE in clocks:
        late.append(and_(Appeal.status == AppealStatus.ACCEPTED, Appeal.resolve_due_at.is_not(None),
                         Appeal.resolve_due_at <= now))
    if Clock.RETURNED in clocks:
        late.append(_returned_overdue(session, now))
    return and_(Appeal.paused_at.is_(None), or_(false(), *late))


def returned_since() -> Any:
    """When each appeal was last given back (退回), as a correlated scalar subquery."""
    return _last_entered(AppealStatus.RETURNED)


def _returned_overdue(session: Session, now: datetime) -> ColumnElement[bool]:
    """Given back (退回) and not routed again within its response time since."""
    limits = session.execute(
        select(Appeal.response_hours, Appeal.working_days).where(Appeal.status == AppealStatus.RETURNED).distinct()
    ).all()
    minutes = session.scalars(select(Appeal.response_minutes).where(
        Appeal.status == AppealStatus.RETURNED, Appeal.response_minutes.is_not(None)).distinct()).all()
    since = func.coalesce(returned_since(), Appeal.updated_at)
    # One condition per time limit and clock in use, as for a department's response time above; an emergency's
    # minutes run every minute (storage.appeals.response_due).
    return and_(Appeal.status == AppealStatus.RETURNED, or_(false(), *(
        Appeal.response_minutes.is_(None) & _waited(h, working_days, since, now) for h, working_days in limits
    ), *((Appeal.response_minutes == m) & (since <= now - timedelta(minutes=m)) for m in minutes)))


def _waited(hours: int, working_days: bool | None, since: Any, now: datetime) -> ColumnElement[bool]:
    """A condition on Appeal: of `hours` limit on the clock `working_days` says, and waiting since `since` for at
    least that long at `now` (a working-day clock's hours counted back over weekends and holidays)."""
    start_by = workdays.clock(bool(working_days)).shift(now, -timedelta(hours=hours))
    return (Appeal.response_hours == hours) & Appeal.working_days.is_(working_days) & (since <= start_by)


def _dispatched_since() -> Any:
    """When each appeal last entered `dispatched` (NULL if no event says so), as a correlated scalar subquery."""
    return _last_entered(AppealStatus.DISPATCHED)


def _last_entered(status: AppealStatus) -> Any:
    return (
        select(func.max(AppealEvent.at))
        .where(AppealEvent.appeal_id == Appeal.id, AppealEvent.to_status == status)
        .scalar_subquery()
    )


def _response_overdue(session: Session, now: datetime) -> ColumnElement[bool]:
    """Dispatched past `response_due_at`, or, after a 转办, past the department's `response_hours` since."""
    at_department = (Appeal.status == AppealStatus.DISPATCHED, Appeal.department.is_not(None))
    limits = session.execute(select(Appeal.response_hours, Appeal.working_days).where(*at_department).distinct()).all()
    minutes = session.scalars(select(Appeal.response_minutes).where(
        *at_department, Appeal.response_minutes.is_not(None)).distinct()).all()
    since = func.coalesce(_dispatched_since(), Appeal.created_at)
    # One condition per time limit and clock in use (the categories have a handful): SQL can't scale an interval
    # portably, nor count working days; an emergency's minutes run every minute (storage.appeals.response_due).
    department_late = or_(false(), *(
        Appeal.response_minutes.is_(None) & _waited(h, working_days, since, now) for h, working_days in limits
    ), *((Appeal.response_minutes == m) & (since <= now - timedelta(minutes=m)) for m in minutes))
    return and_(Appeal.status == AppealStatus.DISPATCHED, or_(
        Appeal.department.is_(None) & (Appeal.response_due_at <= now),
        Appeal.department.is_not(None) & department_late,
    ))


def _page(query: Select[Any], scope: Scope, conditions: list[ColumnElement[bool]],
          where: ColumnElement[bool] | None, limit: int | None, after_id: int | None,
          by_filing_time: bool = False) -> Select[Any]:
    if scope != EVERYWHERE:
        conditions = [*conditions, scope.condition()]
    if where is not None:
        conditions = [*conditions, where]
    if after_id is not None:
        conditions = [*conditions, Appeal.id > after_id]
    # By id all the same; as an expression when the conditions bound the filing time, so that PostgreSQL finds
    # the range through ix_appeals_created_at and sorts the page, instead of walking the primary key from the
    # oldest appeal (it does not know that ids follow the filing time: 93,000 rows read for a week in June).
    query = query.where(*conditions).order_by(Appeal.id + 0 if by_filing_time else Appeal.id)
    return query if limit is None else query.limit(limit)


# --- the operator's list of appeals (`gridbot appeals list`, the console's list) --------------------------------

@dataclass(frozen=True)
class AppealFilter:
    """Which appeals a list shows. Each option given narrows the list; `statuses` is any of them (none given:
    the open ones), as `storage.appeals.shown_status` tells them apart: `cancelled` is what residents withdrew,
    LAPSED_STATUS what closed for the address never given."""

    statuses: tuple[str, ...] = ()
    overdue: bool = False  # past the deadline of the clock it is on
    unclaimed: bool = False  # dispatched, waiting for a 接单
    returned: bool = False  # 退回: waiting for an operator to 改派
    pending_binding: bool = False  # held until the resident binds an address (it has no place yet)
    since: datetime | None = None  # filed at or after
    unclassified: bool = False  # waiting in 待分类 for an operator to name its category
    reopened: bool = False  # the resident rated it 不满意 and it is being worked on again
    in_focus_case: bool = False  # part of an open 聚焦办 case
    paused: bool = False  # 暂停: its clock stands still
    until: datetime | None = None  # filed before (with `since`: a date range)
    categories: tuple[str, ...] = ()  # any of them
    channel: str | None = None  # how it came in (storage.appeals.Channel)
    text: str | None = None  # its content holds these words as typed (no wildcards)
    within: Scope | None = None  # a part of the organisation picked on the page, on top of the caller's scope
    among: Select[Any] | None = None  # only these ids: what a figure counted (storage.rate_counts.counted_ids)
    resolved_since: datetime | None = None  # 办结 at or after, and not reopened since (不满意 clears resolved_at)
    resolved_until: datetime | None = None  # 办结 before


@dataclass(frozen=True)
class Listed:
    """One appeal as a list shows it: where, who works on it, and by when (None: no clock runs on it)."""

    appeal: Appeal
    place: Address | None  # None: no place yet (waiting for the resident's address)
    assignee: str | None  # the claimant's name
    due: datetime | None
    status: str  # as its resident is told it (storage.appeals.shown_status): a lapsed one is not 居民已撤销


def appeals(session: Session, now: datetime, scope: Scope = EVERYWHERE, wanted: AppealFilter = AppealFilter(),
            limit: int | None = None, after_id: int | None = None) -> list[Listed]:
    """The appeals within the scope that `wanted` lets through at `now`, by id (oldest first)."""
    conditions = [_status_condition(wanted.statuses or OPEN_STATUSES)]
    if wanted.overdue:
        conditions.append(_late(session, now))
    if wanted.unclaimed:
        conditions.extend([Appeal.status == AppealStatus.DISPATCHED, Appeal.paused_at.is_(None)])
    if wanted.returned:
        conditions.append(Appeal.status == AppealStatus.RETURNED)
    if wanted.pending_binding:
        conditions.append(Appeal.status == AppealStatus.AWAITING_ADDRESS)
    if wanted.since is not None:
        conditions.append(Appeal.created_at >= wanted.since)
    if wanted.among is not None:
        conditions.append(Appeal.id.in_(wanted.among))
    conditions.extend(_queue_conditions(wanted))
    conditions.extend(_narrowing_conditions(wanted))
    query = select(Appeal, _dispatched_since(), returned_since(), Staff.name).outerjoin(
        Staff, Staff.id == Appeal.assignee_staff_id)
    rows = session.execute(_page(query, scope, conditions, None, limit, after_id,
                                 by_filing_time=wanted.since is not None or wanted.until is not None)).all()
    places = addresses(session, {(appeal.grid_id, appeal.building_id, appeal.unit_id)
                                 for appeal, _, _, _ in rows if appeal.grid_id is not None})
    statuses = shown_statuses(session, [appeal for appeal, _, _, _ in rows])
    found = []
    for appeal, at, returned_at, assignee in rows:
        place = places.get((appeal.grid_id, appeal.building_id, appeal.unit_id))
        running = appeal.status in (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED)
        due = _due(appeal, at) if running else None
        if appeal.status == AppealStatus.RETURNED:  # the community's clock to route it again
            due = returned_due(appeal, returned_at)
        found.append(Listed(appeal, place, assignee, due, statuses[appeal.id]))
    return found


Place = tuple[int, int | None, int | None]  # grid, building, unit ids


def addresses(session: Session, places: set[Place]) -> dict[Place, Address]:
    """The names of many places at once (as `storage.org.address` names one): three queries for a page of a
    list, where one lookup per row cost a page of 50 rows a hundred round trips."""
    if not places:
        return {}
    grids = {grid_id: names for grid_id, *names in session.execute(
        select(Grid.id, Street.name, Community.name, Grid.name).join(Community, Community.id == Grid.community_id)
        .join(Street, Street.id == Community.street_id).where(Grid.id.in_({grid for grid, _, _ in places})))}
    building_ids = {building for _, building, _ in places if building is not None}
    buildings = {row.id: row for row in session.execute(
        select(Building.id, Building.compound, Building.name).where(Building.id.in_(building_ids)))} \
        if building_ids else {}
    unit_ids = {unit for _, _, unit in places if unit is not None}
    units = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}
    found = {}
    for grid_id, building_id, unit_id in places:
        street, community, grid = grids[grid_id]
        building = buildings.get(building_id) if building_id is not None else None
        found[(grid_id, building_id, unit_id)] = Address(
            street=street, community=community, grid=grid, compound=building.compound if building else "",
            building=building.name if building else None, unit=units.get(unit_id) if unit_id is not None else None)
    return found


def _status_condition(statuses: Sequence[str]) -> ColumnElement[bool]:
    """A condition on Appeal: its shown status is one of `statuses` (a lapsed appeal is cancelled, with the event
    that says it lapsed; a withdrawn one is cancelled without it)."""
    plain = [status for status in statuses if status not in (AppealStatus.CANCELLED, LAPSED_STATUS)]
    either = [Appeal.status.in_(plain)] if plain else []
    if AppealStatus.CANCELLED in statuses:
        either.append((Appeal.status == AppealStatus.CANCELLED) & ~_LAPSED)
    if LAPSED_STATUS in statuses:
        either.append((Appeal.status == AppealStatus.CANCELLED) & _LAPSED)
    return or_(false(), *either)


def _queue_conditions(wanted: AppealFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.unclassified:
        conditions.append(Appeal.category == UNCLASSIFIED)
    if wanted.reopened:
        conditions.append(_REOPENED)
    if wanted.in_focus_case:
        conditions.append(Appeal.id.in_(
            select(FocusCaseAppeal.appeal_id).join(FocusCase, FocusCase.id == FocusCaseAppeal.case_id)
            .where(FocusCase.status == FocusStatus.OPEN)))
    return conditions


def _narrowing_conditions(wanted: AppealFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.paused:
        conditions.append(Appeal.paused_at.is_not(None))
    if wanted.until is not None:
        conditions.append(Appeal.created_at < wanted.until)
    if wanted.resolved_since is not None:
        conditions.append(Appeal.resolved_at >= wanted.resolved_since)
    if wanted.resolved_until is not None:
        conditions.append(Appeal.resolved_at < wanted.resolved_until)
    if wanted.categories:
        conditions.append(Appeal.category.in_(wanted.categories))
    if wanted.channel:
        conditions.append(Appeal.channel == wanted.channel)
    if wanted.text:
        conditions.append(holds_words(Appeal.content, wanted.text))
    if wanted.within is not None:
        conditions.append(wanted.within.condition())
    return conditions


# Rated 不满意 at some point (rating.py records it as `reopened`); with an open status: worked on again.
_REOPENED = Appeal.id.in_(select(AppealEvent.appeal_id).where(AppealEvent.action == Action.REOPENED))
# Closed for the address its resident never gave (storage.supervision records `lapsed`), not withdrawn.
_LAPSED = Appeal.id.in_(select(AppealEvent.appeal_id).where(AppealEvent.action == Action.LAPSED))


@dataclass(frozen=True)
class QueueCounts:
    """The operator's queues as the console's home page counts them, within a scope."""

    review: int  # 待分类
    returned: int  # 退回 by a grid or a department, waiting for an operator to 改派
    unclaimed: int
    overdue: int
    reopened: int  # 不满意, worked on again
    focus_cases: int  # open 聚焦办 cases


def queue_counts(session: Session, now: datetime, scope: Scope = EVERYWHERE) -> QueueCounts:
    """How many appeals wait in each of the operator's queues within the scope at `now` (the lists are
    `appeals` with the matching AppealFilter), and how many focus cases are open there."""
    def count(*conditions: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(Appeal).where(Appeal.status.in_(OPEN_STATUSES), *conditions)
        return int(session.scalar(query if scope == EVERYWHERE else query.where(scope.condition())) or 0)

    cases = select(func.count()).select_from(FocusCase).join(Grid, Grid.id == FocusCase.grid_id) \
        .join(Community, Community.id == Grid.community_id) \
        .where(FocusCase.status == FocusStatus.OPEN, scope.grid_condition())
    return QueueCounts(
        review=count(Appeal.category == UNCLASSIFIED),
        returned=count(Appeal.status == AppealStatus.RETURNED),
        unclaimed=count(Appeal.status == AppealStatus.DISPATCHED, Appeal.paused_at.is_(None)),
        overdue=count(_late(session, now)),
        reopened=count(_REOPENED),
        focus_cases=int(session.scalar(cases) or 0),
    )
