"""Importing the grid hierarchy from a street office's spreadsheet: rows, their validation, and applying them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Sequence

from sqlalchemy import Select, event, select
from sqlalchemy.orm import Session

from storage import org
from storage.contact_input import in_digits
from storage.db import BATCH_ROWS, Database
from storage.models import Building, Community, Grid, Street, Unit

# The file's column headers, an interface street offices and their scripts rely on: OrgRow field -> header.
COLUMNS: dict[str, str] = {
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "compound": "小区",
    "building": "楼栋",
    "unit": "单元",
}
REQUIRED = ("street", "community", "grid", "building")
MAX_NAME_LENGTH = 64  # the length of every name column in storage.models
LEVELS = ("street", "community", "grid", "building", "unit")
_LEVEL_OF_MODEL: dict[type, str] = {
    Street: "street",
    Community: "community",
    Grid: "grid",
    Building: "building",
    Unit: "unit",
}


@dataclass(frozen=True)
class OrgRow:
    """One data line of the file, names trimmed; "" for an empty 小区 or 单元."""

    line: int
    street: str
    community: str
    grid: str
    compound: str
    building: str
    unit: str


def row_of(line: int, cells: dict[str, str]) -> OrgRow:
    """A data line as its names are stored (`org.normalised_name`: ３号楼 and 3 号楼 are 3号楼)."""
    return OrgRow(line=line, **{name: org.normalised_name(cells.get(name, "")) for name in COLUMNS})


class Problem(StrEnum):
    MISSING = "missing"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    BUILDING_IN_TWO_GRIDS = "building_in_two_grids"  # within the file
    BUILDING_TWO_NAMES = "building_two_names"  # within the file: 2号楼 on one line, 2栋 on another
    GRID_TWO_NAMES = "grid_two_names"  # within the file: 第一网格 on one line, 第1网格 on another
    UNIT_TWO_NAMES = "unit_two_names"  # within the file: 1单元 on one line, 1 (an Excel number cell) on another
    STORED_UNDER_OTHER_NAME = "stored_under_other_name"  # 东湖街道办事处 in the file, 东湖街道 stored
    BUILDING_IN_OTHER_GRID = "building_in_other_grid"  # the file against what is stored
    BUILDING_STORED_UNDER_OTHER_NAME = "building_stored_under_other_name"  # 2栋 in the file, 2号楼 stored
    UNIT_STORED_UNDER_OTHER_NAME = "unit_stored_under_other_name"  # 1 in the file, 1单元 stored
    OUTSIDE_SCOPE = "outside_scope"  # a 街道 console operator's file naming another street
    SEVERAL_UNITS = "several_units"  # 1-3单元, 1、2单元 in one cell: one unit for residents to pick, named so


@dataclass(frozen=True)
class RowError:
    """One problem on one line, described here and worded for operators in handlers/operator_texts.py."""

    line: int
    problem: Problem
    column: str = ""  # the OrgRow field at fault
    length: int = 0
    building: str = ""  # compound and building, for the grid conflicts
    grid: str = ""  # the grid this line puts the building in
    other_grid: str = ""  # the grid the building is already in
    other_line: int = 0  # where the file put it there; 0 when it is stored there
    other_building: str = ""  # BUILDING_TWO_NAMES: the name the building has on other_line
    unit: str = ""  # UNIT_TWO_NAMES, UNIT_STORED_UNDER_OTHER_NAME: the unit as this line writes it
    other_unit: str = ""  # the name the unit has on other_line (UNIT_TWO_NAMES) or as stored
    name: str = ""  # STORED_UNDER_OTHER_NAME: the street's or community's name in the file
    stored_name: str = ""  # STORED_UNDER_OTHER_NAME: the stored street's or community's name
    street: str = ""  # OUTSIDE_SCOPE: the line's street
    allowed_street: str = ""  # OUTSIDE_SCOPE: the one street the operator may import


@dataclass(frozen=True)
class ImportReport:
    """How many distinct streets, communities, grids, buildings and units were created or already there."""

    rows: int
    created: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Preview:
    """What importing the rows would do: the counts, and the new grids' and buildings' names (社区·网格,
    社区·网格·小区·楼栋) in the file's order, the first `PREVIEW_NAMES` of each."""

    report: ImportReport
    new_grids: list[str]
    new_buildings: list[str]


