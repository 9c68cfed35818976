"""督着办: a periodic sweep reminds people before deadlines and escalates what stalls.

Every timer is a column of the appeal (and its audit trail), so any worker, after any restart, finds what is
due; every 10 seconds the worker's schedule asks `due` which appeals have something due, on a read-only session,
and only when some have runs `sweep` for them in a transaction of its own: looking through every open appeal
inside SQLite's write lock held the webhook up for 60-150 ms each time with 3,000 open (one lock for all writers).
Both find their work through the read model's `unclaimed` and `overdue` (storage.queries), the lists a console
page shows, and decide with the same rules (`_response_steps`, `_completion_step`); the sweep decides again on what
it reads itself, so what changed in between is never acted on.

Response clock (status `dispatched`, nobody has claimed yet):
- It starts when the appeal (re-)entered `dispatched`. Its deadline is `response_due_at`; after a 转办 the
  department gets its own `response_hours` from the transfer (in the category's time), because the original
  deadline has long passed. Dispatched more than `LATE_DISPATCH` after its clock started (a worker down for hours,
  its queue drained later), `response_due_at` counts from the dispatch, when the card could first reach anyone:
  the card does not arrive with its 督办; the rates keep the deadline from filing (storage.appeals.dispatch_clock).
- At 75 % of the time to the deadline (in the category's time), one `staff_reminder` to whoever may claim: the
  pre-assigned member in 派单, the department's staff after 转办, otherwise the grid's members and leader (the
  leader not once the unclaimed escalation below has told them, as it has by then unless `unclaimed_after` is set
  longer).
- Unclaimed for `unclaimed_after` (in the category's time), or past the deadline: escalation to level 1 (the
  grid's 网格长), reason "unclaimed" or "response_overdue". Still unclaimed, it climbs one level more for each further full
  `response_hours` past the deadline (in the category's time): 2 the community's operators, 3 the street's,
  reason "response_overdue". A claim brings it back to level 1 at most: the completion clock climbs from there.

Completion clock (status `accepted`; a paused appeal is skipped: its clock stands still and 恢复 moves
`resolve_due_at` by the pause):
- It runs `resolve_hours` up to `resolve_due_at`. At 75 % of it (in the category's time: a task due just after a
  holiday is reminded of before the holiday), one `staff_reminder` to the assignee.
- Past the deadline the appeal climbs one level, and one more for each further full `resolve_hours` overdue
  (after the latest 接单 or 不满意 reopening, when that came after the deadline; working time for a category
  counting working days), the levels counted from the latest 接单: 1 网格长,
  2 the community's operators, 3 the street's operators (operators bound to no community). Never beyond 3. An
  appeal escalated for being unclaimed climbs from level 1.

A reminder is sent before its deadline only, once per clock: the sweep that sets `*_reminded_at` (where it
was still NULL) sends it. An escalation is a compare-and-set on `escalation_level`, straight to the level due
at `now`: after a worker outage of hours an appeal lands at once where its clock says, not one level per 10-second
sweep with a notice at each; two workers sweeping at once escalate once. Each level crossed is an internal
`escalated` audit event by the system, note "level N"; one `staff_escalated` notice, of the level reached, goes to
the assignee and the people of each level crossed, each once (a level nobody is bound
for passes the notice on to the next one up; the top level, to the nearest one below; with nobody bound at any
level, an unclaimed appeal's goes to who may claim it).

An emergency (紧急, see storage.emergencies) runs the response clock in minutes and, unclaimed, climbs its own
ladder until somebody claims it: level 1 (the grid's 网格长) at its deadline, 2 (the community's operators, who
had its card from the start) one response time later, 3 (the street's) one more later. Each level crossed is an
`escalated` event, note "level N (emergency unclaimed)"; its `staff_emergency_unclaimed` notice says what, where,
since when and what to do, and reaches each person once (a level with nobody bound passes it on as above, and
who heard of it at a lower level is not told again).

Leave (请假, storage.duty): a 网格长 on leave is passed over at level 1 while another is at work, and a level 1 of
网格长 all on leave passes to the operators (whose leave stops only their daily summary); the response reminder goes
to those at work as the card did (抢单: `dispatch.present`; 派单: the team at work). A 派单 task whose grid's
members and 网格长 are all on leave went to the community's operators (OPERATOR_AWAY_CARD): its reminder and every
督办 reach them, asking them to 改派 it (`grid_away`), not to chase a grid nobody of which is at work. An
emergency's ladder reaches everyone, on leave or not, as its card did.

Every reminder and 督办 says what (category and the start of the words), where (the place), since when (filed)
and, in its wording, what to do: 接单 while nobody has it, 办结 for its holder, for a supervisor to contact the
holder (or the member 派单 or 改派 gave it to, who has not claimed it yet). A reminder of the response clock
goes to members who may not read a private appeal: it names the category and the grid only.

A pause (status `paused`) stops the completion clock, but not for ever unnoticed: paused for as long as the whole
completion time (`resolve_hours`, in the category's time), one `staff_reminder` (clock "paused", `due_at` the
moment it was paused) to its holder and the grid's 网格长 (the community's operators when it has none) asks them
to 恢复 it or tell the resident what it waits for. Once per pause: the internal `reminded` event, note "paused",
after the pause began says it was sent.

A held appeal (status `awaiting_address`: its resident bound no address) waits for them alone: HELD_REMINDED_AFTER
after filing, still held, its resident gets one `resident_address_wanted` asking them to 绑定 (or 撤销 it). Once:
the internal `reminded` event, note "address", says it was sent. Still held HELD_LAPSES_AFTER after filing, it
lapses: closed (status `cancelled`) by the system with a `lapsed` event (note: the days it waited), and its
resident told once (`resident_held_lapsed`): a problem still there a month on is told again after 绑定, not
handed to a grid from a message nobody could act on, nor asked about when they come back a year later. An
emergency held for an address too: every operator was told of it at once, and none can claim it while it is held.

Re-routing clock (status `returned`, a grid or unit gave it back, 退回): the community's operators were told at
once and must 改派 or 转办 it. Still returned `response_hours` after the 退回 (the time to claim it, which is
what it waits for again; in the category's time; an emergency's `response_minutes`), it escalates once, to level 3: a `staff_escalated` notice, reason "returned_waiting", to
the community's operators and the street's. 改派 and 转办 start a fresh response clock from level 0.

A task card whose send was cut off (outcome unknown, see storage.outbox) may never have arrived, and in 派单 it
was the only one: `report_lost_cards` records it on the appeal and, while the appeal still waits for a claim,
tells the grid's 网格长 at work (the community's operators when the card was the 网格长's, or the grid has none bound
or none at work).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, Sequence

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage import complaints, dispatch, duty, emergencies, org, outbox, queries, unit_reach, workdays
from storage.appeals import Action, clock_of, record, transition
from storage.errors import IllegalTransition
from storage.models import (
    TRANSFER_UNITS,
    Appeal,
    AppealEvent,
    AppealStatus,
    DispatchMode,
    Grid,
    Staff,
    StaffRole,
)
from storage.notices import (
    ResidentAddressWanted,
    ResidentHeldLapsed,
    StaffCardLost,
    StaffEscalated,
    StaffNewAppeal,
    StaffReminder,
)
from storage.staff import grid_leaders, hold_grid_teams, hold_operators, street_operators
from storage.tasks import operators
from storage.telling import deferred, tell, tell_resident

log = logging.getLogger(__name__)
DEFAULT_UNCLAIMED_AFTER = timedelta(minutes=30)
REMIND_AT = 0.75  # of a clock's time
TOP_LEVEL = 3
EMERGENCY_ESCALATION_NOTE = "level {level} (emergency unclaimed)"
_EMERGENCY_NOTE = re.compile(r"level (\d) \(emergency unclaimed\)")


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did."""

    reminders: int = 0
    escalations: int = 0
    lapsed: int = 0  # held appeals closed for the address their residents never gave


