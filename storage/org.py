"""The grid hierarchy: 街道 → 社区 → 网格 → 楼栋 → 单元, its queries and idempotent creation."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Collection, Sequence

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from storage.db import column_rows
from storage.driver_sql import DriverSQL
from storage.models import Building, Community, Grid, Street, Unit


@dataclass(frozen=True)
class Address:
    """Where a resident lives, as names, for replies and task cards."""

    street: str
    community: str
    grid: str
    compound: str
    building: str | None
    unit: str | None

    @property
    def grid_label(self) -> str:
        """社区·网格, the way residents and staff name a grid."""
        return f"{self.community}·{self.grid}"

    @property
    def home_label(self) -> str:
        """Compound, building and unit, as far as known."""
        return "".join(part for part in (self.compound, self.building, self.unit) if part)


def communities(session: Session) -> Sequence[Community]:
    """All communities, in a stable order for numbered choices."""
    return session.scalars(select(Community).order_by(Community.id)).all()


def streets_in_use(session: Session) -> Sequence[Street]:
    """The streets switched on (with at least one active grid), in a stable order for numbered choices."""
    in_use = select(Community.street_id).join(Grid, Grid.community_id == Community.id).where(Grid.active.is_(True))
    return session.scalars(select(Street).where(Street.id.in_(in_use)).order_by(Street.id)).all()


def communities_of(session: Session, street_id: int) -> Sequence[Community]:
    """A street's communities, in the order of `communities`."""
    return session.scalars(select(Community).where(Community.street_id == street_id).order_by(Community.id)).all()


def told_apart(named: Sequence[tuple[str, str]]) -> list[str]:
    """Labels of places, given as (社区 or 社区·网格, its street): each with its street before it (街道·社区) where two
    streets each have a community of that name and the labels alone would read the same."""
    counted = Counter(label for label, _street in named)  # once: a city ranks thousands of grids
    return [f"{street}·{label}" if counted[label] > 1 else label for label, street in named]


def street_names(session: Session) -> dict[int, str]:
    """Every street's name by its id (two streets may each have a community of one name)."""
    return {street_id: name for street_id, name in session.execute(select(Street.id, Street.name))}


def grids_of(session: Session, community_id: int) -> Sequence[Grid]:
    """The active grids of a community."""
    return session.scalars(select(Grid).where(Grid.community_id == community_id, Grid.active.is_(True))
                           .order_by(Grid.id)).all()


def buildings_of(session: Session, grid_id: int, compound: str | None = None) -> Sequence[Building]:
    """The active buildings of a grid, or of one 小区 (compound) in it."""
    chosen = select(Building).where(Building.grid_id == grid_id, Building.active.is_(True))
    if compound is not None:
        chosen = chosen.where(Building.compound == compound)
    return session.scalars(chosen.order_by(Building.id)).all()


# "2号楼", "2栋" and "2幢" are one building, however the grid's list spells it; voice writes "二号楼".
_NUMBERED = re.compile(r"^(\d+)(号楼|栋|幢)$")
_BUILDING_WORDS = ("号楼", "栋", "幢")
_SPOKEN_DIGITS = str.maketrans("一二三四五六七八九", "123456789")


def building_named(session: Session, grid_id: int, text: str) -> Building | None:
    """The one building of the grid that `text` names (上报 2号楼消防通道堆满杂物), by its name or as 2栋 for
    2号楼; None when it names none, or several it cannot tell apart (the 小区 named too decides)."""
    return one_named(buildings_of(session, grid_id), text)


def community_buildings(session: Session, community_id: int) -> Sequence[Building]:
    """The active buildings of the community's active grids, in the order they were created."""
    return session.scalars(
        select(Building).join(Grid, Grid.id == Building.grid_id)
        .where(Grid.community_id == community_id, Grid.active.is_(True), Building.active.is_(True))
        .order_by(Building.id)).all()


def one_named(buildings: Sequence[Building], text: str) -> Building | None:
    """The one building of these that `text` names, as `building_named` tells it (the 上报 of a 物业 clerk serving
    a whole community: of `community_buildings`, the 小区 named too deciding between two 3号楼)."""
    text = unicodedata.normalize("NFKC", text).translate(_SPOKEN_DIGITS)
    named = [building for building in buildings if _names(text, building.name)]
    in_compound = [building for building in named if building.compound and building.compound in text]
    chosen = in_compound or named
    return chosen[0] if len(chosen) == 1 else None


def _names(text: str, name: str) -> bool:
    numbered = _NUMBERED.match(name.translate(_SPOKEN_DIGITS))
    spellings = [f"{numbered.group(1)}{word}" for word in _BUILDING_WORDS] if numbered else [name]
    # "12号楼" does not name 2号楼.
    return any(re.search(rf"(?<!\d){re.escape(spelling)}", text) for spelling in spellings)


