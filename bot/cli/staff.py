"""The operator's staff commands: invite (list, revoke) and staff (list, disable, move, duty).

Each parses its options, makes one call to storage (staff, invites, roster, duty) and prints the outcome in the
wording of bot/cli/roster_texts.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from bot.cli import roster_texts as texts
from bot.cli.support import configured, fail, fail_database, operator_transaction, taxonomy_in_force
from bot.clock import Clock, now_utc
from bot.settings import Settings

if TYPE_CHECKING:
    from datetime import date, datetime
    from typing import Collection

    from sqlalchemy.orm import Session

    from storage import duty
    from storage.models import Staff

_T = TypeVar("_T")
MAX_INVITE_HOURS = 24 * 30


@click.group(invoke_without_command=True)
@click.option("--role", metavar="网格员|网格长|物业|部门|操作员|楼长|单元长|党员中心户|党员|志愿者")
@click.option("--grid")
@click.option("--name", default="")
@click.option("--phone")
@click.option("--work-phone")
@click.option("--community")
@click.option("--street")
@click.option("--department")
@click.option("--all-streets", "district_wide", is_flag=True)
@click.option("--building", metavar="PATH")
@click.option("--unit", metavar="单元")
@click.option("--ttl-hours", default=72, show_default=True, type=int)
@click.option("--from", "ledger", type=click.Path(path_type=Path), metavar="台账")
@click.option("--out", type=click.Path(path_type=Path), metavar="文件")
@click.pass_context
def invite(context: click.Context, role: str | None, grid: str | None, name: str, phone: str | None,
           work_phone: str | None, community: str | None, street: str | None, department: str | None,
           district_wide: bool, building: str | None, unit: str | None, ttl_hours: int, ledger: Path | None,
           out: Path | None) -> None:
    """Print a one-time code, in a text to forward to the person: whoever sends `认证 <code>` to the account is
    bound as that staff member. `invite list` and `invite revoke` manage the codes issued. With --from, everyone
    a staff ledger lists (bot/cli/invite_batch.py)."""
    if context.invoked_subcommand is not None:
        return
    clock: Clock | None = context.obj  # tests pass their clock as the context object
    if ledger is not None or out is not None:
        _invite_from(ledger, out, street, ttl_hours, (clock or now_utc)(),
                     any((role, grid, name, phone, work_phone, community, department, district_wide, building, unit)))
        return
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from handlers import staff_texts
    from storage import contact_input, invites, org_moves, staff
    from storage.errors import DomainError

    staff_role = staff.ROLE_WORDS.get((role or "").strip())
    if staff_role is None:
        fail(staff_texts.INVITE_BAD_ROLE)
    if not 1 <= ttl_hours <= MAX_INVITE_HOURS:
        fail(staff_texts.INVITE_BAD_TTL.format(max_hours=MAX_INVITE_HOURS))
    secret = configured(Settings.secret_key_from_env)
    departments = _routed_departments() if staff_role is staff.StaffRole.DEPARTMENT else None
    now, ttl = (clock or now_utc)(), timedelta(hours=ttl_hours)
    try:
        with operator_transaction() as session:
            lead_building = org_moves.find_building(session, building) if building and building.strip() else None
            scope = staff.invite_scope(session, staff_role, grid, community, department, street, departments,
                                       lead_building, unit, district_wide)
            # Another code for one who holds a waiting one (the first printout lost, the command run twice): either
            # binds, so the operator is told which to take back.
            earlier = invites.waiting_for(session, name.strip(), staff.normalize_phone(phone), scope.community_id,
                                          scope.street_id, now, secret)
            code = staff.create_invite(session, staff_role, scope.grid_id, scope.community_id, scope.department,
                                       name, phone, now, secret, ttl, work_phone=work_phone,
                                       phone_bound=bool(phone and phone.strip()), building_id=scope.building_id,
                                       unit_id=scope.unit_id, street_id=scope.street_id)
            place = scope.street or staff.place_label(session, scope.grid_id, scope.community_id, scope.building_id,
                                                      scope.unit_id)
            created = invites.by_code(session, code, secret)
            assert created is not None, "the invite was just added"
            invite_id = created.id
    except DomainError as error:
        fail(invite_refusal(error))
    except SQLAlchemyError as error:
        # The class name only: the message would carry the statement's parameters, the phone among them.
        fail_database(staff_texts.INVITE_DATABASE_FAILED, error)
    click.echo(texts.invite_created(invite_id, staff_role, place, scope.department, name.strip(),
                                    staff.normalize_phone(phone), code, ttl_hours, now + ttl,
                                    Settings.account_name_from_env(), now))
    if work_phone:
        click.echo(staff_texts.INVITE_WORK_PHONE.format(phone=contact_input.phone_number(work_phone)))
    if earlier:
        click.echo(texts.INVITE_EARLIER_WAITING.format(name=name.strip(), ids="、".join(f"[{i}]" for i in earlier),
                                                       first=earlier[0]))


def _invite_from(ledger: Path | None, out: Path | None, street: str | None, ttl_hours: int, now: datetime,
                 person_options: bool) -> None:
    """--from 台账 --out 文件: the ledger's people invited at once, their codes in the file."""
    from bot.cli.invite_batch import invite_from

    if ledger is None:
        fail(texts.INVITE_OUT_WITHOUT_FROM)
    if person_options:
        fail(texts.INVITE_FROM_ALONE)
    if out is None:
        fail(texts.INVITE_FROM_NEEDS_OUT)
    if not 1 <= ttl_hours <= MAX_INVITE_HOURS:
        from handlers import staff_texts

        fail(staff_texts.INVITE_BAD_TTL.format(max_hours=MAX_INVITE_HOURS))
    invite_from(ledger, out, street, ttl_hours, now)


