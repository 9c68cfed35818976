"""The appeal lifecycle: filing, and `transition()`, the one way an appeal's status changes.

The lifecycle modules that move appeals (dispatch, tasks, rating, joins) each check permission, call
`transition()` (a compare-and-set on the status, allowed only along `_ALLOWED`) and write the audit event (and,
where others must hear of it, outbox rows) inside the caller's transaction.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, Sequence

from sqlalchemy import Update, bindparam, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ClauseElement

from storage import outbox, trail_facts, workdays
from storage.actors import Actor, ActorKind
from storage.driver_sql import DriverSQL, parse_timestamp, timestamp
from storage.errors import IllegalTransition, NotAllowed, NotFound
from storage.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealFollower,
    AppealStatus,
    Attachment,
    Building,
    ClaimStatus,
    Grid,
    OutboxMessage,
    Resident,
    Staff,
    StaffRole,
    VolunteerClaim,
)
from storage.notices import (
    StaffCancelled,
    StaffEmergencyUnclaimed,
    StaffEscalated,
    StaffNewAppeal,
    StaffVolunteerAppealResolved,
    StaffVolunteerLetGo,
)
from storage.telling import tell
from storage.tickets import next_ticket

# Filing is the webhook's hot path (see storage/driver_sql.py).
_APPEAL_COLUMNS = (
    "ticket", "resident_id", "grid_id", "building_id", "unit_id", "category", "confidence", "keywords", "channel",
    "content", "raw_message", "status", "response_hours", "resolve_hours", "response_due_at", "resolve_due_at",
    "created_at", "updated_at", "department", "reporter_staff_id", "subcategory", "emergency", "response_minutes",
    "working_days",
    "door", "second_category", "trail_at",
)
_INSERT_APPEAL = DriverSQL(
    f"INSERT INTO appeals ({', '.join(_APPEAL_COLUMNS)}) "
    f"VALUES ({', '.join(f'%({column})s' for column in _APPEAL_COLUMNS)}) RETURNING id"
)
_INSERT_EVENT = DriverSQL(
    "INSERT INTO appeal_events (appeal_id, at, actor_kind, actor_id, action, from_status, to_status, note, internal, "
    "from_grid_id, from_staff_id) "
    "VALUES (%(appeal_id)s, %(at)s, %(actor_kind)s, %(actor_id)s, %(action)s, %(from_status)s, %(to_status)s, "
    "%(note)s, %(internal)s, %(from_grid_id)s, %(from_staff_id)s)"
)


# A message repeating one of the sender's open appeals filed this recently is folded into it.
REPEAT_WINDOW = timedelta(hours=24)
# However often it is repeated, the appeal's record notes a repeat at most this often.
REPEAT_NOTED_EVERY = timedelta(hours=1)
REPEAT_NOTE_LENGTH = 200

# The classifier's name for "not sure" (nlp.UNCLASSIFIED; storage does not import nlp, a test keeps them equal).
UNCLASSIFIED = "待分类"


class Channel(StrEnum):
    TEXT = "text"
    VOICE = "voice"
    GRID_REPORT = "grid_report"  # 网格员上报: found on patrol
    BUILDING_LEAD = "building_lead"  # 楼长代报: for a neighbour who does not use WeChat


class Action(StrEnum):
    HELD = "held"  # received, waiting for the resident's address
    # Held for an address never given, closed unattended (status cancelled; note: the days it waited)
    LAPSED = "lapsed"
    SUBMITTED = "submitted"
    DISPATCHED = "dispatched"
    CANCELLED = "cancelled"
    ATTACHED = "attached"
    ACCEPTED = "accepted"
    PROGRESS = "progress"
    TRANSFERRED = "transferred"
    RETURNED = "returned"
    PAUSED = "paused"
    RESUMED = "resumed"
    RESOLVED = "resolved"
    REMINDED = "reminded"  # 督着办: a deadline is near (internal)
    ESCALATED = "escalated"  # 督着办: overdue, told one level up (internal)
    RATED = "rated"
    REOPENED = "reopened"
    FOLLOW_UP = "follow_up"  # 回访: the grid leader calls the unsatisfied resident back
    RECLASSIFIED = "reclassified"  # an operator or grid leader corrected the category (internal)
    MERGED = "merged"  # this appeal joined another (note: that one's ticket)
    FOLLOWER_JOINED = "follower_joined"  # another resident's appeal was merged into this one (internal)
    SPLIT = "split"  # 拆分: a merged appeal is handled on its own again
    PARTS_FILED = "parts_filed"  # several problems in one appeal: the others filed as appeals of their own
    FOLLOWER_LEFT = "follower_left"  # a merged appeal was split off this one (internal)
    FOCUSED = "focused"  # 聚焦办: linked to a focus case (internal)
    REPEATED = "repeated"  # the resident sent the same words again: folded into this appeal (internal)
    CARD_LOST = "card_lost"  # a task card's send was cut off; its supervisor was told (internal; note: to whom)
    VIEWED = "viewed"  # a staff member read it (查询) who is not its assignee (internal; operators see it)
    ADDRESS_VERIFIED = "address_verified"  # 核实: staff confirmed the resident lives in the appeal's building (internal)
    REASSIGNED = "reassigned"  # 改派: handed to another grid or member (note: to whom)
    CHASED = "chased"  # 催办: the resident chased it up and its handler was told (internal; note: their words)
    # 催办 minutes after filing (storage.chasing.JUST_FILED): kept, nobody told; not a 催办 sent (internal; note: words)
    CHASED_EARLY = "chased_early"
    SUPERVISED = "supervised"  # 督办 by hand: a console operator pressed its holders (internal; note: their words)
    WORDS_ADDED = "words_added"  # 补充: the resident told more, and its holders were told (note: their words)
    REJECTED = "rejected"  # 不受理: not an appeal, closed by an operator or grid leader (note: the reason)
    COMPLAINT = "complaint"  # a complaint about staff (internal; note: the ids of the staff it is about, or none)
    NOTED = "noted"  # 备注: an internal note of staff or a console operator (internal; note: their words)
    BUILDING_MOVED = "building_moved"  # its building moved to another grid (internal; note: from, to, keep|move)
    # 领单 (storage/volunteer_claims.py): a volunteer's part, actor the volunteer's (or confirmer's) staff id
    VOLUNTEER_CLAIMED = "volunteer_claimed"
    VOLUNTEER_DONE = "volunteer_done"  # note: what the volunteer said
    VOLUNTEER_CONFIRMED = "volunteer_confirmed"  # by a grid member or operator; by the rating (system, note rating)
    VOLUNTEER_RELEASED = "volunteer_released"  # 放弃: the volunteer gave it back


# The note of a dispatch that sent the appeal by its category straight to a department (storage.dispatch): that
# department handled it, so it may read it later too (storage.staff.readable), as one it was transferred to.
ROUTED_NOTE = "routed to {department} by its category"


def routed_department(note: str | None) -> str | None:
    """The department a dispatch note says the appeal was routed to by its category, if it says so."""
    before, after = ROUTED_NOTE.split("{department}")
    if note is None or not note.startswith(before) or not note.endswith(after):
        return None
    return note.removeprefix(before).removesuffix(after) or None


class Sender(Protocol):
    """A resident as far as filing needs: who, and where they live (ORM row or ResidentView)."""

    @property
    def id(self) -> int: ...
    @property
    def grid_id(self) -> int | None: ...
    @property
    def building_id(self) -> int | None: ...
    @property
    def unit_id(self) -> int | None: ...


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
    department: str | None = None  # the category's route, when it goes straight to a department
    subcategory: str | None = None  # 物业服务 · 电梯
    emergency: str | None = None  # 紧急: the taxonomy's emergency kind
    response_minutes: int | None = None  # an emergency's response clock, which replaces response_hours
    working_days: bool = False  # the category's hours count on working days only (storage/workdays.py)
    second_category: str | None = None  # a second problem the classifier is confident of, shown to staff


@dataclass(frozen=True)
class Filed:
    """What the resident is told about a new appeal."""

    id: int
    ticket: str
    status: AppealStatus


# How many appeals a transaction filed, kept in its session's info: the webhook counts the messages that became
# appeals (/metrics) without every handler having to say so.
FILED_KEY = "appeals_filed"


def filed_in(session: Session) -> int:
    """How many appeals the session's transaction has filed so far (by `report` and `file_appeal`)."""
    return int(session.info.get(FILED_KEY, 0))


