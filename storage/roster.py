"""The street office's staff over time: who works where (`gridbot staff list`), and what people's working lives
change: someone leaves (`disable`), moves to another grid (`move`), takes leave (storage.duty).

A disabled member is `active = False`: no card, reminder or 派单 reaches them, their openid no longer makes them
staff in the chat (storage.residents reads only active staff), `can_read` admits nothing, and their open tasks
go back to the grid — a department's to its other officers — (or to a named member) the way 改派 moves them (storage.reassigning.hand_over): audit event,
cards to the new holders, the resident and the former holder told. The invites made out to them and not yet used
are revoked (storage.invites.revoke_naming) and their personal phone is dropped. Their row keeps their name and id,
so their appeals' history still names them; it keeps the openid only to tell them, should they send a staff
command, that they left: the next 认证 or 报到 of that WeChat account releases it (storage.staff.release_leaver)
and binds a row of its own, even for the same person coming back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Collection, Sequence

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import QueryableAttribute, Session

from storage import duty, invites, org_moves, outbox, quiet_hours, reassigning, staff, unit_reach
from storage.dispatch import HELD_STATUSES
from storage.errors import DomainError, NotAllowed
from storage.models import (
    COMMUNITY_ROLES,
    GRID_BOUND,
    TRANSFER_UNITS,
    Appeal,
    AppealStatus,
    Community,
    Grid,
    OutboxMessage,
    Staff,
    StaffRole,
)
from storage.notices import StaffMemberLeaveCancelled, StaffMemberOnLeave, StaffNotice, StaffTasksHandedOver
from storage.queries import EVERYWHERE, Scope
from storage.telling import tell
from storage.tickets import LOCAL_ZONE
from storage.typed_ids import typed_id
from storage.typed_words import holds_words

MAX_CANDIDATES = 10
# The dots other keyboards put between the parts of a name (阿依・古丽, 阿依•古丽): all read as the usual ·.
NAME_DOT = "·"
OTHER_NAME_DOTS = "・•‧∙⋅･"


class UnknownMember(DomainError):
    """No active staff member of that name or id; `similar` are names that contain what was typed."""

    def __init__(self, name: str, similar: list[str]) -> None:
        super().__init__(f"no staff member {name!r}")
        self.name, self.similar = name, similar


class AmbiguousMember(DomainError):
    """Several active members have that name; `candidates` are their list rows (with their ids)."""

    def __init__(self, name: str, candidates: list[Member]) -> None:
        super().__init__(f"several staff members named {name!r}")
        self.name, self.candidates = name, candidates


class TasksUndecided(DomainError):
    """A move of a member who holds open tasks, without saying what becomes of them."""

    def __init__(self, count: int, name: str) -> None:
        super().__init__(f"{count} open tasks")
        self.count = count
        self.name = name  # the member's, as the question names them (the command may have given their id)


class Tasks(StrEnum):
    """What becomes of a moving member's open tasks (`--tasks`)."""

    KEEP = "keep"  # they stay theirs: they finish them (and may still read them: they are their own)
    HANDOVER = "handover"  # to the member named by `--to`
    RETURN = "return"  # back to the old grid's team, unassigned


@dataclass(frozen=True)
class Member:
    """One row of the staff list."""

    id: int
    name: str
    role: str
    place: str | None  # 社区·网格, 社区, or the street for a street operator; None for a department's staff
    department: str | None
    bound: bool  # has sent 认证 (an openid); the list never shows which
    duty: duty.Duty
    open_tasks: int  # dispatched to them, accepted or paused
    work_phone: str | None  # published: shown whole
    phone: str | None  # personal: the caller masks it


@dataclass(frozen=True)
class Moved:
    """What a change did: the member, and where each of their open tasks went."""

    member: Staff
    handed: tuple[reassigning.Reassigned, ...]
    kept: int = 0
    # The last officer of a department or property company left: what waited for the unit to claim, back to its grid.
    unit_waiting: tuple[reassigning.Reassigned, ...] = ()
    invites_revoked: tuple[int, ...] = ()  # one who left: the ids of the unused invites made out to them
    phone_dropped: bool = False  # one who left had a personal phone on their row, now forgotten


