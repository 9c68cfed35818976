"""党员报到 and 志愿者报名: a resident asks to be one of the community's own people; its operator decides.

A request (`request`) is an Enrolment with the resident's bound home at that moment; `pending_key` holds the
resident's id while it waits, so of two requests sent at once one is stored and the other refused (AlreadyPending).
The community's operators and the street's operators are told. An operator of that community (or of the street,
or the CLI) confirms it (`confirm`): the member's Staff row (role, name, organisation, the resident's openid, the
home's grid/community/building/unit) is made in the same transaction as the Enrolment's change, and the member
is told what they may do now. `decline` turns a request down and tells the applicant. Both are compare-and-set
on the Enrolment's status: a second confirmation says it was confirmed already, never makes a second row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.errors import DomainError, NotAllowed, NotFound
from storage.limits import LIMITS, TextField, excess
from storage.models import (
    Building,
    Community,
    Enrolment,
    EnrolmentStatus,
    Grid,
    Resident,
    Staff,
    StaffRole,
    Unit,
)
from storage.notices import StaffEnrolmentDeclined, StaffEnrolmentRequested, StaffMemberConfirmed
from storage.queries import Scope
from storage.roster import within
from storage.staff import rejoining_member, release_leaver
from storage.telling import tell
from storage.typed_ids import typed_id

ENROLLING_ROLES = (StaffRole.PARTY_MEMBER, StaffRole.VOLUNTEER)  # who may ask to be one (报到, 报名)
NO_ORGANISATION = frozenset({"无", "没有", "暂无", "-"})  # a volunteer without a team says so


class NoHome(DomainError):
    """The resident has not bound their home (绑定): an enrolment attaches them to it."""


class AlreadyMember(DomainError):
    """The resident is staff or one of the community's own people already; `role` says which."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class AlreadyPending(DomainError):
    """An open enrolment of this resident waits for the community already."""

    def __init__(self, enrolment_id: int | None) -> None:
        super().__init__(str(enrolment_id))
        self.enrolment_id = enrolment_id


class Ambiguous(DomainError):
    """A name that more than one waiting enrolment has: `ids` tell them apart."""

    def __init__(self, name: str, ids: list[int]) -> None:
        super().__init__(name)
        self.name, self.ids = name, ids


class InvalidAnswer(DomainError):
    """A name or organisation that is empty or longer than its field (`limit`)."""

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(field)
        self.field, self.limit = field, limit


@dataclass(frozen=True)
class Decided:
    """What `confirm` or `decline` did: `already` when the enrolment had been decided that way before."""

    enrolment: Enrolment
    already: bool = False


class NotAName(DomainError):
    """The answer to the name question is shaped like no name: most likely a problem sent to the wrong place."""


@dataclass(frozen=True)
class Waiting:
    """A pending enrolment as operators see it (never an openid or a phone)."""

    id: int
    name: str
    role: str
    organisation: str | None
    community: str
    home: str  # 小区 楼栋 单元
    requested_at: datetime


# A name as people write it: 2-6 Chinese characters (陈明, 欧阳娜娜), parts joined by a dot (阿依·古丽, 买买提·艾力), or
# Latin letters (Anna Li). A sentence ("楼道灯不亮了，快来修", "3号楼电梯坏了") is none.
_HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
_NAME_SHAPE = re.compile(rf"{_HAN}{{2,6}}|{_HAN}+(?:[·•・.]{_HAN}+)+|[A-Za-z]+(?:[ .'-]+[A-Za-z]+)*")
_NAME_EDGES = " \t\u3000。.！!，,"
# How people lead into their name: 我叫陈明, 我是陈明, 姓名：陈明 is 陈明.
_NAME_LEAD = re.compile(r"^(?:我的?(?:名字|姓名)(?:是|叫)?|(?:名字|姓名)(?:是|叫)?|我叫|我是)[:：\s]*")


