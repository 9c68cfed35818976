"""Reading and closing focus cases (聚焦办): 聚焦 and 结案 in the chat, `gridbot focus list` on the console."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import IllegalTransition, NotAllowed, NotFound
from storage.models import Appeal, FocusCase, FocusCaseAppeal, FocusStatus, Staff, StaffRole
from storage.staff import can_read, manages_grid, place


@dataclass(frozen=True)
class CaseSummary:
    """One focus case as a list shows it."""

    case: FocusCase
    owner_name: str | None
    tickets: tuple[str, ...]  # of its appeals, in the order they were filed


def visible_to(session: Session, member: Staff) -> Sequence[CaseSummary]:
    """聚焦: the open cases of the grids the member may read (`storage.staff.can_read`): their grid; an operator
    their community's (a street operator: all); a department's staff, who have no grid, none."""
    query = select(FocusCase).where(FocusCase.status == FocusStatus.OPEN)
    if member.role != StaffRole.OPERATOR:
        query = query.where(FocusCase.grid_id == member.grid_id)  # the SQL narrows, can_read decides
    cases = session.scalars(query.order_by(FocusCase.id)).all()
    return _summaries(session, [case for case in cases if can_read(member, place(session, case.grid_id))])


def listed(session: Session, include_closed: bool = False) -> Sequence[CaseSummary]:
    """Every open case (with `include_closed`, every case), oldest first: `gridbot focus list`."""
    query = select(FocusCase)
    if not include_closed:
        query = query.where(FocusCase.status == FocusStatus.OPEN)
    return _summaries(session, session.scalars(query.order_by(FocusCase.id)).all())


def close(session: Session, member: Staff, code: str, note: str, now: datetime) -> FocusCase:
    """结案: the owner, the grid's 网格长 or an operator over the grid closes the case; its appeals stay as they are."""
    case = session.scalars(select(FocusCase).where(FocusCase.code == code)).first()
    if case is None:
        raise NotFound(code)
    if not _may_close(session, member, case):
        if not can_read(member, place(session, case.grid_id)):
            raise NotFound(code)  # another community's case: told like one that does not exist
        raise NotAllowed("not_your_focus_case")
    closed = session.execute(
        update(FocusCase)
        .where(FocusCase.id == case.id, FocusCase.status == FocusStatus.OPEN)
        .values(status=FocusStatus.CLOSED, open_key=None, closed_at=now, closed_by_staff_id=member.id, note=note)
    ).rowcount
    if closed != 1:
        raise IllegalTransition(case.status)  # closed already, perhaps a moment ago by someone else
    session.refresh(case)
    return case


def _may_close(session: Session, member: Staff, case: FocusCase) -> bool:
    street_operator = member.role == StaffRole.OPERATOR and member.community_id is None
    return member.id == case.owner_staff_id or street_operator or manages_grid(session, member, case.grid_id)


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