MEMBERS_NOT_STAFF = tuple(role for role in COMMUNITY_ROLES if role is not StaffRole.BUILDING_LEAD)


def members(session: Session, scope: Scope, role: StaffRole | None, now: datetime,
            narrower: Scope | None = None) -> list[Member]:
    """The active staff within the scope (of a role), by place and name: a street takes in its communities' staff,
    its street operators and the departments' staff of the street or the district (storage.unit_reach). 楼长 are listed with the staff who
    invited them; the other posts, party members and volunteers are `gridbot members list`'s. `narrower` (a place
    the console's reader typed) narrows the list further, never past `scope`."""
    query = select(Staff).where(Staff.active.is_(True), within(scope, Staff.grid_id, Staff.community_id, Staff.street_id),
                                Staff.role.not_in(MEMBERS_NOT_STAFF))
    if narrower is not None:
        query = query.where(within(narrower, Staff.grid_id, Staff.community_id, Staff.street_id))
    if role is not None:
        query = query.where(Staff.role == role)
    rows = session.scalars(query.order_by(Staff.community_id, Staff.grid_id, Staff.role, Staff.id)).all()
    # Only the tasks within the scope: a district-wide officer's (or one moved here with theirs) of another street
    # are that street's business, not a figure for this one's list.
    counts = _open_counts(session, [row.id for row in rows], scope)
    places = staff.workplace_labels(session, rows)
    return [_member(row, counts, now, place) for row, place in zip(rows, places, strict=True)]


def describe(session: Session, member: Staff, now: datetime) -> Member:
    """The member as the list shows them."""
    return _member(member, _open_counts(session, [member.id]), now, staff.workplace_labels(session, [member])[0])


def find(session: Session, typed: str) -> Staff:
    """The active member an operator names: an id (digits), or a name; several of that name: AmbiguousMember."""
    wanted = unicodedata.normalize("NFKC", typed).strip()
    number = typed_id(wanted)
    if number is not None:
        member = session.get(Staff, number)
        if member is None or not member.active:
            raise UnknownMember(wanted, [])
        return member
    found = session.scalars(
        select(Staff).where(_name_dots_unified(Staff.name) == _name_dots_unified_text(wanted), Staff.active.is_(True))
        .order_by(Staff.id)).all()
    if len(found) == 1:
        return found[0]
    if found:
        counts = _open_counts(session, [row.id for row in found])
        raise AmbiguousMember(wanted, [_member(row, counts, None, place)
                                       for row, place in zip(found, staff.workplace_labels(session, found), strict=True)])
    similar = session.scalars(
        select(Staff.name).where(holds_words(Staff.name, wanted), Staff.active.is_(True)).order_by(Staff.id)
        .limit(MAX_CANDIDATES)).all() if wanted else []
    raise UnknownMember(wanted, list(dict.fromkeys(similar)))


def _name_dots_unified_text(name: str) -> str:
    return name.translate(str.maketrans(OTHER_NAME_DOTS, NAME_DOT * len(OTHER_NAME_DOTS)))


def _name_dots_unified(column: QueryableAttribute[str]) -> ColumnElement[str]:
    """The stored name as compared: whichever dot it was written with reads as ·."""
    unified: ColumnElement[str] = column  # type: ignore[assignment]
    for dot in OTHER_NAME_DOTS:
        unified = func.replace(unified, dot, NAME_DOT)
    return unified


def open_tasks(session: Session, member: Staff) -> Sequence[Appeal]:
    """The appeals the member holds: dispatched to them (派单), accepted or paused; oldest first."""
    return session.scalars(
        select(Appeal).where(Appeal.assignee_staff_id == member.id, Appeal.status.in_(HELD_STATUSES))
        .order_by(Appeal.id)).all()


