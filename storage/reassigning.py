"""改派: an operator, or a grid leader within their grid, hands an appeal to another grid or to a named member.

The way out for an appeal that is stuck: returned by its grid (退回), waiting with nobody claiming it, or held by a
member who is away. It goes back to `dispatched` with a fresh response clock: to the whole team of the target grid
(they 接单 as for any task card), or to one member (as 派单 does: they 接单 it, or their leader does). The
resident hears where it went; whoever held it hears that it is no longer theirs. `by` None is the street
office's command line (`gridbot reassign`), which may hand any appeal anywhere.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Collection

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from storage import complaints, dispatch, org, staff, unit_reach
from storage.actors import Actor, ActorKind, Manager, actor_of, name_of, staff_id_of
from storage.appeals import (
    Action,
    fresh_claim_clock,
    holder_before,
    record,
    refuse_unplaced,
    transition,
    wrong_state,
)
from storage.duty import duty_of
from storage.duty import today as local_today
from storage.errors import DomainError, NotAllowed
from storage.models import (
    GRID_TEAM,
    Appeal,
    AppealEvent,
    AppealStatus,
    Community,
    ConsoleUser,
    Grid,
    Staff,
    StaffRole,
)
from storage.notices import OPERATOR_CARD, ResidentTransferred, StaffReassigned
from storage.tasks import MOVES, filed_by, held, team_waiting, told_within_the_hour
from storage.telling import tell, tell_resident_and_followers

REASSIGNABLE = (AppealStatus.RETURNED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED)


class UnknownTarget(DomainError):
    """The words after the ticket name no grid and no member; `grids` and `members` are what may be meant."""

    def __init__(self, name: str, grids: list[str], members: list[str]) -> None:
        super().__init__(f"no grid or member {name!r}")
        self.name, self.grids, self.members = name, grids, members


class AmbiguousMember(DomainError):
    """Several members have that name; `candidates` say who and where."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(f"several members named {name!r}")
        self.name, self.candidates = name, candidates


class AlreadyThere(DomainError):
    """The appeal already waits for, or is held by, the grid or member named: moving it would only send its card
    again and restart its response clock."""

    def __init__(self, to: str, member: bool) -> None:
        super().__init__(f"already with {to!r}")
        self.to, self.member = to, member


@dataclass(frozen=True)
class Reassigned:
    appeal: Appeal
    to: str  # 社区·网格, or the member's name and grid
    away: OnLeave | None = None  # the member it went to is on leave: it waits for them; whoever moved it is told
    unmanned: bool = False  # it went to a grid with nobody active to claim it: no card reached anyone
    stood_in: str = ""  # handed back by no one to such a grid: its "community" (or "street") operators got the card
    untold: bool = False  # the resident was not told of it: too many 改派 and 转办 in the hour (storage.tasks.MOVES)
    person: bool = False  # it went to a member (who claims it), not back to a grid's team or a unit to be claimed
    leave_coming: OnLeave | None = None  # the member it went to is at work, with leave from a later day arranged


@dataclass(frozen=True)
class OnLeave:
    """The member an appeal was handed to, on leave (请假) through `until` (None: until 销假), as of the local day
    `today` (which says whether `until` needs its year)."""

    name: str
    until: date | None
    today: date | None = None
    starts: date | None = None  # on duty now, the leave arranged from this later day (我明天请假)


def reassign(session: Session, by: Manager | None, ticket: str, target: str, now: datetime,
             sensitive: Collection[str], reason: str | None = None) -> Reassigned:
    """Hand the appeal to the grid or member `target` names; refuses what `by` may not move or where. `sensitive`
    names the private categories: their card shows the words and the unit only to whom may read the appeal.
    `reason`: what the mover said why (改派 G… 李娜，她熟悉情况), for the new holders' card."""
    appeal = held(session, ticket)
    refuse_unplaced(session, appeal)
    about = complaints.accused(session, appeal.id) or frozenset()
    if by is not None and (staff_id_of(by) in about or not _oversees(session, by, appeal.grid_id)):
        raise NotAllowed("not_reassigner")
    if appeal.status not in REASSIGNABLE:
        raise wrong_state(session, appeal)
    grid, member = resolve_target(session, by, target)
    if member is not None and member.id in about:
        raise NotAllowed("complained_about")  # a complaint never goes to the person it is about
    if by is not None and not _oversees(session, by, grid.id):
        raise NotAllowed("target_out_of_scope")
    if _already_there(appeal, grid, member):
        raise AlreadyThere(_member_label(session, member) if member is not None else org.grid_label(session, grid.id),
                           member is not None)
    return hand_over(session, by, appeal, grid, member, now, sensitive, reason=reason)


