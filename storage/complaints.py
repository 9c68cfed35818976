"""A complaint about a staff member goes to their leader and the operators, never to the person complained about.

The conversation recognises it (nlp.complaints) and files it under the private 投诉工作人员 category;
`mark` records whom it is about as an internal `complaint` event (note: their staff ids, empty when the message
names only a role). From then on:
- Dispatch (storage.dispatch) sends its card to `handlers`: the grid's 网格长 and the community's operators; when
  it is about a 网格长 (or an operator), to the community's operators only; when that leaves nobody (a complaint
  about the community's only operator), to the street's operators. Never to a person it is about.
- Only `handlers` may claim it (storage.tasks); the people it is about may neither read it (storage.staff.can_read)
  nor act on it, even should it be handed to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Collection, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage import staff as staff_table
from storage import unit_reach
from storage.appeals import Action, record
from storage.db import column_rows
from storage.models import GRID_TEAM, TRANSFER_UNITS, Appeal, AppealEvent, Staff, StaffRole

_SEPARATOR = ","


def named_staff(session: Session, grid_id: int | None) -> Sequence[Staff]:
    """Whom a resident of the grid may complain about by name: the grid's team, the community's operators and the
    departments' and property companies' staff who serve the grid (storage.unit_reach: 吴队长 of this street's
    综合执法中队, not a namesake of another street's; a complaint about him read as 综合执法 would be routed to his
    own department, to him)."""
    if grid_id is None:
        return []
    grid_people = session.scalars(
        select(Staff).where(Staff.grid_id == grid_id, Staff.role.in_(GRID_TEAM), Staff.active.is_(True))
        .order_by(Staff.id)
    ).all()
    units = session.scalars(
        select(Staff).where(Staff.role.in_(TRANSFER_UNITS), Staff.active.is_(True), unit_reach.serving(grid_id))
        .order_by(Staff.id)
    ).all()
    return [*grid_people, *staff_table.community_operators(session, grid_id), *units]


def complained_about(session: Session, grid_id: int | None, names: Collection[str], about_a_leader: bool
                     ) -> list[Staff]:
    """The staff a complaint is about: those it names; with none named, a complaint about "the 网格长" is about the
    grid's leaders."""
    candidates = named_staff(session, grid_id)
    named = [person for person in candidates if person.name in names]
    if named or not about_a_leader:
        return named
    return [person for person in candidates if person.role == StaffRole.GRID_LEADER]


def mark(session: Session, appeal_id: int, about: Sequence[Staff], now: datetime) -> None:
    """Record that the appeal is a complaint about `about` (who may be nobody in particular)."""
    note = _SEPARATOR.join(str(person.id) for person in about)
    record(session, appeal_id, now, Action.COMPLAINT, None, None, note=note or None, internal=True)


def accused(session: Session, appeal_id: int) -> frozenset[int] | None:
    """The ids of the staff the appeal complains about; None when it is no complaint about staff."""
    notes = [note for note, in column_rows(session, _COMPLAINT_NOTES, {"appeal_id": appeal_id})]
    if not notes:
        return None
    return frozenset(int(part) for note in notes if note for part in note.split(_SEPARATOR))


# Asked for every appeal a reminder, a 催办 or a sensitive card concerns: built once.
_COMPLAINT_NOTES = select(AppealEvent.note).where(AppealEvent.appeal_id == bindparam("appeal_id"),
                                                  AppealEvent.action == Action.COMPLAINT)


def accused_in(session: Session, appeal_ids: Collection[int]) -> dict[int, frozenset[int]]:
    """`accused` of many appeals in one query: the complaints about staff among them, each with whom it is about."""
    about: dict[int, set[int]] = {}
    for appeal_id, note in session.execute(select(AppealEvent.appeal_id, AppealEvent.note).where(
            AppealEvent.appeal_id.in_(appeal_ids), AppealEvent.action == Action.COMPLAINT)):
        about.setdefault(appeal_id, set()).update(int(part) for part in (note or "").split(_SEPARATOR) if part)
    return {appeal_id: frozenset(ids) for appeal_id, ids in about.items()}


def accused_in_all(session: Session) -> dict[int, frozenset[int]]:
    """`accused` of every complaint about staff, for figures that must leave each out of its subject's."""
    about: dict[int, set[int]] = {}
    for appeal_id, note in session.execute(select(AppealEvent.appeal_id, AppealEvent.note).where(
            AppealEvent.action == Action.COMPLAINT)):
        about.setdefault(appeal_id, set()).update(int(part) for part in (note or "").split(_SEPARATOR) if part)
    return {appeal_id: frozenset(ids) for appeal_id, ids in about.items()}


def handlers(session: Session, appeal: Appeal, about: frozenset[int], hold: bool = False) -> list[Staff]:
    """Who handles a complaint: the grid's leaders and the community's operators, only the operators when it is
    about a leader or an operator; never anyone it is about. `hold`: the operators' rows share-locked, as the
    dispatch holds the grid's team (storage.staff.held)."""
    operators = list(staff_table.community_operators(session, appeal.grid_id, hold))
    leaders = session.scalars(
        select(Staff).where(Staff.grid_id == appeal.grid_id, Staff.role == StaffRole.GRID_LEADER,
                            Staff.active.is_(True)).order_by(Staff.id)
    ).all()
    above_the_grid = any(person.id in about for person in (*leaders, *operators))
    people = operators if above_the_grid else [*leaders, *operators]
    handling = [person for person in people if person.id not in about and person.openid]
    # About the community's only operator (or with no other operator bound): the street's operators, the top of
    # escalation, rather than a complaint nobody is told of and nobody may claim.
    return handling or [person for person in staff_table.street_operators(session, appeal.grid_id, hold)
                       if person.id not in about and person.openid]


def handled_at(session: Session, appeal_id: int) -> str:
    """Whose level handles the complaint, for the complainant: "grid" (the 网格长, or the community), "community"
    (it is about the 网格长) or "street" (about the community's only operator)."""
    appeal = session.get_one(Appeal, appeal_id)
    people = handlers(session, appeal, accused(session, appeal_id) or frozenset())
    if any(person.role == StaffRole.GRID_LEADER for person in people):
        return "grid"
    return "community" if any(person.community_id is not None for person in people) else "street"

