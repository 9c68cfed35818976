"""Renaming a place (`gridbot org rename`): a name mistyped in the ledger, or changed by the district, put right
without anyone binding again.

Residents, staff, appeals, QR codes and cards refer to streets, communities, grids, buildings and units by id, so
changing the one row renames the place everywhere from the next message on. A 小区 (compound) is no row: it is a
name on its buildings, its party branch, 微心愿 and 聚焦办 cases, all rewritten here. Notices keep the path their
sender typed (`Broadcast.scope_path`), resolved again when they are read and sent: each path that named the place
is rewritten where the new path names the same place. Open 聚焦办 cases show their place's label, made again; closed
ones and the audit trail keep the name the place had then. The former name is kept for the ledger import
(storage/org_former_names.py). All in the caller's transaction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage import focus, notice_scope, org, org_former_names, org_import, org_moves
from storage.contact_input import in_digits
from storage.errors import DomainError
from storage.models import (
    Broadcast,
    Building,
    Community,
    FocusCase,
    FocusStatus,
    Grid,
    PartyBranch,
    Resident,
    ResidentStatus,
    Street,
    Unit,
    Wish,
)
from storage.org_ledger import building_label
from storage.queries import Scope
from storage.staff import (
    MAX_CANDIDATES,
    PLACE_SEPARATOR,
    UnknownPlace,
    find_community,
    find_compound,
    find_grid,
)

EVERYWHERE = Scope()


class PlaceKind(StrEnum):
    """What is renamed, as the ledger's columns name it."""

    STREET = "街道"
    COMMUNITY = "社区"
    GRID = "网格"
    COMPOUND = "小区"
    BUILDING = "楼栋"
    UNIT = "单元"


class NameRefused(DomainError):
    """The new name can't be given: `reason` is empty | too_long | control_character | same | taken | twin;
    `other` names the place that has it (taken) or the building of the same number (twin)."""

    def __init__(self, reason: str, other: str = "") -> None:
        super().__init__(f"new name refused: {reason}")
        self.reason, self.other = reason, other


@dataclass(frozen=True)
class Renamed:
    """What the rename did."""

    kind: PlaceKind
    old: str  # the place's label before, as lists show it
    new: str  # and after
    residents: int  # bound residents who live there: their address reads the new name
    notices: int  # notices whose scope path was rewritten


def rename(session: Session, kind: PlaceKind, place: str, new_name: str, scope: Scope = EVERYWHERE) -> Renamed:
    """Give the place `place` names (as `org list` and `--scope` write it) the name `new_name`. A place outside
    `scope` (a 街道 console operator's street) is as unknown as a missing one; a street is renamed only
    without one (the CLI, a 管理员)."""
    name = _checked(new_name)
    if kind is PlaceKind.COMPOUND:
        community_id, wanted = _find_compound(session, place, scope)
        _refuse_outside(session, scope, kind, place, session.get_one(Community, community_id))
        return _rename_compound(session, community_id, wanted, name)
    row = _find(session, kind, place, scope)
    _refuse_outside(session, scope, kind, place, row)
    if row.name == name:
        raise NameRefused("same")
    _refuse_taken(session, row, name)
    before = _label(session, row)
    notices = _Notices(session, row.name)
    old_name, row.name = row.name, name
    session.flush()
    org_former_names.remember(session, kind, row.id, old_name, name)
    rewritten = notices.rewrite(old_name, name)
    _relabel_open_cases(session, old_name)
    return Renamed(kind, before, _label(session, row), _residents(session, row), rewritten)


def _checked(new_name: str) -> str:
    name = org.normalised_name(new_name)
    if not name:
        raise NameRefused("empty")
    if len(name) > org_import.MAX_NAME_LENGTH:
        raise NameRefused("too_long")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise NameRefused("control_character")  # zero-width spaces make names that look equal but are not
    return name


Renameable = Street | Community | Grid | Building | Unit


def _find(session: Session, kind: PlaceKind, place: str, scope: Scope = EVERYWHERE) -> Renameable:
    """The place of that kind `place` names; a community or grid looked for within `scope` (a street's account:
    its 和平社区, though another street has one too, with no other street's named as a candidate)."""
    if kind is PlaceKind.STREET:
        found = session.scalar(select(Street).where(Street.name == org.normalised_name(place)))
        if found is None:
            raise UnknownPlace("street", place, list(session.scalars(select(Street.name).order_by(Street.id)
                                                                     .limit(MAX_CANDIDATES))))
        return found
    if kind is PlaceKind.COMMUNITY:
        return find_community(session, place, scope.community_condition())
    if kind is PlaceKind.GRID:
        return find_grid(session, place, scope.grid_condition())
    if kind is PlaceKind.BUILDING:
        return org_moves.find_building(session, place, scope.grid_condition())
    *above, unit_name = PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", place).strip())
    if not above:
        raise UnknownPlace("unit", place, [])
    building = org_moves.find_building(session, "·".join(above), scope.grid_condition())
    wanted = org.normalised_name(unit_name)
    units = session.scalars(select(Unit).where(Unit.building_id == building.id).order_by(Unit.id)).all()
    found_unit = next((unit for unit in units if unit.name in (wanted, f"{wanted}单元")), None)
    if found_unit is None:
        raise UnknownPlace("unit", place, [unit.name for unit in units][:MAX_CANDIDATES])
    return found_unit