def _count_filed(session: Session) -> None:
    session.info[FILED_KEY] = filed_in(session) + 1


def report(session: Session, member: Staff, intake: Intake, now: datetime, building_id: int | None = None) -> Filed:
    """上报: a problem a grid member found on patrol becomes an appeal of their grid (at `building_id`, when the
    words name one of its buildings), dispatched like any other; a 物业 clerk of a whole community files it in the
    grid of the building named, one of the community's (NotAllowed without one)."""
    grid_id = member.grid_id
    if grid_id is None and member.role == StaffRole.PROPERTY and member.community_id is not None \
            and building_id is not None:
        grid_id = session.scalar(select(Grid.id).join(Building, Building.grid_id == Grid.id).where(
            Building.id == building_id, Grid.community_id == member.community_id))
    if grid_id is None:
        raise NotAllowed("no_grid")
    ticket = next_ticket(session, now)
    placement = _placement(_GridOnly(grid_id), intake, now)
    placement["building_id"] = building_id
    (appeal_id,) = _INSERT_APPEAL.run(session, _row(session, ticket, None, intake, AppealStatus.SUBMITTED, now,
                                                    placement, reporter_staff_id=member.id))  # type: ignore[misc]
    record(session, appeal_id, now, Action.SUBMITTED, None, AppealStatus.SUBMITTED, actor_id=member.id,
           actor_kind="staff", note=Channel.GRID_REPORT)
    _count_filed(session)
    return Filed(appeal_id, ticket, AppealStatus.SUBMITTED)


