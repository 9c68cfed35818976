"""Residents: who they are, where they live, and the dialogue they are in."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.dialect import dialect_of, insert_for
from storage.models import Building, Community, Grid, Resident, ResidentStatus, Unit

DIALOG_TTL = timedelta(minutes=30)
_RESIDENTS = Resident.__table__
_GRIDS = Grid.__table__
_COMMUNITIES = Community.__table__
# Built once: every message reads its sender, and building the statement costs more than running it.
_VIEW = (
    select(
        _RESIDENTS.c.id, _RESIDENTS.c.status, _RESIDENTS.c.grid_id, _RESIDENTS.c.building_id, _RESIDENTS.c.unit_id,
        _RESIDENTS.c.dialog, _RESIDENTS.c.dialog_expires_at,
        _COMMUNITIES.c.name.label("community"), _GRIDS.c.name.label("grid"),
    )
    .select_from(
        _RESIDENTS.outerjoin(_GRIDS, _GRIDS.c.id == _RESIDENTS.c.grid_id)
        .outerjoin(_COMMUNITIES, _COMMUNITIES.c.id == _GRIDS.c.community_id)
    )
    .where(_RESIDENTS.c.openid == bindparam("openid"))
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

    def dialog(self, now: datetime) -> dict[str, Any] | None:
        """The active dialogue state, or None when there is none or it timed out."""
        return _live_dialog(self.dialog_json, self.dialog_expires_at, now)


def view(session: Session, openid: str, now: datetime) -> ResidentView:
    """The sender as a resident, created on first contact (anyone who writes to the account is one)."""
    row = session.execute(_VIEW, {"openid": openid}).first()
    if row is None:
        # Two first messages of a new user may race: the loser's insert does nothing and it reads the winner's row.
        session.execute(_insert_resident(dialect_of(session)), {
            "openid": openid, "status": ResidentStatus.ACTIVE, "created_at": now, "subscribed_at": now,
        })
        row = session.execute(_VIEW, {"openid": openid}).one()
    label = f"{row.community}·{row.grid}" if row.grid else None
    return ResidentView(row.id, openid, row.status, row.grid_id, row.building_id, row.unit_id, label,
                        row.dialog, row.dialog_expires_at)


def get_or_create(session: Session, openid: str, now: datetime) -> Resident:
    """The resident as an ORM object, for handlers that change it."""
    return session.get_one(Resident, view(session, openid, now).id)


@functools.cache
def _insert_resident(dialect: str) -> Any:
    return insert_for(dialect, _RESIDENTS).on_conflict_do_nothing(index_elements=[_RESIDENTS.c.openid])


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


def bind(session: Session, resident: Resident, building: Building, unit: Unit | None) -> None:
    """Bind the resident to a building (and unit), hence to its grid."""
    if unit is not None and unit.building_id != building.id:
        raise ValueError("unit does not belong to building")
    resident.building_id = building.id
    resident.unit_id = unit.id if unit else None
    resident.grid_id = building.grid_id
    session.flush()


def dialog_of(resident: Resident, now: datetime) -> dict[str, Any] | None:
    """The resident's active dialogue state, or None when there is none or it timed out."""
    return _live_dialog(resident.dialog, resident.dialog_expires_at, now)


def set_dialog(resident: Resident, state: dict[str, Any] | None, now: datetime) -> None:
    """Persist (or end, with None) the resident's dialogue; it expires after a quiet half hour."""
    if state is None:
        resident.dialog = None
        resident.dialog_expires_at = None
        return
    resident.dialog = json.dumps(state, ensure_ascii=False)
    resident.dialog_expires_at = now + DIALOG_TTL


def _live_dialog(state: str | None, expires_at: datetime | None, now: datetime) -> dict[str, Any] | None:
    if state is None or expires_at is None or expires_at < now:
        return None
    return json.loads(state)
