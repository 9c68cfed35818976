"""What staff do with an appeal: claim (接单), progress (进展), resolve (办结), return (退回), transfer (转办),
pause (挂起) and resume (恢复).

Each function is one state change: it checks the staff member may act, moves the appeal by compare-and-set,
writes the audit event and the outbox rows for the people who must hear of it, in the caller's transaction.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import complaints, dispatch, points_grants, residents, unit_reach
from storage.actors import ActorKind, Manager, actor_of, name_of, staff_id_of
from storage.appeals import (
    Action,
    chased_while_waiting,
    claim_due,
    hold,
    holder_before,
    record,
    refuse_unplaced,
    resolve_due_unpaused,
    response_due,
    tell_volunteer_resolved,
    transition,
    urgent_card_recipients,
    wrong_state,
)
from storage.errors import NotAllowed, NotFound, Repeated
from storage.models import (
    GRID_TEAM,
    TRANSFER_UNITS,
    Appeal,
    AppealEvent,
    AppealStatus,
    Community,
    ConsoleUser,
    Grid,
    OutboxMessage,
    OutboxStatus,
    Resident,
    Staff,
    StaffRole,
    Street,
)
from storage.notices import (
    ResidentAccepted,
    ResidentPaused,
    ResidentProgress,
    ResidentResolved,
    ResidentResumed,
    ResidentTransferred,
    StaffNewAppeal,
    StaffPausedByOther,
    StaffProgressByOther,
    StaffResolvedByOther,
    StaffResumedByOther,
    StaffReturned,
    StaffReturnedByOther,
    StaffTaken,
    StaffTransferredAway,
)
from storage.staff import community_operators, manages_grid, street_operators
from storage.telling import tell, tell_resident_and_followers

RATING_DIALOG = "rating"
RATING_WINDOW = timedelta(days=3)  # no answer by then counts as unrated, never as satisfied
RESULT_PHOTO_WINDOW = timedelta(minutes=30)
# The same 进展 from the same person within this is a resend (the network stalled, a second tap): told once.
REPEAT_WINDOW = timedelta(hours=1)
# 进展 notes an appeal's resident reads in an hour, whoever writes them (the chat's 进展, the console's 给居民留言):
# as many as a resident's 补充 reach its holders (storage.material.WORDS_PER_HOUR). Nobody working a task writes more;
# a stolen account or a stuck script would otherwise message the resident without end.
PROGRESS_PER_HOUR = 5
# 挂起 and 恢复 the resident (and who follows the appeal, and who claimed it when another made the change) hears of in
# an hour: two rounds of waiting for a part. The change itself always happens (a paused task must be resumable to be
# 办结'd); past this, a stolen account or a stuck script toggling it messages nobody, who read the state with 查询 (the
# holder in 我的任务) and hear the next change after the hour.
STATUS_TOLD_PER_HOUR = 4
STATUS_CHANGES = (str(Action.PAUSED), str(Action.RESUMED))
# 改派 and 转办 the resident hears of in an hour, by the same rule and count, apart from 挂起/恢复: a stolen account or
# two operators disagreeing move a task back and forth without end. The move itself always happens and its new
# holders always get the card (they must claim it); past this, the resident reads where it is with 查询.
MOVES = (str(Action.REASSIGNED), str(Action.TRANSFERRED))
WORKING = (AppealStatus.ACCEPTED, AppealStatus.PAUSED)


def claim(session: Session, member: Staff, ticket: str, now: datetime) -> Appeal:
    """接单: the first of the grid's members (or of the department it was transferred to) takes the task; a grid
    team member who takes it before the response deadline earns 积分 (storage/points_grants.py)."""
    appeal = held(session, ticket)
    # Then the member's row (after the appeal's, in the order the points grant and a rating take them): a member
    # gridbot staff disable or move has just changed is read as they are now, not left holding the task.
    session.execute(select(Staff.id).where(Staff.id == member.id).with_for_update())
    session.refresh(member)
    if not member.active:
        raise NotAllowed("not_your_grid")
    _require_status(session, appeal, AppealStatus.DISPATCHED)
    if filed_by(session, appeal, member):
        raise NotAllowed("own_appeal")
    about = complaints.accused(session, appeal.id)
    if about is not None:
        if member.id not in {person.id for person in complaints.handlers(session, appeal, about)}:
            raise NotAllowed("complaint_handlers_only")
    elif appeal.department is not None:
        if member.id not in {s.id for s in unit_reach.officers(session, appeal.department, appeal.grid_id)}:
            raise NotAllowed("not_your_department")  # another unit, or the same-named one of another place
    elif member.role in TRANSFER_UNITS:
        raise NotAllowed("not_transferred_to_you")  # the grid's team claims it; a unit, what is 转办'd to it
    elif member.role == StaffRole.OPERATOR and appeal.emergency is not None:
        # An emergency's card (and its 督办) asks the operators over the grid to claim it if nobody else can.
        placed_for = member.community_id is not None or (member.street_id is not None and appeal.grid_id is not None)
        if placed_for and not manages_grid(session, member, appeal.grid_id):
            raise NotAllowed("not_your_grid")
    elif member.role == StaffRole.OPERATOR and manages_grid(session, member, appeal.grid_id):
        raise NotAllowed("operator_routes")  # the grid claims an ordinary task; its operators 改派 or 转办 it
    elif member.role not in GRID_TEAM or member.grid_id != appeal.grid_id:
        raise NotAllowed("not_your_grid")
    elif appeal.assignee_staff_id not in (None, member.id) and member.role != StaffRole.GRID_LEADER:
        raise NotAllowed("assigned_to_other")  # 派单 chose someone else
    chosen = appeal.assignee_staff_id  # 派单's choice, or None: 抢单, everyone had the card
    chased = chased_while_waiting(session, appeal) if appeal.escalation_level > 0 else []
    # A task that climbed unclaimed to the community or the street starts its completion clock from the 网格长's
    # level (storage/supervision.py): at the top already, its holder would never hear of being late.
    transition(session, appeal, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, now,
               assignee_staff_id=member.id, accepted_at=now, escalation_level=min(appeal.escalation_level, 1))
    _record(session, appeal, now, Action.ACCEPTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, member,
            from_staff_id=holder_before(chosen))
    points_grants.claimed(session, appeal, member, now)
    accepted = ResidentAccepted(ticket=appeal.ticket, staff_name=member.name, work_phone=member.work_phone,
                                unit=member.department if member.role in TRANSFER_UNITS else None)
    tell_resident_and_followers(session, appeal, accepted, now)
    if chosen is None:
        told = _told_of_claim(session, appeal, member, now)
    else:  # the grid leader took the task 派单 gave a member, who had the only card and must not go on with it
        assigned = session.get_one(Staff, chosen)
        told = [assigned.openid] if assigned.id != member.id and assigned.openid else []
    told += [openid for openid in chased if openid != member.openid and openid not in told]
    for openid in told:
        tell(session, openid, StaffTaken(ticket=appeal.ticket, by=member.name), now, appeal=appeal)
    return appeal


def progress(session: Session, member: Manager, ticket: str, note: str, now: datetime) -> Appeal:
    """进展: a note the resident reads (and, without its words, who follows the appeal); the state does not change.
    A console operator's message to the resident is one too, told through the same channels."""
    appeal = _workable(session, member, ticket, WORKING)
    _refuse_a_repeat(session, appeal, member, note, now)
    written = session.scalar(select(func.count(AppealEvent.id)).where(
        AppealEvent.appeal_id == appeal.id, AppealEvent.action == str(Action.PROGRESS),
        AppealEvent.at > now - REPEAT_WINDOW)) or 0
    if written >= PROGRESS_PER_HOUR:
        raise NotAllowed("progress_too_often")
    _record(session, appeal, now, Action.PROGRESS, None, None, member, note)
    tell_resident_and_followers(session, appeal, ResidentProgress(ticket=appeal.ticket, note=note), now)
    holder = _other_holder(session, appeal, member)
    if holder is not None:  # what the resident was just told, so the one who claimed it does not contradict it
        tell(session, holder.openid, StaffProgressByOther(ticket=appeal.ticket, by=name_of(member), note=note), now,
             appeal=appeal)
    return appeal