def file_appeal(session: Session, resident: Sender, intake: Intake, now: datetime, held: bool = False,
                reporter: Staff | None = None, door: str | None = None) -> Filed:
    """Record a new appeal: submitted to the resident's grid, or held until they bind an address (also when
    `held`: a resident in the middle of binding a new one).

    A `reporter` files on someone's behalf (楼长代报, storage.building_leads): `resident` is who hears back, its
    address the neighbour's, `door` the neighbour's 门牌; the audit event names the reporter.

    Dispatch to the grid's members is a state change of its own (storage/dispatch.py), made by the worker
    right after the reply, so the webhook's transaction stays short.
    """
    bound = resident.grid_id is not None and not held
    status = AppealStatus.SUBMITTED if bound else AppealStatus.AWAITING_ADDRESS
    ticket = next_ticket(session, now)
    placement = _placement(resident, intake, now) if bound else _UNPLACED
    (appeal_id,) = _INSERT_APPEAL.run(
        session, _row(session, ticket, resident.id, intake, status, now, placement,
                      reporter_staff_id=reporter.id if reporter else None, door=door)
    )  # type: ignore[misc]
    action = Action.SUBMITTED if bound else Action.HELD
    if reporter is not None:
        record(session, appeal_id, now, action, None, status, actor_id=reporter.id, actor_kind="staff",
               note=str(intake.channel))
    else:
        record(session, appeal_id, now, action, None, status, actor_id=resident.id)
    _count_filed(session)
    return Filed(appeal_id, ticket, status)


@dataclass(frozen=True)
class Recent:
    """One of a resident's open appeals, as far as telling a repeat needs."""

    id: int
    ticket: str
    content: str
    status: AppealStatus
    emergency: str | None  # the danger's label for a 紧急 appeal
    created_at: datetime


@dataclass(frozen=True)
class RecentFilings:
    """What the intake limits and the repeat check need of a resident's last 24 hours (one statement)."""

    last_hour: int
    last_day: int
    open: list[Recent]  # still open, filed within REPEAT_WINDOW, newest first
    # 紧急 appeals merged into a neighbour's report of the same danger (storage.joins.join_emergency), newest first
    joined_emergencies: list[int] = field(default_factory=list)


# The webhook runs this for every new appeal: driver SQL, as the other statements of filing. The resident's row
# comes with it (one row of NULLs when they filed nothing lately), so that PostgreSQL locks it in the same round trip.
_RECENT_FILINGS = DriverSQL(
    "SELECT a.id, a.ticket, a.content, a.status, a.created_at, a.emergency FROM residents r"
    " LEFT JOIN appeals a ON a.resident_id = r.id AND a.created_at >= %(since)s"
    " WHERE r.id = %(resident)s ORDER BY a.id DESC",
    lock_rows_of="r",
)
LIMIT_WINDOW = timedelta(hours=24)


def recent_filings(session: Session, resident_id: int, now: datetime) -> RecentFilings:
    """The resident's appeals of the last hour and 24 hours, and their open ones within REPEAT_WINDOW.

    Locks the resident's row on PostgreSQL (SQLite's write lock is already held), so that two messages of one
    sender handled at once are counted one after the other and can't both pass a limit.
    """
    since = now - max(LIMIT_WINDOW, REPEAT_WINDOW)
    rows = _RECENT_FILINGS.all(session, {"resident": resident_id, "since": timestamp(session, since)})
    hour_ago, day_ago, repeat_since = now - timedelta(hours=1), now - LIMIT_WINDOW, now - REPEAT_WINDOW
    last_hour = last_day = 0
    still_open, joined = [], []
    for appeal_id, ticket, content, status, created, emergency in rows:
        if appeal_id is None:
            continue  # the resident's own row, joined to no appeal
        created_at = parse_timestamp(created)
        last_day += created_at >= day_ago
        last_hour += created_at >= hour_ago
        if status in OPEN_STATUSES and created_at >= repeat_since:
            still_open.append(Recent(appeal_id, ticket, content, AppealStatus(status), emergency, created_at))
        elif status == AppealStatus.MERGED and emergency is not None and created_at >= repeat_since:
            joined.append(appeal_id)
    return RecentFilings(last_hour, last_day, still_open, joined)


def reported_by(session: Session, member: Staff, now: datetime) -> int:
    """How many problems the staff member reported (上报) in the last hour (their row locked, as in recent_filings)."""
    session.execute(select(Staff.id).where(Staff.id == member.id).with_for_update())
    return session.scalar(
        select(func.count(Appeal.id))
        .where(Appeal.reporter_staff_id == member.id, Appeal.created_at >= now - timedelta(hours=1))
    ) or 0


def reported_again(session: Session, member: Staff, content: str, now: datetime) -> str | None:
    """The ticket of the member's open 上报 of the last hour in the same words (a resend while the network
    stalled), if there is one: it is not filed and dispatched twice."""
    words = " ".join(content.split())
    earlier = session.execute(
        select(Appeal.ticket, Appeal.content)
        .where(Appeal.reporter_staff_id == member.id, Appeal.created_at >= now - timedelta(hours=1),
               Appeal.status.in_(OPEN_STATUSES))
        .order_by(Appeal.id.desc())
    ).all()
    return next((row.ticket for row in earlier if " ".join(row.content.split()) == words), None)


def note_repeat(session: Session, recent: Recent, resident_id: int, text: str, now: datetime) -> None:
    """Record on the appeal that its resident sent it again (at most once per REPEAT_NOTED_EVERY)."""
    noted = session.scalar(
        select(AppealEvent.id).where(AppealEvent.appeal_id == recent.id, AppealEvent.action == Action.REPEATED,
                                     AppealEvent.at > now - REPEAT_NOTED_EVERY).limit(1)
    )
    if noted is None:
        record(session, recent.id, now, Action.REPEATED, None, None, actor_id=resident_id,
               note=text[:REPEAT_NOTE_LENGTH], internal=True)


