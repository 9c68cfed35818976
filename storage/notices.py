"""Notices as values: one frozen dataclass per kind of message the platform sends a person.

A notice is what happened, for whom: `ResidentAccepted(ticket=…, staff_name=…)`. `storage.telling` writes it
to the outbox, which stores its `name` and its `params()` as JSON; `handlers.notifications` rebuilds it from a
stored row with `from_params` and words it by its type (the tables in handlers' *_texts modules).

The stored names and keys are a contract with rows already in databases: a name is never renamed, a key
keeps its meaning (`from_` is stored as "from"), and a row written before a field existed must still be
read. So a field the wording reads only when present has a default; a field the wording always read is
required, and a row without it is refused (KeyError) as it was before. Keys a notice does not know are
ignored, as the wording always ignored them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

BY_NAME: dict[str, type[Notice]] = {}  # every notice type by its stored name, filled as they are defined
# Switches stored only when on: rows have never carried them as false.
_STORED_WHEN_TRUE = frozenset({"followed", "for_neighbour", "withheld", "urgent", "yours", "for_department",
                               "waiting_for", "given_to", "operator", "overseer", "returned", "unit",
                               "holder_unit", "receiver", "unmanned", "again", "grid_away", "given_to_away",
                               "recategorised"})
# Whom a task card is for when nobody below them is bound to claim it (StaffNewAppeal.receiver, storage.dispatch).
LEADER_CARD = "leader"  # the grid's 网格长 alone: they claim it or 改派 it to a member
OPERATOR_CARD = "operator"  # the community's (or the street's) operators, standing in: they 改派 or 转办 it
OPERATOR_AWAY_CARD = "operator_away"  # as OPERATOR_CARD, for a 派单 grid whose members and 网格长 are all on leave


class Audience(StrEnum):
    """Who reads a notice: residents by the reply window (or a template), staff by customer service first."""

    RESIDENT = "resident"
    STAFF = "staff"


@dataclass(frozen=True, kw_only=True)
class Notice:
    """A message to one person; subclasses name it (`name`, as stored in the outbox) and carry its facts."""

    name: ClassVar[str]
    audience: ClassVar[Audience]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.name in BY_NAME:
                raise TypeError(f"two notices named {cls.name}")
            BY_NAME[cls.name] = cls

    def params(self) -> dict[str, Any]:
        """The JSON-ready parameters the outbox stores for this notice."""
        stored = {field.key: _encode(getattr(self, field.name)) for field in _stored_fields(type(self))}
        return {key: value for key, value in stored.items() if key not in _STORED_WHEN_TRUE or value}

    @functools.cached_property
    def stored(self) -> str:
        """`params` as an outbox row stores them (JSON), worked out once: one task card goes to a whole team."""
        return json.dumps(self.params(), ensure_ascii=False)


def from_params(name: str, params: dict[str, Any]) -> Notice:
    """The notice an outbox row holds; KeyError names an unknown notice or a missing required parameter."""
    kind = BY_NAME[name]
    values = {}
    for field in _stored_fields(kind):
        if field.key in params:
            values[field.name] = _decode(field.timed, params[field.key])
        elif field.required:
            raise KeyError(field.key)
    return kind(**values)


# --- what residents read -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ResidentNotice(Notice):
    """A step of an appeal, told to its resident or to a neighbour who joined it (`followed`)."""

    audience: ClassVar[Audience] = Audience.RESIDENT
    ticket: str
    followed: bool = False
    for_neighbour: bool = False  # 代报: told to the 楼长 (党员…) who filed it for a neighbour, not the neighbour's own

    def for_follower(self) -> ResidentNotice:
        """The notice as a follower hears it: the step, never what staff wrote about it."""
        return replace(self, followed=True)

    def for_reporter(self) -> ResidentNotice:
        """The notice as the one who filed it for a neighbour (代报) hears it: a neighbour's appeal, not theirs."""
        return replace(self, for_neighbour=True)


@dataclass(frozen=True, kw_only=True)
class ResidentAccepted(ResidentNotice):
    name: ClassVar[str] = "resident_accepted"
    staff_name: str
    work_phone: str | None = None  # the handler's published 工作电话: told whole, it is there to be called
    unit: str | None = None  # a department's or property company's officer: whom they work for