def due(session: Session, now: datetime, unclaimed_after: timedelta = DEFAULT_UNCLAIMED_AFTER) -> frozenset[int]:
    """The appeals with a reminder or an escalation due at `now`: what `sweep` would act on. Reads only."""
    found = {waiting.appeal.id for waiting in _waiting(session, now)
             if any(_response_steps(waiting, now, unclaimed_after))}
    working = _working(session, now)
    done = _completion_steps_done(session, _past_due(working, now))
    found |= {appeal.id for appeal in _returned_waiting(session, now)}
    found |= {appeal.id for appeal in _paused_too_long(session, now)}
    found |= {appeal.id for appeal in _held_too_long(session, now)}
    found |= {appeal.id for appeal in _held_lapsing(session, now)}
    return frozenset(found | {appeal.id for appeal in working if _completion_step(appeal, done[appeal.id], now)})


def sweep(session: Session, now: datetime, unclaimed_after: timedelta = DEFAULT_UNCLAIMED_AFTER,
          only: Collection[int] | None = None) -> SweepReport:
    """Send the reminders and make the escalations that are due at `now`, in the caller's transaction; `only`:
    look at these appeals alone (those `due` found), not at every open one.

    The notices are written together at the end (telling.deferred), their recipients' digests locked in one order:
    a sweep and a dispatch chunk telling the same 网格长 never deadlock on PostgreSQL. The operators, grid members and
    网格长 it may tell are share-locked first (storage.staff.hold_operators, hold_grid_teams): one disabled or moved
    meanwhile is not sent its reminder or 督办.
    """
    hold_operators(session, only)
    hold_grid_teams(session, only)
    with deferred(session):
        return _sweep(session, now, unclaimed_after, only)


