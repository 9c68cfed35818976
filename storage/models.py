"""Tables: the grid hierarchy, people, appeals with their audit trail, dedup and the outbox."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.typed_words import narrowed

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: SQLite keeps no zone, PostgreSQL keeps it the same way here."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ResidentStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # unsubscribed; appeals are kept


class Verification(StrEnum):
    QR_CODE = "qr_code"  # scanned the building's QR code, which hangs in the building
    STAFF = "staff"  # a grid member confirmed it after a visit (核实 编号)


class StaffRole(StrEnum):
    GRID_MEMBER = "grid_member"  # 网格员
    GRID_LEADER = "grid_leader"  # 网格长
    PROPERTY = "property"  # 物业
    DEPARTMENT = "department"  # 部门
    OPERATOR = "operator"  # 操作员
    BUILDING_LEAD = "building_lead"  # 楼长: a resident volunteer of one building, not grid staff
    UNIT_LEAD = "unit_lead"  # 单元长: a resident volunteer of one unit of a building
    PARTY_HOUSEHOLD = "party_household"  # 党员中心户: a party member's household that looks after its unit
    PARTY_MEMBER = "party_member"  # 党员: an in-service party member reporting where they live (在职党员报到)
    VOLUNTEER = "volunteer"  # 志愿者: a resident who signed up to help (志愿者报名)


# The grid's own team: they get its task cards and claim, work and close its appeals.
GRID_TEAM = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER)
# Roles bound to one grid (an invite names it; they read its appeals): the team and the grid's property company.
GRID_BOUND = (*GRID_TEAM, StaffRole.PROPERTY)
# The community's own people (党建引领): residents with a post or who signed up, never grid staff. They have a
# home (grid, community, building, and for 单元长 and 党员中心户 a unit), take volunteer tasks (领单) and earn points;
# they do not get task cards, claim appeals (接单) or read appeals other than those they filed.
COMMUNITY_ROLES = (StaffRole.BUILDING_LEAD, StaffRole.UNIT_LEAD, StaffRole.PARTY_HOUSEHOLD, StaffRole.PARTY_MEMBER,
                   StaffRole.VOLUNTEER)
# Who may file for a neighbour who does not use WeChat (代报, 红色代办): every post and party member, not a
# volunteer who only signed up.
NEIGHBOUR_REPORTERS = (StaffRole.BUILDING_LEAD, StaffRole.UNIT_LEAD, StaffRole.PARTY_HOUSEHOLD,
                       StaffRole.PARTY_MEMBER)
# Units an appeal can be transferred to (转办 names their department); they read what was transferred to them.
TRANSFER_UNITS = (StaffRole.DEPARTMENT, StaffRole.PROPERTY)


class AppealStatus(StrEnum):
    AWAITING_ADDRESS = "awaiting_address"  # resident not bound yet: held, not lost
    SUBMITTED = "submitted"  # filed with the resident's grid; dispatch follows right after the reply
    DISPATCHED = "dispatched"  # the grid's members (or the department it was transferred to) have the task
    ACCEPTED = "accepted"  # a staff member claimed it (接单) and is working on it
    PAUSED = "paused"  # waiting (parts, a third party): the clock stops
    RETURNED = "returned"  # not the grid's: back to the community operators to re-route
    RESOLVED = "resolved"  # 办结: done, the resident is asked to rate
    CLOSED = "closed"  # rated 满意 or 基本满意 (不满意 reopens it)
    CANCELLED = "cancelled"
    MERGED = "merged"  # the same problem as another open appeal (merged_into_id); its resident follows that one
    REJECTED = "rejected"  # 不受理: not an appeal (thanks, small talk); closed with the reason told to the resident


OPEN_STATUSES = (
    AppealStatus.AWAITING_ADDRESS, AppealStatus.SUBMITTED, AppealStatus.DISPATCHED,
    AppealStatus.ACCEPTED, AppealStatus.PAUSED, AppealStatus.RETURNED,
)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a delivery job; its outcome is not recorded yet
    SENT = "sent"
    FAILED = "failed"
    DIGESTED = "digested"  # folded into the recipient's digest of that minute: kept on record, never sent itself


class Street(Base):
    __tablename__ = "streets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("street_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"))
    name: Mapped[str] = mapped_column(String(64))
    # `gridbot binding require`: residents join neighbours' appeals (我也遇到) only with a verified address.
    require_verified_binding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DispatchMode(StrEnum):
    GRAB = "grab"  # 抢单: every member gets the card, the first 接单 wins
    ASSIGN = "assign"  # 派单: the on-duty member with the fewest open tasks gets it


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(64))
    dispatch_mode: Mapped[str] = mapped_column(String(16), default=DispatchMode.GRAB, server_default="grab")
    # False once a ledger re-import with --prune no longer lists it: kept for its appeals, offered to nobody.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("grid_id", "compound", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    compound: Mapped[str] = mapped_column(String(64), default="")  # 小区; "" when the grid is one compound
    name: Mapped[str] = mapped_column(String(64))
    # The value printed in the building's QR code (qrscene_<scene_key>): binds a resident in one step.
    scene_key: Mapped[str] = mapped_column(String(64), unique=True)
    # False once a ledger re-import with --prune no longer lists it: kept for its appeals, offered to nobody.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The permanent QR code WeChat made for the scene key (`gridbot org codes --out`), kept because an account
    # may make only 100,000: a re-run prints the same code instead of making another.
    qr_ticket: Mapped[str | None] = mapped_column(String(160))
    qr_url: Mapped[str | None] = mapped_column(String(255))


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # as Building.active


class FormerName(Base):
    """A name a place had before `gridbot org rename` (or the console) renamed it: a street's old ledger that still
    writes it is matched to the renamed place on import, not made into a second one beside it."""

    __tablename__ = "former_names"
    __table_args__ = (UniqueConstraint("kind", "place_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # 街道 社区 网格 小区 楼栋 单元 (storage.org_renames.PlaceKind)
    # The street's, community's, grid's, building's or unit's id; a 小区's community (a 小区 is no row).
    place_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))  # the former name
    current: Mapped[str | None] = mapped_column(String(64))  # a 小区's name now; the others read their row's


class Resident(Base):
    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ResidentStatus.ACTIVE)
    # grid_id is derived from building_id, kept here so the hot path finds the grid in one read.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    dialog: Mapped[str | None] = mapped_column(Text)  # JSON of the active dialogue, see handlers/binding.py
    dialog_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The building a QR-code scan or a staff visit (核实) proved the resident lives in. The address is verified
    # while it is still the bound building: binding elsewhere by picking numbers is unverified again.
    verified_building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_via: Mapped[str | None] = mapped_column(String(16))  # Verification
    verified_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Optional (我的电话, 门牌): read whole only by the appeal's handler; everyone else sees them masked.
    phone: Mapped[str | None] = mapped_column(String(24))
    door: Mapped[str | None] = mapped_column(String(32))  # 门牌, e.g. 3-2-501
    # 退订通知: ordinary broadcast notices skip them (urgent ones still go); 订阅通知 clears it.
    notices_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    # A street operator's street (an 操作员 bound to no community, invited with --street); None for everyone else,
    # and for street operators bound before it was recorded (they still oversee every street).
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    department: Mapped[str | None] = mapped_column(String(64))  # 物业/部门: the company or office they work for
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # 派单 picks on-duty staff
    # 休假 until then (None: until 销假); past it the member counts as on duty again (storage.duty).
    off_duty_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 休假 arranged for a later day starts then (its local midnight); before it the member is on duty. None: leave
    # that started when it was taken.
    off_duty_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    work_phone: Mapped[str | None] = mapped_column(String(24))  # 工作电话: published, the resident's 已接单 names it
    # A COMMUNITY_ROLES member's building (楼长: the one they look after; others: where they live; their grid_id and
    # community_id are the building's); None for grid staff.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # 单元长, 党员中心户: their unit; others: home
    # 党员: the Party organisation they belong to (where they work); 志愿者: their team or employer, if they said.
    organisation: Mapped[str | None] = mapped_column(String(64))
    # When they left (storage.roster.disable): an invite made out to them before then binds nobody. Those who left
    # before migration 0044 have the upgrade's moment (they left at or before it).
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _only_where(condition: str) -> dict[str, Any]:
    """A partial index's options: only the rows meeting `condition`, on SQLite and PostgreSQL. A query uses it when
    its own terms imply the condition: `column = ?` implies `column IS NOT NULL`; `column IS NULL` must be said."""
    where = text(condition)
    return {"sqlite_where": where, "postgresql_where": where}


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_resident_created", "resident_id", "created_at"),
        Index("ix_appeals_grid_status", "grid_id", "status"),
        Index("ix_appeals_status_id", "status", "id"),  # a list's pages by id within a status (the console)
        # Partial: an appeal is filed with no claimant, most come from residents (not 上报 by staff) and few are ever
        # merged, and an index a row has no entry in costs its insert nothing (on SQLite, each index a row enters is
        # one more page its commit writes). Queries compare these columns with `=` or IN, which uses them still.
        Index("ix_appeals_assignee_staff_id", "assignee_staff_id", **_only_where("assignee_staff_id IS NOT NULL")),
        # 上报 per hour, and 随手拍's recent reports (storage/appeals.py, patrol.py)
        Index("ix_appeals_reporter_created", "reporter_staff_id", "created_at",
              **_only_where("reporter_staff_id IS NOT NULL")),
        Index("ix_appeals_merged_into_id", "merged_into_id",  # a join's sources
              **_only_where("merged_into_id IS NOT NULL")),
        Index("ix_appeals_created_at", "created_at"),  # the rates of a period (storage/rate_counts.py)
        Index("ix_appeals_grid_created", "grid_id", "created_at"),  # the rates of a period in a street or community
        # The rates of the period a held appeal was placed in (storage/rate_counts.py); partial: the few held ones.
        Index("ix_appeals_placed_at", "placed_at", **_only_where("placed_at IS NOT NULL")),
        # A building's recent open appeals of a category (storage/joins.neighbours, on every appeal filed): by grid
        # and date alone, a busy grid's webhook read every appeal of its last three days for each new one.
        Index("ix_appeals_building_category_status", "building_id", "category", "status", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(16), unique=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))  # None: reported by staff (上报)
    reporter_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # 代报: the neighbour's 门牌 (a 楼长 files for someone whose resident row is not theirs); None: the resident's.
    door: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    subcategory: Mapped[str | None] = mapped_column(String(32))  # within the category, from the taxonomy's keywords
    # A second problem the message names (nlp.combined.SECOND_CONFIDENT): shown to staff, never routed or timed.
    second_category: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    keywords: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    channel: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    # After 分开 (storage/parts.py): the problem this ticket kept of the several its message named; `content` stays
    # the resident's whole message. None: the message is its problem.
    kept_words: Mapped[str | None] = mapped_column(Text)
    raw_message: Mapped[str] = mapped_column(Text)  # the inbound message as received (JSON)
    status: Mapped[str] = mapped_column(String(24))
    response_hours: Mapped[int] = mapped_column(Integer)
    resolve_hours: Mapped[int] = mapped_column(Integer)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When an appeal held for the resident's address got its grid (storage.appeals.release_held): the rates count
    # it in that period, not the one it was filed in. None: placed when filed, or still held.
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who works on it: a department or property company it was transferred to (转办), then the claimant.
    department: Mapped[str | None] = mapped_column(String(64))
    assignee_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(16))  # satisfied | basic | unsatisfied; None: unrated
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 督着办: one reminder before each deadline, then one escalation step per overdue period.
    response_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    # 紧急: the taxonomy's emergency kind (fire, medical, …); such an appeal is never joined, merged or digested.
    emergency: Mapped[str | None] = mapped_column(String(16))
    response_minutes: Mapped[int | None] = mapped_column(Integer)  # an emergency's clock, instead of response_hours
    # The category counts its hours on working days only (storage/workdays.py): its deadlines skip holidays.
    working_days: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The facts of its audit trail the rates read, kept by storage.appeals.record (see storage/trail_facts.py);
    # trail_at NULL: not kept, the rates read the trail.
    trail_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trail_first_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trail_resolve_event_id: Mapped[int | None] = mapped_column(Integer)
    trail_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trail_reopen_event_id: Mapped[int | None] = mapped_column(Integer)
    trail_rating_key: Mapped[int | None] = mapped_column(Integer)
    trail_returned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The 接单 deadline the rates judge its first claim by, once a 改派 gave it a fresh one after that deadline
    # had passed or the appeal had been claimed (storage/reassigning.py); NULL: `response_due_at` is that deadline.
    claim_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def listed_words(self) -> str:
        """What lists show it by: the problem it kept after 分开 (its split-off tickets each show their own), else
        the resident's message."""
        return self.kept_words or self.content