@dataclass(frozen=True, kw_only=True)
class ResidentProgress(ResidentNotice):
    name: ClassVar[str] = "resident_progress"
    note: str

    def for_follower(self) -> ResidentNotice:
        return ResidentFollowProgress(ticket=self.ticket, followed=True)


@dataclass(frozen=True, kw_only=True)
class ResidentTransferred(ResidentNotice):
    name: ClassVar[str] = "resident_transferred"
    to: str
    again: bool = False  # back to the grid (department) it was in, for someone else there to take: no transfer
    person: bool = False  # 改派 to one grid member (or 网格长), named in `to`: who handles it now, no transfer


@dataclass(frozen=True, kw_only=True)
class ResidentPaused(ResidentNotice):
    name: ClassVar[str] = "resident_paused"
    reason: str

    def for_follower(self) -> ResidentNotice:
        return ResidentFollowPaused(ticket=self.ticket, followed=True)


@dataclass(frozen=True, kw_only=True)
class ResidentResumed(ResidentNotice):
    name: ClassVar[str] = "resident_resumed"


@dataclass(frozen=True, kw_only=True)
class ResidentResolved(ResidentNotice):
    name: ClassVar[str] = "resident_resolved"
    note: str
    photo: bool = False

    def for_follower(self) -> ResidentNotice:
        return ResidentFollowResolved(ticket=self.ticket, followed=True, photo=self.photo)


@dataclass(frozen=True, kw_only=True)
class ResidentReopened(ResidentNotice):
    name: ClassVar[str] = "resident_reopened"


@dataclass(frozen=True, kw_only=True)
class ResidentRecategorised(ResidentNotice):
    """分类: staff confirmed the category of an appeal filed as 待分类, or corrected it; its time limits are the new
    category's (the receipt told the old ones)."""

    name: ClassVar[str] = "resident_recategorised"
    category: str
    response_hours: int
    resolve_hours: int
    working_days: bool = False
    confirmed: bool = False  # it waited in 待分类: the receipt promised staff would confirm its category


# Followers hear that a step happened, never staff's words about it: a note may name the neighbour who asked (a
# phone number, a door), and a follower may be a stranger who claimed an address. They get these instead of the
# notices that carry staff's words (`for_follower`); only the appeal's own resident reads the notes.
@dataclass(frozen=True, kw_only=True)
class ResidentFollowProgress(ResidentNotice):
    name: ClassVar[str] = "resident_follow_progress"


@dataclass(frozen=True, kw_only=True)
class ResidentFollowPaused(ResidentNotice):
    name: ClassVar[str] = "resident_follow_paused"


@dataclass(frozen=True, kw_only=True)
class ResidentFollowResolved(ResidentNotice):
    name: ClassVar[str] = "resident_follow_resolved"
    photo: bool = False


@dataclass(frozen=True, kw_only=True)
class ResidentMerged(ResidentNotice):
    name: ClassVar[str] = "resident_merged"
    into: str


@dataclass(frozen=True, kw_only=True)
class ResidentSplit(ResidentNotice):
    name: ClassVar[str] = "resident_split"
    from_: str  # stored as "from"


@dataclass(frozen=True, kw_only=True)
class ResidentRejected(ResidentNotice):
    """不受理: the message was no appeal (thanks, small talk); why, and how to report a real problem."""

    name: ClassVar[str] = "resident_rejected"
    reason: str


@dataclass(frozen=True, kw_only=True)
class ResidentAddressWanted(ResidentNotice):
    """An unbound resident's appeal still held, a day on, for the address they never gave (storage.supervision)."""

    name: ClassVar[str] = "resident_address_wanted"


@dataclass(frozen=True, kw_only=True)
class ResidentHeldLapsed(ResidentNotice):
    """An unbound resident's appeal held `days` for the address they never gave, closed (storage.supervision)."""

    name: ClassVar[str] = "resident_held_lapsed"
    days: int


@dataclass(frozen=True, kw_only=True)
class ResidentWithdrawn(ResidentNotice):
    """撤销 by an operator on the resident's word (a call, a visit): the resident reads it in writing, so a
    withdrawal they never asked for does not pass unnoticed."""

    name: ClassVar[str] = "resident_withdrawn"


