"""Residents: who they are, where they live, and the dialogue they are in."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Building, Resident, ResidentStatus, Unit

DIALOG_TTL = timedelta(minutes=30)


def get_or_create(session: Session, openid: str, now: datetime) -> Resident:
    """The resident behind an openid; anyone who writes to the account is one."""
    resident = session.scalars(select(Resident).where(Resident.openid == openid)).first()
    if resident is None:
        resident = Resident(openid=openid, status=ResidentStatus.ACTIVE, created_at=now, subscribed_at=now)
        session.add(resident)
        session.flush()
    return resident


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
    if resident.dialog is None or resident.dialog_expires_at is None or resident.dialog_expires_at < now:
        return None
    return json.loads(resident.dialog)


def set_dialog(resident: Resident, state: dict[str, Any] | None, now: datetime) -> None:
    """Persist (or end, with None) the resident's dialogue; it expires after a quiet half hour."""
    if state is None:
        resident.dialog = None
        resident.dialog_expires_at = None
        return
    resident.dialog = json.dumps(state, ensure_ascii=False)
    resident.dialog_expires_at = now + DIALOG_TTL
