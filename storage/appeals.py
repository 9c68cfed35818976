"""The appeal lifecycle: the only code that changes an appeal's state.

Each function loads, checks permission, applies the transition (compare-and-set on the status), writes the
audit event and the outbox rows for other people, inside the caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import org, outbox
from storage.errors import IllegalTransition, NotFound
from storage.models import OPEN_STATUSES, Appeal, AppealEvent, AppealStatus, Attachment, Resident, Staff, StaffRole
from storage.tickets import next_ticket

# An image or location sent before the words it belongs to waits this long for the appeal.
LOOSE_ATTACHMENT_WINDOW = timedelta(minutes=30)
NOTIFIED_ROLES = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER)


class Channel(StrEnum):
    TEXT = "text"
    VOICE = "voice"


class Action(StrEnum):
    HELD = "held"  # received, waiting for the resident's address
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
    ATTACHED = "attached"


@dataclass(frozen=True)
class Intake:
    """A new appeal as the conversation understood it."""

    content: str
    channel: Channel
    category: str
    confidence: float
    keywords: tuple[str, ...]
    raw_message: dict[str, Any]
    response_hours: int
    resolve_hours: int


def file_appeal(session: Session, resident: Resident, intake: Intake, now: datetime) -> Appeal:
    """Record a new appeal: submitted to the resident's grid, or held until they bind an address."""
    bound = resident.grid_id is not None
    appeal = Appeal(
        ticket=next_ticket(session, now),
        resident_id=resident.id,
        category=intake.category,
        confidence=round(intake.confidence, 4),
        keywords=json.dumps(list(intake.keywords), ensure_ascii=False),
        channel=intake.channel,
        content=intake.content,
        raw_message=json.dumps(intake.raw_message, ensure_ascii=False),
        status=AppealStatus.SUBMITTED if bound else AppealStatus.AWAITING_ADDRESS,
        response_hours=intake.response_hours,
        resolve_hours=intake.resolve_hours,
        created_at=now,
        updated_at=now,
        **(_placement(resident, intake.response_hours, intake.resolve_hours, now) if bound else {}),
    )
    session.add(appeal)
    session.flush()
    _adopt_loose_attachments(session, resident, appeal, now)
    if bound:
        _record(session, appeal, now, Action.SUBMITTED, None, AppealStatus.SUBMITTED, actor=resident)
        _notify_grid_staff(session, appeal, now)
    else:
        _record(session, appeal, now, Action.HELD, None, AppealStatus.AWAITING_ADDRESS, actor=resident)
    return appeal


def release_held(session: Session, resident: Resident, now: datetime) -> list[Appeal]:
    """Submit the appeals that waited for this resident's address (call right after binding)."""
    held = session.scalars(
        select(Appeal)
        .where(Appeal.resident_id == resident.id, Appeal.status == AppealStatus.AWAITING_ADDRESS)
        .order_by(Appeal.id)
    ).all()
    for appeal in held:
        placement = _placement(resident, appeal.response_hours, appeal.resolve_hours, now)
        _transition(session, appeal, AppealStatus.AWAITING_ADDRESS, AppealStatus.SUBMITTED, now, **placement)
        _record(session, appeal, now, Action.SUBMITTED, AppealStatus.AWAITING_ADDRESS, AppealStatus.SUBMITTED, resident)
        _notify_grid_staff(session, appeal, now)
    return list(held)


def cancel(session: Session, resident: Resident, ticket: str, now: datetime) -> Appeal:
    """The resident withdraws one of their own open appeals."""
    appeal = own_appeal(session, resident, ticket)
    old = AppealStatus(appeal.status)
    _transition(session, appeal, old, AppealStatus.CANCELLED, now)
    _record(session, appeal, now, Action.CANCELLED, old, AppealStatus.CANCELLED, actor=resident)
    return appeal


def own_appeal(session: Session, resident: Resident, ticket: str) -> Appeal:
    """One of the resident's own appeals by ticket; someone else's is NotFound, like a missing one."""
    appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket, Appeal.resident_id == resident.id)).first()
    if appeal is None:
        raise NotFound(ticket)
    return appeal


def latest_of(session: Session, resident: Resident, limit: int = 5) -> Sequence[Appeal]:
    """The resident's most recent appeals, newest first."""
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident.id).order_by(Appeal.id.desc()).limit(limit)
    ).all()