def _refuse_taken(session: Session, row: Renameable, name: str) -> None:
    """Names are unique among siblings (the schema says so); 2号楼 beside 2栋, 第1网格 beside 第一网格, or 1 beside
    1单元, are the same place twice (the ledger import refuses them too)."""
    if isinstance(row, Street):
        taken = session.scalar(select(Street.id).where(Street.name == name))
    elif isinstance(row, Community):
        taken = session.scalar(select(Community.id).where(Community.street_id == row.street_id,
                                                          Community.name == name))
    elif isinstance(row, Grid):
        siblings = session.scalars(select(Grid).where(Grid.community_id == row.community_id, Grid.id != row.id)).all()
        numeral = in_digits(name.removesuffix("网格"))
        twin = next((grid for grid in siblings if in_digits(grid.name.removesuffix("网格")) == numeral), None)
        if twin is not None and twin.name != name:
            raise NameRefused("twin", twin.name)
        taken = twin.id if twin is not None else None
    elif isinstance(row, Building):
        siblings = session.scalars(select(Building).where(Building.grid_id == row.grid_id,
                                                          Building.compound == row.compound,
                                                          Building.id != row.id)).all()
        number = org_import.building_number(name)
        twin = next((other for other in siblings if other.name == name
                     or (number and org_import.building_number(other.name) == number)), None)
        if twin is not None and twin.name != name:
            raise NameRefused("twin", building_label(twin.compound, twin.name))
        taken = twin.id if twin is not None else None
    else:
        siblings = session.scalars(select(Unit).where(Unit.building_id == row.building_id, Unit.id != row.id)).all()
        number = org_import.unit_number(name)
        twin = next((other for other in siblings if other.name == name
                     or (number and org_import.unit_number(other.name) == number)), None)
        if twin is not None and twin.name != name:
            raise NameRefused("twin", twin.name)
        taken = twin.id if twin is not None else None
    if taken is not None:
        raise NameRefused("taken", name)


def _label(session: Session, row: Renameable) -> str:
    session.flush()
    if isinstance(row, Street):
        return row.name
    if isinstance(row, Community):
        return f"{session.get_one(Street, row.street_id).name}·{row.name}"
    if isinstance(row, Grid):
        return org.grid_label(session, row.id)
    if isinstance(row, Building):
        return org.building_place(session, row.id)
    return f"{org.building_place(session, row.building_id)}·{row.name}"


def _residents(session: Session, row: Renameable) -> int:
    bound = select(func.count(Resident.id)).where(Resident.status == ResidentStatus.ACTIVE)
    if isinstance(row, Street):
        bound = bound.join(Grid, Grid.id == Resident.grid_id).join(Community, Community.id == Grid.community_id) \
            .where(Community.street_id == row.id)
    elif isinstance(row, Community):
        bound = bound.join(Grid, Grid.id == Resident.grid_id).where(Grid.community_id == row.id)
    elif isinstance(row, Grid):
        bound = bound.where(Resident.grid_id == row.id)
    elif isinstance(row, Building):
        bound = bound.where(Resident.building_id == row.id)
    else:
        bound = bound.where(Resident.unit_id == row.id)
    return session.scalar(bound) or 0


def _refuse_outside(session: Session, scope: Scope, kind: PlaceKind, place: str, row: Renameable) -> None:
    if isinstance(row, Street):
        within = scope.street_id is None and scope.community_id is None
    else:
        community = row if isinstance(row, Community) else session.get_one(Community, _community_id(session, row))
        within = scope.street_id in (None, community.street_id) and scope.community_id in (None, community.id)
    if not within:
        raise UnknownPlace(_UNCLEAR_KINDS[kind], place, [])


_UNCLEAR_KINDS = {PlaceKind.STREET: "street", PlaceKind.COMMUNITY: "community", PlaceKind.GRID: "grid",
                  PlaceKind.COMPOUND: "compound", PlaceKind.BUILDING: "building", PlaceKind.UNIT: "unit"}


