"""Dispatch: a submitted appeal reaches the members of its grid (run by the worker, in batches).

The webhook files an appeal and answers; this step follows within the worker schedule's poll interval, as its own
transaction: it moves the appeal to `dispatched`, attaches media sent just before it, records the audit event
and writes the outbox rows with the task card.

抢单 (a grid's default): every bound member and leader of the grid gets the card, but those on leave while someone
on duty is left to claim (`present`); the first 接单 wins. The 网格长
oversees rather than claims: while the grid has members, their copies are routine, folded into a digest of the
quarter hour (storage.outbox), and nobody tells them who took which (storage.tasks); 我的任务 and 查询 show all.
派单: the active, on-duty (storage.duty: leave past its last day is duty again), bound grid member with the fewest open tasks (dispatched to them, accepted or paused;
ties by staff id) is set as the assignee and alone gets the card; they still 接单, or the grid leader does.
With no member on duty the card goes to the grid's leaders at work (on duty, following), unassigned; with none
of them either, to the operators who stand in for a grid with nobody bound (`stand_ins`): someone at work sees it.
A grid with nobody bound to claim (a street just imported, its only member disabled): a team of leaders alone
claims its cards themselves or 改派 them to a member; with no 网格长 either, the community's bound operators get
the card to 改派 or 转办 (they claim no ordinary task), else the street's, as the 督办 ladder passes a level with
nobody on (storage.supervision); with nobody there either it waits in the unclaimed lists and the worker logs it.
The resident's receipt names who was told (`reach`).
紧急 (an emergency, whatever the mode): the 【紧急】 card goes at once to every member and leader of the grid and
to the community's operators, words and unit included (someone is in danger), unassigned; the first 接单 wins.
A complaint about staff (storage.complaints): to the grid's 网格长 and the community's operators (the operators
alone when it is about the 网格长), never to the person it is about, unassigned; the first of them to 接单 wins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Collection, Mapping, Sequence

from sqlalchemy import ColumnElement, bindparam, case, exists, func, select, update
from sqlalchemy.orm import Session

from storage import complaints, contacts, duty, emergencies, media_files, org, staff, unit_reach
from storage.appeals import (
    LOOSE_ATTACHMENT_WINDOW,
    ROUTED_NOTE,
    Action,
    dispatch_clock,
    holder_before,
    record,
    transition,
)
from storage.driver_sql import DriverSQL, timestamp
from storage.models import (
    GRID_TEAM,
    Appeal,
    AppealStatus,
    Attachment,
    DispatchMode,
    Grid,
    Resident,
    ResidentStatus,
    Staff,
    StaffRole,
)
from storage.notices import LEADER_CARD, OPERATOR_AWAY_CARD, OPERATOR_CARD, StaffNewAppeal
from storage.staff import community_operators, street_operators
from storage.telling import deferred, tell

log = logging.getLogger(__name__)
MODE_WORDS = {"抢单": DispatchMode.GRAB, "派单": DispatchMode.ASSIGN}
# What counts against a member when 派单 picks the least busy one.
# The note of a dispatch that did not simply go to the grid's team (read back in words by handlers.staff_texts).
EMERGENCY_NOTE = "emergency: the grid and the community's operators"
COMPLAINT_NOTE = "complaint about staff: their leader and the operators"
NOBODY_BOUND_NOTE = "no grid member bound to this grid yet"
STAND_IN_NOTE = "no grid member or leader bound: sent to the {whom} operators"  # whom: community or street
ASSIGNED_NOTE = "assigned to staff {staff_id}"
# Their name as it was that day beside the id: the record reads "派单给网格员 张伟", and a later rename leaves it true.
ASSIGNED_NAMED_NOTE = ASSIGNED_NOTE + ": {name}"
NOBODY_ON_DUTY_NOTE = "no grid member on duty: sent to the grid {whom}"  # whom: leader or members
NOBODY_AT_WORK_NOTE = "no grid member or leader on duty: sent to the {whom} operators"  # whom: community or street
HELD_STATUSES = (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED)
# Statements every appeal's dispatch runs, built once with bind parameters (see storage/outbox.py's).
_ON_THE_TEAM = (Staff.active.is_(True), Staff.openid.is_not(None), Staff.role.in_(GRID_TEAM))  # who gets a card
_GRID_STAFF = select(Staff).where(Staff.grid_id == bindparam("grid"), *_ON_THE_TEAM).order_by(Staff.id)
# ... and those every chunk runs once for all its appeals.
# Share-locked (PostgreSQL; by id, one order for every chunk): a member `gridbot staff disable` or move is changing
# meanwhile is read as they are once that commits, and a disabling waits for the chunk, then finds the cards it
# wrote them among those still to send (storage.roster): a leaver is never sent a card they may no longer read.
_GRIDS_STAFF = (
    select(Staff).where(Staff.grid_id.in_(bindparam("grids", expanding=True)), *_ON_THE_TEAM).order_by(Staff.id)
    .with_for_update(read=True, of=Staff)
)
# The roles of a grid's team who would get its card (_ON_THE_TEAM), the filer aside, each with the grid's mode and
# whether 派单 may pick them (`_at_work`: on duty, still following): `reach`, on the webhook's path.
_TEAM_ROLES = DriverSQL(
    "SELECT s.role, g.dispatch_mode, (s.on_duty OR s.off_duty_until <= %(now)s OR s.off_duty_from > %(now)s)"
    " AND NOT EXISTS (SELECT 1 FROM"
    " residents r WHERE r.openid = s.openid AND r.status = %(gone)s) FROM staff s JOIN grids g ON g.id = s.grid_id"
    " WHERE s.grid_id = %(grid)s AND s.active = %(active)s AND s.openid IS NOT NULL AND s.openid <> %(filer)s"
    " AND s.role IN (" + ", ".join(f"'{role.value}'" for role in GRID_TEAM) + ")")
_GRIDS_MODES = select(Grid.id, Grid.dispatch_mode).where(Grid.id.in_(bindparam("grids", expanding=True)))
_LOOSE = (
    select(Attachment.id, Attachment.resident_id, Attachment.created_at)
    .where(Attachment.resident_id.in_(bindparam("residents", expanding=True)), Attachment.appeal_id.is_(None),
           Attachment.created_at >= bindparam("since"), Attachment.created_at <= bindparam("filed"))
    .order_by(Attachment.id)
)
_ADOPT = (
    update(Attachment.__table__)
    .where(Attachment.id == bindparam("row"), Attachment.appeal_id.is_(None))
    .values(appeal_id=bindparam("appeal"))
)


@dataclass(frozen=True)
class _ChunkFacts:
    """What the dispatch of a chunk looks up once for all its appeals, in a few statements, instead of some eight
    per appeal: each grid's team (`grid_staff`) and mode, each appeal's place, masked contact and links, and the
    residents who are on a team themselves (a resident hired since they filed: their own appeal is no task of theirs)."""

    teams: Mapping[int, Sequence[Staff]]
    modes: Mapping[int, str]
    places: Mapping[org.Place, org.Address]
    contacts: Mapping[int, contacts.Contact]
    links: Mapping[int, media_files.CardLinks]
    staff_residents: Mapping[int, str]  # a resident's id -> their openid, when a team member has that openid

    @classmethod
    def of(cls, session: Session, appeals: Sequence[Appeal]) -> _ChunkFacts:
        """The facts of `appeals`, read after their loose attachments were adopted (the cards link to those)."""
        grid_ids = list({appeal.grid_id for appeal in appeals if appeal.grid_id is not None})
        teams: dict[int, list[Staff]] = {}
        for person in session.scalars(_GRIDS_STAFF, {"grids": grid_ids}):
            teams.setdefault(person.grid_id, []).append(person)  # type: ignore[arg-type]
        openids = [person.openid for team in teams.values() for person in team]
        residents = list({appeal.resident_id for appeal in appeals if appeal.resident_id is not None})
        staff_residents = dict(session.execute(select(Resident.id, Resident.openid).where(
            Resident.id.in_(residents), Resident.openid.in_(openids))).all()) if residents and openids else {}
        return cls(teams={grid_id: tuple(team) for grid_id, team in teams.items()},
                   modes=dict(session.execute(_GRIDS_MODES, {"grids": grid_ids}).all()),
                   places=org.addresses(session, {_place(appeal) for appeal in appeals}),
                   contacts=contacts.on_cards(session, appeals),
                   links=media_files.cards_links(session, [appeal.id for appeal in appeals]),
                   staff_residents=staff_residents)

    def team(self, grid_id: int | None) -> Sequence[Staff]:
        """`grid_staff` of the grid."""
        return self.teams.get(grid_id, ()) if grid_id is not None else ()

    def claimers(self, appeal: Appeal) -> Sequence[Staff]:
        """The appeal's grid team but the member who filed it as a resident (they may not claim it)."""
        filer = self.staff_residents.get(appeal.resident_id) if appeal.resident_id is not None else None
        team = self.team(appeal.grid_id)
        return team if filer is None else [person for person in team if person.openid != filer]

    def card(self, appeal: Appeal, now: datetime) -> StaffNewAppeal:
        """`task_card` of the appeal."""
        return _card(appeal, self.places[_place(appeal)], self.contacts[appeal.id], self.links[appeal.id], now)