def _already_there(appeal: Appeal, grid: Grid, member: Staff | None) -> bool:
    """Waiting for that grid's team, or that member's to claim or already claimed (a returned or paused appeal is
    never "there": sending it back to its grid is how it starts again)."""
    return (appeal.status in (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED) and appeal.grid_id == grid.id
            and appeal.assignee_staff_id == (member.id if member is not None else None))


def hand_back(session: Session, appeal: Appeal, now: datetime, sensitive: Collection[str],
              unattended: ActorKind = ActorKind.CLI, tell_holder: bool = True) -> Reassigned:
    """Give the task of someone who left back to where it waits to be claimed again: the department (or property
    company) it was transferred or routed to, while it still has active officers — the grid handed it out
    as not its own work — else its grid's team."""
    grid = session.get_one(Grid, appeal.grid_id)
    department = appeal.department if appeal.department \
        and unit_reach.officers(session, appeal.department, appeal.grid_id) else None
    return hand_over(session, None, appeal, grid, None, now, sensitive, unattended, tell_holder, department=department,
                     stand_in=True)


def hand_over(session: Session, by: Manager | None, appeal: Appeal, grid: Grid, member: Staff | None,
              now: datetime, sensitive: Collection[str], unattended: ActorKind = ActorKind.CLI,
              tell_holder: bool = True, department: str | None = None, stand_in: bool = False,
              reason: str | None = None) -> Reassigned:
    """Move the appeal to `grid`'s whole team, or to `member` of it, with a fresh response clock (a paused one's 办结
    deadline moved on by its pause, as 恢复 does); the new holders
    get its card, whoever held it and the resident are told. Whether `by` may is the caller's to check (`reassign`);
    an appeal that is not open for it, or a member a complaint is about, is refused here too. Without `by`, the
    record names `unattended` as who did it: the operator's command line, or the system (a resident's 不满意 giving
    a departed member's task back to the grid). `tell_holder` False: whoever held it hears of it otherwise (one
    notice for all the tasks of a member who left, storage.roster). `department` (with no `member`): its officers
    claim it instead of the grid's team (`hand_back`). `stand_in`: nobody chose the grid (`hand_back`), so when
    nobody there is bound its operators get the card, as at dispatch; a grid someone chose by hand is theirs to
    hear about instead (`unmanned`). `sensitive` names the private categories: a team's card of one shows its
    words and unit only to whom may read it (storage.dispatch.cards_for), as at dispatch."""
    if appeal.status not in REASSIGNABLE:
        raise wrong_state(session, appeal)
    about = complaints.accused(session, appeal.id)
    if member is not None and about is not None and member.id in about:
        raise NotAllowed("complained_about")
    if member is not None and about is not None and member.role != StaffRole.GRID_LEADER:
        # A complaint is its handlers' (storage.complaints): a member, maybe a colleague of the accused, may neither
        # read nor claim it, and it would wait on them for nothing.
        raise NotAllowed("complaint_to_member")
    if member is not None and filed_by(session, appeal, member):
        raise NotAllowed("filed_by_target")  # they may not work it (storage.tasks): it would wait on them for nothing
    to = _member_label(session, member) if member is not None else department or org.grid_label(session, grid.id)
    old, holder, left = AppealStatus(appeal.status), appeal.assignee_staff_id, appeal.grid_id
    told = told_within_the_hour(session, appeal, now, MOVES)  # the resident: not of every move back and forth
    # A card still waiting for anyone of a team to claim it: each of them would go on to 接单 (a 督办 may just have
    # pressed them to), so they hear where it went, as a colleague's claim tells them.
    waited_on = team_waiting(session, appeal, now) if tell_holder and holder is None and old == AppealStatus.DISPATCHED \
        else []
    # Taken from its holder and left where it was (a holder moved away, a leaver, 改派 to its own grid): the
    # resident hears that someone else there will take it, not that it was transferred to where it always was.
    again = member is None and left == grid.id and appeal.department == department
    transition(session, appeal, old, AppealStatus.DISPATCHED, now, grid_id=grid.id, department=department,
               assignee_staff_id=member.id if member is not None else None, accepted_at=None, paused_at=None,
               **fresh_claim_clock(session, appeal, now))
    record(session, appeal.id, now, Action.REASSIGNED, old, AppealStatus.DISPATCHED,
           actor=actor_of(by) if by is not None else Actor(unattended), note=to, from_grid_id=left,
           from_staff_id=holder_before(holder))
    stood_in = _tell(session, appeal, member, holder if tell_holder else None, by, to, now, sensitive, stand_in,
                     told, again, reason, waited_on)
    return Reassigned(appeal, to, _on_leave(member, now), not stood_in and waiting_for_nobody(session, appeal),
                      stood_in, not told, person=member is not None, leave_coming=_leave_coming(member, now))