def tell_leaders_of_leave(session: Session, member: Staff, last_day: date | None, now: datetime,
                          first_day: date | None = None) -> None:
    """A grid member went on leave (请假) holding open tasks: their grid's leaders hear which, to move (改派) what
    cannot wait; their tasks stay theirs. Nothing when they hold none, unless the leave starts on a later day
    (`first_day`, 我明天请假): the leaders hear of it as it is arranged, to plan the days without them."""
    if member.role != StaffRole.GRID_MEMBER or not member.grid_id:
        return
    held = open_tasks(session, member)
    if not held and first_day is None:
        return
    leaders = staff.grid_leaders(session, member.grid_id)  # a GRID_MEMBER: never one of them
    notice = StaffMemberOnLeave(who=member.name, last_day=_midnight(last_day), first_day=_midnight(first_day),
                                count=len(held), tickets=tuple(appeal.ticket for appeal in held[:HANDED_NAMED]))
    day = now.astimezone(LOCAL_ZONE).date()
    later = f":{first_day}" if first_day is not None else ""
    _tell_leaders_once(session, leaders, notice, now, f"on_leave:{member.id}:{{leader}}:{day}:{last_day}{later}")


def tell_leaders_leave_cancelled(session: Session, member: Staff, first_day: date, now: datetime) -> None:
    """A grid member cancelled (销假) leave arranged for a later day: the grid's leaders, told of it when it was
    arranged, hear that they stay at work."""
    if member.role != StaffRole.GRID_MEMBER or not member.grid_id:
        return
    notice = StaffMemberLeaveCancelled(who=member.name, first_day=datetime.combine(first_day, time(0), LOCAL_ZONE))
    day = now.astimezone(LOCAL_ZONE).date()
    _tell_leaders_once(session, staff.grid_leaders(session, member.grid_id), notice, now,
                       f"leave_cancelled:{member.id}:{{leader}}:{day}:{first_day}")


# Leave arranged for a later day that began this long ago or less: its grid's leaders are still to hear of it.
LEAVE_BEGUN_TOLD_WITHIN = timedelta(days=1)


def leave_begun_untold(session: Session, now: datetime) -> list[int]:
    """The grid members (by id) whose leave arranged for a later day began (its midnight passed) within
    LEAVE_BEGUN_TOLD_WITHIN, holding open tasks their grid's leaders have not yet heard of as the leave began: none
    in the quiet hours (storage.quiet_hours), the news waits for the morning. Reads only."""
    quiet = session.info.get(quiet_hours.QUIET_HOURS_KEY, quiet_hours.DEFAULT)
    if quiet is not None and quiet.ends_after(now) is not None:
        return []
    begun = session.scalars(select(Staff).where(
        Staff.active.is_(True), Staff.role == StaffRole.GRID_MEMBER, Staff.grid_id.is_not(None),
        Staff.on_duty.is_(False), Staff.off_duty_from <= now, Staff.off_duty_from > now - LEAVE_BEGUN_TOLD_WITHIN,
        or_(Staff.off_duty_until.is_(None), Staff.off_duty_until > now)).order_by(Staff.id)).all()
    return [member.id for member in begun if _leave_begun_untold(session, member)]


def _leave_begun_untold(session: Session, member: Staff) -> bool:
    if not open_tasks(session, member):
        return False
    keys = [_leave_begun_key(member).format(leader=leader.id) for leader in staff.grid_leaders(session, member.grid_id)]
    return bool(set(keys) - _told(session, keys))


def tell_leaders_leave_begun(session: Session, member_ids: Collection[int], now: datetime) -> None:
    """Leave arranged for a later day began: the grid's leaders of each of `member_ids` (`leave_begun_untold`)
    hear which open tasks the member still holds, as when leave is taken the same day; once a leave."""
    for member_id in sorted(member_ids):
        member = session.get(Staff, member_id)
        if member is None or member.off_duty_from is None or duty.duty_of(member, now).on_duty:
            continue  # back at work (销假) or moved meanwhile
        held = open_tasks(session, member)
        if not held or member.role != StaffRole.GRID_MEMBER:
            continue
        notice = StaffMemberOnLeave(who=member.name, last_day=_midnight(duty.duty_of(member, now).until),
                                    count=len(held), tickets=tuple(appeal.ticket for appeal in held[:HANDED_NAMED]))
        _tell_leaders_once(session, staff.grid_leaders(session, member.grid_id), notice, now,
                           _leave_begun_key(member))