def held_tickets(session: Session, resident_id: int) -> list[str]:
    """The tickets of the resident's appeals waiting for their address, oldest first."""
    return list(session.scalars(
        select(Appeal.ticket)
        .where(Appeal.resident_id == resident_id, Appeal.status == AppealStatus.AWAITING_ADDRESS)
        .order_by(Appeal.id)
    ))


def release_held(session: Session, resident: Sender, now: datetime) -> list[Appeal]:
    """Submit the appeals that waited for this resident's address (call right after binding)."""
    held = session.scalars(
        select(Appeal)
        .where(Appeal.resident_id == resident.id, Appeal.status == AppealStatus.AWAITING_ADDRESS)
        .order_by(Appeal.id)
    ).all()
    for appeal in held:
        placement = {**_placement(resident, appeal, now), "placed_at": now}
        transition(session, appeal, AppealStatus.AWAITING_ADDRESS, AppealStatus.SUBMITTED, now, **placement)
        record(session, appeal.id, now, Action.SUBMITTED, AppealStatus.AWAITING_ADDRESS, AppealStatus.SUBMITTED,
               actor_id=resident.id)
    return list(held)


def cancel(session: Session, resident: Sender, ticket: str, now: datetime) -> Appeal:
    """The resident withdraws one of their own open appeals; whoever holds it hears they need not go on, and news
    of it not sent to them yet (held for the morning by the quiet hours) is dropped."""
    appeal = withdraw(session, own_appeal(session, resident, ticket), now, Actor(ActorKind.RESIDENT, resident.id))
    openid = session.scalar(select(Resident.openid).where(Resident.id == resident.id))
    if openid is not None:
        outbox.drop_unsent_news(session, appeal.id, openid)
    return appeal


def withdraw(session: Session, appeal: Appeal, now: datetime, actor: Actor, note: str | None = None) -> Appeal:
    """撤销 as `actor` records it (the resident, or an operator on the resident's word with `note` saying how they
    asked): the open appeal is cancelled and whoever holds it hears they need not go on. Who may is the caller's
    to check; the appeals merged into it are the caller's to release (storage.joins.release_followers). A merged
    appeal withdrawn leaves the appeal it joined: its resident no longer follows that one.

    An emergency nobody has claimed yet is in the hands of everyone its 【紧急】 card or its 紧急督办 reached, some
    perhaps on their way: each of them hears it was withdrawn."""
    hold(session, appeal)  # 改派 to a member at the same moment keeps its status: the holder is read after it
    old, holder, joined = AppealStatus(appeal.status), appeal.assignee_staff_id, appeal.merged_into_id
    transition(session, appeal, old, AppealStatus.CANCELLED, now, merged_into_id=None)
    record(session, appeal.id, now, Action.CANCELLED, old, AppealStatus.CANCELLED, actor=actor, note=note)
    if joined is not None:
        session.execute(delete(AppealFollower).where(AppealFollower.source_appeal_id == appeal.id))
        record(session, joined, now, Action.FOLLOWER_LEFT, None, None, actor=actor, note=appeal.ticket, internal=True)
    if holder is not None:
        told = [session.scalar(select(Staff.openid).where(Staff.id == holder))]
    else:
        told = urgent_card_recipients(session, appeal) if appeal.emergency is not None else []
    relayer = _relayer(session, appeal, actor)
    for openid in told:
        tell(session, openid, StaffCancelled(ticket=appeal.ticket, relayer_role=relayer.role if relayer else None,
                                             relayer_name=relayer.name if relayer else None), now, appeal=appeal)
    outbox.unfold(session, appeal.id, appeal.ticket)  # a digest still to go out no longer lists it as a task
    let_volunteer_go(session, appeal, now)
    return appeal


def _relayer(session: Session, appeal: Appeal, actor: Actor) -> Staff | None:
    """The 楼长 (党员…) who withdrew her own 代报 (storage.building_leads.relayer, which imports this module)."""
    if actor.kind != ActorKind.RESIDENT or appeal.reporter_staff_id is None or appeal.resident_id != actor.id:
        return None
    return session.get(Staff, appeal.reporter_staff_id)


def urgent_card_recipients(session: Session, appeal: Appeal) -> list[str]:
    """Whoever was sent the appeal's 【紧急】 card, or its 紧急督办 as it climbed unclaimed (the street's operators),
    and still works here, in the order they were (one who has left since hears no more of it:
    storage.roster.disable)."""
    working = select(Staff.openid).where(Staff.active.is_(True), Staff.openid.is_not(None))
    rows = session.execute(select(OutboxMessage.recipient_openid, func.min(OutboxMessage.id))
                           .where(OutboxMessage.appeal_id == appeal.id,
                                  OutboxMessage.template.in_((StaffNewAppeal.name, StaffEmergencyUnclaimed.name)),
                                  OutboxMessage.recipient_openid.in_(working))
                           .group_by(OutboxMessage.recipient_openid).order_by(func.min(OutboxMessage.id))).all()
    return [openid for openid, _ in rows]


