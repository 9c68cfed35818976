"""Staff: who they are, what they may read, and binding a WeChat user as staff with a one-time invite code
(认证 <code>).

An invite stores only an HMAC-SHA256 of its code, keyed with the server's secret (GRIDBOT_SECRET_KEY): a copy
of the table is no list of codes to try. Invites issued before the secret existed keep their plain sha256 and
are accepted until they expire. Redeeming one is a compare-and-set on `used_at`, so a code binds exactly once
even when two people send it at the same moment. Unknown, used, expired and revoked codes all raise `NotFound`:
the person typing gets the same refusal for each, which tells a guesser nothing. An invite bound to a phone
(`gridbot invite --phone …`) binds only after the sender confirms its last four digits; wrong digits
count like wrong codes. `Lockout.failures` wrong codes
within `Lockout.within` lock the sender out of 认证 (even the right code is refused) and alert the operators.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection, Sequence

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, select, true, update
from sqlalchemy.orm import Session

from storage import attempts, complaints, org, org_former_names, place_labels, unit_reach
from storage.appeals import Action, routed_department
from storage.contact_input import InvalidContact, in_digits, phone_number
from storage.db import column_rows
from storage.errors import DomainError, NotFound
from storage.limits import LIMITS, TextField
from storage.models import (
    COMMUNITY_ROLES,
    GRID_BOUND,
    GRID_TEAM,
    TRANSFER_UNITS,
    Appeal,
    AppealEvent,
    Building,
    Community,
    ConsoleRole,
    ConsoleUser,
    FormerName,
    Grid,
    InviteHashScheme,
    Staff,
    StaffInvite,
    StaffRole,
    Street,
    Unit,
)
from storage.notices import StaffCertifyLocked
from storage.privacy import mask
from storage.telling import tell
from storage.typed_words import holds_words

log = logging.getLogger(__name__)

# The words an inviter types after --role (and staff may type in chat): an interface, keep them exactly.
ROLE_WORDS: dict[str, StaffRole] = {
    "网格员": StaffRole.GRID_MEMBER,
    "网格长": StaffRole.GRID_LEADER,
    "物业": StaffRole.PROPERTY,
    "部门": StaffRole.DEPARTMENT,
    "操作员": StaffRole.OPERATOR,
    "楼长": StaffRole.BUILDING_LEAD,
    "单元长": StaffRole.UNIT_LEAD,
    "党员中心户": StaffRole.PARTY_HOUSEHOLD,
    "党员": StaffRole.PARTY_MEMBER,
    "志愿者": StaffRole.VOLUNTEER,
}
# Posts held for one unit of a building: their invite names it (--unit).
UNIT_ROLES = (StaffRole.UNIT_LEAD, StaffRole.PARTY_HOUSEHOLD)
# No 0/O, 1/I/L: the code is read off a screen and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DEFAULT_TTL = timedelta(hours=72)
MAX_NAME_LENGTH = LIMITS[TextField.NAME]
MAX_DEPARTMENT_LENGTH = LIMITS[TextField.DEPARTMENT]
MAX_CANDIDATES = 10
PLACE_SEPARATOR = re.compile(r"\s*[/·・]\s*")


class InvalidInvite(DomainError):
    """The invite lacks what its role needs, or a value is malformed; `field` names the option."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        # grid | community | street | building | building_only_lead | unit | department | name | phone |
        # phone_bound | department_place | district_wide
        self.field = field


class UnclearPlace(DomainError):
    """A grid or community name that matches none or several; `candidates` are labels the user may mean."""

    def __init__(self, kind: str, name: str, candidates: list[str]) -> None:
        super().__init__(f"{kind} {name!r}: {candidates}")
        self.kind = kind  # grid | community | street
        self.name = name
        self.candidates = candidates


class UnknownPlace(UnclearPlace):
    """No grid or community of that name."""


class AmbiguousPlace(UnclearPlace):
    """Several grids or communities of that name."""