def clean_name(typed: str) -> str:
    """The applicant's name as stored; InvalidAnswer when empty or longer than a name may be, NotAName when it is
    shaped like no name (a sentence, digits)."""
    name = _NAME_LEAD.sub("", " ".join(unicodedata.normalize("NFKC", typed).split()).strip(_NAME_EDGES))
    name = name.strip(_NAME_EDGES)
    if not name or excess(TextField.NAME, name) is not None:
        raise InvalidAnswer("name", LIMITS[TextField.NAME])
    if _NAME_SHAPE.fullmatch(name if name.isascii() else name.replace(" ", "")) is None:
        raise NotAName(name)
    return name


def clean_organisation(typed: str) -> str | None:
    """The Party organisation or team as stored (无 → None); InvalidAnswer when longer than its column."""
    text = " ".join(typed.split())
    if text in NO_ORGANISATION:
        return None
    if not text or excess(TextField.ORGANISATION, text) is not None:
        raise InvalidAnswer("organisation", LIMITS[TextField.ORGANISATION])
    return text


def check_can_enrol(session: Session, resident: Resident) -> None:
    """Refuse before the dialogue starts: staff or a member already (AlreadyMember; their home is on their staff
    row, not bound as a resident's), a request already waiting (AlreadyPending), no bound home (NoHome)."""
    member = session.scalars(select(Staff).where(Staff.openid == resident.openid, Staff.active.is_(True))).first()
    if member is not None:
        raise AlreadyMember(member.role)
    waiting = session.scalar(select(Enrolment.id).where(Enrolment.pending_key == resident.id))
    if waiting is not None:
        raise AlreadyPending(waiting)
    if resident.building_id is None or resident.grid_id is None:
        raise NoHome()


def waiting(session: Session, resident_id: int) -> bool:
    """Whether the resident's 党员报到 or 志愿者报名 waits for the community's decision."""
    return session.scalar(select(Enrolment.id).where(Enrolment.pending_key == resident_id)) is not None


def withdraw(session: Session, resident_id: int, now: datetime) -> Enrolment | None:
    """撤回报名: the resident takes back their request still waiting (applied as 志愿者 being a 党员, moved away): it
    leaves the operators' list and they may ask again; None when none waits (or one was decided a moment ago)."""
    waiting = session.scalars(select(Enrolment).where(Enrolment.pending_key == resident_id)).first()
    if waiting is None or not _decide(session, waiting, EnrolmentStatus.WITHDRAWN, now, None):
        return None
    return waiting


def request(session: Session, resident: Resident, role: StaffRole, name: str, organisation: str | None,
            now: datetime) -> Enrolment:
    """Store the resident's 报到/报名 at their bound home and tell the community's operators; the refusals of
    `check_can_enrol` apply again (a request sent at the same moment from another message loses here)."""
    if role not in ENROLLING_ROLES:
        raise NotAllowed("role")
    check_can_enrol(session, resident)
    building = session.get_one(Building, resident.building_id)
    grid = session.get_one(Grid, building.grid_id)
    enrolment = Enrolment(resident_id=resident.id, role=str(role), name=clean_name(name),
                          organisation=organisation, community_id=grid.community_id, grid_id=grid.id,
                          building_id=building.id, unit_id=resident.unit_id, status=EnrolmentStatus.PENDING,
                          pending_key=resident.id, requested_at=now)
    try:
        with session.begin_nested():  # the unique pending_key decides between two requests at once
            session.add(enrolment)
    except IntegrityError:
        raise AlreadyPending(None) from None
    notice = StaffEnrolmentRequested(who=enrolment.name, role=enrolment.role, organisation=organisation,
                                     place=home_label(session, enrolment.building_id, enrolment.unit_id),
                                     number=enrolment.id)
    for operator in operators_of(session, enrolment.community_id):
        tell(session, operator.openid, notice, now, key=f"enrolment:{enrolment.id}:{operator.id}")
    return enrolment


