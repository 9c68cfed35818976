"""Verified addresses: anyone can bind to any unit by picking numbers, so a community may require proof before
its residents are offered, or may join, a neighbour's appeal (我也遇到).

A binding is verified when it was made by scanning the building's QR code (it hangs in the building), or when
a grid member confirms it after a visit (核实 <编号>: the resident of that appeal lives where it says). What is
verified is the building: choosing the unit again keeps it, binding to another building by numbers does not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.appeals import Action, record
from storage.driver_sql import DriverSQL
from storage.errors import NotAllowed
from storage.models import Appeal, Community, Resident, Staff, StaffRole, Verification
from storage.staff import manages_grid
from storage.tasks import find


def mark(resident: Resident, via: Verification, now: datetime, staff_id: int | None = None) -> None:
    """The resident's bound building is proven (a QR-code scan, a staff visit)."""
    resident.verified_building_id = resident.building_id
    resident.verified_at = now
    resident.verified_via = via
    resident.verified_by_staff_id = staff_id


def is_verified(resident: Resident) -> bool:
    """The bound building is the one that was proven."""
    return resident.building_id is not None and resident.verified_building_id == resident.building_id


def may_join(session: Session, resident_id: int) -> bool:
    """The resident may be offered, and may join, a neighbour's appeal: verified, or their community doesn't ask."""
    session.flush()  # driver SQL does not autoflush: a binding made in this transaction counts
    row = _MAY_JOIN.run(session, {"resident": resident_id})
    if row is None:
        return False  # not bound: no neighbours
    building_id, verified_building_id, required = row
    return not required or (building_id is not None and building_id == verified_building_id)


# Asked on the webhook's path for every appeal offered as a join: a driver statement (see storage/driver_sql.py).
_MAY_JOIN = DriverSQL(
    "SELECT r.building_id, r.verified_building_id, c.require_verified_binding FROM residents r "
    "JOIN grids g ON g.id = r.grid_id JOIN communities c ON c.id = g.community_id WHERE r.id = %(resident)s"
)


# Who may vouch for a resident's address after a visit (核实): the grid's own people, not 物业 or a department.
VERIFIERS = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER, StaffRole.OPERATOR)


def require(community: Community, required: bool) -> bool:
    """Switch the community's requirement (`gridbot binding require`); False if it was already so."""
    if community.require_verified_binding == required:
        return False
    community.require_verified_binding = required
    return True


def confirm(session: Session, member: Staff, ticket: str, now: datetime) -> tuple[Appeal, bool]:
    """核实 <编号>: the grid's member, its leader or the community's operator vouches that the appeal's resident
    lives in the appeal's building; returns the appeal and whether this verified anything new.

    Refused (NotAllowed) outside the member's grid, for a staff report (nobody to verify) and when the resident
    has bound elsewhere since (the visit proved the old address, not the new one).
    """
    appeal = find(session, ticket)
    grid_member = member.role == StaffRole.GRID_MEMBER and member.grid_id == appeal.grid_id
    if not (grid_member or manages_grid(session, member, appeal.grid_id)):
        raise NotAllowed("not_your_grid")
    if appeal.resident_id is None:
        raise NotAllowed("no_resident")
    resident = session.get_one(Resident, appeal.resident_id)
    if appeal.building_id is None or resident.building_id != appeal.building_id:
        raise NotAllowed("moved")
    if is_verified(resident):
        return appeal, False
    mark(resident, Verification.STAFF, now, staff_id=member.id)
    record(session, appeal.id, now, Action.ADDRESS_VERIFIED, None, None, actor_id=member.id, actor_kind="staff",
           internal=True)
    return appeal, True
