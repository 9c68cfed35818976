"""The organisation as a ledger over time: listed as a tree, written back as the import's rows, and what a newer
ledger of the same communities no longer lists (reported, and with --prune deactivated).

Deactivating never deletes: a deactivated grid, building or unit keeps its appeals and its residents' bindings
(their appeals still reach the grid, which is a street office's to sort out, not the resident's); it is only no
longer offered in the binding menus, and its QR code binds nobody. A ledger listing it again brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.models import (
    GRID_TEAM,
    OPEN_STATUSES,
    Appeal,
    Building,
    Community,
    Grid,
    Resident,
    ResidentStatus,
    Staff,
    Street,
    Unit,
)
from storage.org_import import OrgRow
from storage.queries import Scope


@dataclass(frozen=True)
class BuildingNode:
    id: int
    compound: str
    name: str
    units: int
    residents: int  # bound, subscribed

    @property
    def label(self) -> str:
        """阳光花园·3号楼, the way `org move-building` takes it."""
        return building_label(self.compound, self.name)


@dataclass(frozen=True)
class GridNode:
    id: int
    name: str
    mode: str  # DispatchMode
    members: int  # active 网格员 and 网格长
    buildings: list[BuildingNode] = field(default_factory=list)
    building_count: int = 0  # active buildings, listed or not

    def compounds(self) -> dict[str, list[BuildingNode]]:
        """小区 → its buildings, in the order they were created ("" for buildings outside any)."""
        grouped: dict[str, list[BuildingNode]] = {}
        for building in self.buildings:
            grouped.setdefault(building.compound, []).append(building)
        return grouped


@dataclass(frozen=True)
class CommunityNode:
    street: str
    name: str
    grids: list[GridNode] = field(default_factory=list)


@dataclass(frozen=True)
class StreetNode:
    id: int
    name: str
    communities: int
    grids: int  # active
    buildings: int  # active


@dataclass(frozen=True)
class Missing:
    """Active places of the ledger's streets that the ledger does not list."""

    grids: list[str]  # 社区·网格
    buildings: list[str]  # 社区·网格·小区·楼栋
    units: int
    grid_ids: list[int] = field(default_factory=list)
    building_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.grid_ids or self.building_ids or self.unit_ids)


@dataclass(frozen=True)
class Pruned:
    grids: int
    buildings: int
    units: int
    residents: int  # still bound to a deactivated building: they keep their address and appeals
    open_appeals: int  # of the deactivated buildings, still with their handlers


def building_label(compound: str, name: str) -> str:
    """小区·楼栋, or the building's name alone when it is in no 小区."""
    return f"{compound}·{name}" if compound else name


def tree(session: Session, scope: Scope, with_buildings: bool = True, grid_id: int | None = None) \
        -> list[CommunityNode]:
    """The active organisation within `scope` (of one grid there, given `grid_id`): 社区 → 网格 (mode, members,
    buildings counted) → 楼栋 (units, bound residents), the buildings left out unless `with_buildings` (the
    console reads a street's thousands a grid at a time)."""
    query = _grids_in(scope) if grid_id is None else _grids_in(scope).where(Grid.id == grid_id)
    grids = session.execute(query.order_by(Community.id, Grid.id)).all()
    grid_ids = [grid.id for grid, _community, _street in grids]
    members = dict(session.execute(
        select(Staff.grid_id, func.count(Staff.id))
        .where(Staff.grid_id.in_(grid_ids), Staff.active.is_(True), Staff.role.in_(GRID_TEAM))
        .group_by(Staff.grid_id)).all())
    buildings = _buildings(session, grid_ids) if with_buildings else {}
    counted = dict(session.execute(
        select(Building.grid_id, func.count(Building.id))
        .where(Building.grid_id.in_(grid_ids), Building.active.is_(True)).group_by(Building.grid_id)).all())
    communities: dict[tuple[str, str], CommunityNode] = {}
    for grid, community, street in grids:
        node = communities.setdefault((street, community), CommunityNode(street, community))
        node.grids.append(GridNode(grid.id, grid.name, grid.dispatch_mode, members.get(grid.id, 0),
                                   buildings.get(grid.id, []), counted.get(grid.id, 0)))
    return list(communities.values())


def streets(session: Session, scope: Scope) -> list[StreetNode]:
    """The streets within `scope` that hold active grids, each with its communities, grids and buildings counted."""
    buildings = (select(func.count(Building.id)).where(Building.grid_id == Grid.id, Building.active.is_(True))
                 .correlate(Grid).scalar_subquery())
    rows = session.execute(
        select(Street.id, Street.name, func.count(func.distinct(Community.id)), func.count(Grid.id),
               func.coalesce(func.sum(buildings), 0))
        .join(Community, Community.street_id == Street.id).join(Grid, Grid.community_id == Community.id)
        .where(Grid.active.is_(True), scope.grid_condition())
        .group_by(Street.id, Street.name).order_by(Street.id)).all()
    return [StreetNode(*row) for row in rows]


