"""不受理: an operator, or the grid leader, closes an appeal that is no appeal at all (a 谢谢, small talk).

The resident is told why, politely, and how to report a real problem; whoever held the task hears it is closed.
A rejected appeal is neither open nor resolved: it leaves 我的任务 and the read model's open, overdue and unclaimed
lists, is never rated, and no 聚焦办 hot spot counts it (storage/focus.py). Neighbours who joined it keep their
problem: their own appeals go back to the grid, as when a resident withdraws one.

An operator also closes an appeal the resident asked to withdraw by phone or in person (`withdraw_for_resident`):
the same 撤销 as the resident's own, recorded as the operator's with how the resident asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Collection

from sqlalchemy.orm import Session

from storage import appeals, joins, outbox, points_grants
from storage.actors import Manager, actor_of, name_of, staff_id_of
from storage.appeals import Action, record, refuse_unplaced, transition, wrong_state
from storage.errors import NotAllowed
from storage.models import Appeal, AppealStatus, Staff
from storage.notices import ResidentRejected, ResidentWithdrawn, StaffRejected
from storage.staff import manages_grid
from storage.tasks import held
from storage.telling import tell, tell_resident

REJECTABLE = (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED,
              AppealStatus.RETURNED)


def withdraw_for_resident(session: Session, by: Manager, ticket: str, note: str, now: datetime,
                          sensitive: Collection[str]) -> Appeal:
    """撤销 on the resident's word (they called or came in): `by`, who manages the appeal, withdraws it for them with
    `note` saying how they asked; its holder is told, the appeals merged into it go back to their grids, and the
    resident reads that it was withdrawn (and how to say it wasn't their wish). `sensitive`: as `joins.split`."""
    appeal = held(session, ticket)
    if not manages_grid(session, by, appeal.grid_id):
        raise NotAllowed("not_rejecter")
    appeals.withdraw(session, appeal, now, actor_of(by), note)
    joins.release_followers(session, appeal, now, sensitive)
    tell_resident(session, appeal, ResidentWithdrawn(ticket=appeal.ticket), now)
    return appeal


def reject(session: Session, by: Manager, ticket: str, reason: str, now: datetime,
           sensitive: Collection[str]) -> Appeal:
    """Close the open appeal as no appeal, with `reason` for its resident; refuses what `by` (a staff member or a
    console operator) does not manage. A 代报's points are taken back: it was no appeal. `sensitive`: as
    `joins.split`, for the appeals merged into it."""
    appeal = held(session, ticket)  # its place and holder as they are, after a 改派 at the same moment
    refuse_unplaced(session, appeal)
    if not manages_grid(session, by, appeal.grid_id):
        raise NotAllowed("not_rejecter")
    if appeal.status not in REJECTABLE:
        raise wrong_state(session, appeal)
    old, holder = AppealStatus(appeal.status), appeal.assignee_staff_id
    transition(session, appeal, old, AppealStatus.REJECTED, now, paused_at=None)
    record(session, appeal.id, now, Action.REJECTED, old, AppealStatus.REJECTED, actor=actor_of(by), note=reason)
    joins.release_followers(session, appeal, now, sensitive)
    outbox.unfold(session, appeal.id, appeal.ticket)  # a digest still to go out no longer lists it as a task
    points_grants.rejected(session, appeal, now, staff_id_of(by))
    appeals.let_volunteer_go(session, appeal, now, why="rejected")
    held_by = session.get(Staff, holder) if holder is not None and holder != staff_id_of(by) else None
    if held_by is not None and held_by.openid:
        tell(session, held_by.openid, StaffRejected(ticket=appeal.ticket, by=name_of(by), reason=reason), now,
             appeal=appeal)
    tell_resident(session, appeal, ResidentRejected(ticket=appeal.ticket, reason=reason), now)
    return appeal