PREVIEW_NAMES = 50
# A building named by its number (or letter) and one of the words ledgers use for "building": 2号楼, 2栋, 2幢,
# 02#, or the bare 2 an Excel number cell holds. Two such names with the same number in one compound are one
# building written two ways, which an import would turn into two buildings for residents to choose from.
# What an office may add to a street's or community's name on one export and leave off on another.
_OFFICE_SUFFIX = re.compile(r"(办事处|办|居民委员会|居委会)$")
_NUMBERED_BUILDING = re.compile(r"(\d+|[A-Z])(号楼|号|栋|幢|座|楼|#)?", re.IGNORECASE)
_NUMBERED_UNIT = re.compile(r"(\d+|[A-Z])(单元)?", re.IGNORECASE)  # 2单元, 二单元, 02 or the bare 2 of a number cell
# A ledger's shorthand for the units of a building in one cell: 1-3单元, 1~2, 1、2单元, 一至三单元.
_SEVERAL_UNITS = re.compile(r"([0-9]+|[一二三四五六七八九十]+)(单元)?\s*(?:[-~～—–至到、,，/&和+]|\.{2,})\s*"
                            r"([0-9]+|[一二三四五六七八九十]+)(单元)?")
# How many of (street, community, grid, compound, building, unit) name a place of each level.
_KEY_SIZE = {"street": 1, "community": 2, "grid": 3, "building": 5, "unit": 6}


