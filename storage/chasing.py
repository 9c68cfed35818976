"""催办: a resident chases up one of their open appeals; whoever holds it is told, at most once an hour.

Who is told: the assignee of a claimed task, or the member 派单 or 改派 gave it to (to claim it; nobody else of
the grid may); the department it was transferred to, or the grid's members and leader, when nobody has claimed it
(for a complaint about staff, its handlers: never the person it is about); the community's operators when it
was returned to them. A holder who may not read the appeal (a private
category in a 抢单 grid) hears that it was chased, not what it says. Each 催办 sent is
an audit event (Action.CHASED, the resident's words as its note), so the count is the number of those events;
chasing again within CHASE_EVERY is answered with the status but tells nobody again, and so is a 催办 within
JUST_FILED of its card going out (its dispatch, not its filing: one held for an address or dispatched late has its
card minutes old when it is placed), or while that card is still going out. When the grid member who
alone holds it is on leave (请假), the grid's 网格长 at work hear of the 催办 too, to 改派 it (the community's operators
when it has none at work): the resident's chase does not wait for someone who is away. When nobody of the grid
is at work for a task nobody has claimed (the card of a 派单 grid all on leave went to the community's operators,
storage.dispatch.away_stand_ins), those operators hear it too, asked to 改派 it to someone on duty.

督办 by hand (`supervise`): an operator on the console presses the same holders in their own words, as often.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage import building_leads, complaints, dispatch, duty, staff, unit_reach
from storage.actors import Manager, actor_of, name_of, staff_id_of
from storage.appeals import Action, hold, record, refuse_unplaced, wrong_state
from storage.errors import NotAllowed, Repeated
from storage.models import (
    GRID_TEAM,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealFollower,
    AppealStatus,
    Staff,
)
from storage.notices import StaffChased, StaffNotice, StaffSupervised, withheld
from storage.staff import community_operators, grid_leaders, street_operators
from storage.tasks import find
from storage.telling import tell

CHASE_EVERY = timedelta(hours=1)
# A 催办 this soon after the card went out comes right behind the new-appeal card its holders just got: the resident
# hears the status and that the card went out; it is kept on the record (the first one's words), and nobody is told
# again. Counted from the dispatch: an appeal held for an address, or dispatched late, had no card until then.
# An emergency is never held back (its follow-up words go to its responders: handlers.filing).
JUST_FILED = timedelta(minutes=10)
WORDS_KEPT = 200  # of what the resident said, on the audit event and the card
# An alias is made once: its columns are adapted for it on first use and kept (made per call, ~1.5 ms a query).
_Target = aliased(Appeal)  # the appeal a resident's own was joined to


@dataclass(frozen=True)
class Chase:
    """What the resident is told: the appeal, whether its handler was told now, and how often it was chased."""

    appeal: Appeal
    sent: bool  # False: already chased within the hour, its card minutes old (`early`), or nobody to tell yet
    count: int  # the 催办 sent for this appeal so far, this one included
    early: bool = False  # its card went out within JUST_FILED (or is going out): its holders are not told again


def open_appeals(session: Session, resident_id: int) -> Sequence[Appeal]:
    """The resident's appeals still being worked on, newest first."""
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id, Appeal.status.in_(OPEN_STATUSES))
        .order_by(Appeal.id.desc())
    ).all()


def open_or_joined(session: Session, resident_id: int) -> Sequence[Appeal]:
    """The resident's appeals still being worked on, and their own joined to a neighbour's that still is (我也遇到:
    撤销 of it stops following, 催办 of it chases the neighbour's), newest first."""
    joined = (select(AppealFollower.source_appeal_id).join(_Target, _Target.id == AppealFollower.appeal_id)
              .where(AppealFollower.resident_id == resident_id, _Target.status.in_(OPEN_STATUSES)))
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id,
                             Appeal.status.in_(OPEN_STATUSES) | Appeal.id.in_(joined))
        .order_by(Appeal.id.desc())
    ).all()


def followed_open_appeals(session: Session, resident_id: int) -> Sequence[Appeal]:
    """The neighbours' appeals still being worked on that the resident follows (their own merged into them),
    newest first."""
    return session.scalars(
        select(Appeal).join(AppealFollower, AppealFollower.appeal_id == Appeal.id)
        .where(AppealFollower.resident_id == resident_id, Appeal.status.in_(OPEN_STATUSES))
        .order_by(Appeal.id.desc())
    ).all()


# How far back a question about "that lamp" looks among the resident's finished appeals (handlers.chasing).
FINISHED_ASKED_AFTER = timedelta(days=30)
_FINISHED_LOOKED_AT = 20  # of the latest finished appeals: enough for any resident's month