def _community_id(session: Session, row: Grid | Building | Unit) -> int:
    if isinstance(row, Unit):
        row = session.get_one(Building, row.building_id)
    if isinstance(row, Building):
        row = session.get_one(Grid, row.grid_id)
    return row.community_id


def _rename_compound(session: Session, community_id: int, wanted: str, name: str) -> Renamed:
    if name == wanted:
        raise NameRefused("same")
    grids = select(Grid.id).where(Grid.community_id == community_id).scalar_subquery()
    clash = session.execute(select(Building).where(Building.grid_id.in_(grids), Building.compound == name)).first()
    if clash is not None:
        raise NameRefused("taken", name)
    community = session.get_one(Community, community_id)
    prefix = f"{session.get_one(Street, community.street_id).name}·{community.name}"
    notices = _Notices(session, wanted)
    residents = session.scalar(select(func.count(Resident.id)).join(Building, Building.id == Resident.building_id)
                               .where(Resident.status == ResidentStatus.ACTIVE, Building.grid_id.in_(grids),
                                      Building.compound == wanted)) or 0
    session.execute(update(Building).where(Building.grid_id.in_(grids), Building.compound == wanted)
                    .values(compound=name).execution_options(synchronize_session="fetch"))
    session.execute(update(PartyBranch).where(PartyBranch.community_id == community_id,
                                              PartyBranch.compound == wanted).values(compound=name))
    session.execute(update(Wish).where(Wish.community_id == community_id, Wish.compound == wanted)
                    .values(compound=name))
    for case in session.scalars(select(FocusCase).where(FocusCase.grid_id.in_(grids),
                                                        FocusCase.scope_kind == "compound")):
        old_ref = case.scope_ref
        if old_ref.split(":", 2)[2] != wanted:
            continue
        case.scope_ref = old_ref.rsplit(":", 1)[0] + f":{name}"
        if case.open_key is not None:
            case.open_key = case.scope_ref + case.open_key[len(old_ref):]
    session.flush()
    org_former_names.remember(session, PlaceKind.COMPOUND, community_id, wanted, name)
    rewritten = notices.rewrite(wanted, name)
    _relabel_open_cases(session, wanted)
    return Renamed(PlaceKind.COMPOUND, f"{prefix}·{wanted}", f"{prefix}·{name}", residents, rewritten)


def _find_compound(session: Session, place: str, scope: Scope = EVERYWHERE) -> tuple[int, str]:
    """The community and name of the 小区 `place` names, within `scope` (storage.staff.find_compound)."""
    return find_compound(session, place, scope.grid_condition(), scope.community_condition())


class _Notices:
    """The notices whose scope path names the place, each with what it resolves to before the rename: after it,
    the path with the new name is kept where it resolves to the same place (two places of the old name, one
    renamed: only the paths that meant this one change)."""

    def __init__(self, session: Session, old_name: str) -> None:
        self.session = session
        self.before: list[tuple[Broadcast, tuple[object, ...]]] = []
        for notice in session.scalars(select(Broadcast).where(Broadcast.scope_path.contains(old_name,
                                                                                           autoescape=True))):
            target = _target(session, notice.scope_path) if old_name in notice.scope_path.split("/") else None
            if target is not None:
                self.before.append((notice, target))

    def rewrite(self, old_name: str, new_name: str) -> int:
        rewritten = 0
        for notice, target in self.before:
            path = "/".join(new_name if part == old_name else part for part in notice.scope_path.split("/"))
            if _target(self.session, path) == _renamed(target, old_name, new_name):
                notice.scope_path = path
                rewritten += 1
        return rewritten


def _target(session: Session, path: str) -> tuple[object, ...] | None:
    """What a notice path names, comparable before and after a rename (None: it names nothing, or several)."""
    try:
        scope = notice_scope.resolve(session, path)
    except DomainError:  # UnclearPlace among them
        return None
    inner = scope.scope
    return (inner.street_id, inner.community_id, inner.grid_id, scope.compound, scope.building_id)


def _renamed(target: tuple[object, ...], old_name: str, new_name: str) -> tuple[object, ...]:
    *ids, compound, building = target
    return (*ids, new_name if compound == old_name else compound, building)


def _relabel_open_cases(session: Session, old_name: str) -> None:
    """Open 聚焦办 cases read their place's label in lists and cards: those whose label held the old name are made
    again from today's names (a city has hundreds open; most never named the place)."""
    for case in session.scalars(select(FocusCase).where(FocusCase.status == FocusStatus.OPEN,
                                                        FocusCase.scope_label.contains(old_name, autoescape=True))):
        case.scope_label = focus.place_label(session, case.scope_kind, case.scope_ref, case.grid_id)
    session.flush()