def _sweep(session: Session, now: datetime, unclaimed_after: timedelta, only: Collection[int] | None) -> SweepReport:
    reminders = escalations = 0
    for waiting in _waiting(session, now, only):
        reminded, escalated = _response_clock(session, waiting, now, unclaimed_after)
        reminders, escalations = reminders + reminded, escalations + escalated
    working = _working(session, now, only)
    done = _completion_steps_done(session, _past_due(working, now))
    for appeal in working:
        reminded, escalated = _completion_clock(session, appeal, done[appeal.id], now)
        reminders, escalations = reminders + reminded, escalations + escalated
    for appeal in _returned_waiting(session, now, only):
        escalations += _escalate_returned(session, appeal, now)
    for appeal in _paused_too_long(session, now, only):
        reminders += _remind_paused(session, appeal, now)
    lapsed = sum(_lapse_held(session, appeal, now) for appeal in _held_lapsing(session, now, only))
    for appeal in _held_too_long(session, now, only):  # after the lapses: none is asked for what just closed
        reminders += _remind_held(session, appeal, now)
    return SweepReport(reminders, escalations, lapsed)


HELD_REMINDED_AFTER = timedelta(hours=24)
HELD_NOTE = "address"


def _held_too_long(session: Session, now: datetime, only: Collection[int] | None = None) -> Sequence[Appeal]:
    """Appeals held HELD_REMINDED_AFTER or longer for their resident's address, the resident not reminded yet
    (among `only`, when given), by id."""
    reminded = select(AppealEvent.id).where(AppealEvent.appeal_id == Appeal.id, AppealEvent.action == Action.REMINDED,
                                            AppealEvent.note == HELD_NOTE).exists()
    return session.scalars(select(Appeal).where(_among(
        (Appeal.status == AppealStatus.AWAITING_ADDRESS) & (Appeal.created_at <= now - HELD_REMINDED_AFTER)
        & ~reminded, only)).order_by(Appeal.id)).all()


def _remind_held(session: Session, appeal: Appeal, now: datetime) -> int:
    """Ask the resident, once, for the address their held appeal waits for."""
    marked = session.execute(  # the compare-and-set two sweeps race on
        update(Appeal).where(Appeal.id == appeal.id, Appeal.status == AppealStatus.AWAITING_ADDRESS,
                             Appeal.updated_at == appeal.updated_at).values(updated_at=now)
    ).rowcount
    if marked != 1:
        return 0
    record(session, appeal.id, now, Action.REMINDED, None, None, note=HELD_NOTE, internal=True)
    tell_resident(session, appeal, ResidentAddressWanted(ticket=appeal.ticket), now)
    return 1


HELD_LAPSES_AFTER = timedelta(days=30)


def _held_lapsing(session: Session, now: datetime, only: Collection[int] | None = None) -> Sequence[Appeal]:
    """Appeals held HELD_LAPSES_AFTER or longer for their resident's address (among `only`, when given), by id."""
    return session.scalars(select(Appeal).where(_among(
        (Appeal.status == AppealStatus.AWAITING_ADDRESS) & (Appeal.created_at <= now - HELD_LAPSES_AFTER), only,
    )).order_by(Appeal.id)).all()


def _lapse_held(session: Session, appeal: Appeal, now: datetime) -> int:
    """Close, once, an appeal its resident never gave the address for, and tell them how to report it again."""
    days = (now - appeal.created_at).days
    try:  # the compare-and-set a 绑定 at this moment races on: it submits the appeal, or this closes it
        transition(session, appeal, AppealStatus.AWAITING_ADDRESS, AppealStatus.CANCELLED, now)
    except IllegalTransition:
        return 0
    record(session, appeal.id, now, Action.LAPSED, AppealStatus.AWAITING_ADDRESS, AppealStatus.CANCELLED,
           note=str(days))
    tell_resident(session, appeal, ResidentHeldLapsed(ticket=appeal.ticket, days=days), now)
    return 1


PAUSED_NOTE = "paused"


def _paused_too_long(session: Session, now: datetime, only: Collection[int] | None = None) -> list[Appeal]:
    """Appeals paused for their whole completion time or longer whose holder was not reminded of this pause yet
    (among `only`, when given), by id."""
    reminded = select(AppealEvent.id).where(AppealEvent.appeal_id == Appeal.id,
                                            AppealEvent.action == Action.REMINDED, AppealEvent.note == PAUSED_NOTE,
                                            AppealEvent.at >= Appeal.paused_at).exists()
    paused = session.scalars(select(Appeal).where(
        _among((Appeal.status == AppealStatus.PAUSED) & Appeal.paused_at.is_not(None) & ~reminded, only),
    ).order_by(Appeal.id)).all()
    # Few at any time: the time paused is reckoned here, on the category's clock, not in SQL.
    return [appeal for appeal in paused if appeal.paused_at is not None
            and clock_of(appeal).elapsed(appeal.paused_at, now) >= timedelta(hours=appeal.resolve_hours)]


