"""What the console's management pages read and check: places, staff and invites within an operator's scope, and
an organisation file reviewed against that scope before anything is written.

The lines are those of the CLI (storage.roster.within): a 社区 operator oversees their community, a 街道 operator
their street with its street-wide people (street operators, the departments' staff), a 管理员 everything. Who may
import an organisation file is the console's rule (bot/web/console/manage_org.py: 管理员 and 街道); a 街道
operator's file may name their own street only, which `review_import` checks row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Collection, Sequence

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from storage import (
    building_codes,
    invites,
    org,
    org_former_names,
    org_import,
    org_ledger,
    org_moves,
    roster,
    unit_reach,
)
from storage import staff as staff_places
from storage.building_codes import BuildingCode
from storage.db import Database
from storage.errors import DomainError
from storage.models import Building, Community, Grid, Staff, StaffInvite, StaffRole, Street
from storage.org_former_names import Match
from storage.org_import import ImportReport, OrgRow, Preview, Problem, RowError
from storage.org_ledger import Missing
from storage.queries import Scope

PLACE_KINDS = ("community", "grid", "building")


class OutsideScope(DomainError):
    """An invite for a place the operator does not oversee (or a grid or community id naming none of theirs)."""


@dataclass(frozen=True)
class InviteRequest:
    """What the console's invite form asks for: the place by the ids of its lists (a 楼长's building as typed)."""

    role: StaffRole
    grid_id: int | None
    community_id: int | None
    department: str | None
    building: str | None
    name: str
    phone: str | None
    work_phone: str | None


@dataclass(frozen=True)
class MadeInvite:
    """A new invite: its code (shown once, never stored) and where the person will work."""

    id: int
    code: str
    place: str | None
    department: str | None
    expires_at: datetime
    phone_bound: bool
    phone: str | None = None  # as stored (normalised): the operator checks it before forwarding the code
    earlier: tuple[int, ...] = ()  # invites made out to the same person still waiting: either code binds


@dataclass(frozen=True)
class ImportReview:
    """An organisation file checked against the database and the operator's scope: its errors (then nothing
    else), or what importing it would create and what its communities hold that it no longer lists."""

    rows: int
    errors: list[RowError] = field(default_factory=list)
    preview: Preview | None = None
    missing: Missing | None = None
    matches: list[Match] = field(default_factory=list)  # former names the file used (org_former_names)


@dataclass(frozen=True)
class Imported:
    """An applied import: its report, or the errors that stopped it (nothing was written)."""

    report: ImportReport | None
    errors: list[RowError] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def review_import(session: Session, rows: Sequence[OrgRow], scope: Scope) -> ImportReview:
    """Every problem of the file (its rows, its streets against the scope, its buildings against the stored
    grids); without any, what the import would create (nothing written) and what it no longer lists."""
    errors = org_import.validate(rows)
    named = org_former_names.by_current_names(session, rows)
    rows = named.rows
    errors = sorted([*errors, *_outside(session, rows, scope)], key=lambda error: error.line)
    if not errors:
        errors = org_import.stored_conflicts(session, rows)
    if errors:
        return ImportReview(len(rows), errors)
    return ImportReview(len(rows), [], org_import.preview(session, rows), org_ledger.missing(session, rows),
                        named.matches)


def apply_import(database: Database, rows: Sequence[OrgRow], scope: Scope) -> Imported:
    """Import the file as `gridbot import org` does (short batches), after checking it again: the database may
    have changed since the preview. Any error imports nothing."""
    with database.transaction() as session:
        errors = org_import.validate(rows)
        named = org_former_names.by_current_names(session, rows)
        errors = sorted([*errors, *_outside(session, named.rows, scope)], key=lambda error: error.line)
    if errors:
        return Imported(None, errors)
    try:
        return Imported(org_import.import_rows(database, named.rows), matches=named.matches)
    except org_import.ImportRejected as rejected:
        return Imported(None, rejected.errors)


def _outside(session: Session, rows: Sequence[OrgRow], scope: Scope) -> list[RowError]:
    """Rows naming another street than the one a street-scoped operator oversees (a community-scoped one may
    import nothing: the console never calls this for them)."""
    if scope.street_id is None:
        return []
    allowed = session.get_one(Street, scope.street_id).name
    return [RowError(row.line, Problem.OUTSIDE_SCOPE, column="street", street=row.street, allowed_street=allowed)
            for row in rows if row.street and row.street != allowed]


def grids(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """The active grids within the scope as (id, 社区·网格), in the order they were created."""
    query = (select(Grid.id, Community.name, Grid.name, Street.name).join(Community, Community.id == Grid.community_id)
             .join(Street, Street.id == Community.street_id)
             .where(Grid.active.is_(True), scope.grid_condition()).order_by(Community.id, Grid.id))
    rows = session.execute(query).all()
    labels = org.told_apart([(f"{community}·{grid}", street) for _id, community, grid, street in rows])
    return [(row[0], label) for row, label in zip(rows, labels, strict=True)]


def communities(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """The communities within the scope as (id, name), 街道·社区 where two streets have one of that name."""
    query = (select(Community.id, Community.name, Street.name).join(Street, Street.id == Community.street_id)
             .order_by(Community.id))
    if scope.street_id is not None:
        query = query.where(Community.street_id == scope.street_id)
    if scope.community_id is not None:
        query = query.where(Community.id == scope.community_id)
    rows = session.execute(query).all()
    labels = org.told_apart([(name, street) for _id, name, street in rows])
    return [(row[0], label) for row, label in zip(rows, labels, strict=True)]


def community_ids(session: Session, scope: Scope) -> dict[tuple[str, str], int]:
    """(street, community) -> id of the communities within the scope: the tree's nodes carry names only."""
    query = select(Street.name, Community.name, Community.id).join(Street, Street.id == Community.street_id)
    if scope.street_id is not None:
        query = query.where(Community.street_id == scope.street_id)
    if scope.community_id is not None:
        query = query.where(Community.id == scope.community_id)
    return {(street, community): community_id for street, community, community_id in session.execute(query)}


