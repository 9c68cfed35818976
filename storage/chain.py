"""The chain (党建引领): 社区 → 小区党支部 → 楼栋 楼长 → 单元 单元长 / 党员中心户, and the 党员 and 志愿者 of each 小区.

Who holds a post is their Staff row (one of COMMUNITY_ROLES, active): its building and unit place them (楼长: the
building they look after; the others: their home). A 小区党支部 (PartyBranch) names the party members of one
compound of a community and its secretary, who must be a 党员 or 党员中心户 living there; its members are those
party members, by where they live. `members` is `gridbot members list`; `posts` is `gridbot org posts`. Neither
ever carries an openid or a phone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import org_moves, volunteer_claims
from storage import staff as staff_store
from storage.errors import DomainError, NotAllowed
from storage.models import COMMUNITY_ROLES, Building, Community, Grid, PartyBranch, Staff, StaffRole, Unit
from storage.notices import StaffMemberMovedHome
from storage.queries import Scope
from storage.roster import within
from storage.telling import tell
from storage.typed_ids import typed_id

PARTY_ROLES = (StaffRole.PARTY_MEMBER, StaffRole.PARTY_HOUSEHOLD)  # the branch's members and its secretary
SECRETARY = "secretary"  # the post a branch's secretary holds, beside the roles
BRANCH_SUFFIX = "小区党支部"
COMPOUND_SEPARATOR = "·"  # how a 小区 named in two parts (万科·城市花园) is written in the ledger
# The order posts are listed in, within a compound: the branch, the buildings' and units' posts, then volunteers.
POST_ORDER = {SECRETARY: 0, StaffRole.PARTY_MEMBER: 1, StaffRole.BUILDING_LEAD: 2, StaffRole.UNIT_LEAD: 3,
              StaffRole.PARTY_HOUSEHOLD: 4, StaffRole.VOLUNTEER: 5}


class UnknownCompound(DomainError):
    """No active building of the community is in that 小区; `compounds` are the ones it has."""

    def __init__(self, community: str, compound: str, compounds: list[str]) -> None:
        super().__init__(compound)
        self.community, self.compound, self.compounds = community, compound, compounds


class NoSuchSecretary(DomainError):
    """No active 党员 or 党员中心户 of that name (or id) lives in the compound; `candidates` are those who do."""

    def __init__(self, typed: str, candidates: list[str]) -> None:
        super().__init__(typed)
        self.typed, self.candidates = typed, candidates


class AmbiguousSecretary(DomainError):
    """Two party members of the compound have that name: `ids` tell them apart."""

    def __init__(self, typed: str, ids: list[int]) -> None:
        super().__init__(typed)
        self.typed, self.ids = typed, ids


@dataclass(frozen=True)
class Member:
    """One of the community's own people as `gridbot members list` shows them."""

    id: int
    name: str
    role: str
    community: str
    compound: str
    building: str
    unit: str | None
    organisation: str | None
    branch: str | None  # the 小区党支部 of a 党员 or 党员中心户, if the compound has one
    since: datetime
    compound_branch: str | None = None  # the branch of the member's 小区, whatever their role


@dataclass(frozen=True)
class Post:
    """Who holds which post: one line of `gridbot org posts` (a secretary is also listed as a 党员)."""

    community: str
    compound: str
    branch: str | None
    building: str | None  # None for the branch's secretary
    unit: str | None
    post: str  # a StaffRole value, or SECRETARY
    staff_id: int
    name: str
    organisation: str | None


@dataclass(frozen=True)
class BranchSaved:
    branch: PartyBranch
    community: str
    created: bool
    secretary: str | None


HOME_ROLES = (StaffRole.PARTY_MEMBER, StaffRole.VOLUNTEER)  # placed by where they live, not by a post they hold


