"""Creating a street from its description: the grid hierarchy, its staff and its bound residents.

The demo (bot/demo/street.py) and the test suite (tests/support/street.py) each describe a street; this is the one
place that turns a description into rows. Idempotent: seeding the same description twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import org, residents
from storage.models import Building, Community, Grid, Staff, StaffRole, Unit

# community -> grid -> (compound, building -> units); a building without units is bound as a whole
Layout = Mapping[str, Mapping[str, tuple[str, Mapping[str, tuple[str, ...]]]]]
# openid, name, role, community, grid (None for whom the whole community is theirs, as an operator's)
StaffRow = tuple[str, str, StaffRole, str, str | None]
Home = tuple[str, str, str, str | None]  # community, grid, building, unit (None: a building without units)
# openid, name, community, grid, building: a 楼长 and the building they look after
LeadRow = tuple[str, str, str, str, str]
# openid, name, role (one of COMMUNITY_ROLES but 楼长), their home, their Party organisation or team (or None):
# the community's own people already confirmed (a 党员 who reported, a 志愿者 who signed up, 单元长, 党员中心户)
MemberRow = tuple[str, str, StaffRole, Home, str | None]


@dataclass(frozen=True)
class StreetPlan:
    """A street as names: its layout, its staff, and residents (openid -> home) already bound."""

    name: str
    layout: Layout
    staff: tuple[StaffRow, ...] = ()
    residents: Mapping[str, Home] = field(default_factory=dict)
    building_leads: tuple[LeadRow, ...] = ()
    members: tuple[MemberRow, ...] = ()


def seed_street(session: Session, plan: StreetPlan, now: datetime) -> None:
    """Create what the plan describes and is not there yet (a staff member, a 楼长, a member of the community's own
    people or a bound resident is left as found). A member's home is on their staff row; as a resident they bind
    like anyone."""
    street = org.ensure_street(session, plan.name)
    grids: dict[tuple[str, str], Grid] = {}
    communities: dict[str, Community] = {}
    for community_name, community_grids in plan.layout.items():
        community = communities[community_name] = org.ensure_community(session, street, community_name)
        for grid_name, (compound, grid_buildings) in community_grids.items():
            grid = grids[community_name, grid_name] = org.ensure_grid(session, community, grid_name)
            for building_name, unit_names in grid_buildings.items():
                building = org.ensure_building(session, grid, building_name, compound)
                for unit_name in unit_names:
                    org.ensure_unit(session, building, unit_name)
    for openid, name, role, community_name, grid_name in plan.staff:
        if session.scalars(select(Staff).where(Staff.openid == openid)).first():
            continue
        grid = grids[community_name, grid_name] if grid_name else None
        session.add(Staff(openid=openid, name=name, role=role, grid_id=grid.id if grid else None,
                          community_id=communities[community_name].id, active=True, created_at=now))
    for openid, name, community_name, grid_name, building_name in plan.building_leads:
        if session.scalars(select(Staff).where(Staff.openid == openid)).first():
            continue
        grid = grids[community_name, grid_name]
        building = org.ensure_building(session, grid, building_name, plan.layout[community_name][grid_name][0])
        session.add(Staff(openid=openid, name=name, role=StaffRole.BUILDING_LEAD, grid_id=grid.id,
                          community_id=grid.community_id, building_id=building.id, active=True, created_at=now))
    for openid, name, role, where, organisation in plan.members:
        if session.scalars(select(Staff).where(Staff.openid == openid)).first():
            continue
        building, unit = home(session, plan, where)
        grid = session.get_one(Grid, building.grid_id)
        session.add(Staff(openid=openid, name=name, role=role, grid_id=grid.id, community_id=grid.community_id,
                          building_id=building.id, unit_id=unit.id if unit else None, organisation=organisation,
                          active=True, created_at=now))
    for openid, where in plan.residents.items():
        resident = residents.get_or_create(session, openid, now)
        if resident.grid_id is None:
            residents.bind(session, resident, *home(session, plan, where))
    session.flush()


def home(session: Session, plan: StreetPlan, where: Home) -> tuple[Building, Unit | None]:
    """The building and unit of a home in the plan's street (already seeded), by their names; a building without
    units (an 单元-less tower) has None for its unit."""
    community_name, grid_name, building_name, unit_name = where
    street = org.ensure_street(session, plan.name)
    grid = org.ensure_grid(session, org.ensure_community(session, street, community_name), grid_name)
    building = org.ensure_building(session, grid, building_name, plan.layout[community_name][grid_name][0])
    return building, org.ensure_unit(session, building, unit_name) if unit_name is not None else None
