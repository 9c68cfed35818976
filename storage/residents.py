"""Residents: who they are, where they live, and the dialogue they are in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from storage.driver_sql import DriverSQL, parse_timestamp, timestamp
from storage.models import Appeal, Building, Resident, ResidentStatus, Unit

DIALOG_TTL = timedelta(minutes=30)
# Every message reads its sender: one statement with the grid's name joined in.
_VIEW = DriverSQL(
    "SELECT r.id, r.status, r.grid_id, r.building_id, r.unit_id, r.dialog, r.dialog_expires_at, "
    "c.name, g.name, s.id FROM residents r "
    "LEFT JOIN grids g ON g.id = r.grid_id LEFT JOIN communities c ON c.id = g.community_id "
    "LEFT JOIN staff s ON s.openid = r.openid AND s.active "
    "WHERE r.openid = %(openid)s"
)
_WRITE_DIALOG = DriverSQL("UPDATE residents SET dialog = %(dialog)s, dialog_expires_at = %(expires)s WHERE id = %(id)s")
# Two first messages of a new user may race: the loser's insert does nothing and it reads the winner's row.
_CREATE = DriverSQL(
    "INSERT INTO residents (openid, status, created_at, subscribed_at) "
    "VALUES (%(openid)s, %(status)s, %(now)s, %(now)s) ON CONFLICT (openid) DO NOTHING"
)


@dataclass(frozen=True)
class ResidentView:
    """A read-only snapshot of a message's sender: enough to route and file an appeal without the ORM."""

    id: int
    openid: str
    status: str
    grid_id: int | None
    building_id: int | None
    unit_id: int | None
    grid_label: str | None  # 社区·网格
    dialog_json: str | None
    dialog_expires_at: datetime | None
    staff_id: int | None = None  # the same openid is also a bound, active staff member

    def dialog(self, now: datetime) -> dict[str, Any] | None:
        """The active dialogue state, or None when there is none or it timed out."""
        return _live_dialog(self.dialog_json, self.dialog_expires_at, now)


def view(session: Session, openid: str, now: datetime) -> ResidentView:
    """The sender as a resident, created on first contact (anyone who writes to the account is one)."""
    row = _VIEW.run(session, {"openid": openid})
    if row is None:
        _CREATE.run(session, {"openid": openid, "status": str(ResidentStatus.ACTIVE), "now": timestamp(session, now)})
        row = _VIEW.run(session, {"openid": openid})
        assert row is not None, "the resident row exists after the insert"
    resident_id, status, grid_id, building_id, unit_id, dialog, expires_at, community, grid, staff_id = row
    label = f"{community}·{grid}" if grid else None
    return ResidentView(resident_id, openid, status, grid_id, building_id, unit_id, label, dialog,
                        parse_timestamp(expires_at), staff_id)


def get_or_create(session: Session, openid: str, now: datetime) -> Resident:
    """The resident as an ORM object, for handlers that change it."""
    return session.get_one(Resident, view(session, openid, now).id)



def mark_subscribed(resident: Resident, now: datetime) -> None:
    """The resident followed (again) the account."""
    resident.status = ResidentStatus.ACTIVE
    resident.subscribed_at = now
    resident.unsubscribed_at = None


def mark_unsubscribed(resident: Resident, now: datetime) -> None:
    """The resident unfollowed: inactive, their appeals stay."""
    resident.status = ResidentStatus.INACTIVE
    resident.unsubscribed_at = now
    resident.dialog = None
    resident.dialog_expires_at = None


def bind(session: Session, resident: Resident, building: Building, unit: Unit | None) -> str | None:
    """Bind the resident to a building (and unit), hence to its grid. Returns the 门牌 dropped by a move to another
    building (None when nothing was dropped): it was the old home's, where their earlier appeals keep it."""
    if unit is not None and unit.building_id != building.id:
        raise ValueError("unit does not belong to building")
    dropped = _drop_door_of_old_home(session, resident, building)
    resident.building_id = building.id
    resident.unit_id = unit.id if unit else None
    resident.grid_id = building.grid_id
    session.flush()
    return dropped


def _drop_door_of_old_home(session: Session, resident: Resident, building: Building) -> str | None:
    """A 门牌 names a door in the building the resident lived in: moving elsewhere, it stays on the appeals filed
    there (their handlers still knock on it) and leaves the resident, so the new home's appeals do not show it."""
    door, old_home = resident.door, resident.building_id
    if door is None or old_home is None or old_home == building.id:
        return None
    session.execute(update(Appeal).where(Appeal.resident_id == resident.id, Appeal.building_id == old_home,
                                         Appeal.door.is_(None)).values(door=door))
    resident.door = None
    return door


def dialog_of(resident: Resident, now: datetime) -> dict[str, Any] | None:
    """The resident's active dialogue state, or None when there is none or it timed out."""
    return _live_dialog(resident.dialog, resident.dialog_expires_at, now)


def write_dialog(session: Session, resident_id: int, state: dict[str, Any] | None, now: datetime,
                 ttl: timedelta = DIALOG_TTL) -> tuple[str | None, datetime | None] | None:
    """`set_dialog` by the resident's id, in one statement, without loading the row: an offer (我也遇到, 分开) is
    made on the webhook's path, where reading the row as an object and flushing it back cost half a millisecond.
    Returns the dialogue and its expiry as written, for the sender's snapshot. A row the session holds already is
    changed there instead (it would go on reading the old state): None, the snapshot is to be read again."""
    loaded = session.identity_map.get(identity_key(Resident, resident_id))
    if loaded is not None:
        set_dialog(loaded, state, now, ttl)  # type: ignore[arg-type]
        return None
    dialog, expires = (None, None) if state is None else (json.dumps(state, ensure_ascii=False), now + ttl)
    _WRITE_DIALOG.run(session, {"id": resident_id, "dialog": dialog, "expires": timestamp(session, expires)})
    return dialog, expires


def set_dialog(resident: Resident, state: dict[str, Any] | None, now: datetime, ttl: timedelta = DIALOG_TTL) -> None:
    """Persist (or end, with None) the resident's dialogue; it expires after `ttl` (a quiet half hour)."""
    if state is None:
        resident.dialog = None
        resident.dialog_expires_at = None
        return
    resident.dialog = json.dumps(state, ensure_ascii=False)
    resident.dialog_expires_at = now + ttl



def _live_dialog(state: str | None, expires_at: datetime | None, now: datetime) -> dict[str, Any] | None:
    if state is None or expires_at is None or expires_at < now:
        return None
    return json.loads(state)