class ImportRejected(Exception):
    """The rows contradict what is stored; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows contradict the stored hierarchy")
        self.errors = errors


def validate(rows: Iterable[OrgRow]) -> list[RowError]:
    """Every problem of every row, by line: required names, lengths, control characters, building conflicts."""
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str, str, str], OrgRow] = {}
    first_named: dict[tuple[str, ...], OrgRow] = {}
    first_grid: dict[tuple[str, ...], OrgRow] = {}
    first_unit: dict[tuple[str, ...], OrgRow] = {}
    # Per 小区 (or grid): the last line naming a building, and the units under it since.
    building_above: dict[tuple[str, ...], tuple[OrgRow, set[str]]] = {}
    for row in rows:
        row_errors = _field_errors(row)
        place = (row.street, row.community, row.grid, row.compound)
        above, units = building_above.get(place, (None, set()))
        if row.building:
            building_above[place] = (row, {row.unit})
        elif above is not None and row.unit and row.unit not in units:
            # The next unit of a 楼栋 cell merged in Excel and saved as CSV, which keeps the name on the first line
            # only: say so, not just "missing".
            units.add(row.unit)
            row_errors = [RowError(error.line, error.problem, error.column, building=above.building,
                                   other_line=above.line)
                          if error.problem is Problem.MISSING and error.column == "building" else error
                          for error in row_errors]
        errors.extend(row_errors)
        if not row_errors:
            # 第一网格 and 第1网格: the numeral as digits (in_digits reads one that ends the name).
            spelled = first_grid.setdefault((row.street, row.community, in_digits(row.grid.removesuffix("网格"))), row)
            if spelled.grid != row.grid:
                errors.append(RowError(row.line, Problem.GRID_TWO_NAMES, column="grid", grid=row.grid,
                                       other_grid=spelled.grid, other_line=spelled.line))
        number = building_number(row.building)
        if not row_errors and number:
            # A building's place is its compound, or its grid where the grid is the compound.
            place = (row.street, row.community, row.compound or row.grid, number)
            named = first_named.setdefault(place, row)
            if named.building != row.building:
                errors.append(RowError(row.line, Problem.BUILDING_TWO_NAMES, column="building",
                                       building=_building_label(row), other_building=_building_label(named),
                                       other_line=named.line))
        numbered_unit = unit_number(row.unit)
        if not row_errors and numbered_unit:
            unit_place = (row.street, row.community, row.grid, row.compound, row.building, numbered_unit)
            unit_named = first_unit.setdefault(unit_place, row)
            if unit_named.unit != row.unit:
                errors.append(RowError(row.line, Problem.UNIT_TWO_NAMES, column="unit", building=_building_label(row),
                                       unit=row.unit, other_unit=unit_named.unit, other_line=unit_named.line))
        if row_errors or not row.compound:
            # Without a 小区 the grid is the compound, so a building name can only repeat in another grid.
            continue
        key = (row.street, row.community, row.compound, row.building)
        first = first_seen.setdefault(key, row)
        if first.grid != row.grid:
            errors.append(RowError(row.line, Problem.BUILDING_IN_TWO_GRIDS, column="grid",
                                   building=_building_label(row), grid=row.grid, other_grid=first.grid,
                                   other_line=first.line))
    return sorted(errors, key=lambda error: error.line)


def stored_conflicts(session: Session, rows: Iterable[OrgRow]) -> list[RowError]:
    """Rows that name a stored street or community with an office's suffix added or left off (东湖街道办事处 for
    东湖街道: a second copy of everything below it), rows that write a stored building's or unit's number another
    way (2栋 for 2号楼, 1 for 1单元: a second one for its residents to choose), and rows that put a building of a
    compound into another grid than the one it is stored in."""
    rows = list(rows)
    return sorted(_stored_under_other_names(session, rows) + _buildings_stored_under_other_names(session, rows)
                  + _units_stored_under_other_names(session, rows) + _buildings_in_other_grids(session, rows),
                  key=lambda error: error.line)


def _stored_under_other_names(session: Session, rows: list[OrgRow]) -> list[RowError]:
    stored = session.execute(select(Street.name, Community.name).outerjoin(Community, Community.street_id == Street.id)
                             ).all()
    streets = {street for street, _community in stored}
    street_keys = {_OFFICE_SUFFIX.sub("", street): street for street in streets}
    communities = {(street, community) for street, community in stored if community is not None}
    community_keys = {(street, _OFFICE_SUFFIX.sub("", community)): community for street, community in communities}
    renamed = _communities_renamed(session, rows)
    errors = []
    for row in rows:
        if row.street not in streets:
            known = street_keys.get(_OFFICE_SUFFIX.sub("", row.street))
            if known is not None:
                errors.append(RowError(row.line, Problem.STORED_UNDER_OTHER_NAME, column="street",
                                       name=row.street, stored_name=known))
        elif (row.street, row.community) not in communities:
            known = community_keys.get((row.street, _OFFICE_SUFFIX.sub("", row.community))) \
                or renamed.get((row.street, row.compound, row.building))
            if known is not None:
                errors.append(RowError(row.line, Problem.STORED_UNDER_OTHER_NAME, column="community",
                                       name=row.community, stored_name=known))
    return errors


def _communities_renamed(session: Session, rows: list[OrgRow]) -> dict[tuple[str, str, str], str]:
    """The stored community of each (street, 小区, building) the file puts in a community not stored, where that
    building is stored in one community the file does not name: the file is the ledger from before `org rename`
    renamed that community, and importing it would make a second copy of every building for residents to pick."""
    named = {(row.street, row.community) for row in rows}
    wanted = {(row.street, row.compound, row.building) for row in rows if row.compound}
    if not wanted:
        return {}
    stored = session.execute(
        _down_to_buildings(Street.name, Building.compound, Building.name, Community.name)
        .where(Street.name.in_(sorted({street for street, _compound, _building in wanted})),
               Building.compound.in_(sorted({compound for _street, compound, _building in wanted})), Building.active)
    ).all()
    found: dict[tuple[str, str, str], set[str]] = {}
    for street, compound, building, community in stored:
        if (street, compound, building) in wanted and (street, community) not in named:
            found.setdefault((street, compound, building), set()).add(community)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


def _down_to_buildings(*columns: Any) -> Select[Any]:
    """`columns` of every stored building, joined down from its street (the caller narrows it to a file's streets)."""
    return (select(*columns).join(Community, Community.street_id == Street.id)
            .join(Grid, Grid.community_id == Community.id).join(Building, Building.grid_id == Grid.id))


def _buildings_stored_under_other_names(session: Session, rows: list[OrgRow]) -> list[RowError]:
    numbered = [(row, number) for row in rows if (number := building_number(row.building))]
    if not numbered:
        return []
    stored = session.execute(
        _down_to_buildings(Street.name, Community.name, Grid.name, Building.compound, Building.name)
        .where(Street.name.in_(sorted({row.street for row, _number in numbered})), Building.active)
    ).all()
    names: dict[tuple[str, str, str, str], set[str]] = {}
    for street, community, grid, compound, building in stored:
        number = building_number(building)
        if number:  # a building's place is its compound, or its grid where the grid is the compound (validate)
            names.setdefault((street, community, compound or grid, number), set()).add(building)
    errors = []
    for row, number in numbered:
        known = names.get((row.street, row.community, row.compound or row.grid, number), set())
        if known and row.building not in known:
            errors.append(RowError(row.line, Problem.BUILDING_STORED_UNDER_OTHER_NAME, column="building",
                                   building=_building_label(row), other_building=row.compound + min(known)))
    return errors


def _units_stored_under_other_names(session: Session, rows: list[OrgRow]) -> list[RowError]:
    numbered = [(row, number) for row in rows if (number := unit_number(row.unit))]
    if not numbered:
        return []
    stored = session.execute(
        _down_to_buildings(Street.name, Community.name, Grid.name, Building.compound, Building.name, Unit.name)
        .join(Unit, Unit.building_id == Building.id)
        .where(Street.name.in_(sorted({row.street for row, _number in numbered})), Unit.active)
    ).all()
    names: dict[tuple[str, ...], set[str]] = {}
    for *building, unit in stored:
        number = unit_number(unit)
        if number:
            names.setdefault((*building, number), set()).add(unit)
    errors = []
    for row, number in numbered:
        known = names.get((row.street, row.community, row.grid, row.compound, row.building, number), set())
        if known and row.unit not in known:
            errors.append(RowError(row.line, Problem.UNIT_STORED_UNDER_OTHER_NAME, column="unit",
                                   building=_building_label(row), unit=row.unit, other_unit=min(known)))
    return errors


def _buildings_in_other_grids(session: Session, rows: list[OrgRow]) -> list[RowError]:
    rows = [row for row in rows if row.compound]
    if not rows:
        return []
    stored = session.execute(
        _down_to_buildings(Street.name, Community.name, Building.compound, Building.name, Grid.name)
        .where(Street.name.in_(sorted({row.street for row in rows})), Building.compound != "")
    ).all()
    grids: dict[tuple[str, str, str, str], set[str]] = {}
    for street, community, compound, building, grid in stored:
        grids.setdefault((street, community, compound, building), set()).add(grid)
    errors = []
    for row in rows:
        known = grids.get((row.street, row.community, row.compound, row.building), set())
        if known and row.grid not in known:
            errors.append(RowError(row.line, Problem.BUILDING_IN_OTHER_GRID, column="grid",
                                   building=_building_label(row), grid=row.grid, other_grid=min(known)))
    return errors


def apply(session: Session, rows: Iterable[OrgRow]) -> ImportReport:
    """Create what the (validated) rows name and is missing, in the caller's transaction; count per level."""
    rows = list(rows)
    conflicts = stored_conflicts(session, rows)
    if conflicts:
        raise ImportRejected(conflicts)
    return _report(rows, _create_missing(session, rows))


def preview(session: Session, rows: Sequence[OrgRow]) -> Preview:
    """What importing the (validated, conflict-free) rows would create, read without writing: a street's file
    previewed in the console must not hold the write lock the webhook needs for as long as its import takes.

    The file's places are compared with the stored ones by the keys `_ensure_all` finds them by (names as
    stored); a deactivated place counts as present, as the import brings it back rather than creating it."""
    stored = session.execute(
        select(Street.name, Community.name, Grid.name, Building.compound, Building.name, Unit.name)
        .outerjoin(Community, Community.street_id == Street.id)
        .outerjoin(Grid, Grid.community_id == Community.id)
        .outerjoin(Building, Building.grid_id == Grid.id)
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Street.name.in_(sorted({row.street for row in rows})))).all()
    have: dict[str, set[tuple[str, ...]]] = {level: set() for level in LEVELS}
    for names in stored:
        for level, size in _KEY_SIZE.items():
            if names[size - 1] is not None:
                have[level].add(tuple(names[:size]))
    named = _keys(rows)
    new = {level: [key for key in named[level] if key not in have[level]] for level in LEVELS}
    grids = [f"{community}·{grid}" for _street, community, grid in new["grid"]]
    buildings = [f"{community}·{grid}·{compound}·{building}" if compound else f"{community}·{grid}·{building}"
                 for _street, community, grid, compound, building in new["building"]]
    return Preview(_report(rows, {level: len(found) for level, found in new.items()}),
                   grids[:PREVIEW_NAMES], buildings[:PREVIEW_NAMES])