def _leave_begun_key(member: Staff) -> str:
    assert member.off_duty_from is not None, "leave arranged for a later day"
    return f"leave_begun:{member.id}:{{leader}}:{member.off_duty_from.astimezone(LOCAL_ZONE).date()}"


def _tell_leaders_once(session: Session, leaders: Sequence[Staff], notice: StaffNotice, now: datetime,
                       key: str) -> None:
    """The notice to each leader once under `key` (its {leader} their id): the same words typed twice tell once."""
    keys = {leader.id: key.format(leader=leader.id) for leader in leaders}
    told = _told(session, list(keys.values()))
    for leader in leaders:
        if keys[leader.id] not in told:
            tell(session, leader.openid, notice, now, key=keys[leader.id])


def _told(session: Session, keys: list[str]) -> set[str]:
    """Which of these outbox keys were written already."""
    return set(session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))))


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), LOCAL_ZONE) if day is not None else None


def disable(session: Session, member: Staff, to: str | None, now: datetime, sensitive: Collection[str]) -> Moved:
    """The member has left: inactive at once; their open tasks go to the member or grid `to` names, else each
    back to its grid's team; the staff notices still waiting to reach them are dropped, the unused invites made out
    to them revoked and their personal phone forgotten (name and id stay for the trail). Refused (nothing changed)
    when `to` is the member themself or a complaint's subject. `sensitive` names the private categories, whose
    cards the new holders get as at dispatch (storage.reassigning.hand_over)."""
    target = _target(session, member, to)
    revoked = invites.revoke_naming(session, member, now)  # matched by their phone too: before it goes
    member.active, member.disabled_at = False, now  # first: the grid's team getting the tasks back is without them
    had_phone, member.phone = member.phone is not None, None
    session.flush()
    if member.openid is not None:
        outbox.drop_unsent_to_staff(session, member.openid)
    handed = _hand_over_all(session, member, open_tasks(session, member), target, now, sensitive)
    return Moved(member, handed, unit_waiting=_unit_left(session, member, now, sensitive), invites_revoked=revoked,
                 phone_dropped=had_phone)


def _unit_left(session: Session, member: Staff, now: datetime, sensitive: Collection[str],
               served: ColumnElement[bool] | None = None) -> tuple[reassigning.Reassigned, ...]:
    """When the member was the last active officer of their department (or property company) serving an appeal's
    grid, what waited there for the unit to claim goes back to its grid, as a dispatch does for a unit nobody has bound: else it would wait for
    nobody, its reminders told to no one. `served`: the appeals of where they worked, when they just moved."""
    if member.role not in TRANSFER_UNITS or not member.department:
        return ()
    waiting = session.scalars(
        select(Appeal).where(Appeal.department == member.department, Appeal.status == AppealStatus.DISPATCHED,
                             Appeal.assignee_staff_id.is_(None),
                             unit_reach.served_by(member) if served is None else served)
        .order_by(Appeal.id)).all()
    # Per appeal: the same unit of another street (or compound) is no colleague who could take it (storage.unit_reach).
    return tuple(reassigning.hand_back(session, appeal, now, sensitive) for appeal in waiting
                 if not unit_reach.officers(session, member.department, appeal.grid_id))


