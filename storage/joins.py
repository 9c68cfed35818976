"""我也遇到: one problem, one appeal. A resident joins a neighbour's open appeal about the same thing; operators
(and the grid leader) merge (合并) two appeals or split (拆分) a merged one off again. Neighbours reporting the
same danger at the same building within minutes (three households, one fire) join the first report at once
(`join_emergency`): one 紧急 appeal, one set of cards, its reporters following it.

A merged appeal keeps its row, ticket and history; its status becomes `merged` (not open: 督着办 skips it)
with `merged_into_id`, and its resident follows the other appeal (appeal_followers), hearing of every step.
Each function is one state change by compare-and-set, with audit events on both appeals and outbox rows for
the staff who held the merged appeal's card, in the caller's transaction. Sensitive categories (family
conflicts, neighbour disputes) are never merged: the caller names them, as storage knows no taxonomy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from storage import advisory_locks, complaints, dispatch, emergencies, followers, unit_reach, verification
from storage.actors import Manager, actor_of
from storage.appeals import (
    Action,
    Sender,
    fresh_claim_clock,
    hold,
    holder_before,
    record,
    refuse_unplaced,
    transition,
    wrong_state,
)
from storage.driver_sql import DriverSQL, timestamp
from storage.errors import NotAllowed, NotFound
from storage.models import (
    Appeal,
    AppealFollower,
    AppealStatus,
    OutboxMessage,
    Staff,
)
from storage.notices import ResidentMerged, ResidentSplit, StaffMerged, StaffNewAppeal
from storage.staff import manages_grid
from storage.tasks import find
from storage.telling import tell, tell_resident

# A neighbour's appeal older than this is likely another occurrence, not the one the resident is reporting.
JOIN_WINDOW = timedelta(hours=72)
# What may be joined: someone has (or is about to get) the task. Submitted ones are seconds from dispatch.
JOINABLE = (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED)
MERGEABLE = JOINABLE
# Neighbours' reports of one danger at one building this close together are one fire, one person fallen, one lift.
SAME_DANGER = timedelta(minutes=30)
CANDIDATE_LIMIT = 20
_Target = aliased(Appeal)

# Runs inside the webhook's transaction for every new appeal of a bound resident: one indexed read of the
# building's open appeals of the category (ix_appeals_building_category_status), at most CANDIDATE_LIMIT rows.
# `+a.grid_id` keeps SQLite, which has no statistics, off ix_appeals_grid_created: it walked the grid's appeals of
# the last three days instead.
_NEIGHBOURS = DriverSQL(
    "SELECT a.id, a.ticket, a.status, a.unit_id, a.content, a.department FROM appeals a "
    "WHERE +a.grid_id = %(grid_id)s AND a.status IN (%(submitted)s, %(dispatched)s, %(accepted)s, %(paused)s) "
    "AND a.building_id = %(building_id)s AND a.category = %(category)s AND a.created_at >= %(since)s "
    "AND (a.resident_id IS NULL OR a.resident_id <> %(resident_id)s) AND a.emergency IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM appeal_followers f WHERE f.appeal_id = a.id AND f.resident_id = %(resident_id)s) "
    "ORDER BY a.id LIMIT %(limit)s"
)


@dataclass(frozen=True)
class Neighbour:
    """An open appeal of the same building and category: what matching needs (its words are never shown)."""

    id: int
    ticket: str
    status: str
    unit_id: int | None
    content: str
    department: str | None = None  # transferred (or routed) to it: its status reads 已转交相关部门, not 网格员


def neighbours(session: Session, sender: Sender, category: str, now: datetime) -> list[Neighbour]:
    """Recent open appeals of others in the sender's building (their home, or the one their appeal was filed at)
    with this category, oldest first (the first of a problem is the one to join: handlers.joins takes the first
    alike, and need not compare the rest)."""
    if sender.grid_id is None or sender.building_id is None:
        return []
    params = {
        "grid_id": sender.grid_id, "building_id": sender.building_id, "category": category,
        "since": timestamp(session, now - JOIN_WINDOW), "resident_id": sender.id, "limit": CANDIDATE_LIMIT,
        # Submitted too: in a burst the first appeals are still waiting for the worker (for as long as it is down).
        "submitted": str(AppealStatus.SUBMITTED), "dispatched": str(AppealStatus.DISPATCHED),
        "accepted": str(AppealStatus.ACCEPTED),
        "paused": str(AppealStatus.PAUSED),
    }
    return [Neighbour(*row) for row in _NEIGHBOURS.all(session, params)]


def join(session: Session, resident_id: int, appeal_id: int, target_id: int, sensitive: Collection[str],
         now: datetime) -> Appeal:
    """The resident's own new appeal joins a neighbour's (回复 1): it is merged, they follow; returns the target,
    which is the appeal the offered one was merged into meanwhile (staff merging a burst while residents answer)."""
    source = session.get(Appeal, appeal_id)
    target = _handled_in(session, session.get(Appeal, target_id))
    if source is None or target is None or source.resident_id != resident_id:
        raise NotFound(str(appeal_id))
    hold(session, source, target)
    if not verification.may_join(session, resident_id):
        raise NotAllowed("unverified")  # the community requires a verified address (gridbot binding require)
    _check_pair(session, source, target, sensitive)
    _merge(session, source, target, now, actor_id=resident_id, actor_kind="resident")
    return target


def same_danger(session: Session, resident_id: int, appeal_id: int, now: datetime) -> Appeal | None:
    """A neighbour's open 紧急 appeal of the same danger at the same building as the resident's new one, filed
    within SAME_DANGER (the first such), which the resident does not follow yet: the one to join.

    Two neighbours reporting one fire in the same instant: each transaction's new appeal is invisible to the other's
    query until it commits, so on PostgreSQL both found none and two emergencies went out, each with its cards. The
    second now waits here for the first to commit (SQLite's transactions never overlap) and then finds its appeal."""
    source = session.get_one(Appeal, appeal_id)
    if source.emergency is None or source.building_id is None:
        return None
    advisory_locks.lock(session, [f"same-danger:{source.grid_id}:{source.building_id}:{source.emergency}"])
    return session.scalars(select(Appeal).where(
        Appeal.id != source.id, Appeal.emergency == source.emergency, Appeal.grid_id == source.grid_id,
        Appeal.building_id == source.building_id, Appeal.status.in_(JOINABLE),
        Appeal.created_at >= now - SAME_DANGER,
        Appeal.resident_id.is_(None) | (Appeal.resident_id != resident_id),
        ~select(AppealFollower.id).where(AppealFollower.appeal_id == Appeal.id,
                                         AppealFollower.resident_id == resident_id).exists(),
    ).order_by(Appeal.id).limit(1)).first()


def join_emergency(session: Session, resident_id: int, appeal_id: int, target_id: int, sensitive: Collection[str],
                   now: datetime) -> Appeal:
    """The resident's new 紧急 appeal joins a neighbour's of the same danger at the same building (`same_danger`)
    before it is dispatched: its cards are not sent again; the resident follows the neighbour's. Returns the target."""
    source, target = session.get(Appeal, appeal_id), session.get(Appeal, target_id)
    if source is None or target is None or source.resident_id != resident_id:
        raise NotFound(str(appeal_id))
    hold(session, source, target)
    if source.emergency is None or source.emergency != target.emergency:
        raise NotAllowed("other_danger")
    if source.grid_id != target.grid_id or source.building_id is None or source.building_id != target.building_id:
        raise NotAllowed("other_place")
    if source.category in sensitive or target.category in sensitive:
        raise NotAllowed("sensitive")
    if target.status not in JOINABLE:
        raise NotAllowed("target_closed")
    if source.status != AppealStatus.SUBMITTED:
        raise wrong_state(session, source)  # dispatched already: its cards are out, it is handled on its own
    if target.resident_id == resident_id or followers.follows(session, target.id, resident_id):
        raise NotAllowed("same_resident")
    if not verification.may_join(session, resident_id):
        raise NotAllowed("unverified")
    _merge(session, source, target, now, actor_id=resident_id, actor_kind="resident")
    return target


def _handled_in(session: Session, appeal: Appeal | None) -> Appeal | None:
    """The appeal itself, or the one it was merged into (and so on), which is the one handled."""
    seen = set()
    while appeal is not None and appeal.status == AppealStatus.MERGED and appeal.merged_into_id is not None \
            and appeal.id not in seen:
        seen.add(appeal.id)
        appeal = session.get(Appeal, appeal.merged_into_id)
    return appeal


def merge(session: Session, member: Manager, ticket: str, into_ticket: str, sensitive: Collection[str],
          now: datetime) -> Appeal:
    """合并 <编号> <目标编号>: the first appeal is handled as part of the second; its resident follows. `member`: a
    staff member or a console operator who manages the first appeal."""
    source, target = find(session, ticket), find(session, into_ticket)
    _require_manager(session, member, source)
    hold(session, source, target)  # each merge moves its source alone: A into B and B into A at once, both merged
    _check_pair(session, source, target, sensitive)
    actor = actor_of(member)
    _merge(session, source, target, now, actor_id=actor.id, actor_kind=actor.kind)
    tell_resident(session, source, ResidentMerged(ticket=source.ticket, into=target.ticket), now)
    return source


def split(session: Session, member: Manager, ticket: str, now: datetime, sensitive: Collection[str]) -> Appeal:
    """拆分 <编号>: a merged appeal is handled on its own again, dispatched anew; its resident stops following.
    `sensitive` names the private categories (one made private since the merge: its card as at dispatch)."""
    source = find(session, ticket)
    _require_manager(session, member, source)
    if source.status != AppealStatus.MERGED or source.merged_into_id is None:
        raise wrong_state(session, source)
    target = session.get_one(Appeal, source.merged_into_id)
    actor = actor_of(member)
    _unmerge(session, source, target, now, actor.id, actor.kind, sensitive)
    return source


def release_followers(session: Session, appeal: Appeal, now: datetime, sensitive: Collection[str]) -> list[Appeal]:
    """The appeal was withdrawn (撤销): the appeals merged into it are handled on their own again, not lost (their
    cards as `split` sends them)."""
    merged = session.scalars(
        select(Appeal).where(Appeal.merged_into_id == appeal.id, Appeal.status == AppealStatus.MERGED)
        .order_by(Appeal.id)
    ).all()
    for source in merged:
        _unmerge(session, source, appeal, now, None, "system", sensitive)
    return list(merged)


def _unmerge(session: Session, source: Appeal, target: Appeal, now: datetime, actor_id: int | None,
             actor_kind: str, sensitive: Collection[str]) -> None:
    receivers = unit_reach.officers(session, source.department, source.grid_id) if source.department else ()
    # Straight back to dispatched with fresh cards: the first dispatch's outbox keys are taken, so the
    # worker's dispatch (submitted -> dispatched) would collide with them. A department with nobody left to
    # claim it gives it to the grid, as a dispatch does: kept, the grid's 接单 would be refused as another unit's.
    # Its new holders get a fresh claim clock, as after a 改派 (the old one often ran out while it was merged):
    # the rates keep judging by the old one once it had passed or been met (storage.appeals.claim_due).
    held = holder_before(source.assignee_staff_id)
    transition(session, source, AppealStatus.MERGED, AppealStatus.DISPATCHED, now, merged_into_id=None,
               assignee_staff_id=None, accepted_at=None, paused_at=None,
               department=source.department if receivers else None, **fresh_claim_clock(session, source, now))
    session.execute(delete(AppealFollower).where(AppealFollower.source_appeal_id == source.id))
    record(session, source.id, now, Action.SPLIT, AppealStatus.MERGED, AppealStatus.DISPATCHED,
           actor_id=actor_id, actor_kind=actor_kind, note=target.ticket, from_staff_id=held)
    record(session, target.id, now, Action.FOLLOWER_LEFT, None, None, actor_id=actor_id, actor_kind=actor_kind,
           note=source.ticket, internal=True)
    if not receivers:
        receivers = dispatch.grid_staff(session, source.grid_id)
        if source.emergency is not None:  # a neighbour's report of a fire withdrawn as a false alarm: still a fire
            receivers = emergencies.responders(session, source, receivers,
                                               complaints.accused(session, source.id) or frozenset())
    for receiver, card in dispatch.cards_for(session, source, receivers, now, sensitive):
        tell(session, receiver.openid, card, now, appeal=source)
    tell_resident(session, source, ResidentSplit(ticket=source.ticket, from_=target.ticket), now)


def merged_into(session: Session, appeal: Appeal) -> Appeal | None:
    """The appeal a merged one is handled as part of."""
    return session.get(Appeal, appeal.merged_into_id) if appeal.merged_into_id is not None else None


def followed_through(session: Session, resident_id: int, ticket: str) -> Appeal | None:
    """The resident's own merged appeal by which they follow the appeal `ticket`, if they follow it."""
    return session.scalars(
        select(Appeal)
        .join(AppealFollower, AppealFollower.source_appeal_id == Appeal.id)
        .join(_Target, _Target.id == AppealFollower.appeal_id)
        .where(AppealFollower.resident_id == resident_id, _Target.ticket == ticket)
    ).first()


def _check_pair(session: Session, source: Appeal, target: Appeal, sensitive: Collection[str]) -> None:
    if source.id == target.id:
        raise NotAllowed("same_appeal")
    if source.status == AppealStatus.MERGED:
        raise NotAllowed("already_merged")
    if target.status == AppealStatus.MERGED:
        raise NotAllowed("target_merged")
    if source.grid_id is None or source.grid_id != target.grid_id:
        raise NotAllowed("other_grid")
    if source.category in sensitive or target.category in sensitive:
        raise NotAllowed("sensitive")
    if source.emergency is not None or target.emergency is not None:
        raise NotAllowed("emergency")  # someone in danger is handled on their own, their words on their own card
    if source.status not in MERGEABLE:
        raise wrong_state(session, source)
    if target.status not in JOINABLE:
        raise NotAllowed("target_closed")
    if followers.count(session, source.id):
        raise NotAllowed("has_followers")  # merging it would leave its followers following a merged appeal
    if source.resident_id is not None and (source.resident_id == target.resident_id
                                           or followers.follows(session, target.id, source.resident_id)):
        raise NotAllowed("same_resident")


def _merge(session: Session, source: Appeal, target: Appeal, now: datetime, actor_id: int, actor_kind: str) -> None:
    # The staff who held the card must hear it is off their list; read them before the state moves.
    holders = _card_holders(session, source)
    old = AppealStatus(source.status)
    # Compare-and-set: a double "1", or an operator racing the resident, merges it once.
    transition(session, source, old, AppealStatus.MERGED, now, merged_into_id=target.id)
    record(session, source.id, now, Action.MERGED, old, AppealStatus.MERGED, actor_id=actor_id,
           actor_kind=actor_kind, note=target.ticket)
    record(session, target.id, now, Action.FOLLOWER_JOINED, None, None, actor_id=actor_id, actor_kind=actor_kind,
           note=source.ticket, internal=True)
    if source.resident_id is not None:
        session.add(AppealFollower(appeal_id=target.id, resident_id=source.resident_id, source_appeal_id=source.id,
                                   joined_at=now))
    actor_openid = session.get_one(Staff, actor_id).openid if actor_kind == "staff" else None
    for openid in holders:
        if openid != actor_openid:
            tell(session, openid, StaffMerged(ticket=source.ticket, into=target.ticket), now, appeal=source)


def _card_holders(session: Session, appeal: Appeal) -> list[str]:
    """Who got the appeal's task card and still works here (not one who has left since), and who claimed it."""
    working = select(Staff.openid).where(Staff.active.is_(True), Staff.openid.is_not(None))
    sent = session.scalars(
        select(OutboxMessage.recipient_openid)
        .where(OutboxMessage.appeal_id == appeal.id, OutboxMessage.template == StaffNewAppeal.name,
               OutboxMessage.recipient_openid.in_(working))
        .order_by(OutboxMessage.id)
    ).all()
    holders = list(dict.fromkeys(sent))
    if appeal.assignee_staff_id is not None:
        assignee = session.get_one(Staff, appeal.assignee_staff_id).openid
        if assignee is not None and assignee not in holders:
            holders.append(assignee)
    return holders


def _require_manager(session: Session, member: Manager, appeal: Appeal) -> None:
    """操作员 of the appeal's community, or 网格长 of its grid (or a console operator of its scope)."""
    refuse_unplaced(session, appeal)
    if not manages_grid(session, member, appeal.grid_id):
        raise NotAllowed("not_manager")
