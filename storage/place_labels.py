"""Where people work or live, as lists name it (社区·网格·小区·楼栋), for many people at once.

One person's label took four or five statements; a street's staff list of a thousand 楼长 took 5,500 (seconds on
PostgreSQL). Here every place a list names is read in one statement per level.
"""

from __future__ import annotations

from typing import Any, Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Building, Community, Grid, Street, Unit

# A place as staff rows hold it: grid, community, building, unit (each may be None).
Place = tuple[int | None, int | None, int | None, int | None]


def of(session: Session, places: Sequence[Place]) -> list[str | None]:
    """社区·网格·小区·楼栋(·单元) for a building, 社区·网格 for a grid, the community's name without one, None with
    neither; led by the street (街道·社区·…) where another street has a community of that name."""
    buildings = _by_id(session, Building, {building for _grid, _community, building, _unit in places if building})
    units = _by_id(session, Unit, {unit for _grid, _community, building, unit in places if building and unit})
    grids = _by_id(session, Grid, {grid for grid, _community, building, _unit in places if grid and not building}
                   | {building.grid_id for building in buildings.values()})
    communities = _by_id(session, Community,
                         {community for grid, community, building, _unit in places
                          if community and not grid and not building} | {grid.community_id for grid in grids.values()})
    names = {community.name for community in communities.values()}
    shared = set(session.scalars(select(Community.name).where(Community.name.in_(names)).group_by(Community.name)
                                 .having(func.count() > 1))) if names else set()
    streets = _by_id(session, Street, {community.street_id for community in communities.values()
                                       if community.name in shared})
    labels: list[str | None] = []
    for grid_id, community_id, building_id, unit_id in places:
        if building_id:
            building = buildings[building_id]
            grid = grids[building.grid_id]
            community = communities[grid.community_id]
            unit = units.get(unit_id) if unit_id else None
            named = f"{building.compound}·{building.name}" if building.compound else building.name
            place = f"{community.name}·{grid.name}·{named}" + (f"·{unit.name}" if unit else "")
        elif grid_id:
            grid = grids[grid_id]
            community = communities[grid.community_id]
            place = f"{community.name}·{grid.name}"
        elif community_id:
            community = communities[community_id]
            place = community.name
        else:
            labels.append(None)
            continue
        labels.append(f"{streets[community.street_id].name}·{place}" if community.name in shared else place)
    return labels


def _by_id(session: Session, model: Any, ids: Collection[int]) -> dict[int, Any]:
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(sorted(ids))))} if ids else {}