def invite_refusal(error: Exception) -> str:
    from handlers import staff_texts
    from storage.contact_input import InvalidContact
    from storage.staff import AmbiguousPlace, InvalidInvite, UnclearPlace, UnknownDepartment

    if isinstance(error, InvalidContact):
        return staff_texts.INVITE_BAD_WORK_PHONE
    if isinstance(error, UnclearPlace):
        return staff_texts.unclear_place(error.kind, error.name, error.candidates, isinstance(error, AmbiguousPlace))
    if isinstance(error, UnknownDepartment):
        if not error.known:
            return texts.INVITE_NO_DEPARTMENTS.format(name=error.name)
        return texts.INVITE_UNKNOWN_DEPARTMENT.format(name=error.name, known="、".join(error.known))
    if isinstance(error, InvalidInvite):
        if error.field == "street":
            return texts.INVITE_STREET_ONLY_OPERATOR
        if error.field == "phone_bound":
            return texts.INVITE_PHONE_BOUND_NEEDS_PHONE
        return staff_texts.INVITE_MISSING[error.field]
    return str(error)


def _routed_departments() -> list[str]:
    """The departments the taxonomy in force (the newest saved from the console, else the configured file) routes
    categories and subcategories to: what a 部门's --department may name."""
    return list(taxonomy_in_force().departments)


@invite.command("list")
@click.option("--all", "include_all", is_flag=True)
@click.pass_obj
def invite_list(clock: Clock | None, include_all: bool) -> None:
    """Print the invites waiting to be used (with --all, every invite): id, role, place, person, validity."""
    from storage import invites

    secret = configured(Settings.secret_key_from_env)
    found = _in_transaction(lambda session: invites.listing(session, (clock or now_utc)(), secret, include_all))
    if not found:
        click.echo(texts.INVITE_LIST_NONE[include_all])
        return
    click.echo(texts.INVITE_LIST_HEADER[include_all].format(n=len(found)))
    for row in found:
        click.echo(texts.invite_line(row, (clock or now_utc)()))