def recently_finished(session: Session, resident_id: int, now: datetime) -> Sequence[Appeal]:
    """The resident's appeals resolved (办结, rated or not) within FINISHED_ASKED_AFTER, newest first."""
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id,
                             Appeal.status.in_((AppealStatus.RESOLVED, AppealStatus.CLOSED)),
                             Appeal.resolved_at >= now - FINISHED_ASKED_AFTER)
        .order_by(Appeal.resolved_at.desc(), Appeal.id.desc()).limit(_FINISHED_LOOKED_AT)
    ).all()


def latest_appeal(session: Session, resident_id: int) -> Appeal | None:
    """The resident's most recent appeal, whatever its status (what "上次说的事" means with nothing open)."""
    return session.scalars(select(Appeal).where(Appeal.resident_id == resident_id)
                           .order_by(Appeal.id.desc()).limit(1)).first()


def pause_reason(session: Session, appeal: Appeal) -> str | None:
    """Why a paused appeal waits (等配件), as its handler told the resident when pausing it; None when not paused."""
    if appeal.status != AppealStatus.PAUSED:
        return None
    return session.scalar(select(AppealEvent.note).where(AppealEvent.appeal_id == appeal.id,
                                                         AppealEvent.action == Action.PAUSED)
                          .order_by(AppealEvent.id.desc()).limit(1))


def chase(session: Session, resident_id: int, appeal: Appeal, words: str | None, now: datetime,
          sensitive: Collection[str]) -> Chase:
    """Send a 催办 for the resident's open appeal to whoever holds it, unless one went within the hour or its card
    went out within JUST_FILED (then only kept on its record); `sensitive` names the private categories."""
    hold(session, appeal)  # two at once (the resident and a neighbour who follows): the second finds the first
    sent_before = _chases(session, appeal.id)
    if appeal.emergency is None and _card_is_new(session, appeal, now) and holders_of(session, appeal):
        _keep_early(session, resident_id, appeal, words, now)
        return Chase(appeal, False, sent_before, early=True)
    recent = session.scalar(
        select(func.count(AppealEvent.id)).where(AppealEvent.appeal_id == appeal.id,
                                                 AppealEvent.action == Action.CHASED,
                                                 AppealEvent.at > now - CHASE_EVERY)
    )
    holders = holders_of(session, appeal)
    if recent or not holders:
        return Chase(appeal, False, sent_before)
    kept = words[:WORDS_KEPT] if words else None
    record(session, appeal.id, now, Action.CHASED, None, None, actor_id=resident_id, note=kept, internal=True)
    relayer = building_leads.relayer(session, appeal, resident_id)
    card = StaffChased(ticket=appeal.ticket, content=appeal.listed_words, words=kept, count=sent_before + 1,
                       filed_at=appeal.created_at, claimed=claimed(appeal),
                       returned=appeal.status == AppealStatus.RETURNED,
                       relayer_role=relayer.role if relayer else None, relayer_name=relayer.name if relayer else None)
    tell_holders(session, appeal, holders, card, now, sensitive)
    away = holders[0] if len(holders) == 1 and appeal.assignee_staff_id == holders[0].id else None
    if away is not None and away.role in GRID_TEAM and not duty.duty_of(away, now).on_duty:
        tell_holders(session, appeal, _stand_ins_for(session, appeal, away, now),
                     replace(card, away=away.name), now, sensitive)
    # Nobody of its grid at work (the 派单 card went to the operators standing in): they hear it, to 改派 it.
    tell_holders(session, appeal, dispatch.away_stand_ins(session, appeal, now), replace(card, grid_away=True), now,
                 sensitive)
    return Chase(appeal, True, sent_before + 1)


def _card_is_new(session: Session, appeal: Appeal, now: datetime) -> bool:
    """Whether the appeal's new-appeal card is still going out (placed, not yet dispatched) or went out within
    JUST_FILED."""
    if appeal.status == AppealStatus.SUBMITTED:
        return True  # the worker's dispatch round sends its card next: a 催办 now would come before it
    sent = session.scalar(select(func.max(AppealEvent.at)).where(AppealEvent.appeal_id == appeal.id,
                                                                 AppealEvent.action == Action.DISPATCHED))
    return (sent or appeal.created_at) > now - JUST_FILED


def _keep_early(session: Session, resident_id: int, appeal: Appeal, words: str | None, now: datetime) -> None:
    """Keep a 催办 made minutes after filing on the appeal's record, once: a flood of them is one line."""
    kept = session.scalar(select(AppealEvent.id).where(AppealEvent.appeal_id == appeal.id,
                                                       AppealEvent.action == Action.CHASED_EARLY).limit(1))
    if kept is None:
        record(session, appeal.id, now, Action.CHASED_EARLY, None, None, actor_id=resident_id,
               note=words[:WORDS_KEPT] if words else None, internal=True)


