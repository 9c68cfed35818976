"""Dispatch: a submitted appeal reaches the members of its grid (run by the worker, in batches).

The webhook files an appeal and answers; this step follows within the relay's poll interval, as its own
transaction: it moves the appeal to `dispatched`, attaches media sent just before it, records the audit event
and writes one outbox row per grid member.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import org, outbox
from storage.appeals import Action, record, transition
from storage.models import Appeal, AppealStatus, Attachment, Staff, StaffRole

log = logging.getLogger(__name__)
# An image or location sent before the words it belongs to waits this long for the appeal.
LOOSE_ATTACHMENT_WINDOW = timedelta(minutes=30)
NOTIFIED_ROLES = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER)
NEW_APPEAL_TEMPLATE = "staff_new_appeal"


def dispatch_pending(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Dispatch every submitted appeal (oldest first, at most `limit`); returns their ids."""
    pending = session.scalars(
        select(Appeal)
        .where(Appeal.status == AppealStatus.SUBMITTED)
        .order_by(Appeal.id)
        .limit(limit)
        # Two workers on PostgreSQL take different appeals instead of dispatching one twice.
        .with_for_update(skip_locked=True)
    ).all()
    for appeal in pending:
        _dispatch(session, appeal, now)
    return [appeal.id for appeal in pending]


def _dispatch(session: Session, appeal: Appeal, now: datetime) -> None:
    transition(session, appeal, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, now)
    _adopt_loose_attachments(session, appeal)
    members = _grid_staff(session, appeal.grid_id)
    note = None if members else "no grid member bound to this grid yet"
    record(session, appeal.id, now, Action.DISPATCHED, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, note=note)
    if not members:
        log.warning("appeal %s: grid %s has no bound grid member to notify", appeal.ticket, appeal.grid_id)
        return
    params = task_card(session, appeal)
    for member in members:
        outbox.add(
            session,
            key=f"appeal:{appeal.id}:new:{member.id}",
            recipient_openid=member.openid,  # type: ignore[arg-type]
            template=NEW_APPEAL_TEMPLATE,
            params=params,
            now=now,
            appeal_id=appeal.id,
        )


def task_card(session: Session, appeal: Appeal) -> dict[str, Any]:
    """What a staff member needs to act: ticket, category, the address down to the unit, the words, the limit.

    No phone number and no openid: staff answer through the account.
    """
    place = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[arg-type]
    return {
        "ticket": appeal.ticket,
        "category": appeal.category,
        "grid": place.grid_label,
        "home": place.home_label,
        "content": appeal.content[:200],
        "resolve_due_at": appeal.resolve_due_at.isoformat() if appeal.resolve_due_at else None,
    }


def _grid_staff(session: Session, grid_id: int | None) -> Sequence[Staff]:
    return session.scalars(
        select(Staff).where(
            Staff.grid_id == grid_id,
            Staff.active.is_(True),
            Staff.openid.is_not(None),
            Staff.role.in_(NOTIFIED_ROLES),
        ).order_by(Staff.id)
    ).all()


def _adopt_loose_attachments(session: Session, appeal: Appeal) -> None:
    session.execute(
        update(Attachment)
        .where(
            Attachment.resident_id == appeal.resident_id,
            Attachment.appeal_id.is_(None),
            Attachment.created_at >= appeal.created_at - LOOSE_ATTACHMENT_WINDOW,
            Attachment.created_at <= appeal.created_at,
        )
        .values(appeal_id=appeal.id)
    )