def _refuse_a_repeat(session: Session, appeal: Appeal, member: Manager, note: str, now: datetime,
                     action: Action = Action.PROGRESS) -> None:
    """Raise Repeated when the member's latest 进展 (or other `action`) on the appeal, within REPEAT_WINDOW, had the
    same words."""
    actor = actor_of(member)
    latest = session.execute(select(AppealEvent.note, AppealEvent.at).where(
        AppealEvent.appeal_id == appeal.id, AppealEvent.action == str(action),
        AppealEvent.actor_kind == str(actor.kind), AppealEvent.actor_id == actor.id,
        AppealEvent.at > now - REPEAT_WINDOW,
    ).order_by(AppealEvent.id.desc()).limit(1)).first()
    if latest is not None and " ".join((latest.note or "").split()) == " ".join(note.split()):
        raise Repeated(latest.at)


def resolve(session: Session, member: Staff, ticket: str, note: str, now: datetime, photo: bool = False) -> Appeal:
    """办结: done, with what was done; the resident is told and asked to rate (`photo`: that a photo of the result
    comes with it); a grid team member earns 积分."""
    appeal = _workable(session, member, ticket, (AppealStatus.ACCEPTED,))
    transition(session, appeal, AppealStatus.ACCEPTED, AppealStatus.RESOLVED, now, resolved_at=now, resolution=note)
    _record(session, appeal, now, Action.RESOLVED, AppealStatus.ACCEPTED, AppealStatus.RESOLVED, member, note)
    points_grants.resolved(session, appeal, member, now)
    tell_volunteer_resolved(session, appeal, now)
    tell_resident_and_followers(session, appeal, ResidentResolved(ticket=appeal.ticket, note=note, photo=photo), now)
    holder = session.get(Staff, appeal.assignee_staff_id) if appeal.assignee_staff_id not in (None, member.id) else None
    if holder is not None and holder.openid:  # the one who claimed it may be on the way there
        tell(session, holder.openid, StaffResolvedByOther(ticket=appeal.ticket, by=member.name, note=note), now,
             appeal=appeal)
    if appeal.resident_id is not None:  # a staff report (上报) has nobody to rate it
        # The resident's next 1/2/3 within three days answers the rating question (storage/rating.py). A resident
        # in the middle of another dialogue (an address menu's "2") keeps it: their 1/2/3 after it still rates
        # (handlers/rating.py, answer_unasked).
        resident = session.get_one(Resident, appeal.resident_id)
        ongoing = residents.dialog_of(resident, now)
        if ongoing is None or ongoing.get("name") == RATING_DIALOG:
            state = {"name": RATING_DIALOG, "appeal_id": appeal.id, "ticket": appeal.ticket}
            residents.set_dialog(resident, state, now, ttl=RATING_WINDOW)
    return appeal