def _place(appeal: Appeal) -> org.Place:
    return (appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[return-value]


def oldest_undispatched(session: Session) -> datetime | None:
    """When the oldest appeal still waiting for `dispatch_pending` was filed, if any: its cards are not in the
    outbox yet, so while no worker dispatches, the outbox alone shows nothing waiting."""
    return session.scalar(select(func.min(Appeal.created_at)).where(Appeal.status == AppealStatus.SUBMITTED))


def dispatch_pending(session: Session, now: datetime, sensitive: Collection[str], limit: int = 200) -> list[int]:
    """Dispatch every submitted appeal (oldest first, at most `limit`); returns their ids.

    `sensitive` is the taxonomy's list of private categories: their cards show the words and the unit only to
    whom may read the appeal (see `_card_for`).
    """
    pending = session.scalars(
        select(Appeal)
        .where(Appeal.status == AppealStatus.SUBMITTED)
        .order_by(Appeal.id)
        .limit(limit)
        # Two workers on PostgreSQL take different appeals instead of dispatching one twice.
        .with_for_update(skip_locked=True)
    ).all()
    if not pending:
        return []
    complaints_among = complaints.accused_in(session, [appeal.id for appeal in pending])
    _adopt_loose_attachments(session, pending)
    facts = _ChunkFacts.of(session, pending)
    # The cards are written at the chunk's end, every recipient's digest locked first in one order (the grid's team,
    # a department's staff, a complaint's handlers alike): two workers' chunks never deadlock on PostgreSQL.
    with deferred(session):
        for appeal in pending:
            _dispatch(session, appeal, now, sensitive, complaints_among.get(appeal.id), facts)
    return [appeal.id for appeal in pending]


def _dispatch(session: Session, appeal: Appeal, now: datetime, sensitive: Collection[str],
              about: frozenset[int] | None, facts: _ChunkFacts) -> None:
    """Send the appeal's cards; `about`: whom it complains about (storage.complaints), None for no complaint."""
    if appeal.emergency is not None:
        receivers = emergencies.responders(session, appeal, facts.team(appeal.grid_id), about or frozenset(),
                                           hold=True)
        if not receivers:
            log.warning("emergency %s: nobody of grid %s, its community or street bound to tell", appeal.ticket,
                        appeal.grid_id)
        _send_cards(session, appeal, receivers, now, EMERGENCY_NOTE, None, (), facts)
        return
    if about is not None:
        receivers = complaints.handlers(session, appeal, about, hold=True)
        _send_cards(session, appeal, receivers, now, COMPLAINT_NOTE, None, sensitive, facts)
        return
    if appeal.department is not None:
        # Held as the grid teams are (_GRIDS_STAFF): a move or a disabling of the unit's officer meanwhile waits,
        # then finds the case, and sends it back to its grid when nobody of the unit is left there.
        receivers = unit_reach.officers(session, appeal.department, appeal.grid_id, hold=True)
        if receivers:
            _send_cards(session, appeal, receivers, now, ROUTED_NOTE.format(department=appeal.department),
                        None, sensitive, facts)
            return
        # Nobody of that department has bound WeChat yet: the grid takes it rather than nobody seeing it.
        log.warning("appeal %s: no staff bound for %s; dispatched to the grid", appeal.ticket, appeal.department)
        appeal.department = None
    members = facts.claimers(appeal)
    if not members:
        whom, operators = stand_ins(session, appeal.grid_id, hold=True)
        if not operators:
            log.warning("appeal %s: nobody of grid %s, its community or street bound to tell; it waits unclaimed",
                        appeal.ticket, appeal.grid_id)
        note = STAND_IN_NOTE.format(whom=whom) if operators else NOBODY_BOUND_NOTE
        _send_cards(session, appeal, operators, now, note, None, sensitive, facts, receiver=OPERATOR_CARD)
        return
    note = None
    assignee = None
    if members and facts.modes.get(appeal.grid_id) == DispatchMode.ASSIGN:  # type: ignore[arg-type]
        at_work = _at_work(session, appeal, now)
        if at_work and at_work[0].role == StaffRole.GRID_MEMBER:
            assignee = at_work[0]
            members, note = [assignee], ASSIGNED_NAMED_NOTE.format(staff_id=assignee.id, name=assignee.name)
        else:
            leaders = at_work  # no member at work: only leaders are left in it
            whom, operators = ("", ()) if leaders else stand_ins(session, appeal.grid_id, hold=True)
            if operators:
                _send_cards(session, appeal, operators, now, NOBODY_AT_WORK_NOTE.format(whom=whom), None, sensitive,
                            facts, receiver=OPERATOR_AWAY_CARD)
                return
            # Nobody above the grid is bound either: its team on leave hears of it rather than nobody.
            leaders = leaders or [s for s in members if s.role == StaffRole.GRID_LEADER]
            note = NOBODY_ON_DUTY_NOTE.format(whom="leader" if leaders else "members")
            members = leaders or members
    else:
        members = present(members, now)
    routine = overseers(members) if assignee is None and anyone_on_duty(members, now) else frozenset()
    leaders_alone = all(person.role == StaffRole.GRID_LEADER for person in members)
    _send_cards(session, appeal, members, now, note, assignee, sensitive, facts, routine,
                LEADER_CARD if leaders_alone else None)


def _send_cards(session: Session, appeal: Appeal, members: Sequence[Staff], now: datetime, note: str | None,
                assignee: Staff | None, sensitive: Collection[str], facts: _ChunkFacts,
                routine: frozenset[int] = frozenset(), receiver: str | None = None) -> None:
    held = holder_before(appeal.assignee_staff_id)
    transition(session, appeal, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, now,
               assignee_staff_id=assignee.id if assignee else None, department=appeal.department,
               **dispatch_clock(appeal, now))
    record(session, appeal.id, now, Action.DISPATCHED, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, note=note,
           from_staff_id=held)
    card = replace(facts.card(appeal, now), receiver=receiver)
    # Only a sensitive appeal's card depends on the reader: the others skip the permission's two queries.
    private = staff.readable(session, appeal, sensitive) if appeal.category in sensitive else None
    for member in members:
        tell(session, member.openid, card if private is None else _card_for(member, private, card), now,
             appeal=appeal, key=f"appeal:{appeal.id}:new:{member.id}", routine=member.id in routine)


def stand_ins(session: Session, grid_id: int | None, hold: bool = False) -> tuple[str, Sequence[Staff]]:
    """Who gets an ordinary appeal's card when its grid has no bound member or leader to claim it, and of what
    level ("community" or "street"): the community's bound operators, else the street's; ("", ()) for nobody.
    `hold`: their rows share-locked, as the grid's team is (storage.staff.held)."""
    community = [person for person in community_operators(session, grid_id, hold) if person.openid]
    if community:
        return "community", community
    street = [person for person in street_operators(session, grid_id, hold) if person.openid]
    return ("street", street) if street else ("", ())


def reach(session: Session, grid_id: int | None, department: str | None, filer: str, now: datetime) -> str:
    """Who a new ordinary appeal's card reaches, as `_dispatch` will decide, for the resident's receipt: its grid,
    the unit its category routes to (`department`), and the openid of whoever filed it (`filer`, who is never sent
    their own card). "department", "members", "leader" (the grid's 网格长 alone: a team of leaders, or a 派单 grid
    whose members are all on leave at `now`, 派单 or 抢单), "community" or "street" (their operators stand in), "away:community"
    or "away:street" (a 派单 grid whose members and leaders are all on leave: those operators stand in), or "" (nobody is
    bound: it waits in the unclaimed lists). The webhook asks it of every appeal: the common case is one statement
    handed to the driver (an ORM query of the team cost ~0.5 ms)."""
    if department is not None and unit_reach.officers(session, department, grid_id):
        return "department"
    team = _TEAM_ROLES.all(session, {"grid": grid_id, "active": True, "filer": filer, "now": timestamp(session, now),
                                     "gone": ResidentStatus.INACTIVE.value})
    if not team:
        return stand_ins(session, grid_id)[0]
    members = [pickable for role, _, pickable in team if role == StaffRole.GRID_MEMBER]
    if any(members):
        return "members"
    if team[0][1] != DispatchMode.ASSIGN:
        # 抢单 with no member on duty: all get the card, the 网格长's comes at once (`anyone_on_duty`); with no
        # 网格长 the members get it all the same.
        return "leader" if len(members) < len(team) else "members"
    # 派单 with no member to pick: the card goes to a 网格长 at work, else to the operators standing in, else to the
    # grid's team all the same (`_dispatch`).
    leaders = [at_work for role, _, at_work in team if role == StaffRole.GRID_LEADER]
    if any(leaders):
        return "leader"
    whom = stand_ins(session, grid_id)[0]
    if whom:
        return f"away:{whom}"
    return "leader" if leaders else "members"


def away_stand_ins(session: Session, appeal: Appeal, now: datetime) -> Sequence[Staff]:
    """The operators standing in for an ordinary unclaimed appeal whose grid's team is all on leave at `now` (a
    派单 grid's card went to them: OPERATOR_AWAY_CARD), to 改派 it (their 督办, a resident's 催办); () when someone
    of the grid is at work, or it waits for someone else (its assignee, a department, a complaint's handlers)."""
    if (appeal.status != AppealStatus.DISPATCHED or appeal.department is not None or appeal.emergency is not None
            or appeal.assignee_staff_id is not None or complaints.accused(session, appeal.id) is not None):
        return ()
    team = grid_staff(session, appeal.grid_id)
    if not team or any(duty.duty_of(person, now).on_duty for person in team):
        return ()
    return stand_ins(session, appeal.grid_id)[1]


def anyone_on_duty(team: Sequence[Staff], now: datetime) -> bool:
    """Whether a grid member of a 抢单 team is on duty at `now`. With all of them on leave they still get the card
    (one back early may take it), but the 网格长 is the one expected to act: their card comes at once, not in the
    quarter hour's digest, and the resident's receipt names them (`reach`)."""
    return any(person.role == StaffRole.GRID_MEMBER and duty.duty_of(person, now).on_duty for person in team)


def present(team: Sequence[Staff], now: datetime) -> Sequence[Staff]:
    """A 抢单 team without those on leave (请假, `gridbot staff duty … 休假`), while someone on duty is left to claim:
    a member, or a leader of a team of leaders alone. With nobody on duty the whole team all the same: someone must
    hear of it."""
    here = duty.at_work(team, now)
    claims = [person for person in here if person.role == StaffRole.GRID_MEMBER] or (
        here if all(person.role == StaffRole.GRID_LEADER for person in team) else [])
    return here if claims else team


def overseers(team: Sequence[Staff]) -> frozenset[int]:
    """The 网格长 of a 抢单 team whose members claim: their cards are routine (a digest), not calls to act.
    A team of leaders alone has no overseer: they are the ones to claim."""
    if all(person.role == StaffRole.GRID_LEADER for person in team):
        return frozenset()
    return frozenset(person.id for person in team if person.role == StaffRole.GRID_LEADER)


def set_mode(session: Session, grid: Grid, mode: DispatchMode) -> bool:
    """Switch a grid between 抢单 and 派单 (for appeals dispatched from now on); False if it already was."""
    if grid.dispatch_mode == mode:
        return False
    grid.dispatch_mode = mode
    return True


def task_card(session: Session, appeal: Appeal, now: datetime) -> StaffNewAppeal:
    """What a staff member needs to act: ticket, category, the address down to the unit, the words, the limit.

    No openid, and the resident's phone and 门牌 only masked (storage/contacts.py): whoever claims reads them
    whole in the 接单 reply. The words go whole but for an ID-card number written in them
    (`contacts.words_on_card`): a card too long for a message is cut where it is rendered
    (handlers/notifications.py), marked, with a pointer to 查询. Its photos and locations go as links
    (storage/media_files.py). A card sent after the 办结 deadline (改派, 转办 of a late task) says it is overdue.
    """
    place = org.address(session, appeal.grid_id, appeal.building_id, appeal.unit_id)  # type: ignore[arg-type]
    return _card(appeal, place, contacts.on_card(session, appeal), media_files.card_links(session, appeal.id), now)


def cards_for(session: Session, appeal: Appeal, receivers: Sequence[Staff], now: datetime,
              sensitive: Collection[str]) -> list[tuple[Staff, StaffNewAppeal]]:
    """The task card as each receiver may see it: a sensitive appeal's words and unit only to whom may read it
    (`_card_for`), as at dispatch — a 转办 card goes to every officer of the department, not only the one to claim.
    An emergency's go whole to all, as its first ones did: someone must find the door now."""
    card = task_card(session, appeal, now)
    if appeal.category not in sensitive or appeal.emergency is not None:
        return [(receiver, card) for receiver in receivers]
    private = staff.readable(session, appeal, sensitive)
    return [(receiver, _card_for(receiver, private, card)) for receiver in receivers]


def _card(appeal: Appeal, place: org.Address, contact: contacts.Contact, links: media_files.CardLinks,
          now: datetime) -> StaffNewAppeal:
    photos, places = links
    due = appeal.resolve_due_at
    card = StaffNewAppeal(ticket=appeal.ticket, category=appeal.category, subcategory=appeal.subcategory,
                          second_category=appeal.second_category, grid=place.grid_label, home=place.home_label,
                          content=contacts.words_on_card(appeal), resolve_due_at=due, overdue=due is not None and due <= now,
                          phone=contact.phone, door=contact.door, photos=photos, places=places,
                          for_department=appeal.department is not None)
    return emergencies.marked(card, appeal, now)


def _card_for(member: Staff, readable: staff.Readable, card: StaffNewAppeal) -> StaffNewAppeal:
    """The card as this member may see it. A 抢单 card of a sensitive appeal (a domestic-violence report, say)
    goes to every member of the grid, but its words and unit only to whom `can_read` admits (the grid leader,
    the assignee): the others see the category and the grid, and read the rest once they have claimed it."""
    if staff.can_read(member, readable):
        return card
    return replace(card, content=None, home=None, phone=None, door=None, photos=(), places=(), withheld=True)


def grid_staff(session: Session, grid_id: int | None) -> Sequence[Staff]:
    """The grid's active, bound members and leaders: who gets a 抢单 card and may claim."""
    return session.scalars(_GRID_STAFF, {"grid": grid_id}).all()


def _at_work(session: Session, appeal: Appeal, now: datetime) -> list[Staff]:
    """Whom 派单 may hand the appeal's card: the on-duty grid members of its grid, the one holding fewest tasks
    first, then its on-duty 网格长 (for when no member is at work); never the member who filed it, nor one who
    unfollowed the account (WeChat refuses every message to them, 43004: the task would wait unseen)."""
    # Unclaimed 派单 tasks count too: a burst dispatched in one batch is spread instead of piled on one member.
    held = (
        select(func.count(Appeal.id))
        .where(Appeal.assignee_staff_id == Staff.id, Appeal.status.in_(HELD_STATUSES))
        .correlate(Staff)
        .scalar_subquery()
    )
    return list(session.scalars(
        select(Staff)
        .where(Staff.grid_id == appeal.grid_id, Staff.role.in_(GRID_TEAM), Staff.active.is_(True),
               duty.on_duty_condition(now), Staff.openid.is_not(None),
               Staff.openid.not_in(select(Resident.openid).where(Resident.id == appeal.resident_id)),
               ~_unfollowed(Staff.openid))
        .order_by(case((Staff.role == StaffRole.GRID_MEMBER, 0), else_=1), held, Staff.id)
    ))


def _unfollowed(openid: ColumnElement[str | None]) -> ColumnElement[bool]:
    """Whether the WeChat user unfollowed the account (their resident row, by its unique openid, says so)."""
    return exists().where(Resident.openid == openid, Resident.status == ResidentStatus.INACTIVE)


def _adopt_loose_attachments(session: Session, appeals: Sequence[Appeal]) -> None:
    """Each appeal takes its resident's unattached photos and locations sent within LOOSE_ATTACHMENT_WINDOW
    before it was filed; of a resident's appeals in the chunk, the first (the oldest) takes what several could,
    as when each took its own in turn. Done before the chunk's cards are written: they link to them."""
    # A 上报 took its member's material when it was filed (storage/patrol.py).
    filed = [appeal for appeal in appeals if appeal.resident_id is not None]
    if not filed:
        return
    loose = session.execute(_LOOSE, {
        "residents": list({appeal.resident_id for appeal in filed}),
        "since": min(appeal.created_at for appeal in filed) - LOOSE_ATTACHMENT_WINDOW,
        "filed": max(appeal.created_at for appeal in filed),
    }).all()
    adopted: dict[int, int] = {}  # attachment -> appeal
    for appeal in filed:
        since = appeal.created_at - LOOSE_ATTACHMENT_WINDOW
        adopted.update({row.id: appeal.id for row in loose if row.id not in adopted
                        and row.resident_id == appeal.resident_id and since <= row.created_at <= appeal.created_at})
    if adopted:
        session.execute(_ADOPT, [{"row": row, "appeal": appeal} for row, appeal in adopted.items()])