# --- what staff read ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StaffNotice(Notice):
    """A task, a change to one, or an alert, for a staff member."""

    audience: ClassVar[Audience] = Audience.STAFF


@dataclass(frozen=True, kw_only=True)
class StaffNewAppeal(StaffNotice):
    """The task card; a sensitive appeal's card is `withheld` (no words, no home) from who may not read it."""

    name: ClassVar[str] = "staff_new_appeal"
    ticket: str
    category: str
    subcategory: str | None = None
    second_category: str | None = None  # a second problem the message names (另涉及)
    grid: str
    home: str | None = None
    content: str | None
    resolve_due_at: datetime | None = None
    overdue: bool = False  # the 办结 deadline had passed when the card was sent (a task moved on after it)
    withheld: bool = False
    urgent: bool = False  # 【紧急】: an emergency; sent on its own, never folded into a digest
    emergency: str | None = None  # the emergency's label (火情, 急病…), when urgent
    response_due_at: datetime | None = None  # when urgent: claim by then
    phone: str | None = None  # the resident's 我的电话, masked: the handler reads it whole once they claim
    door: str | None = None  # the resident's 门牌, masked the same way (an emergency's whole: someone must find the door)
    photos: tuple[str, ...] = ()  # signed links to the appeal's photos (storage/media_files.py), when readable
    places: tuple[str, ...] = ()  # map links to its locations
    # Its readers are a department's or property company's staff (转办, or a category routed there), not a grid's.
    for_department: bool = False
    receiver: str | None = None  # LEADER_CARD, OPERATOR_CARD or OPERATOR_AWAY_CARD: nobody below them to claim it
    # 改派: who handed it on (a 网格长's or operator's name, 街道 for the command line) and the reason they said
    # after the name; the card is no 新诉求 then, often days old.
    reassigned_by: str | None = None
    reassign_reason: str | None = None
    reassigned_to_you: bool = False  # handed to the reader by name, not to their grid's team


@dataclass(frozen=True, kw_only=True)
class StaffEmergencyUnclaimed(StaffNotice):
    """An emergency nobody claimed within its minutes: what, where, since when, so the reader can act."""

    name: ClassVar[str] = "staff_emergency_unclaimed"
    ticket: str
    emergency: str  # its label: 火情, 急病…
    place: str
    content: str
    since: datetime
    door: str | None = None  # the resident's 门牌, whole as on its card
    level: int = 1  # the 督办 level it reached: 1 the grid's 网格长, 2 the community's operators, 3 the street's
    waiting_for: str | None = None  # 转办'd to this department or property company: only its people may claim it


@dataclass(frozen=True, kw_only=True)
class StaffMerged(StaffNotice):
    name: ClassVar[str] = "staff_merged"
    ticket: str
    into: str


@dataclass(frozen=True, kw_only=True)
class StaffTaken(StaffNotice):
    name: ClassVar[str] = "staff_taken"
    ticket: str
    by: str


@dataclass(frozen=True, kw_only=True)
class Overdue(StaffNotice):
    """What a reminder or 督办 is about, so the reader can act without 查询: what, where, since when.

    Rows written before these fields existed have none of them; `content` and a `place` down to the unit are
    left out for whom may not read a private appeal."""

    category: str | None = None
    subcategory: str | None = None
    place: str | None = None
    content: str | None = None  # the start of the resident's words
    filed_at: datetime | None = None
    holder: str | None = None  # who has it in hand (接单), when someone has
    holder_unit: str | None = None  # the holder's department or property company: the reader may not know them
    # Nobody has claimed it and it waits for a department's or the property company's claim (转办, or its category's
    # routing): only they may claim it, so the reader chases them rather than claiming it.
    waiting_for: str | None = None
    given_to: str | None = None  # 派单 or 改派 gave it to this member, who has not claimed it yet: the reader chases them
    given_to_away: bool = False  # ...and that member is on leave: the reader 改派s it rather than chase them
    emergency: str | None = None  # its label (火情, 急病…) when it is an emergency
    # Unclaimed, its grid's members and 网格长 all on leave: told to the operators standing in, who 改派 it.
    grid_away: bool = False