def street_name(session: Session, scope: Scope) -> str | None:
    """The street a street-scoped operator oversees; None for anyone else."""
    return session.get_one(Street, scope.street_id).name if scope.street_id is not None else None


def codes_of(session: Session, scope: Scope, kind: str, place_id: int) -> list[BuildingCode] | None:
    """The binding codes of the active buildings of one community, grid or building; None when that place is
    not within the scope (or is not there)."""
    if kind == "building":
        building = session.get(Building, place_id)
        if building is None or not _grid_within(session, scope, building.grid_id):
            return None
        return [code for code in building_codes.codes(session, Scope(grid_id=building.grid_id))
                if code.building_id == place_id]
    if kind == "grid":
        return building_codes.codes(session, Scope(grid_id=place_id)) if _grid_within(session, scope, place_id) \
            else None
    if kind == "community":
        return building_codes.codes(session, Scope(community_id=place_id)) \
            if place_id in dict(communities(session, scope)) else None
    return None


def _grid_within(session: Session, scope: Scope, grid_id: int) -> bool:
    return session.scalar(select(Grid.id).join(Community, Community.id == Grid.community_id)
                          .where(Grid.id == grid_id, scope.grid_condition())) is not None


def member_within(session: Session, scope: Scope, staff_id: int) -> Staff | None:
    """The active staff member of that id the account may disable or place: within the scope and, for any account
    but a 管理员, not an office of every street (no grid, community or street: a district-wide department), whom one
    street's account would take from the other streets too. None otherwise, whether they exist or not."""
    member = session.scalars(select(Staff).where(
        Staff.id == staff_id, Staff.active.is_(True),
        roster.within(scope, Staff.grid_id, Staff.community_id, Staff.street_id))).first()
    if member is None or (scope != Scope() and unit_reach.district_wide(member)):
        return None
    return member


def open_invites(session: Session, scope: Scope, now: datetime, secret: str) -> list[invites.Invite]:
    """The invites within the scope still waiting to be used, oldest first."""
    return invites.listing(session, now, secret,
                           where=roster.within(scope, StaffInvite.grid_id, StaffInvite.community_id,
                                               StaffInvite.street_id))


def invite_within(session: Session, scope: Scope, invite_id: int) -> StaffInvite | None:
    """The invite of that id the account may take back (whatever its status): within the scope and, for any account
    but a 管理员, not for an office of every street (no grid, community or street: a district-wide department's,
    the 管理员's to make and to revoke). None otherwise."""
    found = session.scalars(select(StaffInvite).where(
        StaffInvite.id == invite_id,
        roster.within(scope, StaffInvite.grid_id, StaffInvite.community_id, StaffInvite.street_id))).first()
    if found is None or (scope != Scope() and unit_reach.district_wide(found)):
        return None
    return found