class UnknownDepartment(DomainError):
    """`--department` names no department the taxonomy routes appeals to; `known` are the ones it does."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown department {name!r}")
        self.name, self.known = name, known


class StaffNotMember(DomainError):
    """A grid team member, operator, 物业 or department officer sent the code of an invite for one of the
    community's own people (楼长…志愿者): binding it would take their work role away and strand the tasks they hold.
    `member` is who they are now; the invite stays unused."""

    def __init__(self, member: Staff, invite_id: int) -> None:
        super().__init__(f"staff {member.id} is {member.role}")
        self.member, self.invite_id = member, invite_id


@dataclass(frozen=True)
class PhoneCheck:
    """认证 with a right code of an invite bound to a phone: the last four digits come next (`confirm_phone`)."""

    invite_id: int


@dataclass(frozen=True)
class Scope:
    """Where an invited person will work."""

    grid_id: int | None
    community_id: int | None
    department: str | None
    street: str | None = None  # a street operator's (the top escalation level) or a department officer's street
    building_id: int | None = None  # a COMMUNITY_ROLES member's (grid and community are the building's)
    unit_id: int | None = None  # a 单元长's or 党员中心户's, and anyone's home unit if the inviter named one
    street_id: int | None = None  # the street operator's street (`street` is its name)


def invite_scope(session: Session, role: StaffRole, grid: str | None, community: str | None,
                 department: str | None, street: str | None = None,
                 departments: Collection[str] | None = None, building: Building | None = None,
                 unit: str | None = None, district_wide: bool = False) -> Scope:
    """Resolve what the inviter typed, checking that the role gets what it needs (a grid, a department, …).

    An 操作员 with `street` alone is the street's: bound to no community, they oversee all of it. A 部门's
    `department` must be one of `departments` (the taxonomy's routes) when given: anyone else would never
    receive the appeals routed to the department they meant. A 部门's officer works where the invite says
    (storage.unit_reach): a street, a community or a grid; every street only with `district_wide` (区住建局);
    with neither, the street of an install of one, and InvalidInvite("department_place") with several. The community's own people (COMMUNITY_ROLES) get a
    `building` (org_moves.find_building resolves what was typed) and nothing else — 单元长 and 党员中心户 also a
    `unit` of it (its name, 2单元, or number, 2), the others one if the inviter knows it; no other role gets one.
    """
    department, community, grid, street = _clean(department), _clean(community), _clean(grid), _clean(street)
    if role in COMMUNITY_ROLES or building is not None or _clean(unit):
        return _member_scope(session, role, building, any((grid, community, street, department)), _clean(unit))
    street_row = find_street(session, street) if street else None
    placed_by_street = role in (StaffRole.OPERATOR, StaffRole.DEPARTMENT)
    if street_row is not None and (not placed_by_street or grid or community or district_wide):
        raise InvalidInvite("street")
    if district_wide and (role is not StaffRole.DEPARTMENT or grid or community):
        raise InvalidInvite("district_wide")
    community_row = find_community(session, community) if community else None
    grid_row = _grid_in(session, grid, community_row) if grid else None
    # A 物业 company with several compounds in one community: one clerk may serve all of them (storage.unit_reach).
    if role in GRID_BOUND and grid_row is None and not (role is StaffRole.PROPERTY and community_row is not None):
        raise InvalidInvite("grid")
    if role is StaffRole.DEPARTMENT and department is None:
        raise InvalidInvite("department")
    if role is StaffRole.OPERATOR and grid_row is None and community_row is None and street_row is None:
        raise InvalidInvite("community")
    if department is not None and len(department) > MAX_DEPARTMENT_LENGTH:
        raise InvalidInvite("department")
    if role is StaffRole.DEPARTMENT and departments is not None and department not in departments:
        raise UnknownDepartment(department or "", sorted(departments))
    community_id = grid_row.community_id if grid_row else community_row.id if community_row else None
    if role is StaffRole.OPERATOR:
        grid_row = None  # --grid only names the community an operator oversees, all of it
    if role is StaffRole.DEPARTMENT and community_id is None and street_row is None and not district_wide:
        street_row = _only_street(session)
    return Scope(grid_row.id if grid_row else None, community_id, department,
                 street_row.name if street_row else None, street_id=street_row.id if street_row else None)


def _only_street(session: Session) -> Street:
    """The street of an install of one: where a 部门's officer invited without a place works. With several, the
    inviter must say which street (or that the office is district-wide): InvalidInvite("department_place")."""
    found = session.scalars(select(Street).order_by(Street.id).limit(2)).all()
    if len(found) != 1:
        raise InvalidInvite("department_place")
    return found[0]


def _member_scope(session: Session, role: StaffRole, building: Building | None, more: bool,
                unit: str | None) -> Scope:
    """The scope of one of the community's own people: their building (and unit), within its grid and community;
    refused for other roles or other options, and for 单元长 and 党员中心户 without a unit of the building."""
    if role not in COMMUNITY_ROLES or more:
        raise InvalidInvite("building_only_lead")
    if building is None or not building.active:
        raise InvalidInvite("building")
    unit_row = _unit_of(session, building, unit) if unit else None
    if role in UNIT_ROLES and unit_row is None:
        raise InvalidInvite("unit")
    community_id = session.scalars(select(Grid.community_id).where(Grid.id == building.grid_id)).one()
    return Scope(building.grid_id, community_id, None, building_id=building.id,
                 unit_id=unit_row.id if unit_row else None)


def _unit_of(session: Session, building: Building, typed: str) -> Unit:
    """The active unit of the building `typed` names (2单元, 2 单元, 2, or 二单元 as a Chinese typist or a voice
    input writes it); InvalidInvite("unit") when none does."""
    wanted = org.normalised_name(typed)
    forms = {wanted, in_digits(wanted)}
    for unit in session.scalars(select(Unit).where(Unit.building_id == building.id, Unit.active.is_(True))):
        if forms & {unit.name, unit.name.removesuffix("单元")}:
            return unit
    raise InvalidInvite("unit")


def create_invite(session: Session, role: StaffRole, grid_id: int | None, community_id: int | None,
                  department: str | None, name: str, phone: str | None, now: datetime, secret: str,
                  ttl: timedelta = DEFAULT_TTL, work_phone: str | None = None, phone_bound: bool = False,
                  building_id: int | None = None, unit_id: int | None = None, street_id: int | None = None) -> str:
    """Record an invite and return its code, in plain text, for the inviter to pass on (it is not stored).
    A `work_phone` (InvalidContact when not a phone number) is published when the code is redeemed.
    `phone_bound`: the code binds only after its sender confirms the last four digits of `phone`."""
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInvite("name")
    if phone_bound and normalize_phone(phone) is None:
        raise InvalidInvite("phone_bound")
    published = phone_number(work_phone) if work_phone else None
    while True:
        code = new_code()
        digest = code_hash(code, secret)
        # 31^8 codes: a clash is astronomically rare, and the unique index stands behind this check.
        if session.scalars(select(StaffInvite.id).where(StaffInvite.code_hash == digest)).first() is None:
            break
    session.add(StaffInvite(
        code_hash=digest, hash_scheme=InviteHashScheme.HMAC_SHA256, key_id=key_id(secret), role=str(role),
        grid_id=grid_id, community_id=community_id, department=department, name=name, phone=normalize_phone(phone),
        created_at=now, expires_at=now + ttl, work_phone=published, phone_bound=phone_bound,
        building_id=building_id, unit_id=unit_id, street_id=street_id,
    ))
    session.flush()
    return code


def certify(session: Session, openid: str, code: str, now: datetime, secret: str,
            lockout: attempts.Lockout = attempts.DEFAULT_LOCKOUT) -> Staff | PhoneCheck:
    """认证: `redeem`, counting wrong codes per sender. Locked out (now, or by this very failure): TooMany.
    The right code of an invite bound to a phone binds nothing yet: PhoneCheck, and `confirm_phone` follows."""
    _refuse_if_locked(session, openid, now)
    try:
        invite = find_invite(session, code, now, secret)
        _refuse_staff_as_member(session, openid, invite)
        if invite.phone_bound:
            return PhoneCheck(invite.id)
        member = _bind(session, openid, invite, now)
    except NotFound:
        _failed(session, openid, now, lockout)
        log.info("certify: wrong or spent code from %s", mask(openid))
        raise
    attempts.forget(session, attempts.CERTIFY, openid)
    return member


def confirm_phone(session: Session, openid: str, invite_id: int, digits: str, now: datetime,
                  lockout: attempts.Lockout = attempts.DEFAULT_LOCKOUT) -> Staff:
    """The last four digits of the phone a phone-bound invite names: right ones bind the sender; wrong ones count
    as a failed 认证 (WrongDigits, or TooMany once locked out). An invite spent, expired or revoked meanwhile:
    NotFound."""
    _refuse_if_locked(session, openid, now)
    invite = session.get(StaffInvite, invite_id)
    if invite is None or not _open(invite, now):
        raise NotFound("invite code")
    typed = unicodedata.normalize("NFKC", digits).strip()
    if invite.phone is None or not hmac.compare_digest(typed, invite.phone[-PHONE_CHECK_DIGITS:]):
        spent = _wrong_digits_spend(session, invite, now)
        _failed(session, openid, now, lockout)
        log.info("certify: wrong phone digits from %s", mask(openid))
        if spent:
            raise NotFound("invite code")
        raise WrongDigits()
    member = _bind(session, openid, invite, now)
    attempts.forget(session, attempts.CERTIFY, openid)
    return member


class WrongDigits(DomainError):
    """The digits sent for a phone-bound invite are not the end of its phone number."""


PHONE_CHECK_DIGITS = 4
# Wrong digits an invite takes, from all senders together, before it is revoked. The sender lockout counts per
# WeChat account: someone holding a forwarded code and thirty accounts would otherwise try all 10,000 endings
# within the code's 72 hours. The invited person mistypes once or twice; a new code is one `gridbot invite` away.
PHONE_DIGITS_PER_INVITE = 10
PHONE_DIGITS_WINDOW = timedelta(days=31)  # longer than any invite lives (720 hours at most)


def _wrong_digits_spend(session: Session, invite: StaffInvite, now: datetime) -> bool:
    """Count wrong digits for the invite; at PHONE_DIGITS_PER_INVITE it is revoked (True): it binds nobody now."""
    counted = attempts.count(session, attempts.PHONE_DIGITS, str(invite.id), now, PHONE_DIGITS_WINDOW)
    if counted.count < PHONE_DIGITS_PER_INVITE:
        return False
    invite.revoked_at = now
    log.warning("certify: invite %s revoked after %d wrong phone digits: issue a new one", invite.id, counted.count)
    return True


def redeem(session: Session, openid: str, code: str, now: datetime, secret: str) -> Staff:
    """Bind `openid` as the staff member the code was issued for; unknown, used, expired or revoked codes: NotFound.
    No lockout and no phone check: the chat goes through `certify`."""
    return _bind(session, openid, find_invite(session, code, now, secret), now)


def find_invite(session: Session, code: str, now: datetime, secret: str) -> StaffInvite:
    """The invite a code was issued for, while it can still bind: unused, unexpired, not revoked (else NotFound)."""
    normalized = normalize_code(code)
    if normalized is None:
        raise NotFound("invite code")
    invite = session.scalars(select(StaffInvite).where(
        ((StaffInvite.code_hash == code_hash(normalized, secret))
         & (StaffInvite.hash_scheme == InviteHashScheme.HMAC_SHA256))
        | ((StaffInvite.code_hash == _legacy_hash(normalized)) & (StaffInvite.hash_scheme == InviteHashScheme.SHA256))
    )).first()
    if invite is None or not _open(invite, now):
        raise NotFound("invite code")
    return invite


def _open(invite: StaffInvite, now: datetime) -> bool:
    return invite.used_at is None and invite.revoked_at is None and invite.expires_at > now


def _refuse_if_locked(session: Session, openid: str, now: datetime) -> None:
    try:
        attempts.refuse_if_locked(session, attempts.CERTIFY, openid, now)
    except attempts.TooMany:
        log.info("certify: %s is locked out, code not checked", mask(openid))
        raise


def _failed(session: Session, openid: str, now: datetime, lockout: attempts.Lockout) -> None:
    """Count a failed 认证; the failure that locks the sender out alerts the operators and raises TooMany."""
    try:
        attempts.fail(session, attempts.CERTIFY, openid, now, lockout)
    except attempts.TooMany as locked:
        if locked.started:
            _locked_out(session, openid, locked.retry_at, now, lockout)
        raise


def made_out_to(member: Staff) -> ColumnElement[bool]:
    """The invites made out to `member` (storage.invites.revoke_naming takes them back when they leave): their name
    and their phone, anywhere; or their name and no phone, for their own community (street, for one who works for a
    street; their unit, for a district-wide officer), since a namesake invited elsewhere without a phone is most
    likely someone else."""
    same_phone = false() if member.phone is None else StaffInvite.phone == member.phone
    return (StaffInvite.name == member.name) & (same_phone | (StaffInvite.phone.is_(None) & _their_place(member)))


def _their_place(member: Staff) -> ColumnElement[bool]:
    """Invites for the place the member works in: their community, else their street, else their unit."""
    if member.community_id is not None:
        return StaffInvite.community_id == member.community_id
    if member.street_id is not None:
        return StaffInvite.street_id == member.street_id
    return StaffInvite.department == member.department if member.department else StaffInvite.role == member.role


def _made_out_to_a_leaver(session: Session, invite: StaffInvite) -> bool:
    """Whether the invite was made out to one who left after it was made: `gridbot staff disable` revokes those (an
    upgrade to migration 0044 those of people who left before), and one that escaped it binds nobody either. A new
    invite for one who left (they come back) is made after they left, and binds."""
    if not invite.name:
        return False
    leavers = session.scalars(select(Staff).where(Staff.active.is_(False), Staff.name == invite.name,
                                                  Staff.disabled_at >= invite.created_at)).all()
    return any(session.scalar(select(StaffInvite.id).where(StaffInvite.id == invite.id, made_out_to(leaver)))
               for leaver in leavers)


def _refuse_staff_as_member(session: Session, openid: str, invite: StaffInvite) -> None:
    """StaffNotMember when an active work-role member would be bound as one of the community's own people; as
    党员报到 and 志愿者报名 tell staff, the two do not mix (members confirm enrolments the same way)."""
    member = staff_by_openid(session, openid)
    if (member is not None and member.active and member.role not in COMMUNITY_ROLES
            and invite.role in COMMUNITY_ROLES):
        raise StaffNotMember(member, invite.id)


def _bind(session: Session, openid: str, invite: StaffInvite, now: datetime) -> Staff:
    _refuse_staff_as_member(session, openid, invite)
    if _made_out_to_a_leaver(session, invite):
        log.warning("certify: invite %s was made out to someone who has left: refused", invite.id)
        raise NotFound("invite code")
    # Compare-and-set before anything else is written: of two people sending the same code, one binds.
    claimed = session.execute(
        update(StaffInvite)
        .where(StaffInvite.id == invite.id, StaffInvite.used_at.is_(None), StaffInvite.revoked_at.is_(None),
               StaffInvite.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise NotFound("invite code")
    staff = rejoining_member(session, openid, invite.role) or staff_by_openid(session, openid)
    if staff is not None and not staff.active:
        release_leaver(session, staff)
        staff = None
    if staff is None:
        staff = Staff(openid=openid, name=invite.name, phone=invite.phone, created_at=now)
        session.add(staff)
    elif invite.name:
        staff.name = invite.name
    if invite.phone:
        staff.phone = invite.phone
    if invite.work_phone:
        staff.work_phone = invite.work_phone
    staff.role = invite.role
    staff.grid_id = invite.grid_id
    staff.community_id = invite.community_id
    staff.street_id = invite.street_id
    staff.building_id, staff.unit_id = invite.building_id, invite.unit_id
    staff.department = invite.department
    staff.active = True
    staff.on_duty, staff.off_duty_until, staff.off_duty_from = True, None, None
    session.flush()
    invite.used_at = now
    invite.used_by_staff_id = staff.id
    session.flush()
    return staff


def rejoining_member(session: Session, openid: str, role: str) -> Staff | None:
    """The row of one of the community's own people (volunteer, party member, lead) who was disabled and now joins
    again as one of them (报名, 报到 or 认证) from the same WeChat account: active again, so that she is the same
    person, with her points and history; None for anyone else (a leaver's row then lets go of the account)."""
    member = staff_by_openid(session, openid)
    if member is None or member.active or member.role not in COMMUNITY_ROLES or role not in COMMUNITY_ROLES:
        return None
    member.active, member.disabled_at = True, None
    return member


def release_leaver(session: Session, member: Staff) -> None:
    """The WeChat account of one who left binds anew (认证, 报到): their row lets go of it and keeps their name and
    id, so that the appeals they handled still name them, whoever the account is bound as now."""
    assert not member.active, "only a disabled member's account is released"
    member.openid = None
    session.flush()  # before the new row takes the openid: it is unique


def disabled(session: Session, openid: str) -> bool:
    """Whether this WeChat user was staff and has been disabled (`gridbot staff disable`)."""
    return session.scalars(select(Staff.id).where(Staff.openid == openid, Staff.active.is_(False))).first() is not None


def staff_by_openid(session: Session, openid: str) -> Staff | None:
    """The staff member bound to this WeChat user, if any."""
    return session.scalars(select(Staff).where(Staff.openid == openid)).first()


def find_grid(session: Session, name: str, within: ColumnElement[bool] | None = None,
              in_use: bool = True) -> Grid:
    """The grid a person names: `第一网格` when unique, or `幸福里社区/第一网格`, `幸福里社区·第一网格`, and
    `幸福街道·幸福里社区·第一网格` where two streets have a community of that name; only among the grids `within`
    allows (a condition on Grid joined with its Community), and so are the candidates named. Only grids in use
    unless `in_use` is False (reading a deactivated grid's past): nobody is sent to one the ledger dropped
    (`import org --prune`)."""
    if in_use:
        within = Grid.active.is_(True) if within is None else and_(within, Grid.active.is_(True))
    parts = PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", name).strip())
    street_name, community_name, grid_name = ([None, None] + parts)[-3:]
    query = select(Grid, Community.name, Street.name).join(Community, Community.id == Grid.community_id).join(
        Street, Street.id == Community.street_id).where(true() if within is None else within)
    if community_name:
        query = query.where(Community.name == community_name)
    if street_name:
        query = query.where(Street.name == street_name)
    rows = session.execute(query.where(Grid.name == grid_name).order_by(Community.id, Grid.id)).all()
    if not rows and community_name and grid_name:
        # 第1网格 for 第一网格 in a staff ledger: one grid written with the other numerals, as the ledger import and
        # 改名 hold them to be (a community never has both).
        numeral = in_digits(grid_name.removesuffix("网格"))
        rows = [row for row in session.execute(query.order_by(Community.id, Grid.id)).all()
                if numeral[-1:].isdigit() and in_digits(row[0].name.removesuffix("网格")) == numeral]
    if not rows and community_name and grid_name:
        # The name the grid had before `org rename`, in a ledger of staff from before it (as the ledger import).
        rows = session.execute(query.join(FormerName, (FormerName.kind == org_former_names.GRID)
                                          & (FormerName.place_id == Grid.id))
                               .where(FormerName.name == grid_name).order_by(Community.id, Grid.id)).all()
    if len(rows) == 1:
        return rows[0][0]
    if rows:
        raise AmbiguousPlace("grid", name, org.told_apart([(f"{community}·{grid.name}", street)
                                                          for grid, community, street in rows]))
    similar = select(Grid).join(Community, Community.id == Grid.community_id).where(
        true() if within is None else within)
    if community_name:
        similar = similar.where(Community.name == community_name)
    else:
        similar = similar.where(holds_words(Grid.name, grid_name))
    found = session.scalars(similar.order_by(Grid.id).limit(MAX_CANDIDATES)).all()
    raise UnknownPlace("grid", name, _labels(session, found))


def find_compound(session: Session, place: str, grids: ColumnElement[bool] | None = None,
                  communities: ColumnElement[bool] | None = None) -> tuple[int, str]:
    """The community and name of the 小区 `place` names: 社区·小区, or the 小区 alone where no other community has
    one of that name (AmbiguousPlace names them: 社区·小区). A 小区 whose name holds a separator (万科·城市花园) is
    looked for whole first. Only among the grids `grids` allows and the communities `communities` allows (a street's
    account: its 阳光花园, though another street has one too, with no other street's named)."""
    parts = PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", place).strip())
    for cut in range(len(parts)):
        wanted = org.normalised_name("·".join(parts[cut:]))
        if not wanted:
            continue  # a grid that is one compound has "": no name to give
        found = (select(Grid.community_id).distinct().select_from(Grid).join(Building, Building.grid_id == Grid.id)
                 .join(Community, Community.id == Grid.community_id)
                 .where(Building.compound == wanted, true() if grids is None else grids))
        if cut:
            try:
                found = found.where(Grid.community_id == find_community(session, "·".join(parts[:cut]),
                                                                        communities).id)
            except UnclearPlace:
                continue
        found_ids = sorted(session.scalars(found))
        if len(found_ids) == 1:
            return found_ids[0], wanted
        if found_ids:
            raise AmbiguousPlace("compound", place, [f"{session.get_one(Community, community).name}·{wanted}"
                                                      for community in found_ids][:MAX_CANDIDATES])
    raise UnknownPlace("compound", place, [])


def find_street(session: Session, name: str) -> Street:
    """The street of that name; unknown raises UnknownPlace with the streets there are."""
    wanted = unicodedata.normalize("NFKC", name).strip()
    found = session.scalars(select(Street).where(Street.name == wanted)).first()
    if found is None:
        raise UnknownPlace("street", name, list(session.scalars(select(Street.name).order_by(Street.id))))
    return found


def find_community(session: Session, name: str, within: ColumnElement[bool] | None = None) -> Community:
    """The community of that name, or of `街道·社区` where two streets have one of that name; only among the
    communities `within` allows (a condition on Community: a street's account looks in its street, where the name
    may well be unique), and so are the candidates named. Unknown or not unique raises UnclearPlace with the
    candidates."""
    parts = PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", name).strip(), maxsplit=1)
    street_name, wanted = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
    query = select(Community, Street.name).join(Street, Street.id == Community.street_id) \
        .where(Community.name == wanted, true() if within is None else within)
    if street_name:
        query = query.where(Street.name == street_name)
    rows = session.execute(query.order_by(Community.id)).all()
    if len(rows) == 1:
        return rows[0][0]
    if rows:
        raise AmbiguousPlace("community", name, [f"{street}·{community.name}" for community, street in rows])
    similar = session.scalars(
        select(Community.name).where(holds_words(Community.name, wanted),
                                     true() if within is None else within)
        .order_by(Community.id).limit(MAX_CANDIDATES)
    ).all()
    raise UnknownPlace("community", name, list(similar))


def place_label(session: Session, grid_id: int | None, community_id: int | None,
                building_id: int | None = None, unit_id: int | None = None) -> str | None:
    """社区·网格·小区·楼栋(·单元) for a member of the community's own people, 社区·网格 for a grid, the community's
    name without one, None with neither; led by the street (街道·社区·…) where another street has a community of
    that name, or two people in different places would read alike."""
    return place_labels.of(session, [(grid_id, community_id, building_id, unit_id)])[0]


def workplace_label(session: Session, role: str, grid_id: int | None, community_id: int | None,
                    building_id: int | None = None, street_id: int | None = None) -> str | None:
    """Where someone in `role` works, as people name it: a 楼长's building, 社区·网格, the community, or for a
    street operator (bound to no community) or a department's officer the street; None for a district-wide
    department's."""
    return _at_work(session, role, street_id, place_label(session, grid_id, community_id, building_id))


def workplace_labels(session: Session, rows: Sequence[Staff] | Sequence[StaffInvite]) -> list[str | None]:
    """`workplace_label` of each person or invite, read at once (a street's list of a thousand 楼长)."""
    places = place_labels.of(session, [(row.grid_id, row.community_id, row.building_id, None) for row in rows])
    return [_at_work(session, row.role, row.street_id, place) for row, place in zip(rows, places, strict=True)]


def _at_work(session: Session, role: str, street_id: int | None, place: str | None) -> str | None:
    if place is None and (role == StaffRole.OPERATOR or (role == StaffRole.DEPARTMENT and street_id is not None)):
        return street_name(session, street_id)
    return place


def street_name(session: Session, street_id: int | None = None) -> str | None:
    """Where a street operator (an 操作员 bound to no community) works: their street's name, or (bound before
    their street was recorded) the names of every street the deployment serves, which they oversee."""
    return "、".join(session.scalars(select(Street.name).where(true() if street_id is None else Street.id == street_id)
                                   .order_by(Street.id))) or None


def new_code() -> str:
    """A fresh random invite code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """The code as issued, from how people type it (full-width, lower case, spaces); None if it cannot be one."""
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", typed)).upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def code_hash(code: str, secret: str) -> str:
    """What is stored instead of the code: HMAC-SHA256 of the normalised code, keyed with the server's secret."""
    return hmac.new(secret.encode("utf-8"), code.encode("ascii"), hashlib.sha256).hexdigest()


def key_id(secret: str) -> str:
    """A fingerprint of the server's secret, stored with each invite: tells which key hashed its code without
    revealing the key (HMAC of a fixed label, cut to 16 hex digits)."""
    return hmac.new(secret.encode("utf-8"), b"gridbot invite key id", hashlib.sha256).hexdigest()[:16]


def _legacy_hash(code: str) -> str:
    """How invites issued before the secret key were stored: plain sha256 of the normalised code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _locked_out(session: Session, openid: str, until: datetime, now: datetime, lockout: attempts.Lockout) -> None:
    """A sender was just locked out of 认证: log it, and tell the duty desks (at most once a day per sender)."""
    log.warning("certify: %s locked out until %s after %s wrong codes within %s", mask(openid), until.isoformat(),
                lockout.failures, lockout.within)
    if not attempts.take_alert(session, attempts.CERTIFY, openid, now, lockout.alert_quiet):
        return
    # An unbound sender has no place: those over every place hear of it, not each of a city's 300 operators.
    operators = duty_desks(session)
    notice = StaffCertifyLocked(who=mask(openid), failures=lockout.failures,
                                minutes=int(lockout.within.total_seconds() // 60), until=until)
    for operator in operators:
        sender = hashlib.sha256(openid.encode("utf-8")).hexdigest()[:16]  # the key must not hold the openid
        tell(session, operator.openid, notice, now, key=f"{notice.name}:{sender}:{until.isoformat()}:{operator.id}")


def normalize_phone(phone: str | None) -> str | None:
    """A phone number as its digits; None when not given; InvalidInvite when it is no mobile or landline number
    (`storage.contact_input`: 12345 is a typo, and its "last four digits" would lock the invitee out at 认证)."""
    if phone is None or not phone.strip():
        return None
    try:
        return re.sub(r"\D", "", phone_number(phone))
    except InvalidContact:
        raise InvalidInvite("phone") from None


def _grid_in(session: Session, name: str, community: Community | None) -> Grid:
    if community is None:
        return find_grid(session, name)
    named_community, _grid = _split_place(name)
    try:
        grid = find_grid(session, name, within=None if named_community else Grid.community_id == community.id)
    except UnknownPlace:
        if named_community:
            raise
        grid = None
    if grid is None or grid.community_id != community.id:
        raise UnknownPlace("grid", name, _labels(session, org.grids_of(session, community.id)))
    return grid


def _split_place(name: str) -> tuple[str | None, str]:
    parts = PLACE_SEPARATOR.split(unicodedata.normalize("NFKC", name).strip())
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


def _labels(session: Session, grids: Sequence[Grid]) -> list[str]:
    return [org.grid_label(session, grid.id) for grid in grids]


def _clean(value: str | None) -> str | None:
    cleaned = unicodedata.normalize("NFKC", value).strip() if value else ""
    return cleaned or None


def manages_grid(session: Session, member: Staff | ConsoleUser, grid_id: int | None) -> bool:
    """Whether the member is the grid's 网格长 or an 操作员 of its community (who may re-route, merge, reclassify),
    or of the street (bound to no community: every grid, as their 待分类 and 我的任务 list them); a console
    operator manages every grid of their scope (管理员: all, 街道: the street's, 社区: the community's)."""
    if grid_id is None:
        return False
    if isinstance(member, ConsoleUser):
        return _console_manages(session, member, grid_id)
    if member.role == StaffRole.GRID_LEADER:
        return member.grid_id == grid_id
    if member.role == StaffRole.OPERATOR:
        if member.community_id is None:
            return member.street_id is None or member.street_id == _street_of(session, grid_id)
        return member.community_id == _community_of(session, grid_id)
    return False


def duty_desks(session: Session, hold: bool = False) -> Sequence[Staff]:
    """Who is told of what belongs to no place yet (an unbound resident's emergency, a sender locked out of 认证):
    the active operators with WeChat bound over every street (the district's duty desk) if there are any, else every
    street's, else (no street operator bound anywhere yet) every community's. At a city's size (31 streets, 293
    communities) every operator would be some 300 people told of one thing, none sure it was theirs to act on.
    `hold`: their rows share-locked, as `held` says."""
    bound = (Staff.role == StaffRole.OPERATOR, Staff.active.is_(True), Staff.openid.is_not(None))
    for desk in (Staff.community_id.is_(None) & Staff.street_id.is_(None), Staff.community_id.is_(None), true()):
        found = session.scalars(held(select(Staff).where(*bound, desk).order_by(Staff.id), hold)).all()
        if found:
            return found
    return []


def grid_leaders(session: Session, grid_id: int | None) -> Sequence[Staff]:
    """The active 网格长 of the grid, bound or not: escalation level 1, a 聚焦办's owner, who may 改派 for a member
    on leave."""
    return session.scalars(select(Staff).where(Staff.grid_id == grid_id, Staff.role == StaffRole.GRID_LEADER,
                                               Staff.active.is_(True)).order_by(Staff.id)).all()


def community_operators(session: Session, grid_id: int | None, hold: bool = False) -> Sequence[Staff]:
    """The active operators of the grid's community: 退回 and 聚焦办 alerts go to them, escalation level 2.
    `hold`: their rows share-locked, as `held` says."""
    return session.scalars(held(
        select(Staff).where(Staff.role == StaffRole.OPERATOR, Staff.community_id == _community_of(session, grid_id),
                            Staff.active.is_(True)).order_by(Staff.id), hold)
    ).all()


def street_operators(session: Session, grid_id: int | None = None, hold: bool = False) -> Sequence[Staff]:
    """The active operators (bound to no community) of the grid's street: the top of escalation. Without a grid
    (an emergency not yet placed), those of every street; a street operator bound before their street was
    recorded is of every street. `hold`: their rows share-locked, as `held` says."""
    return session.scalars(held(
        select(Staff).where(Staff.role == StaffRole.OPERATOR, Staff.community_id.is_(None), Staff.active.is_(True),
                            street_operator_of(grid_id))
        .order_by(Staff.id), hold)
    ).all()


def hold_operators(session: Session, appeal_ids: Collection[int] | None) -> None:
    """Share-lock (PostgreSQL) the active operators a 督办 sweep of `appeal_ids` (None: of every appeal) may tell:
    those of the appeals' communities, and every street's; as `held` says, a disabling meanwhile waits for the
    sweep, then drops its notices, and a sweep after it leaves the leaver out. Taken before the sweep changes any
    appeal (storage.supervision): a disabling locks the operator's row first and then the tasks they hold, which
    the sweep may be escalating, so a lock taken later, between the two, could deadlock with it."""
    among = true() if appeal_ids is None else Staff.community_id.is_(None) | Staff.community_id.in_(
        select(Grid.community_id).join(Appeal, Appeal.grid_id == Grid.id).where(Appeal.id.in_(appeal_ids)))
    session.execute(select(Staff.id).where(Staff.role == StaffRole.OPERATOR, Staff.active.is_(True), among)
                    .order_by(Staff.id).with_for_update(read=True, of=Staff))


def hold_grid_teams(session: Session, appeal_ids: Collection[int] | None) -> None:
    """Share-lock (PostgreSQL) the grid members and 网格长 a 督办 sweep of `appeal_ids` (None: of every appeal) may
    remind or escalate to: the active team of each appeal's grid and each appeal's holder (one who moved and kept
    it), as `hold_operators` does the operators, and for the same lock order: taken before the sweep changes any
    appeal. A disabling or a move (storage.roster) updates the staff row first, then the tasks; a 请假 the row
    alone; so one meanwhile waits for the sweep (then drops the notices the leaver may no longer read), and the
    sweep waiting for one reads the member as they are once it commits: out of the team, or of another grid."""
    appeals = true() if appeal_ids is None else Appeal.id.in_(appeal_ids)
    among = ((Staff.role.in_(GRID_TEAM) & Staff.grid_id.in_(select(Appeal.grid_id).where(appeals)))
             | Staff.id.in_(select(Appeal.assignee_staff_id).where(appeals)))
    session.execute(select(Staff.id).where(Staff.active.is_(True), among)
                    .order_by(Staff.id).with_for_update(read=True, of=Staff))


def held(query: Select[tuple[Staff]], hold: bool) -> Select[tuple[Staff]]:
    """`query` of staff rows share-locked to the transaction's end when `hold` (PostgreSQL), for a step that writes
    them a card (a dispatch, an unplaced emergency's alert): a disabling meanwhile waits for it, then drops the card
    among what waits for the leaver (storage.roster), and a step after the disabling reads them gone. Safe in any
    order against a disabling: it locks the staff row first and waits for nothing such a step holds."""
    return query.with_for_update(read=True, of=Staff) if hold else query


def street_operator_of(grid_id: int | None) -> ColumnElement[bool]:
    """A condition on Staff: a street operator over the grid's street (any street without a grid). The street is
    a subquery, not a statement of its own: dispatch asks this per appeal, within its bounded statements."""
    if grid_id is None:
        return true()
    street = (select(Community.street_id).join(Grid, Grid.community_id == Community.id)
              .where(Grid.id == grid_id).scalar_subquery())
    return Staff.street_id.is_(None) | (Staff.street_id == street)


def _console_manages(session: Session, user: ConsoleUser, grid_id: int) -> bool:
    if not user.active:
        return False
    if user.role == ConsoleRole.ADMIN:
        return True
    if user.role == ConsoleRole.COMMUNITY:
        return user.community_id is not None and user.community_id == _community_of(session, grid_id)
    if user.role == ConsoleRole.STREET and user.street_id is not None:
        return _street_of(session, grid_id) == user.street_id
    return False


def _community_of(session: Session, grid_id: int | None) -> int | None:
    return org.grid_place(session, grid_id)[0]


def _street_of(session: Session, grid_id: int | None) -> int | None:
    return org.grid_place(session, grid_id)[1]


# --- who may read which appeal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Readable:
    """An appeal as the read permission sees it: where it is, who has it, whether its category is private."""

    grid_id: int | None
    community_id: int | None  # the grid's
    assignee_staff_id: int | None = None
    reporter_staff_id: int | None = None
    departments: frozenset[str] = frozenset()  # it is, or once was, transferred (or routed) to
    sensitive: bool = False  # a category of the taxonomy's `sensitive` list (家庭矛盾, 邻里纠纷, …)
    complained_about: frozenset[int] = frozenset()  # staff a complaint is about (storage.complaints)
    # An emergency of a resident not yet bound: in no grid, and its card went to the duty desks (storage.emergencies); any
    # operator may read it, as whichever is asked about it must.
    unplaced_emergency: bool = False
    street_id: int | None = None  # the grid's community's


def can_read(member: Staff, appeal: Readable) -> bool:
    """Whether a staff member may see an appeal, in 查询, in any list, and in a refusal that would tell of it.

    A disabled member: nothing. Their own task (assignee) or report (上报): always. 操作员: their community (an operator bound to no
    community is the street's: all of it), and an emergency of a resident not yet bound (all were told of it). 网格长: their grid. 网格员 and 物业: their grid, and 物业/部门 what was
    transferred to their company or department in the place they serve (storage.unit_reach). A sensitive category: only the assignee, the grid's 网格长 and
    the operators over it. A complaint about staff: never the people it is about, whatever their role.
    """
    if member.active is False or (member.id is not None and member.id in appeal.complained_about):
        return False  # a disabled member reads nothing, from the moment `gridbot staff disable` commits
    if owns(member, appeal):
        return True
    if member.role == StaffRole.OPERATOR:
        # An unplaced emergency's card told every operator to claim it: any of them may, the first to come.
        if member.community_id is None:
            return member.street_id is None or member.street_id == appeal.street_id or appeal.unplaced_emergency
        return member.community_id == appeal.community_id or appeal.unplaced_emergency
    in_grid = member.role in GRID_BOUND and member.grid_id is not None and member.grid_id == appeal.grid_id
    if member.role == StaffRole.GRID_LEADER:
        return in_grid
    if appeal.sensitive:
        return False
    transferred = member.role in TRANSFER_UNITS and member.department in appeal.departments and unit_reach.serves(
        member, appeal.grid_id, appeal.community_id, appeal.street_id)  # not the same-named unit of another street
    return in_grid or transferred


def owns(member: Staff, appeal: Readable) -> bool:
    """The member's own task or own report: reading it is their work, not a lookup."""
    return member.id is not None and member.id in (appeal.assignee_staff_id, appeal.reporter_staff_id)


def readable(session: Session, appeal: Appeal, sensitive: Collection[str]) -> Readable:
    """What `can_read` needs to know of an appeal."""
    moves = column_rows(session, _MOVES, {"appeal_id": appeal.id})
    # Transferred (转办) or routed by its category: either way the department had it, now or before.
    departments = [note if action == Action.TRANSFERRED else routed_department(note) for action, note in moves]
    community_id, street_id = org.grid_place(session, appeal.grid_id)
    return Readable(
        appeal.grid_id, community_id, appeal.assignee_staff_id, appeal.reporter_staff_id,
        frozenset(name for name in (appeal.department, *departments) if name), appeal.category in sensitive,
        complaints.accused(session, appeal.id) or frozenset(),
        unplaced_emergency=appeal.grid_id is None and appeal.emergency is not None,
        street_id=street_id,
    )


# Run for every card of a sensitive category, and every read of one: built once.
_MOVES = select(AppealEvent.action, AppealEvent.note).where(
    AppealEvent.appeal_id == bindparam("appeal_id"), AppealEvent.action.in_((Action.TRANSFERRED, Action.DISPATCHED)))


def place(session: Session, grid_id: int | None) -> Readable:
    """A grid as the read permission sees it (what a focus case of that grid shows: never a sensitive category)."""
    community_id, street_id = org.grid_place(session, grid_id)
    return Readable(grid_id, community_id, street_id=street_id)


def may_read(session: Session, member: Staff, appeal: Appeal, sensitive: Collection[str]) -> bool:
    """`can_read` of an appeal row."""
    return can_read(member, readable(session, appeal, sensitive))