@dataclass(frozen=True, kw_only=True)
class StaffReminder(Overdue):
    name: ClassVar[str] = "staff_reminder"
    ticket: str
    due_at: datetime
    # "response" or "resolve"; "paused": paused since `due_at` for a whole completion time (storage.supervision);
    # rows from before the response clock have none
    clock: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffEscalated(Overdue):
    name: ClassVar[str] = "staff_escalated"
    ticket: str
    level: int | str  # a level number; older rows name the level's office
    reason: str | None = None  # "unclaimed", "response_overdue", "resolve_overdue" or "returned_waiting"
    yours: bool = False  # told to the holder themselves, rather than to whom supervises them
    operator: bool = False  # told to an operator, who claims no ordinary task: they chase the grid or 改派 it
    overseer: bool = False  # told to a 网格长 or an operator, whose 超期 lists every late task they oversee
    unmanned: bool = False  # waiting in a grid with nobody bound to claim it: there is no grid to chase, only 改派


@dataclass(frozen=True, kw_only=True)
class StaffReassigned(StaffNotice):
    """The appeal a member held or waited on was handed to someone else (改派)."""

    name: ClassVar[str] = "staff_reassigned"
    ticket: str
    by: str
    to: str


@dataclass(frozen=True, kw_only=True)
class StaffTasksHandedOver(StaffNotice):
    """A member who left (gridbot staff disable) or moved grid: their open tasks went to `to` (None: each back to
    its grid), told once for all of them rather than one 改派 notice a task."""

    name: ClassVar[str] = "staff_tasks_handed_over"
    tickets: tuple[str, ...]
    count: int
    to: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffMemberOnLeave(StaffNotice):
    """To the grid's leaders: a member went on leave (请假) holding open tasks, which stay theirs; the leader may
    move those that cannot wait (改派). Leave arranged for a later day is told when arranged, tasks held or not."""

    name: ClassVar[str] = "staff_member_on_leave"
    who: str  # the member's name
    last_day: datetime | None = None  # the leave's last day, its local midnight; None: until 销假
    first_day: datetime | None = None  # leave arranged for a later day: its first day's local midnight
    tickets: tuple[str, ...]
    count: int


@dataclass(frozen=True, kw_only=True)
class StaffMemberLeaveCancelled(StaffNotice):
    """To the grid's leaders, told of a member's leave arranged for a later day: they cancelled it (销假) before it
    began, and stay at work."""

    name: ClassVar[str] = "staff_member_leave_cancelled"
    who: str  # the member's name
    first_day: datetime  # the cancelled leave's first day, its local midnight


@dataclass(frozen=True, kw_only=True)
class StaffTransferredAway(StaffNotice):
    """The appeal a member had claimed was transferred (转办) to a department or property company by someone else."""

    name: ClassVar[str] = "staff_transferred_away"
    ticket: str
    by: str
    to: str


@dataclass(frozen=True, kw_only=True)
class StaffCancelled(StaffNotice):
    """The resident withdrew (撤销) the appeal the member was working on."""

    name: ClassVar[str] = "staff_cancelled"
    ticket: str
    # A 代报: the 楼长 (党员…) who withdrew it, by role and name (as StaffChased's), not the neighbour.
    relayer_role: str | None = None
    relayer_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffRejected(StaffNotice):
    """The appeal the member was working on was closed as no appeal (不受理) by their leader or an operator."""

    name: ClassVar[str] = "staff_rejected"
    ticket: str
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class StaffResolvedByOther(StaffNotice):
    """The appeal the member had claimed was closed (办结) by their grid leader or an operator, with what was done."""

    name: ClassVar[str] = "staff_resolved_by_other"
    ticket: str
    by: str
    note: str


@dataclass(frozen=True, kw_only=True)
class StaffReturnedByOther(StaffNotice):
    """The appeal the member had claimed was given back to the community (退回) by their grid leader."""

    name: ClassVar[str] = "staff_returned_by_other"
    ticket: str
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class StaffProgressByOther(StaffNotice):
    """Their grid leader or an operator told the resident of progress (进展) on the appeal the member had claimed."""

    name: ClassVar[str] = "staff_progress_by_other"
    ticket: str
    by: str
    note: str