def _remind_paused(session: Session, appeal: Appeal, now: datetime) -> int:
    """Remind the holder of a long pause, and the 网格长 (else the community's operators) who oversees them."""
    paused_at = appeal.paused_at
    assert paused_at is not None  # _paused_too_long chose it for being paused
    marked = session.execute(  # the compare-and-set two sweeps race on: only one of them finds it still paused so
        update(Appeal).where(Appeal.id == appeal.id, Appeal.status == AppealStatus.PAUSED,
                             Appeal.paused_at == paused_at, Appeal.updated_at == appeal.updated_at)
        .values(updated_at=now)
    ).rowcount
    if marked != 1:
        return 0
    record(session, appeal.id, now, Action.REMINDED, None, None, note=PAUSED_NOTE, internal=True)
    holder = _assignee(session, appeal)
    told = {person.openid: person for person in [*([holder] if holder else []), *_supervisors(session, appeal, 1, now)]
            if person.openid}
    about = _about(session, appeal, readable=True)
    for openid in told:
        tell(session, openid, StaffReminder(ticket=appeal.ticket, due_at=paused_at, clock=PAUSED_NOTE, **about), now,
             appeal=appeal)
    return 1


def _returned_waiting(session: Session, now: datetime, only: Collection[int] | None = None) -> list[Appeal]:
    """Appeals given back (退回) `response_hours` ago or more and not re-routed, not yet escalated for it (among
    `only`, when given), by id."""
    rows = session.execute(select(Appeal, queries.returned_since()).where(
        _among((Appeal.status == AppealStatus.RETURNED) & (Appeal.escalation_level < TOP_LEVEL), only),
    ).order_by(Appeal.id)).all()
    # Few at any time (each one is an operator's to route): the deadline is reckoned here, as the lists reckon it.
    return [appeal for appeal, at in rows if now >= queries.returned_due(appeal, at)]


def _escalate_returned(session: Session, appeal: Appeal, now: datetime) -> int:
    """督办 of an appeal nobody re-routed after its 退回: the community's operators and the street's are told, once."""
    moved = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == AppealStatus.RETURNED,
               Appeal.escalation_level == appeal.escalation_level)
        .values(escalation_level=TOP_LEVEL, escalated_at=now)
    ).rowcount
    if moved != 1:
        return 0  # another sweep escalated it first, or it was re-routed meanwhile
    record(session, appeal.id, now, Action.ESCALATED, None, None, note=f"level {TOP_LEVEL}", internal=True)
    about_whom = complaints.accused(session, appeal.id) or frozenset()  # a complaint never reaches its subject
    told = {person.openid: person for person in [*operators(session, appeal), *_rung(session, appeal, TOP_LEVEL)]
            if person.openid and person.id not in about_whom}
    if not told:
        log.warning("appeal %s given back and not re-routed: nobody bound to tell", appeal.ticket)
    about = _about(session, appeal, readable=True)
    for openid, person in told.items():
        overseer = person.role in (StaffRole.GRID_LEADER, StaffRole.OPERATOR)
        tell(session, openid, StaffEscalated(ticket=appeal.ticket, level=TOP_LEVEL, reason="returned_waiting",
                                             yours=False, operator=True, overseer=overseer, **about), now,
             appeal=appeal)
    return 1


def _past_due(working: Sequence[Appeal], now: datetime) -> list[int]:
    return [appeal.id for appeal in working if appeal.resolve_due_at and appeal.resolve_due_at <= now]


def report_lost_cards(session: Session, abandoned: Sequence[outbox.Abandoned], now: datetime) -> int:
    """Record each task card among `abandoned` on its appeal and tell the holder's supervisor; returns how many.

    Call in the transaction of outbox.settle_abandoned, which returns each row once: the notice goes out once.
    """
    lost = [row for row in abandoned if row.template == StaffNewAppeal.name and row.appeal_id is not None]
    for row in lost:
        appeal = session.get_one(Appeal, row.appeal_id)
        holder = session.scalars(select(Staff).where(Staff.openid == row.recipient_openid)).first()
        name = holder.name if holder is not None else "工作人员"
        record(session, appeal.id, now, Action.CARD_LOST, None, None, note=name, internal=True)
        if appeal.status != AppealStatus.DISPATCHED:
            continue  # claimed (or otherwise moved on) meanwhile: the card no longer matters
        for openid in _card_supervisors(session, appeal, row.recipient_openid, now):
            tell(session, openid, StaffCardLost(ticket=appeal.ticket, holder=name), now, appeal=appeal)
    return len(lost)


def _card_supervisors(session: Session, appeal: Appeal, holder_openid: str, now: datetime) -> list[str]:
    """The grid's 网格长 at work other than the holder; else the community's operators; else a 网格长 on leave."""
    leaders = _rung(session, appeal, 1)
    for people in (duty.at_work(leaders, now), operators(session, appeal), leaders):
        openids = [person.openid for person in people if person.openid and person.openid != holder_openid]
        if openids:
            return openids
    log.warning("appeal %s: a task card may not have arrived and nobody is bound to tell", appeal.ticket)
    return []