def compounds_by_grid(session: Session, community_ids: Collection[int]) -> dict[int, list[tuple[Grid, list[str]]]]:
    """Each community's active grids with their 小区 (as `compounds_of` gives them), in one query: a city's 4,327
    grids asked one by one took seconds of a resident's message."""
    rows = session.execute(
        select(Grid, Building.compound)
        .outerjoin(Building, (Building.grid_id == Grid.id) & Building.active.is_(True))
        .where(Grid.community_id.in_(community_ids), Grid.active.is_(True))
        .order_by(Grid.id, Building.id)
    ).all()
    compounds: dict[int, dict[str, None]] = {}
    grids: dict[int, Grid] = {}
    for grid, compound in rows:
        grids[grid.id] = grid
        named = compounds.setdefault(grid.id, {})
        if compound is not None:
            named.setdefault(compound)
    found: dict[int, list[tuple[Grid, list[str]]]] = {community_id: [] for community_id in community_ids}
    for grid_id, grid in grids.items():
        found[grid.community_id].append((grid, list(compounds[grid_id])))
    return found


def compounds_of(session: Session, grid_id: int) -> list[str]:
    """The 小区 of a grid, in the order their first building was created ("" for buildings outside any)."""
    seen = dict.fromkeys(building.compound for building in buildings_of(session, grid_id))
    return list(seen)


def units_of(session: Session, building_id: int) -> Sequence[Unit]:
    """The active units of a building."""
    return session.scalars(select(Unit).where(Unit.building_id == building_id, Unit.active.is_(True))
                           .order_by(Unit.id)).all()


def all_units_of(session: Session, building_id: int) -> Sequence[Unit]:
    """Every unit of a building, deactivated ones too (an import finds and revives them)."""
    return session.scalars(select(Unit).where(Unit.building_id == building_id)).all()


def building_by_scene(session: Session, scene_key: str) -> Building | None:
    """The active building a QR-code scene value names (a deactivated one's code binds nobody)."""
    return session.scalars(select(Building).where(Building.scene_key == scene_key, Building.active.is_(True))).first()


def address(session: Session, grid_id: int, building_id: int | None, unit_id: int | None) -> Address:
    """Names for a grid, building and unit (ids as stored on residents and appeals). With a building, the street,
    community and grid are the building's own: an appeal 改派'd to another grid (or whose building was moved to one
    while it stayed) keeps its building, and "幸福里社区·第一网格 东方名苑B座" would send the new holder to a compound
    of another community. One driver statement: the webhook names a building in its reply (the 我也遇到 offer), and
    loading ORM rows cost ten times the query."""
    session.flush()  # driver SQL does not autoflush: a building renamed in this transaction reads as renamed
    row = _ADDRESS.run(session, {"grid": grid_id, "building": building_id, "unit": unit_id})
    if row is None:
        raise NoResultFound(f"no grid {grid_id}")
    street, community, grid, compound, building, unit = row
    return Address(street=street, community=community, grid=grid, compound=compound or "", building=building,
                   unit=unit)


Place = tuple[int, int | None, int | None]  # grid, building and unit ids, as `address` takes them


def addresses(session: Session, places: Collection[Place]) -> dict[Place, Address]:
    """`address` of many places in three statements (buildings, grids, units), as a dispatch chunk's cards need."""
    buildings = _rows(session, _BUILDINGS, {building_id for _, building_id, _ in places if building_id})
    grids = _rows(session, _GRIDS_NAMES, {grid_id for grid_id, _, _ in places}
                  | {building.grid_id for building in buildings.values()})
    units = _rows(session, _UNITS, {unit_id for _, _, unit_id in places if unit_id})
    named: dict[Place, Address] = {}
    for place in places:
        grid_id, building_id, unit_id = place
        building = buildings.get(building_id) if building_id else None
        where = building.grid_id if building is not None else grid_id  # the building's own, as `address` says
        if where not in grids:
            raise NoResultFound(f"no grid {where}")  # as `address`'s .one() says
        named[place] = _address(grids[where], building, units.get(unit_id) if unit_id else None)
    return named


def _address(names: Row[Any], building: Building | Row[Any] | None, unit: Unit | Row[Any] | None) -> Address:
    """The Address of a grid's (street, community, grid) names and a building and unit (objects or rows)."""
    return Address(street=names.street, community=names.community, grid=names.grid,
                   compound=building.compound if building else "", building=building.name if building else None,
                   unit=unit.name if unit else None)


def _rows(session: Session, statement: Select[Any], ids: set[int]) -> dict[int, Row[Any]]:
    return {row.id: row for row in session.execute(statement, {"ids": list(ids)})} if ids else {}