@dataclass(frozen=True, kw_only=True)
class StaffPausedByOther(StaffNotice):
    """The appeal the member had claimed was paused (挂起) by their grid leader or an operator: its clock stands."""

    name: ClassVar[str] = "staff_paused_by_other"
    ticket: str
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class StaffResumedByOther(StaffNotice):
    """The appeal the member had claimed, paused, was resumed (恢复) by their grid leader or an operator."""

    name: ClassVar[str] = "staff_resumed_by_other"
    ticket: str
    by: str
    due_at: datetime | None = None  # the completion deadline, moved on by the pause


@dataclass(frozen=True, kw_only=True)
class StaffRecategorised(StaffNotice):
    """分类 (改分类): an operator or the grid leader gave the appeal the member holds another category, and with it
    the new category's time limits (storage/review.py): the task card's category and deadline no longer hold."""

    name: ClassVar[str] = "staff_recategorised"
    ticket: str
    by: str
    category: str
    subcategory: str | None = None
    response_due_at: datetime | None = None  # while nobody has claimed it: claim by then
    resolve_due_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class StaffReturned(StaffNotice):
    name: ClassVar[str] = "staff_returned"
    ticket: str
    by: str
    reason: str
    emergency: str | None = None  # its label (火情, 急病…) when it is an emergency: route it within minutes
    due_at: datetime | None = None  # an emergency's: by when to 改派 it before the street is pressed (its minutes)


@dataclass(frozen=True, kw_only=True)
class StaffReopened(StaffNotice):
    name: ClassVar[str] = "staff_reopened"
    ticket: str
    follow_up: bool = False  # the grid leader, asked to follow up, rather than the assignee
    words: str | None = None  # what the resident said when rating (电梯还是坏的，根本没修好)
    times: int = 1  # which 不满意 of this appeal this is: a second one means the first 重新办理 did not help
    yours: bool = False  # the one asked to follow up holds it too (a 网格长 who resolved it herself): hers to redo
    # A 代报: the 楼长 (党员…) who rated it for the neighbour, by role and name (as StaffChased's), not a resident.
    relayer_role: str | None = None
    relayer_name: str | None = None


# What a notice about an appeal says of it: left out for a holder who may not read the appeal (storage.chasing).
_APPEAL_WORDS = {"content": "", "words": None, "photos": (), "places": ()}


def withheld(notice: StaffNotice) -> StaffNotice:
    """The notice without the appeal's words and links, marked `withheld` (the wording says how to read it)."""
    names = {field.name for field in dataclasses.fields(notice)}
    return replace(notice, withheld=True, **{name: value for name, value in _APPEAL_WORDS.items() if name in names})


@dataclass(frozen=True, kw_only=True)
class StaffSupervised(StaffNotice):
    """督办 by hand: an operator pressed whoever holds the appeal, in their words (storage/chasing.py)."""

    name: ClassVar[str] = "staff_supervised"
    ticket: str
    by: str
    words: str
    claimed: bool = False  # told to its assignee, rather than to everyone who may claim it
    returned: bool = False  # given back (退回): told to the community's operators, who must route it again


@dataclass(frozen=True, kw_only=True)
class StaffChased(StaffNotice):
    """催办: the resident asked after their appeal (storage/chasing.py)."""

    name: ClassVar[str] = "staff_chased"
    ticket: str
    content: str
    count: int
    filed_at: datetime
    words: str | None = None
    claimed: bool = False  # told to its assignee, rather than to everyone who may claim it
    returned: bool = False  # given back (退回): told to the community's operators, who must route it again
    withheld: bool = False  # a private appeal, told to someone who may not read it: no words, no links
    away: str | None = None  # told to a 网格长 (or operator) because its holder, named, is on leave: to 改派 it
    grid_away: bool = False  # told to the operators standing in for a grid all on leave, nobody claiming it: to 改派 it
    # A 代报 (storage.building_leads): the 楼长 (党员…) asking, by role (a StaffRole's value) and name, not the
    # neighbour, who has no WeChat.
    relayer_role: str | None = None
    relayer_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffAppealText(StaffNotice):
    """A part of an appeal's words too long for 查询's one reply, sent right after it (storage/lookups.py)."""

    name: ClassVar[str] = "staff_appeal_text"
    ticket: str
    part: int
    parts: int
    text: str