def waiting_for_nobody(session: Session, appeal: Appeal) -> bool:
    """Whether the appeal waits for a claim by its grid's team while the grid has nobody active to claim it."""
    return (appeal.status == AppealStatus.DISPATCHED and appeal.assignee_staff_id is None
            and appeal.department is None and not dispatch.grid_staff(session, appeal.grid_id))


def waiting_on_leave(session: Session, appeal: Appeal, now: datetime) -> OnLeave | None:
    """The member the appeal was handed to, still to claim it, when they are on leave at `now` (else None)."""
    if appeal.status != AppealStatus.DISPATCHED or appeal.assignee_staff_id is None:
        return None
    return _on_leave(session.get(Staff, appeal.assignee_staff_id), now)


def _leave_coming(member: Staff | None, now: datetime) -> OnLeave | None:
    """The member at work now with leave arranged from a later day (请假 明天), or None."""
    duty = duty_of(member, now) if member is not None else None
    if member is None or duty is None or duty.starts is None:
        return None
    return OnLeave(member.name, duty.until, local_today(now), duty.starts)


def _on_leave(member: Staff | None, now: datetime) -> OnLeave | None:
    if member is None:
        return None
    duty = duty_of(member, now)
    return None if duty.on_duty else OnLeave(member.name, duty.until, local_today(now))


@dataclass(frozen=True)
class Moved:
    """Where an appeal went from a member: `to` a grid or member (改派), or a department (转办, `transferred`)."""

    to: str
    transferred: bool


def moved_from(session: Session, appeal: Appeal, member_id: int) -> Moved | None:
    """Where the appeal went when its latest move took it from `member_id` (改派 of the task they had claimed, 转办
    of theirs or by them), unless they claimed it again since: they were told, or did it, and a task command of
    theirs on it is answered with it."""
    if appeal.assignee_staff_id == member_id:
        return None
    events = session.execute(select(AppealEvent.action, AppealEvent.actor_kind, AppealEvent.actor_id,
                                    AppealEvent.from_status, AppealEvent.note).where(
        AppealEvent.appeal_id == appeal.id, AppealEvent.action.in_(_MOVES),
    ).order_by(AppealEvent.id)).all()
    holder, moved = None, None
    for event in events:
        by_member = event.actor_kind == ActorKind.STAFF and event.actor_id == member_id
        if event.action == Action.ACCEPTED:
            holder = event.actor_id if event.actor_kind == ActorKind.STAFF else None
            moved = None if by_member else moved
            continue
        held = holder == member_id and event.from_status in (AppealStatus.ACCEPTED, AppealStatus.PAUSED)
        transferred = event.action == Action.TRANSFERRED
        moved = Moved(event.note or "", transferred) if held or (transferred and by_member) else None
        holder = None
    return moved


_MOVES = (str(Action.ACCEPTED), str(Action.REASSIGNED), str(Action.TRANSFERRED))