# The open appeals by id: the console's default list and its queues page through them oldest first. Without it
# PostgreSQL walks the primary key from the oldest appeal, taking the few open ones for spread evenly among a
# year of closed ones (182,000 rows read for a page of 50 at 200,000 appeals; bench/console_scale.py).
# PostgreSQL only: SQLite uses a partial index only for a query whose terms match it literally, and the list
# binds its statuses as parameters.
Index("ix_appeals_open_id", Appeal.id,
      postgresql_where=Appeal.status.in_([str(status) for status in OPEN_STATUSES])).ddl_if(dialect="postgresql")
# The lists' text search, content LIKE '%…%' compared in NFKC (storage/typed_words.py): PostgreSQL with pg_trgm
# (migrations 0023, 0050, 0051).
Index("ix_appeals_content_nfkc_trgm", narrowed(Appeal.content).label("content_nfkc"), postgresql_using="gin",
      postgresql_ops={"content_nfkc": "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class AppealEvent(Base):
    __tablename__ = "appeal_events"
    # The rates read a few actions of each appeal's trail (storage/rate_counts.py); the dashboard's workload and
    # the morning summary count a period's 接单 and 办结 across appeals (storage/dashboard.py, daily_summary.py).
    __table_args__ = (Index("ix_appeal_events_appeal_action", "appeal_id", "action", "at"),
                      Index("ix_appeal_events_action_at", "action", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))  # looked up by ix_appeal_events_appeal_action
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_kind: Mapped[str] = mapped_column(String(16))  # resident | staff | system
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)  # staff-only notes
    # The grid an appeal left by a 改派 (`reassigned`) or a building's move (`building_moved`): the rates count a
    # past period's appeal under the grid it was in at the period's end (storage/rate_counts.py). None on other
    # events, on a building move that kept its appeals where they were, and on moves recorded before 0043.
    from_grid_id: Mapped[int | None] = mapped_column(Integer)
    # Who held the appeal before an event that may change its holder (dispatch, 接单, 转办, 退回, 改派 — a leaver's
    # tasks too — and 拆分), 0 when nobody did: the rates count a past period's unresolved appeal under the member
    # who held it at the period's end (storage/rate_counts.py). None on other events and on those before 0045.
    from_staff_id: Mapped[int | None] = mapped_column(Integer)


class AppealFollower(Base):
    """A resident who joined (我也遇到) or was merged into someone else's appeal: they hear of every step."""

    __tablename__ = "appeal_followers"
    __table_args__ = (UniqueConstraint("appeal_id", "resident_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    source_appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)  # their own, now merged
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    __tablename__ = "attachments"
    # The photos still to save, looked for every second (storage/media_files.take_due): without it each look read
    # every attachment ever received. Only rows not downloaded; a location is never downloaded, kind keeps it apart.
    __table_args__ = (Index("ix_attachments_to_download", "kind", "id", **_only_where("downloaded_at IS NULL")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # image | location
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What a signed link names (bot/media_links.py): random, so that a link tells nothing of how many there are.
    public_id: Mapped[str | None] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(16))
    # A photo's own copy (storage/media_files.py): WeChat keeps temporary media three days.
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(32))
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A photo a volunteer sent after 完成 (their part of an appeal, or a 微心愿): kept with the claim.
    volunteer_claim_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_claims.id"), index=True)
    download_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    download_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the next attempt; None: now
    download_error: Mapped[str | None] = mapped_column(Text)


class ProcessedMessage(Base):
    """One row per inbound message key: WeChat's retries get the stored reply instead of a second appeal."""

    __tablename__ = "processed_messages"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reply: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A message to send to someone after the transaction that decided it commits."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "next_attempt_at"),
        # What one person was sent in the last minute: folding beyond GRIDBOT_DIGEST_AFTER into a digest.
        Index("ix_outbox_recipient_created", "recipient_openid", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    recipient_openid: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(48))  # names a wording in handlers' texts
    params: Mapped[str] = mapped_column(Text)  # JSON
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(16))  # DeliveryChannel, recorded before each send
    wechat_msgid: Mapped[str | None] = mapped_column(String(32))  # a template message's msgid
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when a worker claimed it for a send
    # The Redis server (its run_id) the claiming worker marks its calls on (bot/worker/call_marks.py).
    claim_epoch: Mapped[str | None] = mapped_column(String(40))


class TicketCounter(Base):
    """Per-day sequence behind ticket numbers like G2611220007."""

    __tablename__ = "ticket_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class InviteHashScheme(StrEnum):
    HMAC_SHA256 = "hmac-sha256"  # keyed with GRIDBOT_SECRET_KEY: a copy of the table alone can't test guesses
    SHA256 = "sha256"  # invites issued before the secret key: accepted until they expire, never issued again


class StaffInvite(Base):
    """A one-time code that binds whoever sends `认证 <code>` as staff; only the code's hash is kept."""

    __tablename__ = "staff_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex digest of the normalised code
    hash_scheme: Mapped[str] = mapped_column(String(16), default=InviteHashScheme.HMAC_SHA256,
                                             server_default=InviteHashScheme.SHA256.value)
    role: Mapped[str] = mapped_column(String(16))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))  # a street operator's (`--street`)
    # A COMMUNITY_ROLES member's (`--building`): 楼长 the building they look after, the others their home.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # 单元长, 党员中心户 (`--unit`); others' home
    department: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(32))  # "" when the inviter gave none
    phone: Mapped[str | None] = mapped_column(String(20))
    work_phone: Mapped[str | None] = mapped_column(String(24))  # published once bound (`--work-phone`)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # `gridbot invite revoke`: refused like a wrong code
    # `--phone` given to be checked: 认证 asks for the phone's last four digits before it binds.
    phone_bound: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Which GRIDBOT_SECRET_KEY hashed the code (storage.staff.key_id); None: made before this was kept. Once the key
    # is changed no code redeems the invite: it is listed as dead, not as waiting.
    key_id: Mapped[str | None] = mapped_column(String(16))