def pause(session: Session, member: Manager, ticket: str, reason: str, now: datetime) -> Appeal:
    """挂起: waiting for something outside the grid's hands; the completion clock stops. Never an emergency (火情,
    有人晕倒, …): its clock counts minutes and nobody waits for parts there; it is worked to 办结 or 转办."""
    appeal = _workable(session, member, ticket, (AppealStatus.ACCEPTED,))
    if appeal.emergency is not None:
        raise NotAllowed("emergency_not_pausable")
    transition(session, appeal, AppealStatus.ACCEPTED, AppealStatus.PAUSED, now, paused_at=now)
    told = told_within_the_hour(session, appeal, now)
    _record(session, appeal, now, Action.PAUSED, AppealStatus.ACCEPTED, AppealStatus.PAUSED, member, reason)
    if told:
        tell_resident_and_followers(session, appeal, ResidentPaused(ticket=appeal.ticket, reason=reason), now)
    holder = _other_holder(session, appeal, member) if told else None
    if holder is not None:  # the one who claimed it would find it paused only at their 办结
        tell(session, holder.openid, StaffPausedByOther(ticket=appeal.ticket, by=name_of(member), reason=reason), now,
             appeal=appeal)
    return appeal


def resume(session: Session, member: Manager, ticket: str, now: datetime) -> Appeal:
    """恢复: back to work; the completion deadline moves by the time spent paused (the working time, when the
    category counts working days)."""
    appeal = _workable(session, member, ticket, (AppealStatus.PAUSED,))
    transition(session, appeal, AppealStatus.PAUSED, AppealStatus.ACCEPTED, now, paused_at=None,
               resolve_due_at=resolve_due_unpaused(appeal, now))
    told = told_within_the_hour(session, appeal, now)
    _record(session, appeal, now, Action.RESUMED, AppealStatus.PAUSED, AppealStatus.ACCEPTED, member)
    if told:
        tell_resident_and_followers(session, appeal, ResidentResumed(ticket=appeal.ticket), now)
    holder = _other_holder(session, appeal, member) if told else None
    if holder is not None:  # their clock runs again
        tell(session, holder.openid, StaffResumedByOther(ticket=appeal.ticket, by=name_of(member),
                                                         due_at=appeal.resolve_due_at), now, appeal=appeal)
    return appeal