# Run for every task card, or every dispatch chunk: built once (see storage/outbox.py's statements).
_NAMES = (
    select(Grid.id, Street.name.label("street"), Community.name.label("community"), Grid.name.label("grid"))
    .join(Community, Community.street_id == Street.id)
    .join(Grid, Grid.community_id == Community.id)
)
_ADDRESS = DriverSQL(
    "SELECT s.name, c.name, g.name, b.compound, b.name, u.name FROM grids g "
    "JOIN communities c ON c.id = g.community_id JOIN streets s ON s.id = c.street_id "
    "LEFT JOIN buildings b ON b.id = %(building)s LEFT JOIN units u ON u.id = %(unit)s "
    "WHERE g.id = COALESCE((SELECT grid_id FROM buildings WHERE id = %(building)s), %(grid)s)"
)
_GRIDS_NAMES = _NAMES.where(Grid.id.in_(bindparam("ids", expanding=True)))
_BUILDINGS = select(Building.id, Building.grid_id, Building.compound, Building.name).where(
    Building.id.in_(bindparam("ids", expanding=True)))
_UNITS = select(Unit.id, Unit.name).where(Unit.id.in_(bindparam("ids", expanding=True)))


def grid_place(session: Session, grid_id: int | None) -> tuple[int | None, int | None]:
    """The grid's community and street ids; (None, None) for no grid, or one not there."""
    if grid_id is None:
        return None, None
    found = column_rows(session, _GRID_PLACE, {"grid": grid_id})
    return (found[0][0], found[0][1]) if found else (None, None)


# Asked on the webhook's path (whose FAQ answers a resident) and by every read permission: built once.
_GRID_PLACE = select(Grid.community_id, Community.street_id).join(Community, Community.id == Grid.community_id).where(
    Grid.id == bindparam("grid"))


def grid_label(session: Session, grid_id: int) -> str:
    """社区·网格 for one grid id."""
    community, grid = session.execute(
        select(Community.name, Grid.name).join(Grid, Grid.community_id == Community.id).where(Grid.id == grid_id)
    ).one()
    return f"{community}·{grid}"


def building_place(session: Session, building_id: int) -> str:
    """社区·网格·小区·楼栋 (no 小区 when it is in none): a building named so that no other is meant."""
    building = session.get_one(Building, building_id)
    named = f"{building.compound}·{building.name}" if building.compound else building.name
    return f"{grid_label(session, building.grid_id)}·{named}"


_SPACES = re.compile(r" {2,}")
_SPACE_BESIDE_WIDE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")


def normalised_name(name: str) -> str:
    """A place name as stored: full-width digits, letters and spaces made plain (NFKC: ３号楼 is 3号楼), runs of
    spaces made one, and none beside a Chinese character (3 号楼 is 3号楼). Migration 0017 holds a copy."""
    return _SPACE_BESIDE_WIDE.sub("", _SPACES.sub(" ", unicodedata.normalize("NFKC", name).strip()))


def ensure_street(session: Session, name: str) -> Street:
    """The street of that name, created if missing."""
    return _ensure(session, Street, name=normalised_name(name))


def ensure_community(session: Session, street: Street, name: str) -> Community:
    """The community of that name in the street, created if missing."""
    return _ensure(session, Community, street_id=street.id, name=normalised_name(name))


def ensure_grid(session: Session, community: Community, name: str) -> Grid:
    """The grid of that name in the community, created if missing, active again if it was deactivated."""
    return _activated(_ensure(session, Grid, community_id=community.id, name=normalised_name(name)))


def ensure_building(session: Session, grid: Grid, name: str, compound: str = "") -> Building:
    """The building in the grid (and compound), created if missing with a stable QR scene key, active again if
    it was deactivated."""
    name, compound = normalised_name(name), normalised_name(compound)
    found = session.scalars(
        select(Building).where(Building.grid_id == grid.id, Building.compound == compound, Building.name == name)
    ).first()
    if found:
        return _activated(found)
    building = Building(grid_id=grid.id, compound=compound, name=name, scene_key=_scene_key(grid.id, compound, name))
    session.add(building)
    session.flush()
    return building


def ensure_unit(session: Session, building: Building, name: str) -> Unit:
    """The unit of that name in the building, created if missing, active again if it was deactivated."""
    return _activated(_ensure(session, Unit, building_id=building.id, name=normalised_name(name)))


def _activated(row: Any) -> Any:
    # A ledger listing a pruned place again brings it back, with its scene key and QR code.
    if row.active is False:
        row.active = True
    return row


def _ensure(session: Session, model: Any, **fields: Any) -> Any:
    found = session.scalars(select(model).filter_by(**fields)).first()
    if found:
        return found
    row = model(**fields)
    session.add(row)
    session.flush()
    return row


def _scene_key(grid_id: int, compound: str, name: str) -> str:
    # Short and printable (QR scene strings are at most 64 characters), stable across re-imports.
    digest = hashlib.sha1(f"{grid_id}/{compound}/{name}".encode()).hexdigest()[:10]
    return f"b{digest}"