def import_rows(database: Database, rows: Sequence[OrgRow], batch_rows: int = BATCH_ROWS) -> ImportReport:
    """Like `apply`, in short transactions of `batch_rows` rows: a big file never holds the write lock for long.

    The stored hierarchy is checked against the whole file first, so a contradiction still imports nothing.
    Creation is find-or-create, so a run cut off between two batches is completed by running it again.
    """
    with database.transaction() as session:
        conflicts = stored_conflicts(session, rows)
    if conflicts:
        raise ImportRejected(conflicts)
    made = dict.fromkeys(LEVELS, 0)
    for session, batch in database.batches(rows, batch_rows):
        for level, count in _create_missing(session, batch).items():
            made[level] += count
    return _report(rows, made)


def _create_missing(session: Session, rows: Sequence[OrgRow]) -> dict[str, int]:
    """Ensure every place the rows name exists; how many of each level this created."""
    created: list[Any] = []

    # ensure_* says nothing about whether it created: the flush that inserts is the one to ask.
    def record(_session: Session, instance: Any) -> None:
        created.append(instance)

    event.listen(session, "pending_to_persistent", record)
    try:
        _ensure_all(session, rows)
    finally:
        event.remove(session, "pending_to_persistent", record)
    made = dict.fromkeys(LEVELS, 0)
    for instance in created:
        level = _LEVEL_OF_MODEL.get(type(instance))
        if level:
            made[level] += 1
    return made


