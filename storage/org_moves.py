"""Moving a building to another grid (`gridbot org move-building`): said beforehand, done in one transaction.

The building keeps its id, units and scene key (its printed QR code keeps working); its residents and its 楼长 go
with it, so what they file from now on goes to the new grid. Its open appeals either stay with whoever handles them now
(`keep`: the work is under way, the handler knows the case) or go to the new grid (`move`: handed over like an
改派, holders and resident told). Each open appeal records the move in its audit trail either way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Collection

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from storage import org, reassigning
from storage.appeals import Action, record
from storage.errors import DomainError
from storage.models import (
    OPEN_STATUSES,
    Appeal,
    Building,
    Community,
    Grid,
    Resident,
    ResidentStatus,
    Staff,
    Street,
)
from storage.org_ledger import building_label
from storage.staff import MAX_CANDIDATES, PLACE_SEPARATOR, AmbiguousPlace, UnknownPlace
from storage.typed_ids import typed_id
from storage.typed_words import holds_words


class AppealsChoice(StrEnum):
    KEEP = "keep"
    MOVE = "move"


class AlreadyThere(DomainError):
    """The building already belongs to the target grid."""


class NameTaken(DomainError):
    """The target grid has a building of the same 小区 and name."""


@dataclass(frozen=True)
class MovePlan:
    """What moving the building would do (or did)."""

    building_id: int
    building: str  # 小区·楼栋
    from_grid: str  # 社区·网格
    to_grid: str
    to_grid_id: int
    residents: int
    open_tickets: list[str]
    unmanned: bool = False  # done: appeals were handed to a grid with nobody active to claim them (no card sent)


def find_building(session: Session, text: str, within: ColumnElement[bool] | None = None) -> Building:
    """The building an operator names: its ID, a path from the street or community down
    (幸福里社区/第一网格/阳光花园/3号楼, any of its leading names left out), 阳光花园·3号楼, or 3号楼 when unique;
    UnclearPlace otherwise. Only among the buildings whose grid `within` allows (a condition on Grid joined with
    its Community: a street's console account), and so are the candidates named: another street's 1号楼 is
    neither a second choice nor a hint."""
    wanted = unicodedata.normalize("NFKC", text).strip()
    allowed = true() if within is None else within
    number = typed_id(wanted)
    if number is not None:
        found = session.scalars(select(Building).join(Grid, Grid.id == Building.grid_id)
                                .join(Community, Community.id == Grid.community_id)
                                .where(Building.id == number, allowed)).first()
        if found is None:
            raise UnknownPlace("building", text, [])
        return found
    *above, name = [org.normalised_name(part) for part in PLACE_SEPARATOR.split(wanted)]
    rows = session.execute(
        select(Building, Street.name, Community.name, Grid.name)
        .join(Grid, Grid.id == Building.grid_id).join(Community, Community.id == Grid.community_id)
        .join(Street, Street.id == Community.street_id)
        .where(Building.name == name, Building.active.is_(True), allowed).order_by(Building.id)
    ).all()
    matching = [row[0] for row in rows if _named_in_order(above, [*row[1:], row[0].compound])]
    if len(matching) == 1:
        return matching[0]
    if matching:
        raise AmbiguousPlace("building", text, [org.building_place(session, row.id) for row in matching])
    similar = session.scalars(select(Building).join(Grid, Grid.id == Building.grid_id)
                              .join(Community, Community.id == Grid.community_id)
                              .where(holds_words(Building.name, _digits(name)),
                                     Building.active.is_(True), allowed)
                              .order_by(Building.id).limit(MAX_CANDIDATES)).all()
    raise UnknownPlace("building", text, [org.building_place(session, row.id) for row in similar])


def _named_in_order(typed: list[str], chain: list[str]) -> bool:
    """Whether the names typed above the building are its street, community, grid and 小区, in that order
    (any of them left out). A name holding a separator (万科·城市花园) was split as it was typed: it is matched
    by its parts in a row."""
    if not typed:
        return True
    for index, name in enumerate(chain):
        parts = PLACE_SEPARATOR.split(name)
        if typed[:len(parts)] == parts and _named_in_order(typed[len(parts):], chain[index + 1:]):
            return True
    return False


def plan(session: Session, building: Building, grid: Grid) -> MovePlan:
    """What moving `building` into `grid` would do; refuses a move to where it is or onto a taken name."""
    if building.grid_id == grid.id:
        raise AlreadyThere(org.grid_label(session, grid.id))
    taken = session.scalars(select(Building.id).where(Building.grid_id == grid.id, Building.name == building.name,
                                                      Building.compound == building.compound)).first()
    if taken is not None:
        raise NameTaken(building_label(building.compound, building.name))
    residents = session.scalar(select(func.count(Resident.id)).where(
        Resident.building_id == building.id, Resident.status == ResidentStatus.ACTIVE)) or 0
    tickets = session.scalars(select(Appeal.ticket).where(
        Appeal.building_id == building.id, Appeal.status.in_(OPEN_STATUSES)).order_by(Appeal.id)).all()
    return MovePlan(building.id, building_label(building.compound, building.name),
                    org.grid_label(session, building.grid_id), org.grid_label(session, grid.id), grid.id,
                    residents, list(tickets))


def move(session: Session, planned: MovePlan, appeals: AppealsChoice, now: datetime,
         sensitive: Collection[str]) -> MovePlan:
    """Do what `planned` says, in the caller's transaction: the building, its residents, its open appeals (a
    private category's card as at dispatch: `sensitive` names them); `unmanned` set when appeals handed to the
    new grid reached nobody, as `gridbot reassign` warns."""
    building = session.get_one(Building, planned.building_id)
    building.grid_id = planned.to_grid_id
    for resident in session.scalars(select(Resident).where(Resident.building_id == building.id)):
        resident.grid_id = planned.to_grid_id
    community_id = session.get_one(Grid, planned.to_grid_id).community_id
    for lead in session.scalars(select(Staff).where(Staff.building_id == building.id)):
        lead.grid_id, lead.community_id = planned.to_grid_id, community_id  # its 楼长 go with it
    note = f"{planned.building}：{planned.from_grid} → {planned.to_grid}"
    unmanned = False
    for appeal in session.scalars(select(Appeal).where(Appeal.building_id == building.id,
                                                       Appeal.status.in_(OPEN_STATUSES)).order_by(Appeal.id)):
        record(session, appeal.id, now, Action.BUILDING_MOVED, appeal.status, appeal.status,
               note=f"{note}（{appeals.value}）", internal=True, actor_kind="console",
               from_grid_id=None if appeals is AppealsChoice.KEEP else appeal.grid_id)
        if appeals is AppealsChoice.KEEP:
            continue
        if appeal.status in reassigning.REASSIGNABLE:
            done = reassigning.reassign(session, None, appeal.ticket, planned.to_grid, now, sensitive)
            unmanned = unmanned or done.unmanned
        else:
            appeal.grid_id = planned.to_grid_id  # held or not yet dispatched: dispatch finds it in the new grid
    session.flush()
    return replace(planned, unmanned=unmanned)


def _digits(name: str) -> str:
    found = re.search(r"\d+", name)
    return found.group(0) if found else name