@invite.command("revoke")
@click.argument("code_or_id", metavar="CODE|ID")
@click.pass_obj
def invite_revoke(clock: Clock | None, code_or_id: str) -> None:
    """Take back an unused invite, by its code or its id (`invite list`): 认证 with it is refused like a wrong code."""
    from storage import invites, staff
    from storage.errors import NotFound

    secret = configured(Settings.secret_key_from_env)
    now = (clock or now_utc)()

    def revoke(session: Session) -> invites.Invite:
        row = invites.revoke(session, code_or_id, now, secret)
        return invites.Invite(row, invites.InviteStatus.REVOKED,
                              staff.place_label(session, row.grid_id, row.community_id, row.building_id))

    try:
        done = _in_transaction(revoke)
    except NotFound:
        fail(texts.INVITE_NOT_FOUND.format(typed=code_or_id))
    except invites.NotRevocable as refused:
        fail(texts.INVITE_NOT_REVOCABLE[refused.status].format(id=refused.invite.id))
    click.echo(texts.invite_revoked(done))


@click.group("staff")
def staff_group() -> None:
    """Staff over time: who works where, who left, who moved, who is on leave."""


@staff_group.command("list")
@click.option("--scope", "path", metavar="PATH")
@click.option("--role", metavar="网格员|网格长|物业|部门|操作员|楼长")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def staff_list(clock: Clock | None, path: str | None, role: str | None, as_json: bool) -> None:
    """Print the active staff: id, name, role, place, bound, on duty or on leave (until when), open tasks, phones."""
    from storage import queries, roster, staff

    wanted = staff.ROLE_WORDS.get(role.strip()) if role else None
    if role and (wanted is None or wanted in roster.MEMBERS_NOT_STAFF):  # those are `gridbot members list`'s
        fail(texts.STAFF_BAD_ROLE)
    now = (clock or now_utc)()

    def listing(session: Session) -> list[roster.Member]:
        return roster.members(session, queries.Scope.of_path(session, path), wanted, now)

    found = _in_transaction(listing)
    if as_json:
        click.echo(json.dumps([texts.staff_json(member) for member in found], ensure_ascii=False, indent=1))
        return
    place = path.strip() if path else None
    if not found:
        click.echo(texts.STAFF_LIST_NONE.format(where=texts.where(place)))
        return
    click.echo(texts.STAFF_LIST_HEADER.format(n=len(found), where=texts.where(place)))
    for member in found:
        click.echo(texts.staff_line(member))


@staff_group.command("disable")
@click.argument("who", metavar="NAME|ID")
@click.option("--to", metavar="NAME")
@click.pass_obj
def staff_disable(clock: Clock | None, who: str, to: str | None) -> None:
    """Someone left: they stop receiving tasks and reading appeals at once, their chat commands are refused, and
    their open tasks go back to the grid (or to --to), the holders and residents told; the volunteer tasks they
    took (领单) are open to others again, the unused invites made out to them are revoked and their personal phone
    is dropped."""
    from storage import roster, volunteer_claims

    now = (clock or now_utc)()
    sensitive = taxonomy_in_force().sensitive  # read before the transaction: it may open one of its own

    def disable(session: Session) -> tuple[roster.Member, roster.Moved, tuple[str, ...]]:
        member = _member(session, who)
        described = roster.describe(session, member, now)
        moved = roster.disable(session, member, _clean(to), now, sensitive)
        return described, moved, volunteer_claims.release_all(session, member, now)

    described, moved, released = _in_transaction(disable, to=to)
    click.echo(texts.STAFF_DISABLED.format(who=texts.member_who(described),
                                           phone=texts.STAFF_DISABLED_PHONE if moved.phone_dropped else ""))
    click.echo("\n".join(texts.handed(moved) + texts.released(released)) or texts.STAFF_TASKS_NONE)
    if moved.unit_waiting:
        click.echo("\n".join(texts.unit_waiting(moved)))
    for line in texts.invites_revoked(moved):
        click.echo(line)