def follow_home(session: Session, member: Staff, building: Building, unit: Unit | None) -> bool:
    """A 党员 or 志愿者 who moved house (我搬家了, a building's code) within their community: their registered home
    follows the new address (可领任务's own 小区 first, 积分排行's 小区, their 小区党支部). False, nothing changed, for
    a post (楼长, 单元长, 党员中心户, or the secretary of a 小区党支部 moving out of its 小区: the community gives it
    anew) or a home in another community (whose operators confirm their own people)."""
    community_id = session.scalar(select(Grid.community_id).where(Grid.id == building.grid_id))
    if member.role not in HOME_ROLES or community_id != member.community_id:
        return False
    led = session.scalars(select(PartyBranch.compound).where(PartyBranch.secretary_staff_id == member.id)).all()
    if any(compound != building.compound for compound in led):
        return False  # a 小区党支部's secretary lives in its 小区: the community names who leads it now
    member.grid_id, member.building_id, member.unit_id = building.grid_id, building.id, unit.id if unit else None
    session.flush()
    return True


@dataclass(frozen=True)
class HomeMoved:
    member: Staff
    released: tuple[str, ...]  # the tasks they took in the community they left, open to others again


def move_home(session: Session, member: Staff, building_name: str, now: datetime) -> HomeMoved:
    """`gridbot staff move 陈明 --building PATH`: a 党员 or 志愿者 who moved house, to another community or street
    too (which 我搬家了 does not follow: the community decides who is its own), is registered at the new building,
    the same person with the same points, so that later grants go by the new street's rules. The tasks they took in
    a community they left and have not reported done are open to others again, as when one leaves; they are told
    both. Refused (NotAllowed) for the posts (their building or unit is the post: invite the new one), the
    building they live in, and the secretary of a 小区党支部 moving out of its 小区 (the community names who leads
    it first)."""
    if member.role not in HOME_ROLES:
        raise NotAllowed("home_roles_only")
    building = org_moves.find_building(session, building_name)
    if building.id == member.building_id:
        raise NotAllowed("same_home")
    community_id = session.get_one(Grid, building.grid_id).community_id
    led = session.execute(select(PartyBranch.community_id, PartyBranch.compound)
                          .where(PartyBranch.secretary_staff_id == member.id)).all()
    if any((branch_community, compound) != (community_id, building.compound) for branch_community, compound in led):
        raise NotAllowed("secretary_moves")
    left = community_id != member.community_id
    member.grid_id, member.community_id, member.building_id, member.unit_id = (building.grid_id, community_id,
                                                                                building.id, None)
    session.flush()
    released = volunteer_claims.release_all(session, member, now) if left else ()
    home = staff_store.place_label(session, member.grid_id, member.community_id, member.building_id) or building.name
    tell(session, member.openid, StaffMemberMovedHome(who=member.name, role=member.role, home=home,
                                                      released=released), now)
    return HomeMoved(member, released)


def members(session: Session, scope: Scope) -> list[Member]:
    """The active members of COMMUNITY_ROLES within the scope, by community, 小区, building, unit and name."""
    rows = session.execute(
        select(Staff, Community.name, Building, Unit.name)
        .join(Community, Community.id == Staff.community_id)
        .join(Building, Building.id == Staff.building_id)
        .outerjoin(Unit, Unit.id == Staff.unit_id)
        .where(Staff.active.is_(True), Staff.role.in_(COMMUNITY_ROLES),
               within(scope, Staff.grid_id, Staff.community_id))
        .order_by(Community.id, Building.compound, Building.name, Unit.name, Staff.name, Staff.id)).all()
    branches = {(row.community_id, row.compound): row.name for row in session.scalars(select(PartyBranch))}
    found = []
    for member, community, building, unit in rows:
        branch = branches.get((member.community_id, building.compound))
        found.append(Member(member.id, member.name, member.role, community, building.compound, building.name, unit,
                            member.organisation, branch if member.role in PARTY_ROLES else None,
                            member.created_at, branch))
    return found