def chased_while_waiting(session: Session, appeal: Appeal) -> list[str]:
    """Whoever a 督办 of the appeal reached since it last entered `dispatched` (the 网格长, the community's and the
    street's operators it climbed to while nobody claimed it) and still works here: they hear of its claim rather
    than go on chasing it, or 改派 it away from who has just taken it."""
    since = select(func.max(AppealEvent.at)).where(AppealEvent.appeal_id == appeal.id,
                                                   AppealEvent.to_status == AppealStatus.DISPATCHED).scalar_subquery()
    working = select(Staff.openid).where(Staff.active.is_(True), Staff.openid.is_not(None))
    rows = session.execute(select(OutboxMessage.recipient_openid, func.min(OutboxMessage.id))
                           .where(OutboxMessage.appeal_id == appeal.id, OutboxMessage.template == StaffEscalated.name,
                                  OutboxMessage.created_at >= func.coalesce(since, appeal.created_at),
                                  OutboxMessage.recipient_openid.in_(working))
                           .group_by(OutboxMessage.recipient_openid).order_by(func.min(OutboxMessage.id))).all()
    return [openid for openid, _ in rows]


def let_volunteer_go(session: Session, appeal: Appeal, now: datetime, why: str = "withdrawn") -> None:
    """A volunteer who took part of the withdrawn (or rejected: `why`) appeal (领单) and has not reported it done
    need not come: the claim is released, so it neither holds one of their places nor earns points, and they are
    told."""
    claim = session.scalars(select(VolunteerClaim).where(VolunteerClaim.appeal_id == appeal.id,
                                                         VolunteerClaim.status == ClaimStatus.CLAIMED)).first()
    if claim is None:
        return
    claim.status, claim.task_key, claim.released_at = ClaimStatus.RELEASED, None, now
    openid = session.scalar(select(Staff.openid).where(Staff.id == claim.staff_id))
    tell(session, openid, StaffVolunteerLetGo(code=appeal.ticket, why=why), now, appeal=appeal,
         key=f"appeal:{appeal.id}:volunteer_let_go:{claim.id}")


def tell_volunteer_resolved(session: Session, appeal: Appeal, now: datetime) -> None:
    """办结 while a volunteer holds part of the appeal they have not reported done: they are told to say 完成 (they
    helped) or 放弃 (they did not), once per claim; else the task would sit 进行中 in their list, unsaid."""
    claim = session.scalars(select(VolunteerClaim).where(VolunteerClaim.appeal_id == appeal.id,
                                                         VolunteerClaim.status == ClaimStatus.CLAIMED)).first()
    if claim is None:
        return
    openid = session.scalar(select(Staff.openid).where(Staff.id == claim.staff_id))
    tell(session, openid, StaffVolunteerAppealResolved(code=appeal.ticket), now, appeal=appeal,
         key=f"appeal:{appeal.id}:volunteer_resolved:{claim.id}")


def own_appeal(session: Session, resident: Sender, ticket: str) -> Appeal:
    """One of the resident's own appeals by ticket; someone else's is NotFound, like a missing one."""
    appeal = session.scalars(select(Appeal).where(Appeal.ticket == ticket, Appeal.resident_id == resident.id)).first()
    if appeal is None:
        raise NotFound(ticket)
    return appeal


LAPSED_STATUS = "lapsed"  # no status: how its resident is told of an appeal closed by its `lapsed` event


def shown_status(session: Session, appeal: Appeal) -> str:
    """The appeal's status as its resident is told it: one closed for the address they never gave (storage.supervision)
    is LAPSED_STATUS, not withdrawn, which they never did."""
    return shown_statuses(session, [appeal])[appeal.id]


def shown_statuses(session: Session, appeals: Sequence[Appeal]) -> dict[int, str]:
    """`shown_status` of each appeal of a list, by id, in one query (none when no appeal of it was withdrawn)."""
    cancelled = [appeal.id for appeal in appeals if appeal.status == AppealStatus.CANCELLED]
    lapsed = set(session.scalars(select(AppealEvent.appeal_id).where(
        AppealEvent.appeal_id.in_(cancelled), AppealEvent.action == Action.LAPSED))) if cancelled else set()
    return {appeal.id: LAPSED_STATUS if appeal.id in lapsed else appeal.status for appeal in appeals}


def wrong_state(session: Session, appeal: Appeal) -> IllegalTransition:
    """The refusal of a step the appeal's status does not allow, naming the status as `shown_status` does: every
    refusal (chat, console, command line) then says an appeal closed for the address never given closed so, not
    that its resident withdrew it."""
    return IllegalTransition(shown_status(session, appeal))


def refuse_unplaced(session: Session, appeal: Appeal) -> None:
    """Refuse a step on an appeal in no grid (held for an address, or closed while held) for its state: no grid's
    manager may act on it, and "not your grid" would give one who may read it (the console, an operator its
    emergency card reached) the wrong reason."""
    if appeal.grid_id is None:
        raise wrong_state(session, appeal)


def latest_withdrawn(session: Session, resident_id: int) -> Appeal | None:
    """The resident's most recently filed appeal that they withdrew (撤销), or None."""
    return session.scalars(select(Appeal).where(Appeal.resident_id == resident_id,
                                                Appeal.status == AppealStatus.CANCELLED)
                           .order_by(Appeal.id.desc()).limit(1)).first()