def move(session: Session, member: Staff, grid_name: str, tasks: Tasks | None, to: str | None,
         now: datetime, sensitive: Collection[str]) -> Moved:
    """The member now works in another grid (their community follows it). Their open tasks, if any, as `tasks`
    says; None with tasks to decide: TasksUndecided. Refused for roles not bound to a grid, the grid they are in,
    and `to` without `handover` (or `handover` without `to`)."""
    if member.role == StaffRole.BUILDING_LEAD:
        raise NotAllowed("lead_moves_building")
    if member.role not in GRID_BOUND:
        raise NotAllowed("not_grid_bound")
    grid = staff.find_grid(session, grid_name)
    if grid.id == member.grid_id:
        raise NotAllowed("same_grid")
    if (tasks is Tasks.HANDOVER) != (to is not None):
        raise NotAllowed("handover_needs_to")
    held = open_tasks(session, member)
    if held and tasks is None:
        raise TasksUndecided(len(held), member.name)
    target = _target(session, member, to)
    was_serving = unit_reach.served_by(member)  # a property clerk's old compound: what waits there for the company
    member.grid_id, member.community_id = grid.id, grid.community_id
    session.flush()  # before the tasks move: a task returned to the old grid no longer reaches them
    unit_waiting = _unit_left(session, member, now, sensitive, was_serving)
    if tasks is Tasks.KEEP or not held:
        _drop_cards_of_where_they_left(session, member, sensitive)
        return Moved(member, (), kept=len(held), unit_waiting=unit_waiting)
    handed = _hand_over_all(session, member, held, target, now, sensitive)
    _drop_cards_of_where_they_left(session, member, sensitive)
    return Moved(member, handed, unit_waiting=unit_waiting)


def place_officer(session: Session, member: Staff, place: staff.Scope, now: datetime,
                  sensitive: Collection[str]) -> Moved:
    """A department's officer now serves another place (storage.unit_reach): the street, community or grid `place`
    names (staff.invite_scope resolves it as for an invite), or every street (none of them); a 物业 clerk every
    compound of a community (a grid is `move`'s). The tasks they took stay theirs; what waited for the unit where no
    colleague now serves goes back to its grid, as when one leaves. Refused for other roles and places, and for
    the place they already serve."""
    clerk_of_community = (member.role == StaffRole.PROPERTY and place.community_id is not None
                          and place.grid_id is None and place.street_id is None)
    if member.role != StaffRole.DEPARTMENT and not clerk_of_community:
        raise NotAllowed("place_department_only")
    if (member.grid_id, member.community_id, member.street_id) == (place.grid_id, place.community_id,
                                                                   place.street_id):
        raise NotAllowed("same_place")
    was_serving = unit_reach.served_by(member)
    member.grid_id, member.community_id, member.street_id = place.grid_id, place.community_id, place.street_id
    session.flush()  # before what waits is looked at: where they no longer serve, they are no colleague
    unit_waiting = _unit_left(session, member, now, sensitive, was_serving)
    _drop_cards_of_where_they_left(session, member, sensitive)
    return Moved(member, (), kept=len(open_tasks(session, member)), unit_waiting=unit_waiting)


def _drop_cards_of_where_they_left(session: Session, member: Staff, sensitive: Collection[str]) -> None:
    """The staff notices still waiting to reach a member who just moved, of appeals they may no longer read (the
    old place's task cards, reminders, 督办), are dropped as a leaver's are: a busy worker would otherwise carry
    those appeals' words and addresses to someone who now works elsewhere. A card of a task they kept still goes."""
    if member.openid is None:
        return
    waiting = outbox.appeals_unsent_to_staff(session, member.openid)
    if not waiting:
        return
    appeals = session.scalars(select(Appeal).where(Appeal.id.in_(sorted(waiting)))).all()
    gone = {appeal.id for appeal in appeals if not staff.may_read(session, member, appeal, sensitive)}
    outbox.drop_unsent_to_staff(session, member.openid, gone)


def move_lead(session: Session, member: Staff, building_name: str) -> Staff:
    """A 楼长 now looks after another building (org_moves.find_building reads the name); they hold no tasks, so
    nothing else moves. Refused for other roles and for the building they already have."""
    if member.role != StaffRole.BUILDING_LEAD:
        raise NotAllowed("building_only_lead")
    building = org_moves.find_building(session, building_name)
    if building.id == member.building_id:
        raise NotAllowed("same_building")
    member.building_id, member.grid_id = building.id, building.grid_id
    member.community_id = session.get_one(Grid, building.grid_id).community_id
    session.flush()
    return member