@dataclass(frozen=True, kw_only=True)
class StaffWordsAdded(StaffNotice):
    """补充: the resident told more about an appeal someone holds, or about their emergency (storage/material.py)."""

    name: ClassVar[str] = "staff_words_added"
    ticket: str
    content: str
    words: str | None
    emergency: str | None = None  # the emergency's label (火情, 急病…) when the appeal is one
    claimed: bool = False  # told to its assignee, rather than to everyone who may claim it
    returned: bool = False  # given back (退回): told to the community's operators, who must route it again
    grid_away: bool = False  # told to the operators standing in for a grid all on leave, nobody claiming it: to 改派 it
    withheld: bool = False  # a private appeal, told to someone who may not read it: no words
    # A neighbour whose report of the same danger joined this emergency (storage.joins.join_emergency): their
    # ticket, home and 门牌, so that nobody knocks at the first reporter's door for them.
    reporter: str | None = None
    # A 代报: the 楼长 (党员…) telling more, by role and name (as StaffChased's), not the neighbour.
    relayer_role: str | None = None
    relayer_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffMaterialAdded(StaffNotice):
    """The resident added a photo or a location to an appeal someone holds (or may claim)."""

    name: ClassVar[str] = "staff_material_added"
    ticket: str
    material: str  # the attachment's kind: "image" or "location"
    photos: tuple[str, ...] = ()  # the new photo's signed link, for a holder who may read the appeal
    places: tuple[str, ...] = ()  # the new location's map link, likewise
    content: str
    claimed: bool = False  # told to its assignee, rather than to everyone who may claim it
    returned: bool = False  # given back (退回): told to the community's operators, who must route it again
    grid_away: bool = False  # told to the operators standing in for a grid all on leave, nobody claiming it: to 改派 it
    withheld: bool = False  # a private appeal, told to someone who may not read it: no words, no links
    # A 代报: the 楼长 (党员…) who sent it, by role and name (as StaffWordsAdded's), not the neighbour.
    relayer_role: str | None = None
    relayer_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffPartsFiled(StaffNotice):
    """The resident had several problems in one appeal filed separately: this one keeps the first."""

    name: ClassVar[str] = "staff_parts_filed"
    ticket: str
    content: str  # the words this appeal is still about
    tickets: tuple[str, ...]  # the tickets the other problems were filed as
    claimed: bool = False
    withheld: bool = False  # a private appeal, told to someone who may not read it: no words, no links


@dataclass(frozen=True, kw_only=True)
class StaffFocusOpened(StaffNotice):
    name: ClassVar[str] = "staff_focus_opened"
    code: str
    place: str
    key_kind: str  # "category" or "keyword"
    key: str
    count: int
    days: int
    tickets: tuple[str, ...]
    owner: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffDigest(StaffNotice):
    """What one person would have got one by one within a minute (storage.outbox folds them into it)."""

    name: ClassVar[str] = "staff_digest"
    window_start: datetime
    count: int
    tickets: tuple[str, ...]
    new: int = 0
    reminders: int = 0
    escalations: int = 0
    merged: int = 0  # 【已合并】: a 网格长 merging a burst of neighbours' reports of one problem
    recategorised: int = 0  # 【改分类】: an operator working through the morning's 待分类
    overseen: int = 0  # of the escalations, told to whom supervises the holder (a 网格长, an operator): 超期 lists all
    minutes: int = 1  # the window: 1, or storage.outbox's ROUTINE_WINDOW for a 网格长's routine copies


@dataclass(frozen=True, kw_only=True)
class StaffCardLost(StaffNotice):
    name: ClassVar[str] = "staff_card_lost"
    ticket: str
    holder: str


@dataclass(frozen=True, kw_only=True)
class StaffCertifyLocked(StaffNotice):
    name: ClassVar[str] = "staff_certify_locked"
    who: str  # the sender's masked openid
    failures: int
    minutes: int
    until: datetime