def told_within_the_hour(session: Session, appeal: Appeal, now: datetime,
                         changes: tuple[str, ...] = STATUS_CHANGES) -> bool:
    """Whether a change of the appeal made now, of the kind `changes` names (挂起 and 恢复, or MOVES: 改派 and 转办),
    may still be told to its resident (STATUS_TOLD_PER_HOUR of a kind in an hour); asked before it is recorded."""
    return _changes_in_hour_before(session, appeal.id, now, changes) < STATUS_TOLD_PER_HOUR


def _changes_in_hour_before(session: Session, appeal_id: int, at: datetime, changes: tuple[str, ...],
                            before_id: int | None = None) -> int:
    """Changes of the appeal of the kind `changes` names in the hour before `at` (and, given `before_id`, recorded
    before that event)."""
    query = select(func.count(AppealEvent.id)).where(
        AppealEvent.appeal_id == appeal_id, AppealEvent.action.in_(changes),
        AppealEvent.at > at - REPEAT_WINDOW)
    if before_id is not None:
        query = query.where(AppealEvent.id < before_id)
    return session.scalar(query) or 0


def latest_status_change_untold(session: Session, appeal: Appeal, changes: tuple[str, ...] = STATUS_CHANGES) -> bool:
    """Whether the resident was not told of the appeal's latest change of the kind `changes` names (挂起 or 恢复, or
    MOVES: 改派 or 转办), past STATUS_TOLD_PER_HOUR in its hour, for the reply to whoever made it."""
    latest = session.execute(select(AppealEvent.id, AppealEvent.at).where(
        AppealEvent.appeal_id == appeal.id, AppealEvent.action.in_(changes),
    ).order_by(AppealEvent.id.desc()).limit(1)).first()
    if latest is None:
        return False
    return _changes_in_hour_before(session, appeal.id, latest.at, changes, latest.id) >= STATUS_TOLD_PER_HOUR


def note(session: Session, member: Manager, ticket: str, text: str, now: datetime) -> Appeal:
    """备注: an internal note on an appeal for the staff and operators who handle it; the resident never reads it.
    Allowed to whoever may work the appeal (its assignee, its grid's leader, a console operator of its scope)."""
    appeal = _workable(session, member, ticket, tuple(AppealStatus))
    _refuse_a_repeat(session, appeal, member, text, now, Action.NOTED)  # a double click on the console's form
    _record(session, appeal, now, Action.NOTED, None, None, member, text, internal=True)
    return appeal


def transfer(session: Session, member: Manager, ticket: str, department: str, now: datetime,
             sensitive: Collection[str]) -> Appeal:
    """转办: hand the task to a department or the property company, whose staff claim it like a grid's (a console
    operator of the appeal's scope may, while it waits for a claim or is being worked on). Never a complaint about
    staff: only the accused's superiors handle it (storage.complaints). What a grid or unit gave back (退回) is
    transferred by those who route it again (an operator, or the grid's 网格长, as for 改派). `sensitive` names the
    private categories: their card shows the words and the unit only to whom may read the appeal."""
    appeal = _transferable(session, member, ticket)
    if complaints.accused(session, appeal.id) is not None:  # its card would reach a department, maybe the accused
        raise NotAllowed("complaint_not_transferable")
    department = _department_named(session, department, appeal.grid_id)
    if isinstance(member, Staff) and member.department == department:
        raise NotAllowed("own_department")  # it would only go back, unclaimed, to the sender's own colleagues
    if appeal.status == AppealStatus.DISPATCHED and appeal.department == department:
        raise NotAllowed("already_with_department")  # its cards and the resident's news would only go out again
    receivers = unit_reach.officers(session, department, appeal.grid_id, hold=True)
    if not receivers:
        raise NotAllowed("unknown_department")
    old, held = AppealStatus(appeal.status), holder_before(appeal.assignee_staff_id)
    holder = _other_holder(session, appeal, member)
    # The department's response clock is a fresh one (storage.supervision): reminded and escalated from the start.
    # The rates judge its claim by it too, unless the deadline before had passed or been met (as after a 改派).
    kept = claim_due(session, appeal, now)
    transition(session, appeal, old, AppealStatus.DISPATCHED, now, department=department, assignee_staff_id=None,
               accepted_at=None, response_reminded_at=None, escalation_level=0,
               claim_due_at=kept if kept is not None else response_due(appeal, now))
    told = told_within_the_hour(session, appeal, now, MOVES)
    _record(session, appeal, now, Action.TRANSFERRED, old, AppealStatus.DISPATCHED, member, department,
            from_staff_id=held)
    if told:
        tell_resident_and_followers(session, appeal, ResidentTransferred(ticket=appeal.ticket, to=department), now)
    for receiver, card in dispatch.cards_for(session, appeal, receivers, now, sensitive):
        tell(session, receiver.openid, card, now, appeal=appeal)
    if holder is not None and holder not in receivers:  # the grid leader or an operator moved their task
        tell(session, holder.openid, StaffTransferredAway(ticket=appeal.ticket, by=name_of(member), to=department),
             now, appeal=appeal)
    return appeal