def _waiting(session: Session, now: datetime, only: Collection[int] | None = None) -> list[queries.Unclaimed]:
    """Unclaimed appeals with a reminder or an escalation still ahead (among `only`, when given)."""
    may_remind = Appeal.response_reminded_at.is_(None) & (
        Appeal.department.is_not(None) | (Appeal.response_due_at > now)
    )
    may_climb = (Appeal.escalation_level < TOP_LEVEL) & (Appeal.response_due_at <= now)
    return queries.unclaimed(session, where=_among(or_(Appeal.escalation_level == 0, may_remind, may_climb), only))


def emergency_note_level(note: str) -> int | None:
    """The level an unclaimed emergency's `escalated` event (EMERGENCY_ESCALATION_NOTE) records; None for another
    note."""
    match = _EMERGENCY_NOTE.fullmatch(note)
    return int(match.group(1)) if match else None


def _among(where: ColumnElement[bool], only: Collection[int] | None) -> ColumnElement[bool]:
    """`where`, and the appeal one of `only` when given."""
    return where if only is None else where & Appeal.id.in_(only)


def _response_steps(waiting: queries.Unclaimed, now: datetime, unclaimed_after: timedelta) -> tuple[str | None, bool]:
    """What the response clock asks for at `now`: the escalation's reason ("emergency" for an emergency's) or None,
    and whether to remind."""
    appeal, since, due = waiting.appeal, waiting.since, waiting.due
    if due is None:
        return None, False
    escalation = None
    if appeal.emergency is not None:  # its own ladder, in minutes (_escalate_emergency)
        escalation = "emergency" if appeal.escalation_level < _emergency_level(appeal, due, now) else None
    elif appeal.escalation_level < _response_level(appeal, since, due, now, unclaimed_after):
        escalation = "response_overdue" if now >= due else "unclaimed"
    # In the category's time (an emergency's minutes run every minute): not on the Sunday before a Monday deadline.
    clock = workdays.HOURS if appeal.response_minutes is not None else clock_of(appeal)
    remind = (appeal.response_reminded_at is None and now < due
              and clock.elapsed(since, now) >= clock.elapsed(since, due) * REMIND_AT)
    return escalation, remind


def _response_level(appeal: Appeal, since: datetime, due: datetime, now: datetime, unclaimed_after: timedelta) -> int:
    """The level an unclaimed appeal should have reached at `now`: 1 once unclaimed for `unclaimed_after` or past
    its deadline, one more for each further full response period past it (never beyond TOP_LEVEL)."""
    if now < due:
        # In the category's time, as the deadline: a working-day appeal filed on a Saturday is not 督办'd that day.
        clock = workdays.HOURS if appeal.response_minutes is not None else clock_of(appeal)
        return 1 if clock.elapsed(since, now) >= unclaimed_after else 0
    period = timedelta(hours=appeal.response_hours)
    return min(TOP_LEVEL, 1 + int(clock_of(appeal).elapsed(due, now) / period)) if period else 1


def _emergency_level(appeal: Appeal, due: datetime, now: datetime) -> int:
    """The level an unclaimed emergency should have reached at `now`: 1 at its deadline, one more for each further
    full response time (its minutes, which run every minute) past it (never beyond TOP_LEVEL)."""
    if now < due:
        return 0
    period = timedelta(minutes=appeal.response_minutes or 0) or timedelta(hours=appeal.response_hours)
    return min(TOP_LEVEL, 1 + int((now - due) / period)) if period else 1


def _response_clock(session: Session, waiting: queries.Unclaimed, now: datetime,
                    unclaimed_after: timedelta) -> tuple[int, int]:
    appeal = waiting.appeal
    escalation, remind = _response_steps(waiting, now, unclaimed_after)
    escalated = 0
    if escalation == "emergency":
        escalated = _escalate_emergency(session, appeal, now, _emergency_level(appeal, waiting.due, now))  # type: ignore[arg-type]
    elif escalation is not None:
        level = _response_level(appeal, waiting.since, waiting.due, now, unclaimed_after)  # type: ignore[arg-type]
        escalated = _escalate(session, appeal, AppealStatus.DISPATCHED, now, escalation, level)
    reminded = 0
    if remind:
        # The 网格长 hears of an appeal unclaimed for `unclaimed_after` by its 督办, due by now: not a reminder of
        # the same appeal an hour later (decided by the clock, not by who won the 督办's race between two sweeps).
        # An emergency has no such 督办 before its deadline: its leader is reminded with the grid.
        leaders_told = appeal.emergency is None and now >= waiting.since + unclaimed_after
        told = [person for person in _claimants(session, appeal, now)
                if not (leaders_told and person.role == StaffRole.GRID_LEADER)]
        # The operators holding the card of a grid all on leave are asked to 改派 it, not to 接单.
        standing_in = {person.id for person in dispatch.away_stand_ins(session, appeal, now)}
        away = bool(told) and all(person.id in standing_in for person in told)
        reminded = _remind(session, appeal, AppealStatus.DISPATCHED, Appeal.response_reminded_at,
                           waiting.due, now, told, "response", away)  # type: ignore[arg-type]
    return reminded, escalated


