"""The names places had before they were renamed, and a street's old ledger read by today's names.

A street office renames a grid, a 小区 or a building (`gridbot org rename`, the console) and later imports its
ledger again, often the old file that still has the former name. The import matches such a name to the renamed
place (and says so) rather than creating a second one beside it for residents to pick, or pruning the renamed one
as no longer listed. A name that is a place's own name today is that place: a former name never shadows it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import Building, Community, FormerName, Grid, Street, Unit
from storage.org_import import OrgRow

STREET, COMMUNITY, GRID, COMPOUND, BUILDING, UNIT = "街道", "社区", "网格", "小区", "楼栋", "单元"


@dataclass(frozen=True)
class Match:
    """One former name a file used, and the name the place has now; `within` names where (社区·网格, …)."""

    kind: str
    within: str
    former: str
    current: str


@dataclass(frozen=True)
class ByCurrentNames:
    """A file's rows with every former name replaced by the place's name now, and the distinct matches."""

    rows: list[OrgRow]
    matches: list[Match]


def remember(session: Session, kind: str, place_id: int, former: str, current: str) -> None:
    """Keep `former` as a name of the place (a 小区's: of its community) that is `current` from now on. Renaming
    back forgets the name given back; a 小区's former names follow it through later renames."""
    session.execute(delete(FormerName).where(FormerName.kind == kind, FormerName.place_id == place_id,
                                             FormerName.name.in_([current, former])))
    if kind == COMPOUND:
        session.execute(update(FormerName).where(FormerName.kind == COMPOUND, FormerName.place_id == place_id,
                                                 FormerName.current == former).values(current=current))
    session.add(FormerName(kind=kind, place_id=place_id, name=former, current=current if kind == COMPOUND else None))
    session.flush()


def by_current_names(session: Session, rows: Sequence[OrgRow]) -> ByCurrentNames:
    """The rows as today's names write them (validated rows: names normalised as stored)."""
    names = _former_names(session)
    if not any(names.values()):
        return ByCurrentNames(list(rows), [])
    matches: dict[Match, None] = {}

    def now(kind: str, path: tuple[str, ...], name: str) -> str:
        current = names[kind].get((*path, name))
        if current is None:
            return name
        matches.setdefault(Match(kind, "·".join(part for part in path[1:] if part), name, current), None)
        return current

    translated = []
    for row in rows:
        street = now(STREET, (), row.street)
        community = now(COMMUNITY, (street,), row.community)
        grid = now(GRID, (street, community), row.grid)
        compound = now(COMPOUND, (street, community), row.compound) if row.compound else ""
        building = now(BUILDING, (street, community, grid, compound), row.building)
        unit = now(UNIT, (street, community, grid, compound, building), row.unit) if row.unit else ""
        translated.append(dataclasses.replace(row, street=street, community=community, grid=grid, compound=compound,
                                              building=building, unit=unit))
    return ByCurrentNames(translated, list(matches))


def _former_names(session: Session) -> dict[str, dict[tuple[str, ...], str]]:
    """Per kind: (the place's parents' names now…, a former name) -> its name now, for the former names no
    sibling has as its own name today."""
    found: dict[str, dict[tuple[str, ...], str]] = {}
    for kind, query in _QUERIES.items():
        found[kind] = {tuple(names[:-1]): names[-1] for names in session.execute(query())}
    return found


def _of(kind: str, *columns: Any) -> Select[Any]:
    return select(*columns).select_from(FormerName).where(FormerName.kind == kind)


def _streets() -> Select[Any]:
    sibling = aliased(Street)
    return (_of(STREET, FormerName.name, Street.name).join(Street, Street.id == FormerName.place_id)
            .where(~exists().where(sibling.name == FormerName.name)))


def _communities() -> Select[Any]:
    sibling = aliased(Community)
    return (_of(COMMUNITY, Street.name, FormerName.name, Community.name)
            .join(Community, Community.id == FormerName.place_id).join(Street, Street.id == Community.street_id)
            .where(~exists().where(sibling.street_id == Community.street_id, sibling.name == FormerName.name)))


def _grids() -> Select[Any]:
    sibling = aliased(Grid)
    return (_of(GRID, Street.name, Community.name, FormerName.name, Grid.name)
            .join(Grid, Grid.id == FormerName.place_id).join(Community, Community.id == Grid.community_id)
            .join(Street, Street.id == Community.street_id)
            .where(~exists().where(sibling.community_id == Grid.community_id, sibling.name == FormerName.name)))


def _compounds() -> Select[Any]:
    return (_of(COMPOUND, Street.name, Community.name, FormerName.name, FormerName.current)
            .join(Community, Community.id == FormerName.place_id).join(Street, Street.id == Community.street_id)
            .where(~exists().where(Building.grid_id == Grid.id, Grid.community_id == Community.id,
                                   Building.compound == FormerName.name)))


def _buildings() -> Select[Any]:
    sibling = aliased(Building)
    return (_of(BUILDING, Street.name, Community.name, Grid.name, Building.compound, FormerName.name, Building.name)
            .join(Building, Building.id == FormerName.place_id).join(Grid, Grid.id == Building.grid_id)
            .join(Community, Community.id == Grid.community_id).join(Street, Street.id == Community.street_id)
            .where(~exists().where(sibling.grid_id == Building.grid_id, sibling.compound == Building.compound,
                                   sibling.name == FormerName.name)))


def _units() -> Select[Any]:
    sibling = aliased(Unit)
    return (_of(UNIT, Street.name, Community.name, Grid.name, Building.compound, Building.name, FormerName.name,
                Unit.name)
            .join(Unit, Unit.id == FormerName.place_id).join(Building, Building.id == Unit.building_id)
            .join(Grid, Grid.id == Building.grid_id).join(Community, Community.id == Grid.community_id)
            .join(Street, Street.id == Community.street_id)
            .where(~exists().where(sibling.building_id == Unit.building_id, sibling.name == FormerName.name)))


_QUERIES = {STREET: _streets, COMMUNITY: _communities, GRID: _grids, COMPOUND: _compounds, BUILDING: _buildings,
            UNIT: _units}
