"""Closing focus cases (聚焦办): 结案 in the chat.

Listing them (聚焦 in the chat, `gridbot focus list` on the console) is the read model's: `storage.queries`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import IllegalTransition, NotAllowed, NotFound
from storage.models import FocusCase, FocusStatus, Staff, StaffRole
from storage.staff import can_read, manages_grid, place


def close(session: Session, member: Staff, code: str, note: str, now: datetime) -> FocusCase:
    """结案: the owner, the grid's 网格长 or an operator over the grid closes the case; its appeals stay as they are."""
    case = session.scalars(select(FocusCase).where(FocusCase.code == code)).first()
    if case is None:
        raise NotFound(code)
    if not may_close(session, member, case):
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


def may_close(session: Session, member: Staff, case: FocusCase) -> bool:
    """Whether `member` may close (结案) the case: its owner, the grid's 网格长, an operator over it."""
    # A street operator of every street (bound before their street was recorded): of every grid, or of none.
    street_operator = member.role == StaffRole.OPERATOR and member.community_id is None and member.street_id is None
    return member.id == case.owner_staff_id or street_operator or manages_grid(session, member, case.grid_id)