def _working(session: Session, now: datetime, only: Collection[int] | None = None) -> list[Appeal]:
    """Accepted appeals whose reminder is due or that are overdue below the top level (among `only`, when given),
    by id."""
    late = queries.overdue(session, now, clocks=(queries.Clock.RESOLVE,),
                           where=_among(Appeal.escalation_level < TOP_LEVEL, only))
    return sorted([row.appeal for row in late] + list(_resolve_reminder_due(session, now, only)), key=lambda a: a.id)


def _resolve_reminder_due(session: Session, now: datetime, only: Collection[int] | None) -> Sequence[Appeal]:
    """Accepted appeals not yet reminded, three quarters or more into their completion time."""
    limits = session.execute(
        select(Appeal.resolve_hours, Appeal.working_days).where(Appeal.status == AppealStatus.ACCEPTED,
                                                                Appeal.resolve_reminded_at.is_(None)).distinct()
    ).all()
    # One condition per time limit and clock in use (the categories have a handful): SQL can't scale an interval
    # portably, nor count working days.
    reminder_due = or_(false(), *(
        (Appeal.resolve_hours == h) & Appeal.working_days.is_(working_days)
        & (Appeal.resolve_due_at <= workdays.clock(bool(working_days)).reach(now, timedelta(hours=h) * (1 - REMIND_AT)))
        for h, working_days in limits
    ))
    return session.scalars(
        select(Appeal)
        .where(
            Appeal.status == AppealStatus.ACCEPTED,
            Appeal.paused_at.is_(None),
            Appeal.resolve_due_at.is_not(None),
            Appeal.resolve_reminded_at.is_(None),
            Appeal.resolve_due_at > now,
            _among(reminder_due, only),
        )
        .order_by(Appeal.id)
    ).all()


@dataclass(frozen=True)
class _Climb:
    """Where an accepted appeal's completion clock stands: escalations since it (re)started, and when it did."""

    steps: int = 0
    since: datetime | None = None  # the latest 接单, or 不满意 reopening it


_RESTARTS = (Action.ACCEPTED, Action.REOPENED)


def _completion_steps_done(session: Session, appeal_ids: list[int]) -> dict[int, _Climb]:
    """Escalations each appeal had since its completion clock last started again: its latest 接单 (a transfer's new
    claim) or the resident's 不满意 reopening it."""
    done: dict[int, _Climb] = defaultdict(_Climb)
    if not appeal_ids:
        return done
    events = session.execute(
        select(AppealEvent.appeal_id, AppealEvent.action, AppealEvent.at)
        .where(AppealEvent.appeal_id.in_(appeal_ids), AppealEvent.action.in_((*_RESTARTS, Action.ESCALATED)))
        .order_by(AppealEvent.id)
    ).all()
    for appeal_id, action, at in events:
        climb = done[appeal_id]
        done[appeal_id] = _Climb(0, at) if action in _RESTARTS else _Climb(climb.steps + 1, climb.since)
    return done


def _completion_step(appeal: Appeal, climb: _Climb, now: datetime) -> str | None:
    """What the completion clock asks for at `now`: "remind", "escalate" or None."""
    due: datetime = appeal.resolve_due_at  # type: ignore[assignment]
    period = timedelta(hours=appeal.resolve_hours)
    if now < due:
        # In the category's time: a working-day task due after a holiday is reminded of before it, not during it.
        if appeal.resolve_reminded_at is not None or clock_of(appeal).elapsed(now, due) > period * (1 - REMIND_AT):
            return None
        return "remind"
    if _completion_level(appeal, climb, now) <= appeal.escalation_level:
        return None
    return "escalate"


def _completion_level(appeal: Appeal, climb: _Climb, now: datetime) -> int:
    """The level an overdue accepted appeal should have reached at `now`: one above where its clock (re)started
    for each step due since then (never beyond TOP_LEVEL)."""
    due: datetime = appeal.resolve_due_at  # type: ignore[assignment]
    period = timedelta(hours=appeal.resolve_hours)
    # Counted from the latest 接单 or reopening when it came after the deadline: whoever took a long overdue task
    # over (a hand-over, a 改派), or has it back from a resident's 不满意, gets one 督办 now and the next a period
    # later, not every level in three sweeps.
    restarted = climb.since or appeal.accepted_at
    since = max(due, restarted) if restarted is not None else due
    # In the category's time: a working-day appeal climbs no level over a weekend or a holiday.
    steps_due = 1 + int(clock_of(appeal).elapsed(since, now) / period) if period else 1
    return min(TOP_LEVEL, appeal.escalation_level + max(0, steps_due - climb.steps))


