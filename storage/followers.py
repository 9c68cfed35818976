"""Who follows an appeal besides its own resident: neighbours who joined it (我也遇到) or were merged into it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Appeal, AppealFollower, Resident, ResidentStatus


def openids(session: Session, appeal_id: int) -> list[str]:
    """The followers who can still be written to (an unfollowed account can't), in the order they joined."""
    return list(session.scalars(
        select(Resident.openid)
        .join(AppealFollower, AppealFollower.resident_id == Resident.id)
        .where(AppealFollower.appeal_id == appeal_id, Resident.status == ResidentStatus.ACTIVE)
        .order_by(AppealFollower.id)
    ))


def following(session: Session, appeal_id: int) -> list[tuple[str, bool]]:
    """`openids` with, for each, whether they follow for a neighbour: their own appeal merged into this one was a
    代报 (storage.building_leads), so they hear of it as the 楼长 (党员…) who tells that neighbour."""
    return [(openid, reporter is not None) for openid, reporter in session.execute(
        select(Resident.openid, Appeal.reporter_staff_id)
        .join(AppealFollower, AppealFollower.resident_id == Resident.id)
        .join(Appeal, Appeal.id == AppealFollower.source_appeal_id)
        .where(AppealFollower.appeal_id == appeal_id, Resident.status == ResidentStatus.ACTIVE)
        .order_by(AppealFollower.id)
    )]


def follows(session: Session, appeal_id: int, resident_id: int) -> bool:
    """The resident already follows the appeal."""
    return session.scalars(
        select(AppealFollower.id).where(AppealFollower.appeal_id == appeal_id, AppealFollower.resident_id == resident_id)
    ).first() is not None


def count(session: Session, appeal_id: int) -> int:
    """How many residents follow the appeal."""
    return len(session.scalars(select(AppealFollower.id).where(AppealFollower.appeal_id == appeal_id)).all())