def _tell(session: Session, appeal: Appeal, member: Staff | None, holder: int | None, by: Manager | None, to: str,
          now: datetime, sensitive: Collection[str], stand_in: bool, told: bool, again: bool = False,
          reason: str | None = None, waited_on: Collection[Staff] = ()) -> str:
    """Tell the new holders, the former one (or the team whose card `waited_on` a claim) and the resident (`told`:
    within storage.tasks.MOVES' hourly count; `again`: handed back to where it was, not sent elsewhere); returns
    the level whose operators stood in ("" for none): a task handed back (`stand_in`: a leaver's, a departed member's after 不满意) to a grid with nobody bound
    goes to them, as a dispatch's card does (storage.dispatch.stand_ins), while whoever moved it there by hand
    (改派, a building's move, `staff disable --to`) is told nobody got it."""
    about = complaints.accused(session, appeal.id)
    whom = ""
    if member is not None:
        receivers = [member]
    elif about is not None:  # a complaint moved to a grid: that grid's leaders and operators, as at dispatch
        receivers = complaints.handlers(session, appeal, about)
    elif appeal.department is not None:  # back to the department's officers (`hand_back`)
        receivers = list(unit_reach.officers(session, appeal.department, appeal.grid_id))
    else:
        receivers = list(dispatch.grid_staff(session, appeal.grid_id))
        if not receivers and stand_in:
            whom, stand_ins = dispatch.stand_ins(session, appeal.grid_id)
            receivers = list(stand_ins)
    # A card handed on by someone (not a leaver's task given back) says who and why: it is no 新诉求.
    mover = name_of(by) if by is not None else None if stand_in else "街道"
    for receiver, card in dispatch.cards_for(session, appeal, receivers, now, sensitive):
        card = replace(card, reassigned_by=mover, reassign_reason=reason or None, reassigned_to_you=member is not None)
        tell(session, receiver.openid, replace(card, receiver=OPERATOR_CARD) if whom else card, now, appeal=appeal)
    previous = session.get(Staff, holder) if holder is not None else None
    moved_own = by is not None and previous is not None and staff_id_of(by) == previous.id  # they know: they did it
    who = name_of(by) if by is not None else "街道"
    if previous is not None and previous not in receivers and not moved_own:
        tell(session, previous.openid, StaffReassigned(ticket=appeal.ticket, by=who, to=to), now, appeal=appeal)
    kept = {person.id for person in receivers} | {staff_id_of(by) if by is not None else None}
    for person in waited_on:
        if person.id not in kept and person.openid:
            tell(session, person.openid, StaffReassigned(ticket=appeal.ticket, by=who, to=to), now, appeal=appeal)
    if told:
        tell_resident_and_followers(session, appeal, ResidentTransferred(ticket=appeal.ticket, to=to, again=again,
                                                                           person=member is not None), now)
    return whom


def _oversees(session: Session, by: Manager, grid_id: int | None) -> bool:
    """An operator: their community's grids (bound to no community: the whole street); a grid leader: their grid;
    a console operator: the grids of their scope."""
    if isinstance(by, ConsoleUser):
        return staff.manages_grid(session, by, grid_id)
    if by.role == StaffRole.OPERATOR:
        if by.community_id is None:  # a street operator: their street's grids (every street's, if none is recorded)
            return by.street_id is None or staff.manages_grid(session, by, grid_id)
        community = session.scalar(select(Grid.community_id).where(Grid.id == grid_id)) if grid_id else None
        return community is not None and community == by.community_id
    return by.role == StaffRole.GRID_LEADER and grid_id is not None and grid_id == by.grid_id