def _completion_clock(session: Session, appeal: Appeal, climb: _Climb, now: datetime) -> tuple[int, int]:
    step = _completion_step(appeal, climb, now)
    if step == "remind":
        assignee = _assignee(session, appeal)
        people = [assignee] if assignee else []
        return _remind(session, appeal, AppealStatus.ACCEPTED, Appeal.resolve_reminded_at,
                       appeal.resolve_due_at, now, people, "resolve"), 0  # type: ignore[arg-type]
    if step == "escalate":
        level = _completion_level(appeal, climb, now)
        return 0, _escalate(session, appeal, AppealStatus.ACCEPTED, now, "resolve_overdue", level)
    return 0, 0


def _remind(session: Session, appeal: Appeal, status: AppealStatus, column: InstrumentedAttribute[Any],
            due: datetime, now: datetime, people: Sequence[Staff], clock: str, away: bool = False) -> int:
    marked = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == status, column.is_(None))
        .values({column: now})
    ).rowcount
    if marked != 1:
        return 0  # another sweep sent it, or the appeal moved on
    record(session, appeal.id, now, Action.REMINDED, None, None, note=clock, internal=True)
    about = _about(session, appeal, readable=clock == "resolve" or away)  # the response clock's may not read it
    for person in people:
        tell(session, person.openid, StaffReminder(ticket=appeal.ticket, due_at=due, clock=clock, grid_away=away,
                                                   **about), now, appeal=appeal)
    return 1


SNIPPET_LENGTH = 40


def _about(session: Session, appeal: Appeal, readable: bool) -> dict[str, Any]:
    """The fields of an `Overdue` notice: what, where, since when, and who holds it. An emergency's card gave its
    words and unit whole to all it reached, and so does this."""
    readable = readable or appeal.emergency is not None
    place = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[arg-type]
    holder = _assignee(session, appeal) if appeal.status != AppealStatus.DISPATCHED else None
    listed = appeal.listed_words
    words = listed if len(listed) <= SNIPPET_LENGTH else listed[:SNIPPET_LENGTH] + "…"
    return {
        "category": appeal.category,
        "subcategory": appeal.subcategory,
        "place": f"{place.grid_label} {place.home_label}".rstrip() if readable else place.grid_label,
        "content": words if readable else None,
        "filed_at": appeal.created_at,
        "holder": holder.name if holder else None,
        "holder_unit": holder.department if holder and holder.role in TRANSFER_UNITS else None,
        "emergency": appeal.emergency,
    }


def _escalate(session: Session, appeal: Appeal, status: AppealStatus, now: datetime, reason: str,
              level: int) -> int:
    """Raise the appeal straight to `level`, the one it is due for (after an outage, several above its own): each
    level crossed is recorded, and the holder and the people of every level crossed are told once, of `level`."""
    was = appeal.escalation_level
    if level <= was:
        return 0
    moved = session.execute(  # the compare-and-set two sweeps race on
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == status, Appeal.escalation_level == was)
        .values(escalation_level=level, escalated_at=now)
    ).rowcount
    if moved != 1:
        return 0  # another sweep escalated it first, or the appeal moved on
    for step in range(was + 1, level + 1):  # the completion clock counts its steps by these
        record(session, appeal.id, now, Action.ESCALATED, None, None, note=f"level {step}", internal=True)
    assignee = _assignee(session, appeal)
    people = ([assignee] if assignee else []) + [person for step in range(was + 1, level + 1)
                                                 for person in _supervisors(session, appeal, step, now)]
    claimants = not people and status == AppealStatus.DISPATCHED
    if claimants:  # no supervisor bound at any level: those who may claim it are chased themselves
        people = [person for person in _claimants(session, appeal, now) if person.openid]
    # The holder and the supervisors may read it; members who may claim it, as their reminder, may not a private one.
    about = _about(session, appeal, readable=not claimants)
    if status == AppealStatus.DISPATCHED:  # a department's or the property company's to claim: they chase it
        about["waiting_for"] = appeal.department
        if appeal.department is None and assignee is not None:  # a member's to claim (派单, 改派): they chase them
            about["given_to"] = assignee.name
            # On leave (改派 to them regardless, or 请假 after 派单): chasing them is no use, it wants 改派.
            about["given_to_away"] = not duty.duty_of(assignee, now).on_duty
        elif appeal.department is None and not dispatch.grid_staff(session, appeal.grid_id):
            about["unmanned"] = True  # nobody in the grid to chase: it must be 改派'd (storage.dispatch.stand_ins)
        elif dispatch.away_stand_ins(session, appeal, now):
            about["grid_away"] = True  # everyone of the grid on leave: nobody there to chase, it must be 改派'd
    told: dict[str, Staff] = {}
    for person in people:
        told.setdefault(person.openid, person)  # type: ignore[arg-type]
    for openid, person in told.items():
        yours = assignee is not None and openid == assignee.openid
        operator = person.role == StaffRole.OPERATOR  # who may not claim an ordinary task: they have it moved
        overseer = person.role in (StaffRole.GRID_LEADER, StaffRole.OPERATOR)
        tell(session, openid, StaffEscalated(ticket=appeal.ticket, level=level, reason=reason, yours=yours,
                                             operator=operator, overseer=overseer, **about), now, appeal=appeal)
    return 1


