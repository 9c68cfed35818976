"""A grid member's photos and locations: they go with the 办结, the 上报 or the 进展 the member made just now.

A member on patrol photographs the problem, then types 上报 (or types first, then sends the photo). Whichever
of their 办结 (the result's photo), their 上报, their 进展 (the work half done, on a task still open) and their 接单
(at the door of the task they just took) came last within PATROL_WINDOW takes the material: a photo after a 进展 or
a 接单 on another task never lands on an earlier 办结's result, whose resident would see another place. With none,
it waits that long, kept under the member's own sender row, for their next 上报 or 办结 (`adopt`): the photo taken
on site before typing 结 is the result's.

A member who says they will handle it themselves (上报 … 我来办) gets the appeal claimed at once (`take_own`):
dispatched to them alone and accepted, through `transition`, with both audit events; no card goes to the grid.

Each photo is downloaded and kept, as a resident's are; a member on patrol sends many, so their share is far larger
(storage.photo_shares.STAFF); past it, a stolen account or a stuck phone no longer fills the disk and holds
everyone's photos behind its own (`limit_reached`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage import photo_shares
from storage.appeals import Action, holder_before, record, transition
from storage.models import Appeal, AppealEvent, AppealStatus, Attachment, Staff
from storage.tasks import RESULT_PHOTO_WINDOW

PATROL_WINDOW = timedelta(minutes=30)

log = logging.getLogger(__name__)
REPORTER_CLAIMED = "reporter_claimed"  # the dispatched event's note: to the member who reported it


@dataclass(frozen=True)
class StaffAttached:
    """Where a member's photo or location went: to `appeal` as its result (办结), as its 上报's material, with
    its 进展 (`with_progress`) or after its 接单 (`with_claim`), or nowhere yet (`appeal` None: kept for the next
    上报)."""

    appeal: Appeal | None
    as_result: bool = False
    with_progress: bool = False
    with_claim: bool = False


def limit_reached(session: Session, member: Staff, sender_id: int, now: datetime) -> tuple[str, int] | None:
    """Whether the member has sent as many photos and locations as may be kept: ("hour" or "day", the limit), or
    None while there is room for one more. Counted by what they attached (its trail names them) and what waits for
    their next 上报 under their sender row."""
    def kept_since(moment: datetime) -> int:
        attached = session.scalar(select(func.count(AppealEvent.id)).where(
            AppealEvent.action == str(Action.ATTACHED), AppealEvent.actor_kind == "staff",
            AppealEvent.actor_id == member.id, AppealEvent.at > moment)) or 0
        waiting = session.scalar(select(func.count(Attachment.id)).where(
            Attachment.resident_id == sender_id, Attachment.appeal_id.is_(None),
            Attachment.created_at > moment)) or 0
        return attached + waiting
    full = photo_shares.used_up(photo_shares.STAFF, kept_since, now)
    if full is not None:
        log.warning("staff %d sent over %d photos and locations in the %s; this one is not kept", member.id, full[1],
                    full[0])
    return full


def attach(session: Session, member: Staff, sender_id: int, attachment: Attachment, now: datetime) -> StaffAttached:
    """Attach a member's photo or location to their latest 办结, 上报, 进展 or 接单 of the last half hour, else keep
    it."""
    resolved = session.scalars(
        select(Appeal)
        .where(Appeal.assignee_staff_id == member.id, Appeal.status == AppealStatus.RESOLVED,
               Appeal.resolved_at >= now - RESULT_PHOTO_WINDOW)
        .order_by(Appeal.resolved_at.desc()).limit(1)
    ).first()
    reported = session.scalars(
        select(Appeal)
        .where(Appeal.reporter_staff_id == member.id, Appeal.created_at >= now - PATROL_WINDOW)
        .order_by(Appeal.created_at.desc()).limit(1)
    ).first()
    # A claimed task still in their hands: one they were moved off since is no longer theirs to document (a 网格长's
    # 进展 on a member's task takes the photo all the same).
    progressed = session.execute(
        select(Appeal, AppealEvent.at, AppealEvent.action).join(AppealEvent, AppealEvent.appeal_id == Appeal.id)
        .where(AppealEvent.action.in_((str(Action.PROGRESS), str(Action.ACCEPTED))),
               AppealEvent.at >= now - PATROL_WINDOW,
               AppealEvent.actor_kind == "staff", AppealEvent.actor_id == member.id,
               Appeal.status.in_((AppealStatus.ACCEPTED, AppealStatus.PAUSED)),
               or_(AppealEvent.action == str(Action.PROGRESS), Appeal.assignee_staff_id == member.id))
        .order_by(AppealEvent.id.desc()).limit(1)
    ).first()
    attachment.created_at = now
    candidates: list[tuple[datetime, Appeal, StaffAttached]] = []
    if reported is not None:
        candidates.append((reported.created_at, reported, StaffAttached(reported)))
    if resolved is not None and resolved.resolved_at is not None:
        candidates.append((resolved.resolved_at, resolved, StaffAttached(resolved, as_result=True)))
    if progressed is not None:
        appeal, at, action = progressed
        claimed = action == Action.ACCEPTED
        candidates.append((at, appeal, StaffAttached(appeal, with_progress=not claimed, with_claim=claimed)))
    if not candidates:
        attachment.resident_id, attachment.appeal_id = sender_id, None
        session.add(attachment)
        return StaffAttached(None)
    _, target, chosen = max(candidates, key=lambda candidate: candidate[0])
    attachment.resident_id, attachment.appeal_id = target.resident_id, target.id
    session.add(attachment)
    record(session, target.id, now, Action.ATTACHED, None, None, actor_id=member.id, actor_kind="staff",
           note=attachment.kind)
    return chosen


def photo_waiting(session: Session, sender_id: int, now: datetime) -> bool:
    """Whether a photo the member sent in the last half hour waits for their next 上报 or 办结 (`adopt`)."""
    return session.scalar(
        select(Attachment.id).where(Attachment.resident_id == sender_id, Attachment.appeal_id.is_(None),
                                    Attachment.kind == "image", Attachment.created_at >= now - PATROL_WINDOW).limit(1)
    ) is not None


def adopt(session: Session, member: Staff, sender_id: int, appeal_id: int, now: datetime,
          resident_id: int | None = None) -> int:
    """Give a new 上报, or the task just 办结 (its resident's: `resident_id`), the member's photos and locations of
    the last half hour that went nowhere; how many."""
    kept = list(session.scalars(
        select(Attachment).where(Attachment.resident_id == sender_id, Attachment.appeal_id.is_(None),
                                 Attachment.created_at >= now - PATROL_WINDOW).order_by(Attachment.id)
    ))
    if not kept:
        return 0
    session.execute(update(Attachment).where(Attachment.id.in_([row.id for row in kept]))
                    .values(appeal_id=appeal_id, resident_id=resident_id))
    for row in kept:
        record(session, appeal_id, now, Action.ATTACHED, None, None, actor_id=member.id, actor_kind="staff",
               note=row.kind)
    return len(kept)


def take_own(session: Session, member: Staff, appeal_id: int, now: datetime) -> Appeal:
    """上报 … 我来办: the member's new report goes to them alone, claimed, before the dispatch round sees it."""
    appeal = session.get_one(Appeal, appeal_id)
    held = holder_before(appeal.assignee_staff_id)
    transition(session, appeal, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, now, assignee_staff_id=member.id,
               department=None)  # whatever its category's routing, the member does it
    record(session, appeal.id, now, Action.DISPATCHED, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED,
           actor_id=member.id, actor_kind="staff", note=REPORTER_CLAIMED, from_staff_id=held)
    transition(session, appeal, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, now, assignee_staff_id=member.id,
               accepted_at=now)
    record(session, appeal.id, now, Action.ACCEPTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED,
           actor_id=member.id, actor_kind="staff", from_staff_id=member.id)
    return appeal