class AccessCounter(Base):
    """A fixed-window counter of one person's attempts at one thing: staff lookups (查询) per hour, wrong
    认证 codes per openid with the lockout they lead to. In the database, so every process counts together."""

    __tablename__ = "access_counters"
    __table_args__ = (UniqueConstraint("kind", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # lookup | certify
    subject: Mapped[str] = mapped_column(String(64))  # a staff id (lookup), an openid (certify)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # operators were last told of a lockout


class DeliveryChannel(StrEnum):
    CUSTOMER_SERVICE = "customer_service"  # 客服消息: only inside the window the user opened
    TEMPLATE = "template"  # 模板消息: any time, needs a template id per outbox template


class ReplyWindow(Base):
    """The customer-service window a user's last message opened: about 5 messages within 48 hours."""

    __tablename__ = "reply_windows"
    # Every message writes a row. Keyed by text, a SQLite table kept in rowid order needs an index for its key, and
    # each write one more page; without rowid the table is ordered by the key itself. (Not processed_messages: its
    # rows carry the reply, and a key's random place among rows that large splits pages more than the index costs.)
    __table_args__ = {"sqlite_with_rowid": False}
    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_count: Mapped[int] = mapped_column(Integer)


class LabelledExample(Base):
    """An appeal's text with the category an operator gave it (纠正分类): what `gridbot nlp train --from-db` learns."""

    __tablename__ = "labelled_examples"
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), unique=True)  # one, the latest, per appeal
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(32))
    previous_label: Mapped[str | None] = mapped_column(String(32))  # what the classifier (or a person) had said
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FaqDisabled(StrEnum):
    """Why an FAQ entry is not answered."""

    OPERATOR = "operator"  # gridbot faq disable: stays off until gridbot faq enable, whatever is imported
    PRUNED = "pruned"  # missing from a file imported with --prune: a later import that has it brings it back