def _escalate_emergency(session: Session, appeal: Appeal, now: datetime, level: int) -> int:
    """Raise an unclaimed emergency to `level`: each level crossed recorded, its people told, none of them twice
    (whoever an earlier level reached, a level with nobody bound passing it on, is not told again)."""
    was = appeal.escalation_level
    if level <= was:
        return 0
    moved = session.execute(  # the compare-and-set two sweeps race on
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == AppealStatus.DISPATCHED, Appeal.escalation_level == was)
        .values(escalation_level=level, escalated_at=now)
    ).rowcount
    if moved != 1:
        return 0  # another sweep escalated it first, or somebody claimed it
    for step in range(was + 1, level + 1):
        record(session, appeal.id, now, Action.ESCALATED, None, None,
               note=EMERGENCY_ESCALATION_NOTE.format(level=step), internal=True)
    told_before = {person.openid for step in range(1, was + 1) for person in _supervisors(session, appeal, step)}
    notice = emergencies.unclaimed_notice(session, appeal, appeal.created_at, level)
    for step in range(was + 1, level + 1):
        for person in _supervisors(session, appeal, step):
            if person.openid not in told_before:
                told_before.add(person.openid)
                tell(session, person.openid, notice, now, appeal=appeal)  # type: ignore[arg-type]
    return 1


def reached(session: Session, appeal: Appeal) -> list[Staff]:
    """Whom the 督办 of an appeal still unclaimed has reached: the people of each level up to its own (an
    emergency's climb to the street's operators, who must hear what its resident adds as its grid does)."""
    if appeal.status != AppealStatus.DISPATCHED:
        return []
    found = {person.id: person for level in range(1, min(appeal.escalation_level, TOP_LEVEL) + 1)
             for person in _supervisors(session, appeal, level)}
    return list(found.values())


def _supervisors(session: Session, appeal: Appeal, level: int, now: datetime | None = None) -> Sequence[Staff]:
    """The people of `level`; when none of them is bound, those of the next level up; with nobody bound above
    either (a street whose operators are not bound yet), the nearest level below that has someone, rather than
    nobody. Never whom a complaint is about: a complaint about the 网格长 climbs past them. At `now`, a 网格长 on
    leave is passed over while another is at work, and a level of 网格长 all on leave passes to the operators (whose
    leave stops only their daily summary, storage.duty); only with nobody bound above do those on leave hear."""
    about = complaints.accused(session, appeal.id) or frozenset()
    rungs = [[person for person in _rung(session, appeal, rung) if person.openid and person.id not in about]
             for rung in [*range(level, TOP_LEVEL + 1), *range(level - 1, 0, -1)]]
    at_work = [[person for person in people if now is None or person.role != StaffRole.GRID_LEADER
                or duty.duty_of(person, now).on_duty] for people in rungs]
    for people in [*at_work, *rungs]:
        if people:
            return people
    log.warning("appeal %s escalated to level %s: nobody bound to tell", appeal.ticket, level)
    return []


def _rung(session: Session, appeal: Appeal, level: int) -> Sequence[Staff]:
    if level == 1:
        return grid_leaders(session, appeal.grid_id)
    if level == 2:
        return operators(session, appeal)
    return street_operators(session, appeal.grid_id)


def _claimants(session: Session, appeal: Appeal, now: datetime) -> Sequence[Staff]:
    """Who may 接单 the dispatched appeal: its pre-assigned member, its department, its grid, or, for a complaint
    about staff, its handlers (storage.complaints)."""
    assignee = _assignee(session, appeal)
    if assignee is not None:
        return [assignee]
    about = complaints.accused(session, appeal.id)
    if about is not None:
        return complaints.handlers(session, appeal, about)
    if appeal.department is not None:
        return unit_reach.officers(session, appeal.department, appeal.grid_id)
    team = dispatch.grid_staff(session, appeal.grid_id)
    if appeal.emergency is not None:  # an emergency reached, and reminds, everyone
        return team
    if _assigning(session, appeal):  # 派单: those at work, else the operators its card went to, to 改派 it
        return duty.at_work(team, now) or dispatch.away_stand_ins(
            session, appeal, now) or team
    return dispatch.present(team, now)  # those on leave left out as 抢单's cards leave them


def _assigning(session: Session, appeal: Appeal) -> bool:
    grid = session.get(Grid, appeal.grid_id) if appeal.grid_id is not None else None
    return grid is not None and grid.dispatch_mode == DispatchMode.ASSIGN


def _assignee(session: Session, appeal: Appeal) -> Staff | None:
    if appeal.assignee_staff_id is None:
        return None
    return session.get(Staff, appeal.assignee_staff_id)