@dataclass(frozen=True, kw_only=True)
class StaffDailySummary(StaffNotice):
    """每日简报 (storage/daily_summary.py): a 网格长's grid, or an operator's community or street, one morning.

    The days it reports on run from `since` to `until` (midnights, Beijing time; `until` is the morning's own
    day): yesterday, or since the last working day. The backlog and what is overdue are as of the morning; the
    rates are the month's to date (storage.rates), the month of the last day reported on. The overdue appeals it
    names are the latest ones, most late first: ticket, category, clock ("response"/"resolve"), minutes late.
    """

    name: ClassVar[str] = "staff_daily_summary"
    area: str  # 社区·网格, the community, or the street
    since: datetime
    until: datetime
    new: int  # filed (storage.rates' "received")
    accepted: int  # appeals claimed (接单)
    resolved: int  # appeals 办结
    reopened: int  # appeals rated 不满意 and so reopened
    backlog: int  # open and placed in a grid, the morning's count
    overdue: int  # past the deadline of their clock, the morning's count
    late_tickets: tuple[str, ...] = ()
    late_categories: tuple[str, ...] = ()
    late_clocks: tuple[str, ...] = ()
    late_minutes: tuple[int, ...] = ()
    response_rate: float | None = None
    resolve_rate: float | None = None
    satisfaction_rate: float | None = None
    holidays_missing: int | None = None  # an operator's: the year the holiday calendar has nothing of yet
    rated: int | None = None  # the ratings behind satisfaction_rate (None: a summary written before it was kept)

    @property
    def quiet(self) -> bool:
        """Nothing new came in, nobody was 不满意 and nothing is overdue: the summary has one line to say."""
        return self.new == 0 and self.reopened == 0 and self.overdue == 0


# --- 党员报到 / 志愿者报名 (storage/enrolments.py) -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StaffEnrolmentRequested(StaffNotice):
    """To the community's operators: a resident asks to be a 党员 or 志愿者 of the community (`number` confirms)."""

    name: ClassVar[str] = "staff_enrolment_requested"
    who: str  # the applicant's name as they gave it
    role: str  # StaffRole.PARTY_MEMBER or StaffRole.VOLUNTEER
    place: str  # their home: 小区 楼栋 单元
    number: int  # the enrolment's id: 确认报到 <number>
    organisation: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffMemberConfirmed(StaffNotice):
    """To the new member: the community confirmed their 报到/报名; what they may do now."""

    name: ClassVar[str] = "staff_member_confirmed"
    who: str
    role: str


@dataclass(frozen=True, kw_only=True)
class StaffMemberMovedHome(StaffNotice):
    """To a 党员 or 志愿者 the community registered at their new home (`gridbot staff move --building`): where, and
    the tasks they took where they lived before that are open to others again."""

    name: ClassVar[str] = "staff_member_moved_home"
    who: str
    role: str
    home: str
    released: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StaffEnrolmentDeclined(StaffNotice):
    """To the applicant (a resident, never made a member): the community did not confirm their request."""

    name: ClassVar[str] = "staff_enrolment_declined"
    who: str
    role: str


# --- 领单: volunteers' tasks (storage/volunteer_claims.py, storage/wishes.py) ----------------------------------
# `code` is the task's number: an appeal's ticket (G…) or a 微心愿's (W…); `role` a StaffRole's value.


@dataclass(frozen=True, kw_only=True)
class ResidentVolunteerComing(ResidentNotice):
    """A volunteer took part of the resident's appeal: told by name only, the grid member stays responsible."""

    name: ClassVar[str] = "resident_volunteer_coming"
    volunteer: str