# An image or location belongs to the appeal the resident is talking about: one they filed, chased or added
# to this recently. Sent later than that, it waits this long for the words it belongs to (storage.dispatch).
LOOSE_ATTACHMENT_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Attached:
    """Where an image or location went: `appeal` it was added to, or none (kept for the resident's next appeal)
    while `older`, their latest open appeal, was not talked about within LOOSE_ATTACHMENT_WINDOW."""

    appeal: Appeal | None
    older: Appeal | None = None


def attach(session: Session, resident: Sender, attachment: Attachment, now: datetime) -> Attached:
    """Attach an image or location to the appeal the resident is talking about: their latest open appeal when
    they filed it, chased it or added to it within LOOSE_ATTACHMENT_WINDOW. Otherwise it waits, unattached, for
    their next appeal (dispatch adopts it): a photo sent before its words never lands on an older problem. When
    their latest appeal joined a neighbour's (我也遇到, 合并) that is still open, that one is handled: it gets the photo.
    """
    latest = _latest_of(session, resident.id, (*OPEN_STATUSES, AppealStatus.MERGED))
    joined = _open_target(session, latest)
    if joined is None and latest is not None and latest.status == AppealStatus.MERGED:
        latest = _latest_of(session, resident.id, OPEN_STATUSES)  # merged into one since closed: as before
    talked_about = latest is not None and _talked_about(session, latest, resident.id, now)
    current = (joined or latest) if talked_about else None
    attachment.resident_id = resident.id
    attachment.created_at = now
    attachment.appeal_id = current.id if current else None
    session.add(attachment)
    if current is None:
        return Attached(None, latest)
    record(session, current.id, now, Action.ATTACHED, None, None, actor_id=resident.id, note=attachment.kind)
    return Attached(current)


def _latest_of(session: Session, resident_id: int, statuses: Sequence[AppealStatus]) -> Appeal | None:
    return session.scalars(
        select(Appeal).where(Appeal.resident_id == resident_id, Appeal.status.in_(statuses))
        .order_by(Appeal.id.desc()).limit(1)
    ).first()


def _open_target(session: Session, appeal: Appeal | None) -> Appeal | None:
    """The open appeal a merged one is handled as part of; None for any other."""
    if appeal is None or appeal.status != AppealStatus.MERGED or appeal.merged_into_id is None:
        return None
    target = session.get(Appeal, appeal.merged_into_id)
    return target if target is not None and target.status in OPEN_STATUSES else None


def _talked_about(session: Session, appeal: Appeal, resident_id: int, now: datetime) -> bool:
    since = now - LOOSE_ATTACHMENT_WINDOW
    if appeal.created_at >= since:
        return True
    said = session.scalar(
        select(func.count(AppealEvent.id)).where(AppealEvent.appeal_id == appeal.id,
                                                 AppealEvent.actor_kind == "resident",
                                                 AppealEvent.actor_id == resident_id, AppealEvent.at >= since)
    )
    return bool(said)


def hold(session: Session, *appeals: Appeal) -> None:
    """Lock the appeals' rows until the transaction ends, in id order, and read them again (PostgreSQL; SQLite's
    transaction holds its one write lock already): for a step that reads what the trail or another appeal holds
    and then writes, which two requests at once (a double tap, two console tabs, two operators) must not both
    pass; the compare-and-set of `transition` only guards a step that moves the appeal's own status."""
    if session.get_bind().dialect.name == "sqlite":
        return  # BEGIN IMMEDIATE: what this transaction read is what it writes over; a lock and a re-read add nothing
    session.execute(select(Appeal.id).where(Appeal.id.in_(sorted({appeal.id for appeal in appeals})))
                    .order_by(Appeal.id).with_for_update())
    for appeal in appeals:
        session.refresh(appeal)


def transition(
    session: Session, appeal: Appeal, old: AppealStatus, new: AppealStatus, now: datetime, **values: Any
) -> None:
    """Move an appeal from `old` to `new`, or raise IllegalTransition.

    Compare-and-set: of two requests racing on one appeal, exactly one moves it. The ORM-enabled UPDATE
    also refreshes `appeal` in the session, so callers see the new state.
    """
    if not allowed(old, new):
        raise wrong_state(session, appeal)
    session.flush()  # the appeal's other pending changes first, as the ORM-enabled UPDATE this replaced did
    parameters = {"row": appeal.id, "old": old, "new": new, "now": now} | {f"set_{k}": v for k, v in values.items()}
    # On the session's connection: the ORM's handling of a statement costs more than this UPDATE does.
    moved = session.connection().execute(_transition_statement(tuple(sorted(values))), parameters).rowcount
    if moved != 1:
        raise IllegalTransition(old)
    for key, value in {"status": new, "updated_at": now, **values}.items():
        if isinstance(value, ClauseElement):
            session.expire(appeal, [key])  # computed by the database: read again when next used
        else:
            set_committed_value(appeal, key, value)