def _report(rows: Sequence[OrgRow], made: dict[str, int]) -> ImportReport:
    distinct = _distinct(rows)
    return ImportReport(rows=len(rows), created=made,
                        present={level: distinct[level] - made[level] for level in LEVELS})


def _distinct(rows: Sequence[OrgRow]) -> dict[str, int]:
    """How many distinct places of each level the rows name."""
    return {level: len(found) for level, found in _keys(rows).items()}


def _keys(rows: Sequence[OrgRow]) -> dict[str, dict[tuple[str, ...], None]]:
    """The distinct places of each level the rows name, in the file's order: (street, …) up to the level's name
    (a building's key holds its compound and its name)."""
    keys: dict[str, dict[tuple[str, ...], None]] = {level: {} for level in LEVELS}
    for row in rows:
        names = (row.street, row.community, row.grid, row.compound, row.building, row.unit)
        for level, size in _KEY_SIZE.items():
            if level != "unit" or row.unit:
                keys[level].setdefault(names[:size], None)
    return keys


def _ensure_all(session: Session, rows: Sequence[OrgRow]) -> None:
    streets: dict[str, Street] = {}
    communities: dict[tuple[str, ...], Community] = {}
    grids: dict[tuple[str, ...], Grid] = {}
    buildings: dict[tuple[str, ...], Building] = {}
    units: dict[int, dict[str, Unit]] = {}  # building id -> its units by name, read once per building
    for row in rows:
        street = streets.get(row.street)
        if street is None:
            street = streets[row.street] = org.ensure_street(session, row.street)
        community_key = (row.street, row.community)
        community = communities.get(community_key)
        if community is None:
            community = communities[community_key] = org.ensure_community(session, street, row.community)
        grid_key = (*community_key, row.grid)
        grid = grids.get(grid_key)
        if grid is None:
            grid = grids[grid_key] = org.ensure_grid(session, community, row.grid)
        building_key = (*grid_key, row.compound, row.building)
        building = buildings.get(building_key)
        if building is None:
            building = buildings[building_key] = org.ensure_building(session, grid, row.building, row.compound)
            units[building.id] = {unit.name: unit for unit in org.all_units_of(session, building.id)}
        if row.unit:
            _ensure_unit(session, building, units[building.id], row.unit)
    # Units are added without a flush each (a street has thousands): the counting listener sees them here.
    session.flush()


def _ensure_unit(session: Session, building: Building, known: dict[str, Unit], name: str) -> None:
    name = org.normalised_name(name)
    unit = known.get(name)
    if unit is None:
        unit = known[name] = Unit(building_id=building.id, name=name)
        session.add(unit)
    elif unit.active is False:
        unit.active = True  # a ledger listing a pruned unit again brings it back


def _field_errors(row: OrgRow) -> list[RowError]:
    errors = []
    for name in COLUMNS:
        value: str = getattr(row, name)
        if not value:
            if name in REQUIRED:
                errors.append(RowError(row.line, Problem.MISSING, column=name))
        elif len(value) > MAX_NAME_LENGTH:
            errors.append(RowError(row.line, Problem.TOO_LONG, column=name, length=len(value)))
        elif any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
            # Cf too: zero-width spaces and stray BOMs make names that look equal but are not.
            errors.append(RowError(row.line, Problem.CONTROL_CHARACTER, column=name))
        elif name == "unit" and _SEVERAL_UNITS.fullmatch(value):
            errors.append(RowError(row.line, Problem.SEVERAL_UNITS, column=name, unit=value))
    return errors


def building_number(name: str) -> str:
    """The number (or letter) a building name like 2号楼, 二栋 or 02# gives, "" for other names (沿湖路12号)."""
    return _number(_NUMBERED_BUILDING, name)


def unit_number(name: str) -> str:
    """The number (or letter) a unit name like 2单元, 二单元 or a bare 2 gives, "" for other names."""
    return _number(_NUMBERED_UNIT, name)


def _number(pattern: re.Pattern[str], name: str) -> str:
    """The number (or letter) of a name the pattern reads as numbered, "" for other names."""
    found = pattern.fullmatch(in_digits(name))
    if not found:
        return ""
    number = found.group(1)
    return str(int(number)) if number.isdigit() else number.upper()


def _building_label(row: OrgRow) -> str:
    return f"{row.compound}{row.building}"