def operators_of(session: Session, community_id: int) -> list[Staff]:
    """Who decides a community's enrolments: its active operators and its street's (no community)."""
    street_id = select(Community.street_id).where(Community.id == community_id).scalar_subquery()
    street_wide = Staff.community_id.is_(None) & (Staff.street_id.is_(None) | (Staff.street_id == street_id))
    return list(session.scalars(select(Staff).where(
        Staff.role == StaffRole.OPERATOR, Staff.active.is_(True),
        or_(Staff.community_id == community_id, street_wide)).order_by(Staff.id)))


def _decided_by(operator: Staff) -> ColumnElement[bool]:
    """The enrolments an operator decides: their community's, their street's (a street operator), or (a street
    operator bound before their street was recorded) all."""
    if operator.community_id is not None:
        return Enrolment.community_id == operator.community_id
    if operator.street_id is not None:
        return Enrolment.community_id.in_(select(Community.id).where(Community.street_id == operator.street_id))
    return true()


def pending(session: Session, operator: Staff | None = None) -> list[Waiting]:
    """The enrolments waiting for a decision that `operator` may decide (the CLI, None: all), oldest first."""
    query = select(Enrolment).where(Enrolment.status == EnrolmentStatus.PENDING)
    if operator is not None:
        query = query.where(_decided_by(operator))
    return [_waiting(session, row) for row in session.scalars(query.order_by(Enrolment.id))]


def pending_within(session: Session, scope: Scope) -> list[Waiting]:
    """The enrolments waiting for a decision within a console operator's scope, oldest first."""
    query = select(Enrolment).where(Enrolment.status == EnrolmentStatus.PENDING,
                                    within(scope, Enrolment.grid_id, Enrolment.community_id))
    return [_waiting(session, row) for row in session.scalars(query.order_by(Enrolment.id))]


def enrolment_within(session: Session, scope: Scope, enrolment_id: int) -> Enrolment | None:
    """The enrolment of that number (whatever its status) within the scope; None otherwise, whether it exists
    or not (the console decides it with `confirm`/`decline` and no Staff `by`, as the CLI does)."""
    return session.scalars(select(Enrolment).where(
        Enrolment.id == enrolment_id, within(scope, Enrolment.grid_id, Enrolment.community_id))).first()


def find(session: Session, typed: str, operator: Staff | None = None) -> Enrolment:
    """The enrolment `typed` names — its number, or the name of a waiting applicant (else of the latest one
    decided) — among those `operator` may decide. NotFound, or Ambiguous with the waiting ones' numbers."""
    typed = typed.strip().lstrip("#＃")
    scoped = select(Enrolment)
    if operator is not None:
        scoped = scoped.where(_decided_by(operator))
    number = typed_id(typed)
    if number is not None:
        found = session.scalar(scoped.where(Enrolment.id == number))
        if found is None:
            raise NotFound("enrolment")
        return found
    waiting = list(session.scalars(scoped.where(Enrolment.name == typed,
                                                Enrolment.status == EnrolmentStatus.PENDING).order_by(Enrolment.id)))
    if len(waiting) > 1:
        raise Ambiguous(typed, [row.id for row in waiting])
    if waiting:
        return waiting[0]
    decided = session.scalar(scoped.where(Enrolment.name == typed).order_by(Enrolment.id.desc()).limit(1))
    if decided is None:
        raise NotFound("enrolment")
    return decided