class FaqEntry(Base):
    """A question-answer pair operators import (`gridbot faq import`); residents asking it get the answer."""

    __tablename__ = "faq_entries"
    # The import's key: a question within its street (district-wide entries: checked by storage/faq_edit.py).
    __table_args__ = (UniqueConstraint("street_id", "question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    # None: answered in every street; else that street's residents are answered from it first (storage/faq.py).
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    answer: Mapped[str] = mapped_column(Text)
    alternates: Mapped[str] = mapped_column(Text, default="")  # other phrasings, one per line
    category: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    disabled_reason: Mapped[str | None] = mapped_column(String(16))  # a FaqDisabled; None while active
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FaqAnswer(Base):
    """One question answered from the FAQ, and the appeal it became if the resident asked for a person."""

    __tablename__ = "faq_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    faq_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
class FocusStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FocusCase(Base):
    """聚焦办: a hot spot, the same category or keyword recurring in one place, handled as one case."""

    __tablename__ = "focus_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # J + local date + per-day sequence
    scope_kind: Mapped[str] = mapped_column(String(16))  # building | compound | grid
    scope_ref: Mapped[str] = mapped_column(String(96))  # building:12, compound:3:阳光花园, grid:3
    scope_label: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    key_kind: Mapped[str] = mapped_column(String(16))  # category | keyword
    key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # scope_ref|key_kind:key while open, NULL once closed: at most one open case per place and key, even with
    # two workers checking at once, and a new case may open there after closing.
    open_key: Mapped[str | None] = mapped_column(String(192), unique=True)
    owner_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the community's operators
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str | None] = mapped_column(Text)  # what was done, given when closing


class FocusCaseAppeal(Base):
    """An appeal that belongs to a focus case."""

    __tablename__ = "focus_case_appeals"
    __table_args__ = (UniqueConstraint("case_id", "appeal_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("focus_cases.id"))
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NoticeState(StrEnum):
    SCHEDULED = "scheduled"  # planned and stored; nothing sent yet (waiting for --at, or for the worker)
    SENDING = "sending"
    DONE = "done"  # every chunk ended (sent, failed or skipped)
    CANCELLED = "cancelled"  # gridbot notice cancel: what was not handed to WeChat yet never will be


class NoticeAudience(StrEnum):
    RESIDENTS = "residents"
    STAFF = "staff"
    ALL = "all"


class NoticeChannel(StrEnum):
    MASS = "mass"  # 群发 by OpenID list: ≤10,000 a call, 4 a month per resident on a 服务号
    TEMPLATE = "template"  # 模板消息: one call per person, urgent notices and staff outside their window
    CUSTOM = "custom"  # 客服消息: staff inside their 48-hour window only, never a resident's


class ChunkStatus(StrEnum):
    PENDING = "pending"  # due at due_at
    QUEUED = "queued"  # handed to RQ
    SENDING = "sending"  # claimed by a worker until lease_until
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RecipientStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # a template or customer-service call is under way (or its worker died)
    SENT = "sent"
    FILTERED = "filtered"  # WeChat reported it not delivered (a template's TEMPLATESENDJOBFINISH)
    FAILED = "failed"  # with the reason
    SKIPPED = "skipped"  # never sent: the reason says why (unfollowed, opted out, monthly quota, …)


class Broadcast(Base):
    """A notice operators broadcast (gridbot notice send, 通知 in the chat): its text, scope and state."""

    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # N + local date + per-day sequence
    scope_path: Mapped[str] = mapped_column(String(255))  # as the operator named it (全部, 阳光社区/阳光一网格, …)
    audience: Mapped[str] = mapped_column(String(16))  # NoticeAudience
    text: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str | None] = mapped_column(String(8))  # 停水 停电 停气 防汛 其他, urgent notices only
    state: Mapped[str] = mapped_column(String(16))  # NoticeState
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # from the chat
    # From the console (both None: from the CLI, the server's operator).
    author_console_user_id: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"))
    # From the CLI: the server login that ran `gridbot notice send` (None for notices sent before it was kept).
    author_login: Mapped[str | None] = mapped_column(String(64))
    # sha256 of the console preview's one-time token it was sent with: a re-posted form finds this notice even
    # when Redis, which claims the token first, was flushed or replaced since.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    account_type: Mapped[str] = mapped_column(String(16))  # service | subscription, when it was planned
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who cancelled it: a console account, a staff member in the chat, or the server login that ran `gridbot notice
    # cancel` (all None for the notices cancelled before migration 0055).
    cancelled_by_console_user_id: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"))
    cancelled_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cancelled_by_login: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)  # what stopped a channel (45009), for status
    # JSON [[channel, status, reason, count], ...]: the recipients' outcomes, written when their rows are forgotten
    # (GRIDBOT_NOTICE_KEEP_DAYS, storage.notice_records.forget_recipients); None while the rows are kept.
    tally: Mapped[str | None] = mapped_column(Text)


class BroadcastChunk(Base):
    """One unit of sending: a mass send of ≤10,000 OpenIDs (one call), or a batch of template/custom messages."""

    __tablename__ = "broadcast_chunks"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "seq"),
        Index("ix_broadcast_chunks_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))  # NoticeChannel
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # ChunkStatus
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a mass clientmsgid counts from here
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a sending chunk's worker holds it till then
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    msg_id: Mapped[str | None] = mapped_column(String(32), index=True)  # a mass send's msg_id
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # MASSSENDJOBFINISH, as WeChat reports it: FilterCount is what was left to send after its filters.
    event_status: Mapped[str | None] = mapped_column(String(32))
    total_count: Mapped[int | None] = mapped_column(Integer)
    filter_count: Mapped[int | None] = mapped_column(Integer)
    sent_count: Mapped[int | None] = mapped_column(Integer)
    error_count: Mapped[int | None] = mapped_column(Integer)


class BroadcastRecipient(Base):
    """One person a notice is for, the channel chosen for them and what became of it."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "openid"),
        Index("ix_broadcast_recipients_chunk_status", "chunk_id", "status"),
        Index("ix_broadcast_recipients_month", "mass_month", "openid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    chunk_id: Mapped[int | None] = mapped_column(ForeignKey("broadcast_chunks.id"))  # None: skipped
    openid: Mapped[str] = mapped_column(String(64))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str | None] = mapped_column(String(16))  # NoticeChannel; None: skipped
    status: Mapped[str] = mapped_column(String(16))  # RecipientStatus
    reason: Mapped[str | None] = mapped_column(String(255))  # why skipped or failed
    # The local month (YYYYMM) of a mass send to a resident: one of their 4 a month on a 服务号.
    mass_month: Mapped[str | None] = mapped_column(String(6))
    msg_id: Mapped[str | None] = mapped_column(String(32), index=True)  # a template message's msgid
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BroadcastConfirmation(Base):
    """已转达: a 楼长 passed the notice on to neighbours who don't use WeChat."""

    __tablename__ = "broadcast_confirmations"
    __table_args__ = (UniqueConstraint("broadcast_id", "staff_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelStop(Base):
    """A channel WeChat refused for the rest of the day (45009, the daily quota): nothing goes by it until then."""

    __tablename__ = "channel_stops"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)  # NoticeChannel
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
class ConsoleRole(StrEnum):
    """What a console operator oversees: everything, one street, or one community."""

    ADMIN = "admin"  # 管理员
    STREET = "street"  # 街道
    COMMUNITY = "community"  # 社区


class ConsoleUser(Base):
    """An operator account of the web console (`gridbot user add`); not a WeChat staff member."""

    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)  # lower case, as typed at the login page
    display_name: Mapped[str] = mapped_column(String(32))  # 控制台 <显示名> in appeals' audit trails
    role: Mapped[str] = mapped_column(String(16))  # a ConsoleRole
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))  # 街道 only
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))  # 社区 only
    password_hash: Mapped[str] = mapped_column(String(255))  # werkzeug's scrypt; never the password
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A session signed before this moment is void: a new password or a disabled account logs every browser out.
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EndedLogin(Base):
    """A console login ended by 退出, kept until it would have expired anyway: a copy of its signed cookie (left on a
    shared computer, read from a proxy) opens nothing. In the database, so that flushing or replacing Redis does
    not forget it."""

    __tablename__ = "console_ended_logins"
    login_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the login's random id
    until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"  # wrong password, no such account or a disabled one: the person is told the same
    LOCKED = "locked"  # refused unchecked: too many failures for the account or from the address