def resolve_target(session: Session, by: Manager | None, target: str) -> tuple[Grid, Staff | None]:
    """A member by name (of the grids `by` oversees first), else a grid by name (of `by`'s community first);
    only in `by`'s street: another street's people and places are neither theirs to move to nor to be named."""
    name = unicodedata.normalize("NFKC", target).strip()
    street_id = _street_of(session, by)
    in_street = select(Grid.id).join(Community, Community.id == Grid.community_id).where(
        Community.street_id == street_id)
    members = session.scalars(
        select(Staff).where(Staff.name == name, Staff.role.in_(GRID_TEAM), Staff.active.is_(True),
                            Staff.openid.is_not(None), Staff.grid_id.is_not(None),
                            true() if street_id is None else Staff.grid_id.in_(in_street)).order_by(Staff.id)
    ).all()
    if by is not None and len(members) > 1:
        members = [m for m in members if _oversees(session, by, m.grid_id)] or members
    if len(members) > 1:
        raise AmbiguousMember(name, [_member_label(session, member) for member in members])
    if members:
        return session.get_one(Grid, members[0].grid_id), members[0]
    try:
        return _grid(session, by, name, street_id), None
    except staff.UnclearPlace as unclear:
        if isinstance(unclear, staff.AmbiguousPlace):
            raise
        if _left(session, name):  # a leaver by name: not a typo to list names for
            raise NotAllowed("target_disabled") from None
        if _not_in_a_grid_team(session, name):  # an operator, a clerk or a 楼长: said so, not a list of names
            raise NotAllowed("target_not_grid_team") from None
        raise UnknownTarget(name, _grids_in_scope(session, by), _members_in_scope(session, by)) from None


def _left(session: Session, name: str) -> bool:
    """Whether a grid team member of that name was disabled (gridbot staff disable)."""
    return session.scalar(select(Staff.id).where(Staff.name == name, Staff.role.in_(GRID_TEAM),
                                                 Staff.active.is_(False)).limit(1)) is not None


def _not_in_a_grid_team(session: Session, name: str) -> bool:
    """Whether someone at work of that name holds another role (an operator, a department's or the property
    company's clerk, a 楼长): 改派 hands tasks to grid teams only."""
    return session.scalar(select(Staff.id).where(Staff.name == name, Staff.role.not_in(GRID_TEAM),
                                                 Staff.active.is_(True)).limit(1)) is not None


def _member_label(session: Session, member: Staff) -> str:
    assert member.grid_id is not None, "only members bound to a grid are candidates"
    return f"{member.name}（{org.grid_label(session, member.grid_id)}）"


def _grid(session: Session, by: Manager | None, name: str, street_id: int | None) -> Grid:
    """The grid named: of `by`'s own community first, else of their street (`street_id`, None: anywhere)."""
    if by is not None and by.community_id is not None and "·" not in name and "/" not in name:
        try:
            return staff.find_grid(session, name, within=Grid.community_id == by.community_id)
        except staff.UnclearPlace:
            pass  # not a grid of their own community: look street-wide
    return staff.find_grid(session, name, within=None if street_id is None else Community.street_id == street_id)


def _street_of(session: Session, by: Manager | None) -> int | None:
    """The street `by` works in (their grid's or community's, or a street operator's own); None for the CLI, a
    管理员, and a street operator bound before their street was recorded."""
    if by is None:
        return None
    if by.community_id is not None:
        return session.scalar(select(Community.street_id).where(Community.id == by.community_id))
    if isinstance(by, Staff) and by.grid_id is not None:
        return session.scalar(select(Community.street_id).join(Grid, Grid.community_id == Community.id)
                              .where(Grid.id == by.grid_id))
    return by.street_id


def _grids_in_scope(session: Session, by: Manager | None) -> list[str]:
    query = select(Grid.id).order_by(Grid.id)
    if by is not None and by.role == StaffRole.GRID_LEADER:
        query = query.where(Grid.id == by.grid_id)
    elif by is not None and by.community_id is not None:
        query = query.where(Grid.community_id == by.community_id)
    elif by is not None and by.street_id is not None:
        query = query.where(Grid.community_id.in_(select(Community.id).where(Community.street_id == by.street_id)))
    return [org.grid_label(session, grid_id) for grid_id in session.scalars(query)]


def _members_in_scope(session: Session, by: Manager | None) -> list[str]:
    query = select(Staff.name).where(Staff.role.in_(GRID_TEAM), Staff.active.is_(True), Staff.grid_id.is_not(None))
    if by is not None and by.role == StaffRole.GRID_LEADER:
        query = query.where(Staff.grid_id == by.grid_id)
    elif by is not None and by.community_id is not None:
        query = query.where(Staff.community_id == by.community_id)
    elif by is not None and by.street_id is not None:
        query = query.where(Staff.community_id.in_(select(Community.id).where(Community.street_id == by.street_id)))
    return list(dict.fromkeys(session.scalars(query.order_by(Staff.id))))