def _target(session: Session, member: Staff, to: str | None) -> tuple[Grid, Staff | None] | None:
    if to is None:
        return None
    try:
        grid, person = reassigning.resolve_target(session, None, to)
    except reassigning.UnknownTarget as unknown:  # the one leaving is not among whom their tasks may go to
        raise reassigning.UnknownTarget(unknown.name, unknown.grids,
                                        [name for name in unknown.members if name != member.name]) from None
    if person is not None and person.id == member.id:
        raise NotAllowed("to_self")
    return grid, person


HANDED_NAMED = 5  # tickets a leaver's one notice names; the count says how many more


def _hand_over_all(session: Session, member: Staff, held: Sequence[Appeal], target: tuple[Grid, Staff | None] | None,
                   now: datetime, sensitive: Collection[str]) -> tuple[reassigning.Reassigned, ...]:
    """Each task to `target` (None: back to its grid), their new holders and residents told as 改派 tells them;
    the member once, for all of them: one notice a task went past the five messages WeChat lets an account send
    someone who has not written to it for 48 hours (45047)."""
    # One who left: a department's tasks back to its other officers. One who moved (`move --tasks return`) still
    # works for their unit: its tasks go back to the old grid, as that option says, not to them again.
    left = not member.active
    handed = tuple(_hand_over(session, appeal, target, now, left, sensitive) for appeal in held)
    if handed:
        tell(session, member.openid, StaffTasksHandedOver(
            tickets=tuple(done.appeal.ticket for done in handed[:HANDED_NAMED]), count=len(handed),
            to=handed[0].to if target is not None or _all_to(handed, member.department) else None), now)
    return handed


def _all_to(handed: Sequence[reassigning.Reassigned], department: str | None) -> bool:
    """Whether every task went back to the leaver's own department (not "each to its grid")."""
    return department is not None and all(done.to == department for done in handed)


def _hand_over(session: Session, appeal: Appeal, target: tuple[Grid, Staff | None] | None,
               now: datetime, left: bool, sensitive: Collection[str]) -> reassigning.Reassigned:
    if target is None and left:
        return reassigning.hand_back(session, appeal, now, sensitive, tell_holder=False)
    grid, person = target if target is not None else (session.get_one(Grid, appeal.grid_id), None)
    return reassigning.hand_over(session, None, appeal, grid, person, now, sensitive, tell_holder=False)


def within(scope: Scope, grid_id: QueryableAttribute[int | None],
           community_id: QueryableAttribute[int | None],
           street_id: QueryableAttribute[int | None] | None = None) -> ColumnElement[bool]:
    """A condition on a person's place (a staff member's, an invite's `grid_id`, `community_id`): within the scope.
    A street takes in its communities and the street-wide places (no grid, no community: its street operators and
    the departments' staff); given a `street_id` column, not another street's street operators."""
    if scope.grid_id is not None:
        return grid_id == scope.grid_id
    if scope.community_id is not None:
        return or_(community_id == scope.community_id,
                   grid_id.in_(select(Grid.id).where(Grid.community_id == scope.community_id)))
    if scope.street_id is not None:
        communities = select(Community.id).where(Community.street_id == scope.street_id)
        street_wide = community_id.is_(None) & grid_id.is_(None)
        if street_id is not None:
            street_wide &= street_id.is_(None) | (street_id == scope.street_id)
        return or_(community_id.in_(communities),
                   grid_id.in_(select(Grid.id).where(Grid.community_id.in_(communities))), street_wide)
    return true()


def _open_counts(session: Session, ids: list[int], scope: Scope = EVERYWHERE) -> dict[int, int]:
    if not ids:
        return {}
    return dict(session.execute(  # type: ignore[arg-type]
        select(Appeal.assignee_staff_id, func.count(Appeal.id))
        .where(Appeal.assignee_staff_id.in_(ids), Appeal.status.in_(HELD_STATUSES), scope.condition())
        .group_by(Appeal.assignee_staff_id)).all())


def _member(row: Staff, counts: dict[int, int], now: datetime | None, place: str | None) -> Member:
    current = duty.duty_of(row, now) if now is not None else duty.Duty(row.on_duty)
    return Member(row.id, row.name, row.role, place, row.department, row.openid is not None, current,
                  counts.get(row.id, 0), row.work_phone, row.phone)
