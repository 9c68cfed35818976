"""Where a resident's words say their problem is, when that is not their home: "5号楼楼道灯坏了" from 3号楼.

A resident is bound to one building, but what she reports may be in another of her compound or community, of
another grid: the appeal goes to the grid whose members can walk there, and the reply names the place so that a
misread one is corrected at once (handlers.filing).
- A building is said as 2号楼, 2栋, 2幢, 二号楼 (storage.contact_input.in_digits) or A座; "我在5号楼门口" is where the
  sender stands, not the problem: another building said besides it is the one meant ("我在5号楼门口，看到2号楼冒烟").
- Routine appeals (`nearby`): a building of the sender's own community, the 小区 said with it deciding between two
  of one name, else their own 小区's, else the community's only one; a building of another community of her street
  when its 小区 is said with it (a daughter reporting for her mother: "我妈住和平小区1栋，她家水管漏了"). One
  statement, and only when a building is said: this is the webhook's path. A building the ledger does not know, a
  小区 named that has no such building, or the sender's home, changes nothing.
- A unit said with the building (2号楼1单元), or alone for the sender's own building (二单元的楼道灯坏了), is where
  it is filed when the ledger knows it: the card sends the member to that door, not to the sender's own unit. One
  statement more, only when a unit is said.
- Emergencies (storage.emergencies.place_said) also look everywhere for a building said with its 小区.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any, Sequence

from sqlalchemy import BindParameter, ColumnElement, Integer, Row, Select, String, bindparam, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from storage import appeals
from storage.contact_input import in_digits
from storage.db import column_rows
from storage.models import Building, Community, Grid, Unit


@dataclass(frozen=True)
class SaidPlace:
    """What file_appeal needs of a sender: who hears back (the resident) and where the problem is."""

    id: int
    grid_id: int
    building_id: int
    unit_id: int | None = None


# 2号楼, 2栋, 2幢, 二号楼 (in_digits), A座: a building as said. "我在5号楼门口" is where the sender stands, not the problem.
_BUILDING_SAID = re.compile(r"(\d+)(?:号楼|号栋|栋|幢)|([A-Za-z])座")
_CLAUSE_END = re.compile(r"[，。！？；,.!?;\s]")
# "我在…" up to the building, with no other building in between: voice has no commas ("我在5号楼门口看到2号楼冒烟").
_SENDER_AT = re.compile(r"我们?(?:现在|正|就)?(?:在|住)([^在]{0,12})$")
_UNIT_SAID = re.compile(r"(\d+)单元")


def nearby(session: Session, sender: appeals.Sender, text: str) -> appeals.Sender | None:
    """The bound sender filing at the building of their community `text` says the problem is in, when it is not
    their home building; None to file at home (nothing said, a building the ledger does not know, or several it
    cannot tell apart)."""
    if sender.grid_id is None or sender.building_id is None:
        return None
    said = building_said(in_digits(text))
    if said is None:
        return with_unit(session, sender, None, in_digits(text))
    digits = in_digits(text)
    buildings = column_rows(session, _NEARBY_BUILDINGS, {"grid": sender.grid_id, "said": digits})
    home = next((building for building in buildings if building.id == sender.building_id), None)
    place = chosen_place(sender, buildings, said, digits, home.compound if home is not None else None)
    if place is None and (home is None or building_key(home.name) != said[0]):
        return None  # a building not hers that cannot be told: its unit is none of her building's
    return with_unit(session, sender, place, said[1])


def with_unit(session: Session, sender: appeals.Sender, place: SaidPlace | None, clause: str) -> SaidPlace | None:
    """`place` (None: the sender's own building) at the unit the clause names, when its building has one so named;
    None when that is the sender's own unit, or nothing changes."""
    said = _UNIT_SAID.search(clause)
    if said is None:
        return place
    building_id = place.building_id if place is not None else sender.building_id
    wanted = f"{said.group(1).lstrip('0')}单元"
    units = session.scalars(select(Unit).where(Unit.building_id == building_id, Unit.active.is_(True))).all()
    unit = next((one for one in units if in_digits(one.name) == wanted), None)
    if unit is None:
        return place
    if place is not None:
        return replace(place, unit_id=unit.id)
    if unit.id == sender.unit_id or sender.grid_id is None or sender.building_id is None:
        return None
    return SaidPlace(sender.id, sender.grid_id, sender.building_id, unit.id)


def chosen_place(sender: appeals.Sender, buildings: Sequence[Row[Any]], said: tuple[str, str], text: str,
                 home_compound: str | None) -> SaidPlace | None:
    """Of `buildings`, the one called as `said` (its key and clause): the 小区 named with it (in its clause, else in
    the message) first, else of the sender's own 小区, else the only one; None when it is the sender's home or
    no single one."""
    key, clause = said
    named = [building for building in buildings if building_key(building.name) == key]
    with_compound = _with_compound(named, clause) or _with_compound(named, text)
    if not with_compound and {building.compound for building in _with_compound(buildings, text)} - {home_compound}:
        return None  # "我妈住和平小区7栋" with no 7栋 there: not the 7号楼 of the sender's own 小区
    chosen = with_compound or [building for building in named if building.compound == home_compound] or named
    if len(chosen) != 1 or chosen[0].id == sender.building_id:
        return None
    return SaidPlace(sender.id, chosen[0].grid_id, chosen[0].id)


def active_buildings(session: Session, *where: ColumnElement[bool]) -> Sequence[Row[Any]]:
    """The active buildings of active grids that `where` selects: their id, grid_id, compound and name."""
    return column_rows(session, _active_buildings(*where), {})


def _active_buildings(*where: ColumnElement[bool]) -> Select[Any]:
    # Rows, not ORM objects: a community has hundreds of buildings, and loading each as an object cost more than
    # the query did, on the webhook's path.
    return select(Building.id, Building.grid_id, Building.compound, Building.name).join(
        Grid, Building.grid_id == Grid.id).where(Grid.active.is_(True), Building.active.is_(True), *where)


def compound_in(text: str | BindParameter[str]) -> ColumnElement[bool]:
    """Whether `text` (or the bound parameter) names the building's 小区, Latin letters in either case ("soho小区2栋"
    names SOHO小区): lower() on both sides. A substring test, not a pattern: nothing in a compound's name is a
    wildcard, and each of a street's buildings costs one function call (LIKE with the name escaped cost four)."""
    said = literal(text) if isinstance(text, str) else text
    return (Building.compound != "") & (_Position(func.lower(said), func.lower(Building.compound)) > 0)


class _Position(GenericFunction[int]):
    """Where the second string starts in the first, from 1; 0 when it is not in it: SQLite's instr(), PostgreSQL's
    strpos()."""

    type = Integer()
    name = "instr"
    inherit_cache = True
    _register = False  # `func.instr` stays SQLAlchemy's own


@compiles(_Position, "postgresql")
def _strpos(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


# `nearby`'s one statement, built once (building it took longer than SQLite takes to run it): the buildings of the
# sender's community, and another community's of her street only where the words ("said") name their 小区.
_HOME_COMMUNITY = select(Grid.community_id).where(Grid.id == bindparam("grid")).scalar_subquery()
_HOME_STREET = select(Community.street_id).where(Community.id == _HOME_COMMUNITY).scalar_subquery()
_NEARBY_BUILDINGS = _active_buildings(
    (Grid.community_id == _HOME_COMMUNITY)
    | (Grid.community_id.in_(select(Community.id).where(Community.street_id == _HOME_STREET))
       & compound_in(bindparam("said", type_=String))))


def building_said(text: str) -> tuple[str, str] | None:
    """The building the problem is in (the first named but where the sender says they are, else that one) and
    the clause naming it."""
    found: list[tuple[str, str, bool]] = []
    for match in _BUILDING_SAID.finditer(text):
        before = _CLAUSE_END.split(text[:match.start()])[-1]
        clause = before + _CLAUSE_END.split(text[match.start():])[0]
        at = _SENDER_AT.search(before)
        found.append((_key(match), clause, at is not None and _BUILDING_SAID.search(at.group(1)) is None))
    problem = [(key, clause) for key, clause, sender_at in found if not sender_at]
    anywhere = problem or [(key, clause) for key, clause, _ in found]
    return anywhere[0] if anywhere else None


# Asked of each building of the sender's community, on the webhook's path: building names repeat (1号楼, 2号楼, …).
@functools.lru_cache(maxsize=4096)
def building_key(name: str) -> str | None:
    """A building's name as `building_said` keys it (三号楼, 3栋 → "3"; A座 → "A"); None for other names."""
    match = _BUILDING_SAID.fullmatch(in_digits(name))
    return _key(match) if match is not None else None


def _with_compound(named: Sequence[Row[Any]], clause: str) -> list[Row[Any]]:
    """Those of `named` whose 小区 the clause names, Latin letters in either case ("soho家园" names SOHO家园)."""
    clause = clause.lower()
    return [building for building in named if building.compound and building.compound.lower() in clause]


def _key(match: re.Match[str]) -> str:
    return match.group(1).lstrip("0") if match.group(1) else match.group(2).upper()