def _transferable(session: Session, member: Manager, ticket: str) -> Appeal:
    """The appeal `member` may 转办: their own or their grid's task, or one given back (退回) that they manage."""
    appeal = held(session, ticket)
    if appeal.status == AppealStatus.RETURNED and manages_grid(session, member, appeal.grid_id):
        return appeal
    return _workable(session, member, ticket, (AppealStatus.ACCEPTED,), claimable=True)


def _other_holder(session: Session, appeal: Appeal, member: Manager) -> Staff | None:
    """Who claimed the appeal, when that is not `member` and they can be told of what happens to it."""
    holder = session.get(Staff, appeal.assignee_staff_id) if appeal.assignee_staff_id is not None else None
    if holder is None or holder.id == staff_id_of(member) or not holder.openid:
        return None
    return holder


def give_back(session: Session, member: Staff, ticket: str, reason: str, now: datetime) -> Appeal:
    """退回: not the grid's business; back to the community's operators to route elsewhere."""
    appeal = _workable(session, member, ticket, (AppealStatus.ACCEPTED,), claimable=True)
    # A community with no operator bound: the street's, whose 我的任务 lists it, rather than nobody told; with
    # neither, nobody would ever route it again: it stays where it is.
    receivers = return_receivers(session, appeal)
    if not receivers:
        raise NotAllowed("no_operator")
    old, held = AppealStatus(appeal.status), holder_before(appeal.assignee_staff_id)
    holder = _other_holder(session, appeal, member)
    # Waiting for the community now, on a clock of its own (storage.supervision): escalated afresh if it stalls.
    transition(session, appeal, old, AppealStatus.RETURNED, now, assignee_staff_id=None, escalation_level=0)
    _record(session, appeal, now, Action.RETURNED, old, AppealStatus.RETURNED, member, reason, from_staff_id=held)
    by = f"{member.name}（{member.department}）" if member.department else member.name  # which unit gave it back
    urgent = {"emergency": appeal.emergency, "due_at": response_due(appeal, now)} if appeal.emergency else {}
    for operator in receivers:
        tell(session, operator.openid, StaffReturned(ticket=appeal.ticket, by=by, reason=reason, **urgent), now,
             appeal=appeal)
    if old == AppealStatus.ACCEPTED:  # told 已接单 by its handler, the resident would go on waiting for their call
        routing = routing_place(session, appeal, bool(operators(session, appeal)))
        tell_resident_and_followers(session, appeal, ResidentTransferred(ticket=appeal.ticket, to=routing, again=True),
                                    now)
    returned = StaffReturnedByOther(ticket=appeal.ticket, by=member.name, reason=reason)
    if holder is not None:  # the grid leader gave back what a member had claimed: they need not go on
        tell(session, holder.openid, returned, now, appeal=appeal)
    elif old == AppealStatus.DISPATCHED:  # given back unclaimed: whoever else had its card need not go, as on a claim
        told = {operator.openid for operator in receivers}
        for openid in _told_of_claim(session, appeal, member, now):
            if openid not in told:
                told.add(openid)
                tell(session, openid, returned, now, appeal=appeal)
    return appeal