def _stand_ins_for(session: Session, appeal: Appeal, away: Staff, now: datetime) -> Sequence[Staff]:
    """Who may 改派 the appeal while its holder is on leave: the grid's 网格长 on duty, else the community's
    operators."""
    leaders = duty.at_work([person for person in grid_leaders(session, appeal.grid_id)
                            if person.openid and person.id != away.id], now)
    return leaders or [person for person in community_operators(session, appeal.grid_id) if person.openid]


# A returned (退回) appeal too: its 督办 presses the community's operators, who must route it again.
SUPERVISABLE = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED)


def supervise(session: Session, by: Manager, ticket: str, words: str, now: datetime) -> Sequence[Staff]:
    """督办 by hand: `by`, who manages the appeal, presses whoever holds it (its assignee, else who may claim it;
    given back, the community's operators) in
    their words, at most once an hour an appeal (Repeated within it); returns who was told. What a private appeal
    says is not repeated: only `by`'s words go."""
    appeal = find(session, ticket)
    refuse_unplaced(session, appeal)
    if not staff.manages_grid(session, by, appeal.grid_id):
        raise NotAllowed("not_your_task")
    if appeal.status not in SUPERVISABLE:
        raise wrong_state(session, appeal)
    hold(session, appeal)  # two supervisors (or console tabs) at once: the second finds the first's 督办
    latest = session.scalar(select(func.max(AppealEvent.at)).where(AppealEvent.appeal_id == appeal.id,
                                                                  AppealEvent.action == Action.SUPERVISED))
    if latest is not None and latest > now - CHASE_EVERY:
        raise Repeated(latest)
    holders = [holder for holder in holders_of(session, appeal) if holder.id != staff_id_of(by) and holder.openid]
    returned = appeal.status == AppealStatus.RETURNED
    if not holders:
        raise NotAllowed("nobody_routes" if returned else "nobody_holds")
    record(session, appeal.id, now, Action.SUPERVISED, None, None, actor=actor_of(by), note=words, internal=True)
    notice = StaffSupervised(ticket=appeal.ticket, by=name_of(by), words=words,
                             claimed=claimed(appeal), returned=returned)
    for holder in holders:
        tell(session, holder.openid, notice, now, appeal=appeal)
    return holders


_ASSIGNABLE = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED)


def claimed(appeal: Appeal) -> bool:
    """Whether someone has claimed (接单) the appeal: a member 派单 or 改派 gave it to has not until they do."""
    return appeal.status in (AppealStatus.ACCEPTED, AppealStatus.PAUSED)


def _chases(session: Session, appeal_id: int) -> int:
    return session.scalar(select(func.count(AppealEvent.id)).where(AppealEvent.appeal_id == appeal_id,
                                                                   AppealEvent.action == Action.CHASED)) or 0


def holders_of(session: Session, appeal: Appeal) -> Sequence[Staff]:
    """Who holds an open appeal now: its assignee (also the member 派单 or 改派 gave it to, before they claim it:
    nobody else of the grid may), its department or grid team while unclaimed, the operators when returned (the
    street's when its community has none bound, as the 退回 went to them);
    nobody while it waits for an address."""
    if appeal.status in _ASSIGNABLE and appeal.assignee_staff_id is not None:
        return [session.get_one(Staff, appeal.assignee_staff_id)]
    if appeal.status == AppealStatus.RETURNED:  # whom its 退回 went to (storage.tasks.return_receivers)
        return community_operators(session, appeal.grid_id) or street_operators(session, appeal.grid_id)
    if appeal.status not in (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED) or appeal.grid_id is None:
        return []  # held for an address: nobody has it yet
    about = complaints.accused(session, appeal.id)
    if about is not None:
        return complaints.handlers(session, appeal, about)
    if appeal.department is not None:
        return unit_reach.officers(session, appeal.department, appeal.grid_id)
    return session.scalars(
        select(Staff).where(Staff.grid_id == appeal.grid_id, Staff.role.in_(GRID_TEAM), Staff.active.is_(True))
        .order_by(Staff.id)
    ).all()


def tell_holders(session: Session, appeal: Appeal, holders: Sequence[Staff], notice: StaffNotice, now: datetime,
                 sensitive: Collection[str]) -> None:
    """Tell each holder `notice`; one who may not read the appeal (`staff.can_read`) gets it withheld."""
    readable = staff.readable(session, appeal, sensitive)
    hidden = withheld(notice)
    for holder in holders:
        tell(session, holder.openid, notice if staff.can_read(holder, readable) else hidden, now, appeal=appeal)