def posts(session: Session, scope: Scope) -> list[Post]:
    """Every post within the scope: per community and 小区 its branch's secretary and party members, each
    building's 楼长, each unit's 单元长 and 党员中心户, then the 小区's volunteers."""
    secretaries = {row.secretary_staff_id: row for row in session.scalars(select(PartyBranch))
                   if row.secretary_staff_id is not None}
    found: list[Post] = []
    for member in members(session, scope):
        found.append(Post(member.community, member.compound, member.compound_branch, member.building, member.unit,
                          member.role, member.id, member.name, member.organisation))
        if member.id in secretaries:
            found.append(Post(member.community, member.compound, secretaries[member.id].name, None, None,
                              SECRETARY, member.id, member.name, member.organisation))
    return sorted(found, key=lambda post: (post.community, post.compound, POST_ORDER[post.post],
                                           post.building or "", post.unit or "", post.name))


def save_branch(session: Session, path: str, name: str | None, secretary: str | None, now: datetime) -> BranchSaved:
    """Create or update the 小区党支部 of `path` (社区/小区; a community of one unnamed compound: 社区 alone):
    its name (default <小区>小区党支部) and its secretary (a 党员 or 党员中心户 living there, by name or id)."""
    community_name, compound = _split(session, path)
    community = staff_store.find_community(session, community_name)
    compounds = _compounds(session, community.id)
    if compound not in compounds:
        raise UnknownCompound(community.name, compound, [row for row in compounds if row])
    branch = session.scalar(select(PartyBranch).where(PartyBranch.community_id == community.id,
                                                      PartyBranch.compound == compound))
    created = branch is None
    if branch is None:
        branch = PartyBranch(community_id=community.id, compound=compound, created_at=now,
                             name=f"{compound or community.name}{BRANCH_SUFFIX}")
        session.add(branch)
    if name and name.strip():
        branch.name = name.strip()
    chosen = _secretary(session, community.id, compound, secretary) if secretary and secretary.strip() else None
    if chosen is not None:
        branch.secretary_staff_id = chosen.id
    session.flush()
    held_by = session.get(Staff, branch.secretary_staff_id) if branch.secretary_staff_id else None
    return BranchSaved(branch, community.name, created, held_by.name if held_by else None)


def _secretary(session: Session, community_id: int, compound: str, typed: str) -> Staff:
    typed = typed.strip()
    living_there = list(session.scalars(
        select(Staff).join(Building, Building.id == Staff.building_id)
        .where(Staff.active.is_(True), Staff.role.in_(PARTY_ROLES), Staff.community_id == community_id,
               Building.compound == compound).order_by(Staff.id)))
    named = [row for row in living_there if row.name == typed or row.id == typed_id(typed)]
    if len(named) > 1:
        raise AmbiguousSecretary(typed, [row.id for row in named])
    if not named:
        raise NoSuchSecretary(typed, [row.name for row in living_there])
    return named[0]


def _compounds(session: Session, community_id: int) -> list[str]:
    return list(session.scalars(select(Building.compound).join(Grid, Grid.id == Building.grid_id)
                                .where(Grid.community_id == community_id, Building.active.is_(True))
                                .distinct().order_by(Building.compound)))


def _split(session: Session, path: str) -> tuple[str, str]:
    """社区/小区 (or 社区·小区) → the two names; 社区 alone → the community's unnamed compound. A 小区 named with a
    separator (万科·城市花园) was split as it was typed: what follows the first name that is a community is the 小区."""
    parts = staff_store.PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", path).strip())
    if len(parts) == 1:
        return parts[0], ""
    communities = set(session.scalars(select(Community.name).where(Community.name.in_(parts[:-1]))))
    for index, part in enumerate(parts[:-1]):
        if part in communities:
            return part, COMPOUND_SEPARATOR.join(parts[index + 1:])
    return parts[-2], parts[-1]