def routing_place(session: Session, appeal: Appeal, community: bool) -> str:
    """The name of who routes a returned appeal again: its community, or (no operator bound there) its street."""
    names = session.execute(select(Community.name, Street.name).join(Street, Street.id == Community.street_id)
                            .join(Grid, Grid.community_id == Community.id).where(Grid.id == appeal.grid_id)).one()
    return names[0] if community else names[1]


def find(session: Session, ticket: str) -> Appeal:
    """An appeal by ticket (staff look across residents; what they may do is checked per action)."""
    appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket)).first()
    if appeal is None:
        raise NotFound(ticket)
    return appeal


def card_left_behind(session: Session, member: Staff, ticket: str) -> bool:
    """Whether the member was sent the task card of the appeal `ticket` (on its own or in a digest) that they may no
    longer work on (they moved to another grid, or it did): their command on it is told so rather than that no
    such appeal exists, which says nothing they did not read on the card. A grid team's member only, and an appeal
    of another grid than theirs: one of their own grid they may not read (a colleague's sensitive task) is not this."""
    if member.role not in GRID_TEAM:
        return False
    return session.scalar(
        select(OutboxMessage.id).join(Appeal, Appeal.id == OutboxMessage.appeal_id)
        .where(Appeal.ticket == ticket, Appeal.grid_id.is_distinct_from(member.grid_id),
               OutboxMessage.recipient_openid == member.openid,
               OutboxMessage.template == StaffNewAppeal.name,
               OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.DIGESTED)))
        .limit(1)
    ) is not None


def held(session: Session, ticket: str) -> Appeal:
    """An appeal by ticket, its row locked until the transaction ends (storage.appeals.hold), for a step that checks
    it and then changes it: 改派 and 转办 leave an appeal waiting for a claim as it was (dispatched), so the
    compare-and-set on the status let a claim checked against the grid it had just left pass after them; and a step
    that changes no status (进展, whose repeat check reads the trail) is not guarded by it at all."""
    appeal = find(session, ticket)
    hold(session, appeal)
    return appeal


def resolver(session: Session, appeal: Appeal) -> Staff | None:
    """The staff member whose 办结 was the appeal's latest (None: never resolved, or from the console)."""
    latest = session.execute(select(AppealEvent.actor_kind, AppealEvent.actor_id).where(
        AppealEvent.appeal_id == appeal.id, AppealEvent.action == str(Action.RESOLVED),
    ).order_by(AppealEvent.id.desc()).limit(1)).first()
    if latest is None or latest.actor_kind != ActorKind.STAFF or latest.actor_id is None:
        return None
    return session.get(Staff, latest.actor_id)


def assignee_name(session: Session, appeal: Appeal) -> str | None:
    """The name of who has the task, for "already claimed by …"."""
    if appeal.assignee_staff_id is None:
        return None
    return session.get_one(Staff, appeal.assignee_staff_id).name


def _department_named(session: Session, typed: str, grid_id: int | None) -> str:
    """The department `typed` names among those serving the grid (`departments`): its full name, or a part of one
    name only (物业 when a single property company is bound, as people say it); NotAllowed("ambiguous_department")
    when the part is in several names."""
    wanted = "".join(unicodedata.normalize("NFKC", typed).split())
    if wanted in departments(session, grid_id):
        return wanted
    holding = departments_holding(session, wanted, grid_id)
    if len(holding) > 1:
        raise NotAllowed("ambiguous_department")
    return holding[0] if holding else wanted


def departments_holding(session: Session, typed: str, grid_id: int | None) -> list[str]:
    """The departments serving the grid whose names hold what was typed (物业: the property companies), to choose
    from."""
    wanted = "".join(unicodedata.normalize("NFKC", typed).split())
    return [name for name in departments(session, grid_id) if wanted and wanted in name]


def departments(session: Session, grid_id: int | None) -> list[str]:
    """The departments and property companies an appeal of the grid can be transferred to (转办): those with an
    officer serving it, never the same-named unit of another street or compound (storage.unit_reach)."""
    return unit_reach.reachable(session, grid_id)


