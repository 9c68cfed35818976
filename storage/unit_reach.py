"""Where a department's or property company's officers work: 转办 reaches them, and they read, only there.

A unit is a name (`Staff.department`, `Appeal.department`), and a district has many of one name: each street its
综合执法中队, each compound its property company, some of them the same company. An officer is confined to the place
recorded on their row, the narrowest of its grid, community and street: a 物业 clerk the grid (compound) their
invite names; a department's officer the street they were invited for (`gridbot invite --street`, or the street
of the console account that invited them), or a community or grid when the invite named one. An officer with none
of the three serves every street: a district-wide office (区住建局), invited so deliberately (`--all-streets`).

Who gets a unit's task cards, reminders and escalations, who may claim, and what 我的任务 and 查询 show an officer
all ask this module; so does the list of units a 转办 may name (`reachable`): an operator of one street never sees,
nor transfers to, another street's 中队. An appeal in no grid is served by district-wide officers only.
"""

from __future__ import annotations

import functools
from typing import Sequence

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, select, true
from sqlalchemy.orm import Session

from storage.models import TRANSFER_UNITS, Appeal, Community, Grid, Staff, StaffInvite


def serves(member: Staff, grid_id: int | None, community_id: int | None, street_id: int | None) -> bool:
    """Whether the officer's place takes in an appeal in that grid (of that community and street)."""
    return all(mine is None or (theirs is not None and mine == theirs) for mine, theirs in (
        (member.grid_id, grid_id), (member.community_id, community_id), (member.street_id, street_id)))


def district_wide(member: Staff | StaffInvite) -> bool:
    """Whether the officer (or the one an invite is for) serves every street: no grid, community or street on the
    row."""
    return member.grid_id is None and member.community_id is None and member.street_id is None


def serving(grid_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """A condition on Staff: an officer whose place takes in the grid (`serves`, in SQL); the grid's id, or a bound
    parameter for a statement built once."""
    if grid_id is None:
        return Staff.grid_id.is_(None) & Staff.community_id.is_(None) & Staff.street_id.is_(None)
    community = select(Grid.community_id).where(Grid.id == grid_id).scalar_subquery()
    street = (select(Community.street_id).join(Grid, Grid.community_id == Community.id)
              .where(Grid.id == grid_id).scalar_subquery())
    return and_((Staff.grid_id.is_(None) | (Staff.grid_id == grid_id)),
                (Staff.community_id.is_(None) | (Staff.community_id == community)),
                (Staff.street_id.is_(None) | (Staff.street_id == street)))


def served_by(member: Staff) -> ColumnElement[bool]:
    """A condition on Appeal: in a grid the officer's place takes in (every appeal for a district-wide office)."""
    if district_wide(member):
        return true()
    grids = select(Grid.id).join(Community, Community.id == Grid.community_id)
    if member.grid_id is not None:
        grids = grids.where(Grid.id == member.grid_id)
    if member.community_id is not None:
        grids = grids.where(Grid.community_id == member.community_id)
    if member.street_id is not None:
        grids = grids.where(Community.street_id == member.street_id)
    return Appeal.grid_id.in_(grids)


def officers(session: Session, department: str, grid_id: int | None, hold: bool = False) -> Sequence[Staff]:
    """The active officers of the unit of that name serving the grid: who gets its cards there and may claim.
    `hold`: their rows share-locked to the transaction's end (PostgreSQL), for a step that hands the unit a case:
    an officer being moved or disabled meanwhile is read as they are once that commits, and a move or a disabling
    waits for the hand-over, then finds the case (storage.roster: what waits for a unit nobody serves goes back)."""
    params = {"department": department} if grid_id is None else {"department": department, "grid": grid_id}
    return session.scalars(_officers_query(grid_id is not None, hold), params).all()


@functools.cache
def _officers_query(placed: bool, hold: bool) -> Select[tuple[Staff]]:
    """`officers`' statement, built once for each shape: building it anew took about a millisecond, and the
    webhook asks it of every appeal its category routes to a unit, the worker of every card and reminder for one."""
    query = select(Staff).where(Staff.department == bindparam("department"), Staff.role.in_(TRANSFER_UNITS),
                                Staff.active.is_(True), serving(bindparam("grid") if placed else None)
                                ).order_by(Staff.id)
    return query.with_for_update(read=True, of=Staff) if hold else query


def reachable(session: Session, grid_id: int | None) -> list[str]:
    """The units an appeal of the grid may be transferred to (转办): those with an active officer serving it."""
    names = session.scalars(
        select(Staff.department).where(Staff.department.is_not(None), Staff.role.in_(TRANSFER_UNITS),
                                       Staff.active.is_(True), serving(grid_id)).distinct()
    )
    return sorted(name for name in names if name)