@functools.lru_cache(maxsize=64)
def _transition_statement(columns: tuple[str, ...]) -> Update:
    """The compare-and-set UPDATE of `transition` for these extra columns, built once: a Core statement with bind
    parameters, run on every step of every appeal (building it and the ORM's synchronisation cost more than
    the UPDATE itself); `transition` brings the appeal object up to date itself."""
    return (
        update(Appeal.__table__)
        .where(Appeal.id == bindparam("row"), Appeal.status == bindparam("old"))
        .values(status=bindparam("new"), updated_at=bindparam("now"),
                **{column: bindparam(f"set_{column}") for column in columns})
    )


def allowed(old: AppealStatus, new: AppealStatus) -> bool:
    """Whether the lifecycle lets an appeal move from `old` to `new` (the rule table _ALLOWED; no database)."""
    return old in _ALLOWED.get(new, ())


# The `from_staff_id` of an event that may change an appeal's holder when nobody held it before (staff ids start
# at 1); None there means an event that changes no holder, or one recorded before migration 0045.
NOBODY = 0


def holder_before(holder: int | None) -> int:
    """What an event that may change the appeal's holder records as `from_staff_id`: the holder it had, or NOBODY
    (the rates' member lines read it: storage/rate_counts.py)."""
    return NOBODY if holder is None else holder


def record(
    session: Session,
    appeal_id: int,
    now: datetime,
    action: Action,
    from_status: str | None,
    to_status: str | None,
    actor_id: int | None = None,
    note: str | None = None,
    internal: bool = False,
    actor_kind: str | None = None,
    actor: Actor | None = None,
    from_grid_id: int | None = None,
    from_staff_id: int | None = None,
) -> None:
    """Write one audit event: who (`actor`; else a resident unless told otherwise, the system when there is no
    actor), when, what, the note; for a move to another grid, the grid the appeal left (`from_grid_id`); for an
    event that may change the appeal's holder, who held it before (`from_staff_id`, by `holder_before`)."""
    if actor is not None:
        actor_kind, actor_id = actor.kind, actor.id
    kind = actor_kind or ("resident" if actor_id else "system")
    _INSERT_EVENT.run(session, {
        "appeal_id": appeal_id, "at": timestamp(session, now), "actor_kind": kind,
        "actor_id": actor_id, "action": str(action), "from_status": _text(from_status), "to_status": _text(to_status),
        "note": note, "internal": internal, "from_grid_id": from_grid_id, "from_staff_id": from_staff_id,
    })
    trail_facts.keep(session, appeal_id, str(action), now)


_ALLOWED: dict[AppealStatus, tuple[AppealStatus, ...]] = {
    AppealStatus.SUBMITTED: (AppealStatus.AWAITING_ADDRESS,),
    # Transferred (转办) work goes back to dispatched, for the department to claim; a split one (拆分) too;
    # 改派 (storage/reassigning.py) hands a returned, waiting, claimed or paused one to another grid or member.
    AppealStatus.DISPATCHED: (AppealStatus.SUBMITTED, AppealStatus.ACCEPTED, AppealStatus.MERGED,
                              AppealStatus.RETURNED, AppealStatus.DISPATCHED, AppealStatus.PAUSED),
    AppealStatus.ACCEPTED: (AppealStatus.DISPATCHED, AppealStatus.PAUSED, AppealStatus.RESOLVED),
    AppealStatus.PAUSED: (AppealStatus.ACCEPTED,),
    AppealStatus.RETURNED: (AppealStatus.DISPATCHED, AppealStatus.ACCEPTED),
    AppealStatus.RESOLVED: (AppealStatus.ACCEPTED,),
    AppealStatus.CLOSED: (AppealStatus.RESOLVED,),
    # A joined (merged) appeal's resident withdraws it to stop following the appeal it joined (`withdraw`).
    AppealStatus.CANCELLED: (*OPEN_STATUSES, AppealStatus.MERGED),
    AppealStatus.MERGED: (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED, AppealStatus.PAUSED),
    # 不受理 (storage/rejecting.py): an open appeal that has a grid is found to be no appeal at all.
    AppealStatus.REJECTED: (AppealStatus.SUBMITTED, AppealStatus.DISPATCHED, AppealStatus.ACCEPTED,
                            AppealStatus.PAUSED, AppealStatus.RETURNED),
}
_UNPLACED = {"grid_id": None, "building_id": None, "unit_id": None, "response_due_at": None, "resolve_due_at": None}


def _row(session: Session, ticket: str, resident_id: int | None, intake: Intake, status: AppealStatus,
         now: datetime, placement: dict[str, Any], reporter_staff_id: int | None = None,
         door: str | None = None) -> dict[str, Any]:
    """The driver-ready parameters of _INSERT_APPEAL."""
    at = timestamp(session, now)
    return {
        "ticket": ticket, "resident_id": resident_id, "category": intake.category, "subcategory": intake.subcategory,
        "confidence": round(intake.confidence, 4), "keywords": json.dumps(list(intake.keywords), ensure_ascii=False),
        "channel": str(intake.channel), "content": intake.content,
        "raw_message": json.dumps(intake.raw_message, ensure_ascii=False), "status": str(status),
        "response_hours": intake.response_hours, "resolve_hours": intake.resolve_hours,
        "created_at": at, "updated_at": at, **placement,
        "response_due_at": timestamp(session, placement["response_due_at"]),
        "resolve_due_at": timestamp(session, placement["resolve_due_at"]),
        "department": intake.department, "reporter_staff_id": reporter_staff_id,
        "emergency": intake.emergency, "response_minutes": intake.response_minutes,
        "working_days": intake.working_days, "door": door, "second_category": intake.second_category,
        "trail_at": at,  # the rates' trail columns are kept from the start (storage/trail_facts.py)
    }