@dataclass(frozen=True, kw_only=True)
class ResidentVolunteerNotComing(ResidentNotice):
    """The volunteer the resident was told of gave the task back (放弃, or left): not to be waited for."""

    name: ClassVar[str] = "resident_volunteer_not_coming"
    volunteer: str


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerClaimed(StaffNotice):
    """To the one responsible (the assignee, the grid's team, the wish's poster): a volunteer took the task."""

    name: ClassVar[str] = "staff_volunteer_claimed"
    code: str
    volunteer: str
    role: str
    what: str
    place: str
    phone: str | None = None  # how to reach the volunteer (storage.contacts.volunteer_phone); older rows: None


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerDone(StaffNotice):
    """To the one responsible: the volunteer says their part is done; they confirm with 确认完成."""

    name: ClassVar[str] = "staff_volunteer_done"
    code: str
    volunteer: str
    role: str
    note: str


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerReleased(StaffNotice):
    """To the one responsible: the volunteer gave the task back (放弃); it is open to others again, unless the
    appeal was resolved or closed meanwhile (`closed`)."""

    name: ClassVar[str] = "staff_volunteer_released"
    code: str
    volunteer: str
    role: str
    closed: bool = False


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerConfirmed(StaffNotice):
    """To the volunteer: their part was confirmed by `by` (None: the resident's rating), with the points it
    earned (0: none, e.g. the month's cap was reached)."""

    name: ClassVar[str] = "staff_volunteer_confirmed"
    code: str
    by: str | None = None
    points: int = 0


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerPraised(StaffNotice):
    """To the volunteer whose part was confirmed before: the resident then rated the appeal 满意, which earned
    them `points` more (task_satisfied). Not a second confirmation, so not worded as one."""

    name: ClassVar[str] = "staff_volunteer_praised"
    code: str
    points: int


@dataclass(frozen=True, kw_only=True)
class StaffWishCancelled(StaffNotice):
    """To the volunteer who took a 微心愿: it was cancelled, nothing more to do."""

    name: ClassVar[str] = "staff_wish_cancelled"
    code: str


@dataclass(frozen=True, kw_only=True)
class StaffWishWithdrawn(StaffNotice):
    """To the grid member who posted a 微心愿: an operator cancelled it (console or `gridbot wishes cancel`);
    `volunteer`: who had taken it and was told too."""

    name: ClassVar[str] = "staff_wish_withdrawn"
    code: str
    text: str
    volunteer: str | None = None


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerLetGo(StaffNotice):
    """To the volunteer who took part of an appeal (领单) its resident then withdrew (撤销), or staff closed as no
    appeal (不受理, `why` "rejected"): nothing more to do."""

    name: ClassVar[str] = "staff_volunteer_let_go"
    code: str
    why: str = "withdrawn"  # withdrawn | rejected


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerMaterial(StaffNotice):
    """To the one responsible: the photo or location a volunteer sent just after their 完成, with its link (a
    微心愿's is seen nowhere else); `confirmed`: they confirmed it already, nothing to do."""

    name: ClassVar[str] = "staff_volunteer_material"
    code: str
    volunteer: str
    role: str
    material: str  # the attachment's kind: "image" or "location"
    photos: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    confirmed: bool = False


@dataclass(frozen=True, kw_only=True)
class StaffVolunteerAppealResolved(StaffNotice):
    """To the volunteer who took part of an appeal (领单) and has not reported it done when the grid member 办结 it:
    say 完成 if they helped (the grid member confirms it, with the points), 放弃 if not; the task is theirs until."""

    name: ClassVar[str] = "staff_volunteer_appeal_resolved"
    code: str


class _StoredField(typing.NamedTuple):
    """How a notice's field is written to and read from an outbox row."""

    name: str
    key: str  # the key it is stored under
    timed: bool  # holds a time (datetime or datetime | None), stored as ISO text
    required: bool  # a row must have it (no default)


@functools.cache
def _stored_fields(kind: type[Notice]) -> tuple[_StoredField, ...]:
    """A notice kind's fields as stored, worked out once: every card is stored and every send reads one, and
    dataclasses.fields and typing.get_type_hints are slow to ask each time."""
    hints = typing.get_type_hints(kind)
    return tuple(
        _StoredField(field.name, _key(field.name), datetime in (typing.get_args(hint) or (hint,)),
                     field.default is dataclasses.MISSING)
        for field, hint in ((field, hints[field.name]) for field in dataclasses.fields(kind))
    )


def _key(field_name: str) -> str:
    return field_name.removesuffix("_")  # `from_` because `from` is a keyword


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _decode(timed: bool, value: Any) -> Any:
    if timed and isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    if isinstance(value, list):
        return tuple(value)
    return value