class ConsoleLogin(Base):
    """One attempt to log in to the console, for the 管理员's login record (the log has the same line)."""

    __tablename__ = "console_logins"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    username: Mapped[str] = mapped_column(String(32))  # as typed (normalised, cut to 32), even if no such account
    user_id: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"), index=True)
    ip: Mapped[str] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(16))  # a LoginOutcome
    detail: Mapped[str | None] = mapped_column(String(32))  # why it failed: wrong_password, unknown, disabled …


class TaxonomyVersion(Base):
    """One saved edit of the taxonomy from the console: every process classifies by the newest (the TOML file of
    GRIDBOT_TAXONOMY only while there is none). Never changed or deleted: going back saves an old text anew."""

    __tablename__ = "taxonomy_versions"
    id: Mapped[int] = mapped_column(primary_key=True)  # the version number processes compare
    text: Mapped[str] = mapped_column(Text)  # the TOML, as validated and saved
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"))
    restored_from: Mapped[int | None] = mapped_column(Integer)  # the version this one brought back, if any


class EnrolmentStatus(StrEnum):
    PENDING = "pending"  # waiting for the community's operator
    CONFIRMED = "confirmed"  # a Staff row of the role exists (staff_id)
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the resident took it back (撤回报名) before the community decided


class Enrolment(Base):
    """A resident's 党员报到 or 志愿者报名, until the community's operator confirms it (a Staff row of the role) or
    declines it. Kept afterwards as the record of who confirmed whom."""

    __tablename__ = "enrolments"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # StaffRole.PARTY_MEMBER or StaffRole.VOLUNTEER
    name: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(64))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16), default=EnrolmentStatus.PENDING)
    # The resident's id while pending, None after: one open enrolment per resident, whatever two messages race.
    pending_key: Mapped[int | None] = mapped_column(Integer, unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the CLI (or the resident)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # the member it made, once confirmed


class PartyBranch(Base):
    """A 小区党支部: the party members who live in one 小区 (a compound of a community) and its secretary. Members
    belong by where they live (their building's compound); the row names the branch and who leads it."""

    __tablename__ = "party_branches"
    __table_args__ = (UniqueConstraint("community_id", "compound"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    compound: Mapped[str] = mapped_column(String(64))  # Building.compound ("" for a community of one compound)
    name: Mapped[str] = mapped_column(String(64))  # 阳光花园小区党支部
    secretary_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WishStatus(StrEnum):
    OPEN = "open"  # waiting for a volunteer (可领任务)
    CLAIMED = "claimed"  # a volunteer took it (领单)
    DONE = "done"  # the volunteer said it is done (完成); the grid member confirms
    CONFIRMED = "confirmed"  # the grid member (or operator) confirmed it: closed, points granted
    CANCELLED = "cancelled"


class Wish(Base):
    """A 微心愿: a small wish of a resident in need (a lamp changed, a visit, a notice read aloud), posted by an
    operator or a grid member for volunteers to take. Who it is for is told in `text`, as the poster chose to."""

    __tablename__ = "wishes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # W + local date + per-day sequence
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))  # None: the whole community's
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    compound: Mapped[str | None] = mapped_column(String(64))  # the 小区, when the scope named one
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=WishStatus.OPEN)
    posted_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the CLI
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"  # 领单
    DONE = "done"  # 完成: the volunteer's part is done, waiting for the grid member (or the resident's rating)
    CONFIRMED = "confirmed"
    RELEASED = "released"  # given back (放弃) or taken back by staff: the task is open again


class VolunteerClaim(Base):
    """A volunteer's (or party member's) part in an appeal of a volunteer category or in a 微心愿. The grid member
    stays responsible for the appeal; the claim is the volunteer's help and what their points are for."""

    __tablename__ = "volunteer_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)  # the volunteer
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.CLAIMED)
    # "appeal:12" / "wish:3" while not released: the unique index makes 领单 a compare-and-set, one winner.
    task_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # what the volunteer said with 完成
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the resident's rating
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PointsEntry(Base):
    """One line of the points ledger (积分). Never changed or deleted: a mistake is undone by another entry of the
    opposite amount that `reverses` it (once), a redemption (积分兑换) is a negative entry of rule `redeem`."""

    __tablename__ = "points_entries"
    __table_args__ = (Index("ix_points_entries_staff_month", "staff_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # whose points
    amount: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(32))  # a rule of the points configuration, or redeem
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local: caps and reports count by it
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"))
    granted_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the system or the CLI
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_entries.id"), unique=True)
    # rule:source:person:n — the same grant from a job that runs twice is refused by the unique index
    key: Mapped[str] = mapped_column(String(128), unique=True)
