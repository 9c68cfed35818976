"""Who a broadcast notice is for: a scope path in the organisation and an audience (residents, staff, all).

A path is `全部`, or names joined by `/` from the street or the community down to a building:
`幸福街道`, `幸福里社区`, `幸福里社区/第一网格`, `幸福里社区/第一网格/阳光花园/3号楼` (a grid that is one compound
may skip the compound). Down to the grid it reads as `storage.queries.Scope.of_path`; the compound and the building
are looked for within that grid. A 小区 may also stand alone (`阳光花园`, or `幸福里社区/阳光花园` where two
communities have one of that name): residents think in 小区, and such a notice reaches the residents bound to that
小区's buildings (not the rest of a grid that spans two 小区), their 楼长, and the staff of every grid holding part
of it; it is stored as `社区/小区`, which names it however the organisation grows. Targeting stays in gridbot's own
hierarchy: WeChat's tags (100 an account, 20 a user) cannot name every building.

Staff of a scope: the grid-bound roles (网格员, 网格长, 物业) of its grids (a 物业 clerk of a whole community: of any
of its grids), 楼长 of its buildings, and, for a street,
a community or everywhere, the departments' staff working there. Operators are the senders, not an audience.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from storage.models import Building, Community, Grid, Staff, StaffRole, Street
from storage.queries import Scope
from storage.staff import (
    MAX_CANDIDATES,
    PLACE_SEPARATOR,
    AmbiguousPlace,
    UnclearPlace,
    UnknownPlace,
    find_compound,
    find_grid,
)

EVERYWHERE_WORDS = frozenset({"全部", "all"})
# the sender's own part, as 网格长 and operators say it
OWN_GRID, OWN_COMMUNITY, OWN_STREET = "本网格", "本社区", "本街道"
# Roles bound to a grid that hear the grid's notices; 楼长 are added by building (see `staff_condition`).
GRID_AUDIENCE = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER, StaffRole.PROPERTY)


@dataclass(frozen=True)
class NoticeScope:
    """A resolved scope path: down to a grid as `Scope`, then optionally a compound and a building of it."""

    path: str
    scope: Scope
    compound: str | None = None
    building_id: int | None = None

    @property
    def label(self) -> str:
        """The path as the operator typed it (normalised), or 全部."""
        return self.path or "全部"

    @property
    def below_grid(self) -> bool:
        """Narrower than a grid: a compound or a building."""
        return self.compound is not None or self.building_id is not None

    def building_ids(self, pruned_too: bool = False) -> Select[tuple[int]]:
        """The active buildings within the scope; with `pruned_too` also those a ledger dropped (`import org
        --prune`), where the residents bound there still live and still belong to the grid."""
        query = (select(Building.id).join(Grid, Grid.id == Building.grid_id)
                 .join(Community, Community.id == Grid.community_id)
                 .where(self.scope.grid_condition(), true() if pruned_too else Building.active.is_(True)))
        if self.compound is not None:
            query = query.where(Building.compound == self.compound)
        if self.building_id is not None:
            query = query.where(Building.id == self.building_id)
        return query

    def grid_ids(self) -> Select[tuple[int]]:
        """The grids the scope lies in (a building's or compound's grid, for the staff who serve it)."""
        return select(Grid.id).join(Community, Community.id == Grid.community_id).where(self.scope.grid_condition())

    def staff_condition(self) -> ColumnElement[bool]:
        """A condition on Staff: they serve a part of the scope (see the module's docstring)."""
        communities = select(Grid.community_id).where(Grid.id.in_(self.grid_ids()))
        conditions: list[ColumnElement[bool]] = [
            Staff.role.in_(GRID_AUDIENCE) & Staff.grid_id.in_(self.grid_ids()),
            # A 物业 clerk of a whole community (no grid): every compound of it is theirs (storage.unit_reach).
            (Staff.role == StaffRole.PROPERTY) & Staff.grid_id.is_(None) & Staff.community_id.in_(communities),
        ]
        conditions.append(self.lead_condition())
        if self.scope.grid_id is None and not self.below_grid:
            conditions.append((Staff.role == StaffRole.DEPARTMENT) & self._department_condition())
        return or_(*conditions)

    def lead_condition(self) -> ColumnElement[bool]:
        """A condition on Staff: a 楼长 of a building in the scope (they hear residents' notices too, to pass them
        on to neighbours who don't use WeChat)."""
        return (Staff.role == StaffRole.BUILDING_LEAD) & Staff.building_id.in_(self.building_ids())

    def _department_condition(self) -> ColumnElement[bool]:
        """A department's officer serving the scope's street (storage.unit_reach): that street's or a district-wide
        office, or bound to one of the scope's communities; never another street's 中队 of the same name."""
        if self.scope.community_id is not None:
            street = select(Community.street_id).where(Community.id == self.scope.community_id).scalar_subquery()
            return or_(self._street_wide(street), Staff.community_id == self.scope.community_id)
        if self.scope.street_id is not None:
            communities = select(Community.id).where(Community.street_id == self.scope.street_id)
            return or_(self._street_wide(self.scope.street_id), Staff.community_id.in_(communities))
        return true()

    @staticmethod
    def _street_wide(street: int | ColumnElement[int]) -> ColumnElement[bool]:
        return Staff.community_id.is_(None) & Staff.grid_id.is_(None) & (
            Staff.street_id.is_(None) | (Staff.street_id == street))


def resolve(session: Session, path: str | None) -> NoticeScope:
    """The scope a path names; UnknownPlace (kind street/community/grid/compound/building) or AmbiguousPlace
    name the part that is not clear, with the candidates."""
    wanted = unicodedata.normalize("NFKC", path or "").strip()
    if not wanted or wanted.lower() in EVERYWHERE_WORDS:
        return NoticeScope("", Scope())
    parts = [part for part in PLACE_SEPARATOR.split(wanted) if part]
    normalised = "/".join(parts)
    street_name = ""
    if len(parts) > 1 and session.scalars(select(Community.id).where(Community.name == parts[0])).first() is None:
        street = Scope.of_path(session, parts[0])  # a leading street: the rest lies within it
        if street.street_id is None:
            raise UnknownPlace("community", parts[0], _community_names(session))
        street_name, parts = parts[0], parts[1:]

    def within_street(path: str) -> Scope:
        try:
            return Scope.of_path(session, path)
        except AmbiguousPlace:
            if not street_name:
                raise
            # Two streets each have a community of that name: the leading street says which.
            return Scope.of_path(session, f"{street_name}/{path}")

    if len(parts) <= 2:
        try:
            return NoticeScope(normalised, within_street("/".join(parts)))
        except UnknownPlace:
            compound = _compound_alone(session, parts, street_name)
            if compound is None:
                raise
            return compound
    try:
        grid_scope = within_street("/".join(parts[:2]))
    except UnknownPlace:
        building = _compound_building(session, parts, street_name)
        if building is None:
            raise
        return building
    if grid_scope.grid_id is None:
        raise UnknownPlace("grid", "/".join(parts[:2]), [])
    return _below_grid(session, normalised, grid_scope, parts[2:])


def _compound_alone(session: Session, parts: list[str], street_name: str) -> NoticeScope | None:
    """A 小区 named alone or after its community (阳光花园, 幸福里社区/阳光花园) as a scope path `社区/小区`, across
    every grid holding part of it; None when no 小区 has that name; AmbiguousPlace (社区·小区) when several
    communities do."""
    streets = true() if not street_name else Community.street_id.in_(select(Street.id).where(Street.name == street_name))
    try:
        community_id, compound = find_compound(session, "/".join(parts), streets, streets)
    except UnknownPlace:  # several: AmbiguousPlace goes up, naming them
        return None
    path = f"{_community_path(session, community_id)}/{compound}"
    return NoticeScope(path, Scope(community_id=community_id, compound=compound), compound=compound)


def _compound_building(session: Session, parts: list[str], street_name: str) -> NoticeScope | None:
    """社区/小区/楼栋, the grid left out as residents name a home: the building of that name in the 小区, as its whole
    path; None when the first two name no 小区; UnknownPlace naming the 小区's buildings when none is so named,
    AmbiguousPlace naming the whole paths when two of its grids have one."""
    if len(parts) != 3:
        return None
    compound = _compound_alone(session, parts[:2], street_name)
    if compound is None:
        return None
    rows = session.execute(
        select(Building, Grid.name).join(Grid, Grid.id == Building.grid_id)
        .where(Grid.community_id == compound.scope.community_id, Building.compound == compound.compound,
               Building.active.is_(True)).order_by(Building.id)).all()
    community = _community_path(session, compound.scope.community_id)
    named = [(building, f"{community}/{grid}/{building.compound}/{building.name}")
             for building, grid in rows if building.name == parts[2]]
    if len(named) > 1:
        raise AmbiguousPlace("building", "/".join(parts), [path for _, path in named])
    if not named:
        raise UnknownPlace("building", parts[2], [f"{building.compound}/{building.name}" for building, _ in rows][:10])
    building, path = named[0]
    return NoticeScope(path, Scope(grid_id=building.grid_id), compound=building.compound, building_id=building.id)


def part_of(member: Staff) -> Scope:
    """Where a sender's grid names are looked for first: a 网格长's grid, a community operator's community, a
    street operator's street; a street operator bound before their street was recorded (and anyone else's)
    everywhere."""
    if member.role == StaffRole.GRID_LEADER and member.grid_id is not None:
        return Scope(grid_id=member.grid_id)
    if member.role == StaffRole.OPERATOR and member.community_id is not None:
        return Scope(community_id=member.community_id)
    if member.role == StaffRole.OPERATOR and member.street_id is not None:
        return Scope(street_id=member.street_id)
    return Scope()


def qualified(session: Session, path: str, within: Scope) -> str:
    """`path` with a grid named alone (第一网格, 第一网格/阳光花园) written with its community when `within` (the
    sender's part) holds exactly one grid of that name: a community operator's 第一网格 is theirs, and the stored
    path names it unambiguously; several there: AmbiguousPlace naming those. So a 小区 or a building named alone
    (阳光花园/3号楼). `within` may be everywhere (the CLI, an administrator): then the whole organisation is the part.
    Any other path is returned as given (resolve then reads or refuses it)."""
    parts = [part for part in PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", path).strip()) if part]
    if not parts or parts[0].lower() in EVERYWHERE_WORDS:
        return path
    # Everywhere (the CLI, an administrator) has no grid, community or street of its own to call 本….
    own = _own_part(session, parts[0], within) if within != Scope() else None
    if own is not None:
        return "/".join([own, *parts[1:]])
    if session.scalar(select(Street.id).where(Street.name == parts[0]).limit(1)) is not None:
        return path  # starts with a street: already says where
    communities = session.scalars(select(Community.id).join(Grid, Grid.community_id == Community.id)
                                  .where(Community.name == parts[0], within.grid_condition()).distinct()).all()
    if len(communities) == 1:  # their own, where another street has a community of that name too
        return "/".join([_community_path(session, communities[0]), *parts[1:]])
    if session.scalar(select(Community.id).where(Community.name == parts[0]).limit(1)) is not None:
        return path  # starts with a community: already says where
    try:
        grid = find_grid(session, parts[0], within.grid_condition())
    except AmbiguousPlace:
        raise  # several of their own: those are the candidates, never another street's of that name
    except UnclearPlace:
        return _compound_within(session, parts, within) or _building_within(session, parts, within) or path
    return "/".join([_community_path(session, grid.community_id), grid.name, *parts[1:]])


def _community_path(session: Session, community_id: int) -> str:
    """A community as a scope path: its name, led by its street's where another street has one of that name."""
    community = session.get_one(Community, community_id)
    if session.scalar(select(func.count()).where(Community.name == community.name)) == 1:
        return community.name
    return f"{session.get_one(Street, community.street_id).name}/{community.name}"


def _own_part(session: Session, word: str, within: Scope) -> str | None:
    """本网格 (a 网格长's grid), 本社区 (the sender's community) or 本街道 (the sender's street: what the refusal
    tells a street operator to write) as a path; None for any other word."""
    if word == OWN_GRID and within.grid_id is not None:
        grid = session.get_one(Grid, within.grid_id)
        return f"{_community_path(session, grid.community_id)}/{grid.name}"
    if word == OWN_COMMUNITY:
        community_id = within.community_id or (session.get_one(Grid, within.grid_id).community_id
                                               if within.grid_id is not None else None)
        return _community_path(session, community_id) if community_id is not None else None
    if word == OWN_STREET:
        street_id = within.street_id or session.scalar(
            select(Community.street_id).join(Grid, Grid.community_id == Community.id).where(within.grid_condition())
            .limit(1))
        return session.get_one(Street, street_id).name if street_id is not None else None
    return None


def _compound_within(session: Session, parts: list[str], within: Scope) -> str | None:
    """A 小区 named alone (阳光花园) that the sender's part holds: an operator's is the whole 小区 (社区/小区, though
    another community has one of that name), a 网格长's their grid's part of it (社区/网格/小区); several in their
    part: AmbiguousPlace naming them (社区·小区)."""
    if len(parts) != 1:
        return None
    try:
        community_id, compound = find_compound(session, parts[0], within.grid_condition())
    except UnknownPlace:  # several: AmbiguousPlace goes up, naming them
        return None
    if within.grid_id is not None:
        grid = session.get_one(Grid, within.grid_id)
        return f"{_community_path(session, community_id)}/{grid.name}/{compound}"
    return f"{_community_path(session, community_id)}/{compound}"


def _building_within(session: Session, parts: list[str], within: Scope) -> str | None:
    """A building named alone (3号楼) or with its compound (阳光花园/3号楼), when the sender's part holds exactly
    one: its whole path. A 网格长 says 通知 3号楼 of their own grid's building. Several there: AmbiguousPlace
    naming their whole paths (a street operator's 1号楼 is in many compounds; "not found" would be untrue)."""
    if len(parts) > 2:
        return None
    query = (select(Community.id, Grid.name, Building.compound)
             .join(Grid, Grid.id == Building.grid_id).join(Community, Community.id == Grid.community_id)
             .where(within.grid_condition(), Building.active.is_(True), Building.name == parts[-1])
             .order_by(Building.id))
    if len(parts) == 2:
        query = query.where(Building.compound == parts[0])
    paths = ["/".join([_community_path(session, community_id), grid, *([compound] if compound else []), parts[-1]])
             for community_id, grid, compound in session.execute(query.limit(MAX_CANDIDATES))]
    if len(paths) > 1:
        raise AmbiguousPlace("building", "/".join(parts), paths)
    return paths[0] if paths else None


def _below_grid(session: Session, path: str, grid_scope: Scope, rest: list[str]) -> NoticeScope:
    buildings = session.scalars(select(Building).where(Building.grid_id == grid_scope.grid_id,
                                                       Building.active.is_(True)).order_by(Building.id)).all()
    compounds = list(dict.fromkeys(building.compound for building in buildings))
    if len(rest) > 2:
        raise UnknownPlace("building", "/".join(rest), [])
    if len(rest) == 1 and rest[0] in compounds:
        return NoticeScope(path, grid_scope, compound=rest[0])
    compound = rest[0] if len(rest) == 2 else None
    if compound is not None and compound not in compounds:
        raise UnknownPlace("compound", compound, [name for name in compounds if name])
    name = rest[-1]
    found = [b for b in buildings if b.name == name and (compound is None or b.compound == compound)]
    if len(found) != 1:
        candidates = [f"{b.compound}/{b.name}" if b.compound else b.name for b in buildings
                      if compound is None or b.compound == compound]
        raise UnknownPlace("building", name, candidates[:10])
    return NoticeScope(path, grid_scope, compound=found[0].compound, building_id=found[0].id)


def _community_names(session: Session) -> list[str]:
    return list(session.scalars(select(Community.name).order_by(Community.id).limit(10)))


def overseen_grids(session: Session, member: Staff) -> Sequence[int] | None:
    """The grids a sender may broadcast to: a 网格长 their grid, an operator their community's grids, a street
    operator (bound to no community) all (None); anyone else none."""
    if member.role == StaffRole.GRID_LEADER and member.grid_id is not None:
        return [member.grid_id]
    if member.role == StaffRole.OPERATOR:
        if member.community_id is None and member.street_id is None:
            return None
        if member.community_id is None:
            communities = select(Community.id).where(Community.street_id == member.street_id)
            return list(session.scalars(select(Grid.id).where(Grid.community_id.in_(communities))))
        return list(session.scalars(select(Grid.id).where(Grid.community_id == member.community_id)))
    return []


def may_broadcast(session: Session, member: Staff, scope: NoticeScope) -> bool:
    """Whether the member may send a notice to the whole scope: every grid it covers is one they oversee."""
    allowed = overseen_grids(session, member)
    if allowed is None:
        return True
    if not allowed:
        return False
    covered = set(session.scalars(scope.grid_ids()))
    return bool(covered) and covered <= set(allowed)

