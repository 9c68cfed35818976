"""The read model: lists, counts and filters that the chat, the CLI, the console and reports share.

Everything here only reads, in the caller's session: no function adds, changes or deletes a row. State changes
go through `storage.appeals.transition` and the lifecycle modules (tasks, review, joins, focus_cases, rating,
supervision, …), which check permission and write the audit trail; a lifecycle module may read through these
queries.

Who may read what is decided by `storage.staff.can_read`. A list for a staff member says whether it applies it
or leaves it to the caller; a list by `Scope` narrows to a part of the organisation, and who may see that part
is the caller's to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, or_, select, true
from sqlalchemy.orm import Session

from storage.appeals import UNCLASSIFIED, Sender
from storage.models import (
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
    StaffRole,
)
from storage.staff import can_read, place
from storage.tasks import WORKING


@dataclass(frozen=True)
class Scope:
    """A part of the organisation to list: a street, a community, a grid, or (nothing set) everywhere.

    More than one set means all of them at once (a grid of that community).
    """

    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None

    @classmethod
    def overseen_by(cls, member: Staff) -> Scope:
        """What a 网格长 (their grid) or an operator (their community; bound to none: the street, all) oversees,
        as `storage.staff.can_read` lets them read it (sensitive categories too)."""
        if member.role == StaffRole.GRID_LEADER:
            return cls(grid_id=member.grid_id)
        return cls(community_id=member.community_id)

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
    """Every event of the appeal, internal ones included, with the staff member's name where staff acted."""
    rows = session.execute(
        select(AppealEvent, Staff.name)
        .outerjoin(Staff, (AppealEvent.actor_kind == "staff") & (Staff.id == AppealEvent.actor_id))
        .where(AppealEvent.appeal_id == appeal.id)
        .order_by(AppealEvent.id)
    ).all()
    return [(event, name) for event, name in rows]


def tasks_of(session: Session, member: Staff, limit: int = 10) -> Sequence[Appeal]:
    """我的任务: what the member works on, then what waits to be claimed in their grid or department.

    Not filtered by `can_read`: the caller hides a waiting sensitive appeal the member may not read.
    """
    waiting = (Appeal.status == AppealStatus.DISPATCHED) & (
        (Appeal.department == member.department) if member.department
        else (Appeal.department.is_(None) & (Appeal.grid_id == member.grid_id))
    ) & (Appeal.assignee_staff_id.is_(None) | (Appeal.assignee_staff_id == member.id))  # 派单 gave it to them
    mine = Appeal.status.in_(WORKING) & (Appeal.assignee_staff_id == member.id)
    return session.scalars(
        select(Appeal).where(or_(mine, waiting)).order_by(case((mine, 0), else_=1), Appeal.id).limit(limit)
    ).all()


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