def _workable(session: Session, member: Manager, ticket: str, statuses: tuple[AppealStatus, ...],
              claimable: bool = False) -> Appeal:
    appeal = held(session, ticket)
    refuse_unplaced(session, appeal)
    if isinstance(member, ConsoleUser):  # an operator of the appeal's scope steps in; they never claim it
        if not manages_grid(session, member, appeal.grid_id):
            raise NotAllowed("not_your_task")
        _require_status(session, appeal, *statuses, *((AppealStatus.DISPATCHED,) if claimable else ()))
        return appeal
    if filed_by(session, appeal, member):  # nobody works, closes and then rates their own appeal
        raise NotAllowed("own_appeal")
    is_assignee = appeal.assignee_staff_id == member.id
    leads_grid = member.role == StaffRole.GRID_LEADER and member.grid_id == appeal.grid_id
    # 退回 and 转办 also apply to a task nobody has claimed yet, by the grid it was dispatched to.
    may_claim = claimable and appeal.status == AppealStatus.DISPATCHED and appeal.department is None and (
        member.role in GRID_TEAM and member.grid_id == appeal.grid_id
        and appeal.assignee_staff_id in (None, member.id)  # not one 派单 gave to a colleague
    )
    about = complaints.accused(session, appeal.id)
    if about is not None:  # a complaint is its handlers' alone, and never the business of whom it is about
        may_claim = False
        if member.id in about:
            raise NotAllowed("not_your_task")
    if not (is_assignee or leads_grid or may_claim):
        raise NotAllowed("not_your_task")
    allowed = statuses + ((AppealStatus.DISPATCHED,) if claimable else ())
    _require_status(session, appeal, *allowed)
    return appeal


def filed_by(session: Session, appeal: Appeal, member: Staff) -> bool:
    """Whether the staff member is the resident who filed the appeal (one WeChat user: a resident hired since, or a
    member living in their own grid): they neither claim nor work it, or they would close and rate it themselves."""
    if appeal.resident_id is None or member.openid is None:
        return False
    return session.scalar(select(Resident.openid).where(Resident.id == appeal.resident_id)) == member.openid


def _require_status(session: Session, appeal: Appeal, *statuses: AppealStatus) -> None:
    if appeal.status not in statuses:
        raise wrong_state(session, appeal)


def _record(session: Session, appeal: Appeal, now: datetime, action: Action, old: str | None, new: str | None,
            member: Manager, note: str | None = None, internal: bool = False, from_staff_id: int | None = None) -> None:
    record(session, appeal.id, now, action, old, new, actor=actor_of(member), note=note, internal=internal,
           from_staff_id=from_staff_id)


def _told_of_claim(session: Session, appeal: Appeal, member: Staff, now: datetime) -> list[str]:
    """Who hears that `member` took the task: everyone an emergency's 【紧急】 card reached (the operators too, who
    might otherwise go or send someone), else the colleagues who could have claimed it."""
    if appeal.emergency is not None:
        return [openid for openid in urgent_card_recipients(session, appeal) if openid != member.openid]
    return [person.openid for person in _colleagues(session, appeal, member, now) if person.openid]


def _colleagues(session: Session, appeal: Appeal, member: Staff, now: datetime) -> Sequence[Staff]:
    return [person for person in team_waiting(session, appeal, now) if person.id != member.id]


def team_waiting(session: Session, appeal: Appeal, now: datetime) -> Sequence[Staff]:
    """Who holds the card of an appeal waiting for anyone of a team to claim it (抢单, a department's officers, a
    complaint's handlers): whom a claim, or a move elsewhere, leaves with nothing to do."""
    about = complaints.accused(session, appeal.id)
    if about is not None:
        return complaints.handlers(session, appeal, about)
    if appeal.department is not None:
        return list(unit_reach.officers(session, appeal.department, appeal.grid_id))
    team = session.scalars(
        select(Staff).where(Staff.grid_id == appeal.grid_id, Staff.role.in_(GRID_TEAM), Staff.active.is_(True),
                            Staff.openid.is_not(None))
    ).all()
    # The 网格长 who got the card in a digest needs no 已接单 for it either; one who got it at once (every member on
    # leave) does.
    quiet = dispatch.overseers(team) if dispatch.anyone_on_duty(team, now) else frozenset()
    return [person for person in team if person.id not in quiet]


def return_receivers(session: Session, appeal: Appeal) -> Sequence[Staff]:
    """Who a 退回 of the appeal goes to: its community's operators, else its street's; nobody means nobody could
    route it again (`give_back` refuses then)."""
    return operators(session, appeal) or street_operators(session, appeal.grid_id)


def operators(session: Session, appeal: Appeal) -> Sequence[Staff]:
    """The active operators of the appeal's community (退回 goes to them; they are escalation level 2)."""
    return community_operators(session, appeal.grid_id)