def confirm(session: Session, enrolment: Enrolment, now: datetime, by: Staff | None = None) -> Decided:
    """确认报到: make the member's Staff row at the enrolment's home and tell them. Already confirmed: `already`.
    NotAllowed("declined") for one turned down or withdrawn, NotAllowed("scope") for another community's
    operator, AlreadyMember when the resident became staff (or a member by invite) meanwhile."""
    _check_scope(session, enrolment, by)
    if enrolment.status == EnrolmentStatus.CONFIRMED:
        return Decided(enrolment, already=True)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise NotAllowed("declined")
    resident = session.get_one(Resident, enrolment.resident_id)
    member = session.scalars(select(Staff).where(Staff.openid == resident.openid)).first()
    if member is not None and member.active:
        raise AlreadyMember(member.role)
    if not _decide(session, enrolment, EnrolmentStatus.CONFIRMED, now, by):
        session.refresh(enrolment)
        return confirm(session, enrolment, now, by)  # decided by someone else a moment ago
    returning = rejoining_member(session, resident.openid, enrolment.role)
    if returning is not None:  # one of the community's own, disabled earlier: the same person, her points kept
        member = returning
    else:
        if member is not None:  # disabled staff: their row keeps their name for the trail, the account binds anew
            release_leaver(session, member)
        member = Staff(openid=resident.openid, created_at=now)
        session.add(member)
    member.name, member.role, member.organisation = enrolment.name, enrolment.role, enrolment.organisation
    member.grid_id, member.community_id = enrolment.grid_id, enrolment.community_id
    member.building_id, member.unit_id = enrolment.building_id, enrolment.unit_id
    member.department, member.active, member.on_duty, member.off_duty_until = None, True, True, None
    member.off_duty_from = None
    session.flush()
    enrolment.staff_id = member.id
    tell(session, resident.openid, StaffMemberConfirmed(who=member.name, role=member.role), now,
         key=f"enrolment:{enrolment.id}:confirmed")
    session.flush()
    return Decided(enrolment)


def decline(session: Session, enrolment: Enrolment, now: datetime, by: Staff | None = None) -> Decided:
    """Turn a waiting enrolment down and tell the applicant politely; declined or withdrawn before: `already`.
    NotAllowed("confirmed") for one confirmed (disable the member instead), NotAllowed("scope") as `confirm`."""
    _check_scope(session, enrolment, by)
    if enrolment.status in (EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN):
        return Decided(enrolment, already=True)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise NotAllowed("confirmed")
    if not _decide(session, enrolment, EnrolmentStatus.DECLINED, now, by):
        session.refresh(enrolment)
        return decline(session, enrolment, now, by)
    openid = session.scalar(select(Resident.openid).where(Resident.id == enrolment.resident_id))
    tell(session, openid, StaffEnrolmentDeclined(who=enrolment.name, role=enrolment.role), now,
         key=f"enrolment:{enrolment.id}:declined")
    return Decided(enrolment)


def home_label(session: Session, building_id: int | None, unit_id: int | None) -> str:
    """小区 楼栋 单元 as people say it: 阳光花园 2号楼 1单元 (a compound-less building by its name alone)."""
    if building_id is None:
        return ""
    building = session.get_one(Building, building_id)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return " ".join(part for part in (building.compound, building.name, unit.name if unit else "") if part)


def _decide(session: Session, enrolment: Enrolment, status: EnrolmentStatus, now: datetime,
            by: Staff | None) -> bool:
    # Compare-and-set: of two operators deciding at once, one changes the row; pending_key frees the resident.
    changed = session.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == EnrolmentStatus.PENDING)
        .values(status=str(status), pending_key=None, decided_at=now,
                decided_by_staff_id=by.id if by is not None else None)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        return False
    session.refresh(enrolment)
    return True


def _check_scope(session: Session, enrolment: Enrolment, by: Staff | None) -> None:
    """Only an operator of the enrolment's community or its street decides it (the CLI, any)."""
    if by is None:
        return
    if by.role != StaffRole.OPERATOR or not by.active:
        raise NotAllowed("operator")
    if session.scalar(select(Enrolment.id).where(Enrolment.id == enrolment.id, _decided_by(by))) is None:
        raise NotAllowed("scope")


def _waiting(session: Session, row: Enrolment) -> Waiting:
    community = session.scalar(select(Community.name).where(Community.id == row.community_id)) or ""
    return Waiting(row.id, row.name, row.role, row.organisation, community,
                   home_label(session, row.building_id, row.unit_id), row.requested_at)