@dataclass(frozen=True)
class _GridOnly:
    """Where a staff report is placed: the reporter's grid, no building."""

    grid_id: int
    id: None = None
    building_id: None = None
    unit_id: None = None


def _text(value: str | None) -> str | None:
    return None if value is None else str(value)


class _Clocked(Protocol):
    @property
    def response_hours(self) -> int: ...
    @property
    def response_minutes(self) -> int | None: ...
    @property
    def resolve_hours(self) -> int: ...
    @property
    def working_days(self) -> bool: ...


def response_window(clocked: _Clocked) -> timedelta:
    """How long staff have to claim: an emergency's minutes, else the category's hours."""
    if clocked.response_minutes is not None:
        return timedelta(minutes=clocked.response_minutes)
    return timedelta(hours=clocked.response_hours)


def clock_of(clocked: _Clocked) -> workdays.Clock:
    """How the appeal's limits run: on working days when its category says so, else every hour."""
    return workdays.clock(bool(clocked.working_days))


def response_due(clocked: _Clocked, start: datetime) -> datetime:
    """The claim deadline of a response clock starting at `start`: an emergency's minutes run every minute,
    holiday or not; the category's hours on its clock."""
    if clocked.response_minutes is not None:
        return start + response_window(clocked)
    return clock_of(clocked).due(start, response_window(clocked))


def claim_due(session: Session, appeal: Appeal, now: datetime) -> datetime | None:
    """The 接单 deadline the rates keep judging the appeal by (Appeal.claim_due_at): the fresh clock of a 改派 (拆分, 转办)
    is the new holders' to claim by, but a deadline already missed, or a claim already made, stays as it was — or
    moving a task on would make a late response an in-time one."""
    if appeal.claim_due_at is not None or appeal.response_due_at is None:
        return appeal.claim_due_at
    claimed = session.scalar(select(AppealEvent.id).where(AppealEvent.appeal_id == appeal.id,
                                                          AppealEvent.action == Action.ACCEPTED).limit(1))
    return appeal.response_due_at if claimed is not None or appeal.response_due_at <= now else None


def resolve_due(clocked: _Clocked, start: datetime) -> datetime:
    """The 办结 deadline of a resolve clock starting at `start`."""
    return clock_of(clocked).due(start, timedelta(hours=clocked.resolve_hours))


def resolve_due_unpaused(appeal: Appeal, now: datetime) -> datetime | None:
    """The 办结 deadline of an appeal leaving its pause at `now` (恢复, or 改派 of a paused task): moved on by the
    time the pause took, on the appeal's clock; unchanged when it is not paused."""
    due = appeal.resolve_due_at
    if due is None or appeal.paused_at is None:
        return due
    clock = clock_of(appeal)
    return clock.shift(due, clock.elapsed(appeal.paused_at, now))


def fresh_claim_clock(session: Session, appeal: Appeal, now: datetime) -> dict[str, Any]:
    """The clock fields of an appeal handed to new holders at `now` (改派, 拆分): a fresh response deadline to claim
    by, the 办结 deadline moved on by a pause being left, reminders and escalation from the start; the rates keep the
    claim deadline before it once that had passed or been met (`claim_due`)."""
    return {"resolve_due_at": resolve_due_unpaused(appeal, now), "response_due_at": response_due(appeal, now),
            "claim_due_at": claim_due(session, appeal, now), "response_reminded_at": None, "escalation_level": 0}


# Dispatched later than this after its claim clock started (a worker down for hours, its queue drained later):
# the clock staff are chased by starts again at dispatch (`dispatch_clock`).
LATE_DISPATCH = timedelta(minutes=5)


def dispatch_clock(appeal: Appeal, now: datetime) -> dict[str, Any]:
    """The claim clock of an appeal dispatched at `now`, as fields to set (none when dispatched on time): a card
    that could first reach its grid (or unit) at `now` is reminded of and 督办'd from then, not at once with the
    card because the worker was down when it was filed; the rates still judge the claim by the deadline counted
    from filing (`claim_due_at`), for the resident did wait. In the category's time: a working-day appeal filed on
    Saturday and dispatched on Sunday was not late."""
    if appeal.response_due_at is None:
        return {}
    fresh = response_due(appeal, now)
    if fresh <= appeal.response_due_at + LATE_DISPATCH:
        return {}
    return {"response_due_at": fresh, "claim_due_at": appeal.claim_due_at or appeal.response_due_at}


def _placement(resident: Sender, clocked: _Clocked, now: datetime) -> dict[str, Any]:
    """Where the appeal goes and by when, from the resident's address at submission time."""
    return {
        "grid_id": resident.grid_id,
        "building_id": resident.building_id,
        "unit_id": resident.unit_id,
        "response_due_at": response_due(clocked, now),
        "resolve_due_at": resolve_due(clocked, now),
    }
