"""Grids at a glance (`gridbot grid list`) and a dispatch mode set for a whole community at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import dispatch, duty, org
from storage.models import GRID_TEAM, OPEN_STATUSES, Appeal, Community, DispatchMode, Grid, Staff, Street
from storage.queries import Scope


@dataclass(frozen=True)
class GridLine:
    grid_id: int
    label: str  # 社区·网格; 街道·社区·网格 where two streets have a community of one name
    mode: str  # DispatchMode
    members: int  # active 网格员 and 网格长
    on_duty: int  # of them, on duty (派单 picks among these)
    open_appeals: int


def overview(session: Session, scope: Scope, now: datetime) -> list[GridLine]:
    """Every active grid within `scope`: its mode, members (on duty at `now`: leave past its last day is duty
    again, as 派单 counts it) and open appeals."""
    query = (select(Grid, Community.name, Street.name).join(Community, Community.id == Grid.community_id)
             .join(Street, Street.id == Community.street_id).where(Grid.active.is_(True)))
    query = query.where(scope.grid_condition())
    grids = session.execute(query.order_by(Community.id, Grid.id)).all()
    ids = [grid.id for grid, _community, _street in grids]
    team = (Staff.grid_id.in_(ids), Staff.active.is_(True), Staff.role.in_(GRID_TEAM))
    members = dict(session.execute(select(Staff.grid_id, func.count()).where(*team).group_by(Staff.grid_id)).all())
    on_duty = dict(session.execute(select(Staff.grid_id, func.count()).where(*team, duty.on_duty_condition(now))
                                   .group_by(Staff.grid_id)).all())
    open_appeals = dict(session.execute(
        select(Appeal.grid_id, func.count()).where(Appeal.grid_id.in_(ids), Appeal.status.in_(OPEN_STATUSES))
        .group_by(Appeal.grid_id)).all())
    labels = org.told_apart([(f"{community}·{grid.name}", street) for grid, community, street in grids])
    return [GridLine(grid.id, label, grid.dispatch_mode, members.get(grid.id, 0), on_duty.get(grid.id, 0),
                     open_appeals.get(grid.id, 0))
            for (grid, _community, _street), label in zip(grids, labels, strict=True)]


def set_community_mode(session: Session, community: Community, mode: DispatchMode) -> tuple[int, int]:
    """Set every active grid of the community to `mode`; (grids, how many of them changed)."""
    grids = session.scalars(select(Grid).where(Grid.community_id == community.id, Grid.active.is_(True))).all()
    changed = sum(dispatch.set_mode(session, grid, mode) for grid in grids)
    return len(grids), changed


def set_street_mode(session: Session, street: Street, mode: DispatchMode) -> tuple[int, int, int]:
    """Set every active grid of the street's communities to `mode`; (communities, grids, how many changed)."""
    communities = session.scalars(select(Community).where(Community.street_id == street.id)
                                  .order_by(Community.id)).all()
    counted = [set_community_mode(session, community, mode) for community in communities]
    held = [count for count in counted if count[0]]
    return len(held), sum(count for count, _changed in held), sum(changed for _count, changed in held)
