"""A street's staff invited from its ledger (`gridbot invite --from 台账.xlsx`): one invite for each person the
ledger lists who is neither bound nor holding a waiting invite, so that running it again invites nobody twice.

The ledger names each person's 网格 (网格员, 网格长) or 社区 (操作员); every row is checked before any invite is
made, as `gridbot import org` checks its rows: a row of another street, a place not found, a role the ledger does
not settle (a 楼长's building, a 部门's office: `gridbot invite --role` one by one) is refused, and nothing is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Callable, Sequence, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from storage import invites, staff
from storage.errors import DomainError
from storage.models import Community, Staff, StaffInvite, StaffRole, Street

COLUMNS = {"name": "姓名", "phone": "手机号", "role": "角色", "street": "街道", "community": "社区", "grid": "网格"}
REQUIRED = ("name", "role")
# The roles a ledger places by its grid or community alone.
LEDGER_ROLES = (StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER, StaffRole.OPERATOR)
_Found = TypeVar("_Found")


class Problem(StrEnum):
    NO_NAME = "no_name"
    ROLE = "role"  # not a role word, or a role the ledger does not place
    OTHER_STREET = "other_street"  # the row's place is another street's
    INVITE = "invite"  # what `gridbot invite` refuses: no grid, an unknown place, a bad phone, a long name


@dataclass(frozen=True)
class InviteRow:
    """One person of the ledger, as read (line as Excel or an editor shows it)."""

    line: int
    name: str
    phone: str = ""
    role: str = ""
    street: str = ""  # a city's ledger names it: a row of another street is refused, not read as this one's
    community: str = ""
    grid: str = ""


@dataclass(frozen=True)
class RowRefusal:
    """Why one row invites nobody; worded for the operator in bot/cli/roster_texts.py."""

    line: int
    problem: Problem
    column: str = ""
    error: DomainError | None = None  # Problem.INVITE: what inviting this person alone is refused with
    place: str = ""  # Problem.OTHER_STREET: the place the row names


@dataclass(frozen=True)
class Planned:
    """A person to invite, where they will work."""

    row: InviteRow
    role: StaffRole
    scope: staff.Scope


@dataclass(frozen=True)
class Made:
    """An invite made: its id and its code (in plain text once, for the operator's file)."""

    planned: Planned
    invite_id: int
    code: str
    place: str | None


@dataclass
class Plan:
    """What the ledger asks for: new invites, rows left alone (bound already, or an invite waits), refusals."""

    new: list[Planned] = field(default_factory=list)
    bound: list[InviteRow] = field(default_factory=list)
    waiting: list[InviteRow] = field(default_factory=list)
    repeated: list[InviteRow] = field(default_factory=list)  # a person the ledger lists again: invited once
    refused: list[RowRefusal] = field(default_factory=list)


def plan(session: Session, rows: Sequence[InviteRow], street: Street, now: datetime, secret: str) -> Plan:
    """Check every row against the street's places and the people already bound or invited."""
    found = Plan()
    for row in rows:
        checked = _checked(session, row, street)
        if isinstance(checked, RowRefusal):
            found.refused.append(checked)
            continue
        phone = staff.normalize_phone(row.phone)
        if _bound(session, row.name, phone, checked.scope.community_id):
            found.bound.append(row)
        elif any(_same_person(other, checked, phone) for other in found.new):
            found.repeated.append(row)
        elif invites.waiting_for(session, row.name, phone, checked.scope.community_id, None, now, secret):
            found.waiting.append(row)
        else:
            found.new.append(checked)
    return found


def make(session: Session, planned: Sequence[Planned], now: datetime, secret: str, ttl: timedelta) -> list[Made]:
    """The invites of `planned`, each bound to its phone when the ledger gives one (as `gridbot invite --phone`)."""
    made = []
    for person in planned:
        scope, row = person.scope, person.row
        code = staff.create_invite(session, person.role, scope.grid_id, scope.community_id, None, row.name, row.phone,
                                   now, secret, ttl, phone_bound=bool(row.phone))
        invite_id = session.scalars(select(StaffInvite.id).where(
            StaffInvite.code_hash == staff.code_hash(code, secret))).one()
        made.append(Made(person, invite_id, code, staff.place_label(session, scope.grid_id, scope.community_id)))
    return made


def _checked(session: Session, row: InviteRow, street: Street) -> Planned | RowRefusal:
    if not row.name:
        return RowRefusal(row.line, Problem.NO_NAME, "name")
    role = staff.ROLE_WORDS.get(row.role)
    if role not in LEDGER_ROLES:
        return RowRefusal(row.line, Problem.ROLE, "role")
    assert role is not None  # LEDGER_ROLES holds no None
    if row.street and row.street != street.name:
        return RowRefusal(row.line, Problem.OTHER_STREET,
                          place="·".join(part for part in (row.street, row.community, row.grid) if part))
    try:
        if len(row.name) > staff.MAX_NAME_LENGTH:
            raise staff.InvalidInvite("name")
        staff.normalize_phone(row.phone)
        return Planned(row, role, _scope(session, row, role, street))
    except _Elsewhere as elsewhere:
        return RowRefusal(row.line, Problem.OTHER_STREET, place=elsewhere.place)
    except DomainError as error:
        return RowRefusal(row.line, Problem.INVITE, error=error)


class _Elsewhere(DomainError):
    """The row's place is not in the street but in another one."""

    def __init__(self, place: str) -> None:
        super().__init__(place)
        self.place = place


def _scope(session: Session, row: InviteRow, role: StaffRole, street: Street) -> staff.Scope:
    """Where the row's person works, found in `street` only; a place only another street has is _Elsewhere."""
    in_street = Community.street_id == street.id
    if row.grid:
        place = row.grid if not row.community or staff.PLACE_SEPARATOR.search(row.grid) else \
            f"{row.community}·{row.grid}"
        grid = _in_street(lambda within: staff.find_grid(session, place, within=within), in_street, place)
        community = session.get_one(Community, grid.community_id)
        return staff.invite_scope(session, role, f"{street.name}·{community.name}·{grid.name}", None, None)
    if row.community:
        found = _in_street(lambda within: staff.find_community(session, row.community, within=within), in_street,
                           row.community)
        return staff.invite_scope(session, role, None, f"{street.name}·{found.name}", None)
    return staff.invite_scope(session, role, None, None, None)  # refused: the grid (or community) it needs


def _in_street(find: Callable[[ColumnElement[bool] | None], _Found], in_street: ColumnElement[bool],
               place: str) -> _Found:
    try:
        return find(in_street)
    except staff.UnknownPlace:
        try:
            find(None)
        except staff.UnknownPlace:
            raise  # the outer one: nowhere at all, with the street's near names
        except staff.AmbiguousPlace:
            pass  # several other streets have it
        raise _Elsewhere(place) from None


def _bound(session: Session, name: str, phone: str | None, community_id: int | None) -> bool:
    """Whether the person works here already: bound, of that name and phone (without one, in that community)."""
    same = Staff.phone == phone if phone else Staff.community_id == community_id
    return session.scalars(select(Staff.id).where(Staff.active.is_(True), Staff.name == name, same).limit(1)) \
        .first() is not None


def _same_person(earlier: Planned, later: Planned, phone: str | None) -> bool:
    """A person the ledger lists twice (two roles, a copied line): the first line's invite is theirs."""
    if earlier.row.name != later.row.name:
        return False
    earlier_phone = staff.normalize_phone(earlier.row.phone)
    return earlier_phone == phone if phone else earlier.scope.community_id == later.scope.community_id