def timeline(session: Session, appeal: Appeal, include_internal: bool = False) -> Sequence[AppealEvent]:
    """The appeal's audit trail, oldest first; staff-only notes only when asked for."""
    query = select(AppealEvent).where(AppealEvent.appeal_id == appeal.id)
    if not include_internal:
        query = query.where(AppealEvent.internal.is_(False))
    return session.scalars(query.order_by(AppealEvent.id)).all()


def attach(session: Session, resident: Resident, attachment: Attachment, now: datetime) -> Appeal | None:
    """Attach an image or location to the resident's latest open appeal; None keeps it for the next one."""
    latest = session.scalars(
        select(Appeal)
        .where(Appeal.resident_id == resident.id, Appeal.status.in_(OPEN_STATUSES))
        .order_by(Appeal.id.desc())
        .limit(1)
    ).first()
    attachment.resident_id = resident.id
    attachment.created_at = now
    attachment.appeal_id = latest.id if latest else None
    session.add(attachment)
    if latest is not None:
        _record(session, latest, now, Action.ATTACHED, None, None, actor=resident, note=attachment.kind)
    return latest


def _placement(resident: Resident, response_hours: int, resolve_hours: int, now: datetime) -> dict[str, Any]:
    """Where the appeal goes and by when, from the resident's address at submission time."""
    return {
        "grid_id": resident.grid_id,
        "building_id": resident.building_id,
        "unit_id": resident.unit_id,
        "response_due_at": now + timedelta(hours=response_hours),
        "resolve_due_at": now + timedelta(hours=resolve_hours),
    }


def _transition(
    session: Session, appeal: Appeal, old: AppealStatus, new: AppealStatus, now: datetime, **values: Any
) -> None:
    # Compare-and-set: of two requests racing on one appeal, exactly one moves it. The ORM-enabled
    # UPDATE also refreshes `appeal` in the session, so callers see the new state.
    if old not in _ALLOWED.get(new, ()):
        raise IllegalTransition(old)
    moved = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == old)
        .values(status=new, updated_at=now, **values)
    ).rowcount
    if moved != 1:
        raise IllegalTransition(old)


_ALLOWED: dict[AppealStatus, tuple[AppealStatus, ...]] = {
    AppealStatus.SUBMITTED: (AppealStatus.AWAITING_ADDRESS,),
    AppealStatus.CANCELLED: OPEN_STATUSES,
}


def _record(
    session: Session,
    appeal: Appeal,
    now: datetime,
    action: Action,
    from_status: str | None,
    to_status: str | None,
    actor: Resident | None = None,
    note: str | None = None,
) -> None:
    session.add(
        AppealEvent(
            appeal_id=appeal.id,
            at=now,
            actor_kind="resident" if actor else "system",
            actor_id=actor.id if actor else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            internal=False,
        )
    )


def _notify_grid_staff(session: Session, appeal: Appeal, now: datetime) -> None:
    staff = session.scalars(
        select(Staff).where(
            Staff.grid_id == appeal.grid_id,
            Staff.active.is_(True),
            Staff.openid.is_not(None),
            Staff.role.in_(NOTIFIED_ROLES),
        )
    ).all()
    if not staff:
        return
    place = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[arg-type]
    params = {
        "ticket": appeal.ticket,
        "category": appeal.category,
        "grid": place.grid_label,
        "home": place.home_label,
        "content": appeal.content[:200],
        "resolve_due_at": appeal.resolve_due_at.isoformat() if appeal.resolve_due_at else None,
    }
    for member in staff:
        outbox.add(
            session,
            key=f"appeal:{appeal.id}:new:{member.id}",
            recipient_openid=member.openid,  # type: ignore[arg-type]
            template="staff_new_appeal",
            params=params,
            now=now,
            appeal_id=appeal.id,
        )


def _adopt_loose_attachments(session: Session, resident: Resident, appeal: Appeal, now: datetime) -> None:
    session.execute(
        update(Attachment)
        .where(
            Attachment.resident_id == resident.id,
            Attachment.appeal_id.is_(None),
            Attachment.created_at >= now - LOOSE_ATTACHMENT_WINDOW,
        )
        .values(appeal_id=appeal.id)
    )