@staff_group.command("move")
@click.argument("who", metavar="NAME|ID")
@click.option("--grid", "grid_name", metavar="G")
@click.option("--community", metavar="C")
@click.option("--street", metavar="S")
@click.option("--all-streets", "district_wide", is_flag=True)
@click.option("--building", "building_name", metavar="PATH")
@click.option("--tasks", type=click.Choice(["keep", "handover", "return"]))
@click.option("--to", metavar="NAME")
@click.pass_obj
def staff_move(clock: Clock | None, who: str, grid_name: str | None, community: str | None, street: str | None,
               district_wide: bool, building_name: str | None, tasks: str | None, to: str | None) -> None:
    """A 网格员, 网格长 or 物业 now works in grid G (what becomes of their open tasks is asked: --tasks); a 楼长
    now looks after another building (--building), a 党员 or 志愿者 lives there now; a 部门's officer now serves a street, community or grid, or
    every street (--all-streets)."""
    from storage import roster
    from storage.models import StaffRole

    places = [grid_name, community, street, building_name, True if district_wide else None]
    if sum(place is not None for place in places) != 1:
        fail(texts.MOVE_GRID_OR_BUILDING)
    now = (clock or now_utc)()
    if building_name is not None:
        if tasks or to:  # no tasks to decide: never silently ignored
            fail(texts.BUILDING_TAKES_NO_TASKS)
        _move_lead(who, building_name, now)
        return
    sensitive = taxonomy_in_force().sensitive
    if grid_name is None or _in_transaction(lambda session: _member(session, who).role == StaffRole.DEPARTMENT,
                                            command="move"):  # a 物业 clerk's --community too
        if tasks or to:  # what they took stays theirs (roster.place_officer): never silently ignored
            fail(texts.PLACE_KEEPS_TASKS)
        _place_officer(who, grid_name, community, street, district_wide, now, sensitive)
        return

    def move(session: Session) -> roster.Moved:
        member = _member(session, who)
        return roster.move(session, member, grid_name, roster.Tasks(tasks) if tasks else None, _clean(to), now,
                           sensitive)

    try:
        moved = _in_transaction(move, to=to, command="move")
    except roster.TasksUndecided as undecided:
        tasks, to = _ask_tasks(undecided.name, undecided.count, to)
        moved = _in_transaction(move, to=to, command="move")
    from storage import org

    grid_label = _in_transaction(lambda session: org.grid_label(session, moved.member.grid_id))
    click.echo(texts.STAFF_MOVED.format(name=moved.member.name, grid=grid_label))
    if moved.kept:
        click.echo(texts.STAFF_TASKS_KEPT.format(n=moved.kept))
    for line in texts.handed(moved) + texts.unit_waiting(moved):
        click.echo(line)


def _place_officer(who: str, grid: str | None, community: str | None, street: str | None, district_wide: bool,
                   now: datetime, sensitive: Collection[str]) -> None:
    """staff move WHO --street S (or --community, --grid, --all-streets): a 部门's officer serves another place;
    --community: a 物业 clerk serves every compound of that community."""
    from storage import roster, staff
    from storage.errors import NotAllowed
    from storage.models import StaffRole

    def place(session: Session) -> tuple[roster.Moved, str | None]:
        member = _member(session, who)
        if member.role != StaffRole.DEPARTMENT and (member.role != StaffRole.PROPERTY or community is None):
            raise NotAllowed("place_department_only")
        where = staff.invite_scope(session, StaffRole(member.role), grid, community, member.department, street,
                                   district_wide=district_wide)
        moved = roster.place_officer(session, member, where, now, sensitive)
        return moved, staff.workplace_label(session, member.role, member.grid_id, member.community_id,
                                            street_id=member.street_id)

    moved, label = _in_transaction(place, command="move")
    click.echo(texts.STAFF_PLACED.format(name=moved.member.name, unit=moved.member.department,
                                         place=label or texts.STAFF_PLACED_DISTRICT))
    if moved.kept:
        click.echo(texts.STAFF_PLACED_KEPT.format(n=moved.kept))
    for line in texts.unit_waiting(moved):
        click.echo(line)