def ledger_rows(session: Session, scope: Scope) -> list[OrgRow]:
    """The active organisation as the import's rows (one per unit, one per building without units): a file of
    them imports back unchanged."""
    query = (_grids_in(scope).add_columns(Building, Unit.name)
             .join(Building, (Building.grid_id == Grid.id) & Building.active.is_(True))
             .outerjoin(Unit, (Unit.building_id == Building.id) & Unit.active.is_(True))
             .order_by(Street.id, Community.id, Grid.id, Building.id, Unit.id))
    return [OrgRow(line=line, street=street, community=community, grid=grid.name, compound=building.compound,
                   building=building.name, unit=unit or "")
            for line, (grid, community, street, building, unit) in enumerate(session.execute(query).all(), start=2)]


def missing(session: Session, rows: Iterable[OrgRow]) -> Missing:
    """What is active in the communities the rows name but the rows do not list (rows as validated and imported).

    Communities the rows do not name are not looked at: a ledger of one community leaves the others alone."""
    rows = list(rows)
    grids_named = {(row.street, row.community, row.grid) for row in rows}
    buildings_named = {(row.street, row.community, row.grid, row.compound, row.building) for row in rows}
    units_named = {(row.street, row.community, row.grid, row.compound, row.building, row.unit) for row in rows}
    communities = {(row.street, row.community) for row in rows}
    streets = sorted({street for street, _community in communities})
    stored = session.execute(
        select(Street.name, Community.name, Grid, Building, Unit)
        .join(Community, Community.street_id == Street.id)
        .join(Grid, (Grid.community_id == Community.id) & Grid.active.is_(True))
        .outerjoin(Building, (Building.grid_id == Grid.id) & Building.active.is_(True))
        .outerjoin(Unit, (Unit.building_id == Building.id) & Unit.active.is_(True))
        .where(Street.name.in_(streets))
        .order_by(Community.id, Grid.id, Building.id, Unit.id)
    ).all()
    grids: dict[int, str] = {}
    buildings: dict[int, str] = {}
    units: set[int] = set()
    for street, community, grid, building, unit in stored:
        if (street, community) not in communities:
            continue
        grid_key = (street, community, grid.name)
        if grid_key not in grids_named:
            grids[grid.id] = f"{community}·{grid.name}"
        if building is None:
            continue
        building_key = (*grid_key, building.compound, building.name)
        if building_key not in buildings_named:
            buildings[building.id] = f"{community}·{grid.name}·{building_label(building.compound, building.name)}"
        elif unit is not None and (*building_key, unit.name) not in units_named:
            units.add(unit.id)
    return Missing(grids=list(grids.values()), buildings=list(buildings.values()), units=len(units),
                   grid_ids=list(grids), building_ids=list(buildings), unit_ids=sorted(units))


def prune(session: Session, gone: Missing) -> Pruned:
    """Deactivate what the ledger no longer lists (see the module's docstring for what stays)."""
    for model, ids in ((Grid, gone.grid_ids), (Building, gone.building_ids), (Unit, gone.unit_ids)):
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            row.active = False
    residents = session.scalar(select(func.count(Resident.id)).where(
        Resident.building_id.in_(gone.building_ids), Resident.status == ResidentStatus.ACTIVE)) or 0
    open_appeals = session.scalar(select(func.count(Appeal.id)).where(
        Appeal.building_id.in_(gone.building_ids), Appeal.status.in_(OPEN_STATUSES))) or 0
    return Pruned(len(gone.grid_ids), len(gone.building_ids), len(gone.unit_ids), residents, open_appeals)


def _grids_in(scope: Scope) -> Select[tuple[Grid, str, str]]:
    query = (select(Grid, Community.name, Street.name)
             .join(Community, Community.id == Grid.community_id)
             .join(Street, Street.id == Community.street_id)
             .where(Grid.active.is_(True)))
    query = query.where(scope.grid_condition())
    return query


def _buildings(session: Session, grid_ids: Sequence[int]) -> dict[int, list[BuildingNode]]:
    units = (select(func.count(Unit.id)).where(Unit.building_id == Building.id, Unit.active.is_(True))
             .correlate(Building).scalar_subquery())
    residents = (select(func.count(Resident.id))
                 .where(Resident.building_id == Building.id, Resident.status == ResidentStatus.ACTIVE)
                 .correlate(Building).scalar_subquery())
    found: dict[int, list[BuildingNode]] = {}
    for building, unit_count, resident_count in session.execute(
            select(Building, units, residents)
            .where(Building.grid_id.in_(grid_ids), Building.active.is_(True)).order_by(Building.id)).all():
        found.setdefault(building.grid_id, []).append(
            BuildingNode(building.id, building.compound, building.name, unit_count, resident_count))
    return found