def create_invite(session: Session, scope: Scope, wanted: InviteRequest, departments: Collection[str],
                  now: datetime, secret: str, ttl: timedelta) -> MadeInvite:
    """An invite as `gridbot invite` makes it (storage.staff.invite_scope, then create_invite), for a place within
    the scope only (OutsideScope); with a phone, its sender confirms the last four digits at 认证."""
    grid = _named(grids(session, scope), wanted.grid_id)
    community = _named(communities(session, scope), wanted.community_id)
    building = org_moves.find_building(session, wanted.building, scope.grid_condition()) if wanted.building else None
    # A department's officer invited with no community or grid: a street's account invites for its street; a
    # 管理员, who oversees the district, a district-wide office (storage.unit_reach).
    street_wide = wanted.role is StaffRole.DEPARTMENT and grid is None and community is None
    street = session.get_one(Street, scope.street_id).name if street_wide and scope.street_id is not None else None
    place = staff_places.invite_scope(session, wanted.role, grid, community, wanted.department, street,
                                      departments if wanted.role is StaffRole.DEPARTMENT else None, building,
                                      district_wide=street_wide and scope == Scope())
    if not invite_place_within(session, scope, place):
        raise OutsideScope("outside")
    earlier = invites.waiting_for(session, wanted.name.strip(), staff_places.normalize_phone(wanted.phone),
                                  place.community_id, place.street_id, now, secret)
    code = staff_places.create_invite(session, wanted.role, place.grid_id, place.community_id, place.department,
                                      wanted.name, wanted.phone, now, secret, ttl, work_phone=wanted.work_phone,
                                      phone_bound=bool(wanted.phone), building_id=place.building_id,
                                      street_id=place.street_id)
    row = invites.by_code(session, code, secret)
    assert row is not None, "the invite was just added"
    return MadeInvite(row.id, code, staff_places.workplace_label(session, wanted.role, place.grid_id,
                                                                 place.community_id, place.building_id,
                                                                 place.street_id),
                      place.department, row.expires_at, row.phone_bound, row.phone, tuple(earlier))


def _named(listed: list[tuple[int, str]], wanted: int | None) -> str | None:
    """The name of a place picked from a list of the scope's; OutsideScope for an id not on it."""
    if wanted is None:
        return None
    name = dict(listed).get(wanted)
    if name is None:
        raise OutsideScope("outside")
    return name


def invite_place_within(session: Session, scope: Scope, place: staff_places.Scope) -> bool:
    """Whether an invite for `place` (as staff.invite_scope resolved it) is the operator's to make: its community
    within the scope; a street-wide place (a street operator, a department's staff) for the street's operator or a
    管理员 only."""
    if place.community_id is not None:
        return place.community_id in dict(communities(session, scope))
    if scope.community_id is not None:
        return False
    if place.street is not None and scope.street_id is not None:
        return session.get_one(Street, scope.street_id).name == place.street
    return True


def officer_places(session: Session, scope: Scope) -> list[tuple[str, str]]:
    """Where the console account may place a department's officer (storage.unit_reach), as (value, label): every
    street and each street for a 管理员, its own street for a street's account, then the scope's communities."""
    streets = session.execute(select(Street.id, Street.name).order_by(Street.id)
                              .where(Street.id == scope.street_id if scope.street_id is not None else true())).all()
    wide = [("all", DISTRICT_WIDE)] if scope == Scope() else []
    if scope.community_id is not None:
        streets = []
    return [*wide, *((f"street:{sid}", name) for sid, name in streets),
            *((f"community:{cid}", name) for cid, name in communities(session, scope))]


DISTRICT_WIDE = "全区各街道"


def officer_places_now(session: Session, staff_ids: Collection[int]) -> dict[int, str]:
    """Where each department officer or 物业 clerk of these serves now, as its `officer_places` value, by staff id,
    for the console to preselect it; a clerk of one grid serves none of those places and has no entry."""
    rows = session.execute(select(Staff.id, Staff.grid_id, Staff.community_id, Staff.street_id).where(
        Staff.id.in_(staff_ids), Staff.role.in_((StaffRole.DEPARTMENT, StaffRole.PROPERTY)),
        Staff.grid_id.is_(None))) if staff_ids else []
    return {staff_id: f"community:{community_id}" if community_id is not None
            else f"street:{street_id}" if street_id is not None else "all"
            for staff_id, _grid_id, community_id, street_id in rows}


def place_officer(session: Session, scope: Scope, staff_id: int, wanted: str, now: datetime,
                  sensitive: Collection[str]) -> roster.Moved | None:
    """A department's officer (or a 物业 clerk: a community only) of the scope now serves the place `wanted` names
    (one of `officer_places`), as `gridbot staff move --street` (`--community`) does; None when the officer is not the account's to place: not within the scope,
    or (for any account but a 管理员) district-wide, an office of every street. OutsideScope for a place not
    offered."""
    member = member_within(session, scope, staff_id)
    if member is None:
        return None
    if wanted not in dict(officer_places(session, scope)):
        raise OutsideScope("outside")
    kind, _, number = wanted.partition(":")
    place = staff_places.Scope(None, int(number) if kind == "community" else None, member.department,
                               street_id=int(number) if kind == "street" else None)
    return roster.place_officer(session, member, place, now, sensitive)


def place_name(session: Session, kind: str, place_id: int) -> str:
    """社区, 社区·网格 or 社区·网格·小区·楼栋: what a poster download is named after."""
    if kind == "building":
        return org.building_place(session, place_id)
    if kind == "grid":
        return org.grid_label(session, place_id)
    return session.get_one(Community, place_id).name