def _move_lead(who: str, building_name: str, now: datetime) -> None:
    """staff move WHO --building PATH: a 楼长 takes on another building; a 党员 or 志愿者 moved house there."""
    from storage import chain, points, roster, staff

    def move(session: Session) -> tuple[str, str | None, chain.HomeMoved | None, str | None]:
        member = _member(session, who)
        moved = chain.move_home(session, member, building_name, now) if member.role in chain.HOME_ROLES else None
        if moved is None:
            roster.move_lead(session, member, building_name)
        (street,) = points.street_names(session, [member])
        return member.name, staff.place_label(session, member.grid_id, member.community_id,
                                              member.building_id), moved, street

    name, building, home, street = _in_transaction(move, command="move")
    if home is None:
        click.echo(texts.STAFF_LEAD_MOVED.format(name=name, building=building))
        return
    click.echo(texts.STAFF_HOME_MOVED.format(name=name, role=texts.ROLE_TITLES.get(home.member.role, home.member.role), building=building,
                                             street=street))
    if home.released:
        click.echo(texts.STAFF_HOME_RELEASED.format(tasks="、".join(home.released)))


def _ask_tasks(name: str, count: int, to: str | None) -> tuple[str, str | None]:
    """--tasks (and --to for handover) asked of a person at a terminal; a script is refused naming the option."""
    if not _interactive():
        fail(texts.MOVE_TASKS_NEEDED.format(name=name, n=count))
    choice = click.prompt(texts.MOVE_TASKS_PROMPT.format(name=name, n=count),
                          type=click.Choice(["keep", "handover", "return"]))
    if choice == "handover" and not to:
        to = click.prompt(texts.MOVE_TO_PROMPT)
    return choice, to if choice == "handover" else None


def _interactive() -> bool:
    """Whether someone at a terminal can answer a question (not a script, not CI)."""
    return sys.stdin.isatty()


@staff_group.command("duty")
@click.argument("who", metavar="NAME|ID")
@click.argument("state", metavar="在岗|休假")
@click.option("--from", "first", metavar="DATE")
@click.option("--until", metavar="DATE")
@click.pass_obj
def staff_duty(clock: Clock | None, who: str, state: str, first: str | None, until: str | None) -> None:
    """在岗 or 休假: whether 派单 gives them new tasks; their open tasks stay theirs either way. 休假 --from a later
    day (a member who phoned to say she is off next Monday to Wednesday) starts then, as 请假 下周一到周三 does."""
    from storage import duty, roster
    from storage.models import TRANSFER_UNITS, StaffRole

    on_duty = texts.DUTY_WORDS.get(state.strip(" 。.！!"))
    if on_duty is None:
        fail(texts.STAFF_DUTY_BAD)
    if on_duty and (until or first):
        fail(texts.STAFF_DUTY_UNTIL_ON_DUTY if until else texts.STAFF_DUTY_FROM_ON_DUTY)
    now = (clock or now_utc)()
    asked = duty.Leave(_duty_day(first, "--from", now), _duty_day(until, "--until", now))
    if asked.first is not None and asked.last is not None and asked.last < asked.first:
        fail(texts.STAFF_DUTY_ENDS_FIRST.format(first=texts.day_words(asked.first), last=texts.day_words(asked.last)))

    def set_duty(session: Session) -> tuple[str, duty.Duty, str]:
        member = _member(session, who)
        if on_duty:
            return member.name, duty.set_duty(member, True, None, now), member.role
        leave = duty.joined(member, asked, now)
        done = duty.set_duty(member, False, leave.last, now, leave.first)
        roster.tell_leaders_of_leave(session, member, leave.last, now, done.starts)
        return member.name, done, member.role

    try:
        name, done, role = _in_transaction(set_duty, command="duty")
    except duty.PastDay as past:
        fail(texts.STAFF_DUTY_PAST.format(day=texts.day_words(past.day)))
    except duty.AwayUntilBefore as away:
        fail(texts.STAFF_DUTY_AWAY_UNTIL_BEFORE.format(day=texts.day_words(away.until)))
    # A unit's officer or an operator: no 派单 reaches them, what leave means for them is said otherwise.
    kind = "unit" if role in TRANSFER_UNITS else "operator" if role == StaffRole.OPERATOR else "team"
    click.echo(_duty_said(name, done, kind))
    leave = not done.on_duty or done.starts is not None
    if leave and role == StaffRole.GRID_LEADER:  # the 督办 ladder passes them over meanwhile
        click.echo(texts.STAFF_OFF_DUTY_LEADER)


def _duty_day(typed: str | None, option: str, now: datetime) -> date | None:
    """The day --from or --until names (None when not given); a day it cannot read, over, or unclear: refused."""
    from storage import duty

    if not typed:
        return None
    try:
        day = duty.parse_day(typed, duty.today(now))
    except duty.UnclearYear as unclear:
        fail(texts.STAFF_DUTY_UNCLEAR_YEAR.format(option=option, typed=typed, passed=texts.day_words(unclear.passed),
                                                  next=texts.day_words(unclear.next_one),
                                                  iso=unclear.next_one.isoformat()))
    if day is None:
        fail(texts.STAFF_DUTY_BAD_DAY.format(option=option, typed=typed))
    if day < duty.today(now):
        fail(texts.STAFF_DUTY_PAST.format(day=texts.day_words(day)))
    return day


def _duty_said(name: str, done: duty.Duty, kind: str) -> str:
    """The line saying the duty now recorded: on duty, on leave (until when), or leave from a later day."""
    if done.starts is not None:
        said = texts.STAFF_OFF_DUTY_FROM_OPEN if done.until is None else texts.STAFF_OFF_DUTY_FROM
        return said[kind].format(name=name, first=texts.day_words(done.starts),
                                 day=texts.day_words(done.until) if done.until else "")
    if done.on_duty:
        return texts.STAFF_ON_DUTY[kind].format(name=name)
    if done.until is None:
        return texts.STAFF_OFF_DUTY[kind].format(name=name)
    return texts.STAFF_OFF_DUTY_UNTIL[kind].format(name=name, day=texts.day_words(done.until))


def _member(session: Session, who: str) -> Staff:
    from storage import roster

    return roster.find(session, who)


def _in_transaction(work: Callable[[Session], _T], to: str | None = None, command: str = "disable") -> _T:
    """`work` in one operator transaction; a refusal of the domain becomes one Chinese line (nothing written)."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import staff_texts
    from storage import reassigning, roster
    from storage.errors import NotAllowed
    from storage.staff import InvalidInvite, UnclearPlace

    try:
        with operator_transaction() as session:
            return work(session)
    except roster.AmbiguousMember as several:
        fail(texts.staff_ambiguous(several.name, several.candidates, command))
    except roster.UnknownMember as unknown:
        fail(texts.staff_unknown(unknown.name, unknown.similar))
    except (UnclearPlace, InvalidInvite) as error:
        fail(invite_refusal(error))
    except NotAllowed as refused:
        fail(texts.STAFF_REFUSED.get(refused.reason, refused.reason).format(to=to or ""))
    except reassigning.AmbiguousMember as several:
        fail(staff_texts.reassign_which(several.name, several.candidates))
    except reassigning.UnknownTarget as unknown:
        fail(staff_texts.reassign_unknown(unknown.name, unknown.grids, unknown.members))
    except SQLAlchemyError as error:
        fail_database(texts.INVITE_DATABASE_FAILED, error)


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value else None
