"""The operator's commands: import org, invite, grid mode, binding require."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.support import configured, fail, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc
from bot.settings import Settings


@click.group("import")
def import_group() -> None:
    """Load data from files a street office already keeps."""


@import_group.command("org")
@click.argument("file", type=click.Path(path_type=Path))
def import_org(file: Path) -> None:
    """Load streets, communities, grids, compounds, buildings and units from a CSV (UTF-8 or GBK) or .xlsx FILE.

    Header row: 街道,社区,网格,小区,楼栋,单元 (小区 and 单元 may be empty). Every row is checked first and any error
    imports nothing; importing the same file again changes nothing.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.sheets.org import OrgFileError, read_org_rows
    from handlers import operator_texts as texts
    from storage import org_import

    try:
        rows = read_org_rows(file)
    except OrgFileError as error:
        fail(str(error))
    if not rows:
        fail(texts.no_data_rows(str(file)))
    errors = org_import.validate(rows)
    if errors:
        fail_rows(errors)
    try:
        with operator_database() as database:
            report = org_import.import_rows(database, rows)
    except org_import.ImportRejected as rejected:
        fail_rows(rejected.errors)
    except SQLAlchemyError as error:
        fail(texts.database_failed(str(getattr(error, "orig", None) or error)))
    click.echo(texts.import_done(report))


MAX_INVITE_HOURS = 24 * 30


@click.command()
@click.option("--role", metavar="网格员|网格长|物业|部门|操作员", help="the invited person's role")
@click.option("--grid", help="网格: 第一网格, or 幸福里社区·第一网格 when the name is not unique")
@click.option("--name", default="", help="the person's name, shown in the instructions")
@click.option("--phone", help="the person's phone number (stored; printed masked)")
@click.option("--work-phone", help="工作电话 residents are told when the person claims their appeal (a mobile, "
              "or 区号-号码 of an office)")
@click.option("--community", help="社区: for operators (default: the grid's community)")
@click.option("--department", help="the department or property company the person works for")
@click.option("--ttl-hours", default=72, show_default=True, type=int, help="hours the code stays valid")
@click.pass_obj
def invite(clock: Clock | None, role: str | None, grid: str | None, name: str, phone: str | None,
           work_phone: str | None, community: str | None, department: str | None, ttl_hours: int) -> None:
    """Print a one-time code; whoever sends `认证 <code>` to the account is bound as that staff member."""
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from handlers import staff_texts
    from storage import contact_input, staff
    from storage.errors import DomainError

    staff_role = staff.ROLE_WORDS.get((role or "").strip())
    if staff_role is None:
        fail(staff_texts.INVITE_BAD_ROLE)
    if not 1 <= ttl_hours <= MAX_INVITE_HOURS:
        fail(staff_texts.INVITE_BAD_TTL.format(max_hours=MAX_INVITE_HOURS))
    secret = configured(Settings.secret_key_from_env)
    now, ttl = (clock or now_utc)(), timedelta(hours=ttl_hours)  # tests pass their clock as the context object
    try:
        with operator_transaction() as session:
            scope = staff.invite_scope(session, staff_role, grid, community, department)
            code = staff.create_invite(session, staff_role, scope.grid_id, scope.community_id, scope.department,
                                       name, phone, now, secret, ttl, work_phone=work_phone)
            place = staff.place_label(session, scope.grid_id, scope.community_id)
    except DomainError as error:
        fail(_invite_refusal(error))
    except SQLAlchemyError as error:
        # The class name only: the message would carry the statement's parameters, the phone among them.
        fail(staff_texts.INVITE_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(staff_texts.invite_created(staff_role, place, scope.department, name.strip(),
                                          staff.normalize_phone(phone), code, ttl_hours, now + ttl))
    if work_phone:
        click.echo(staff_texts.INVITE_WORK_PHONE.format(phone=contact_input.phone_number(work_phone)))


def _invite_refusal(error: Exception) -> str:
    from handlers import staff_texts
    from storage.contact_input import InvalidContact
    from storage.staff import AmbiguousPlace, InvalidInvite, UnclearPlace

    if isinstance(error, InvalidContact):
        return staff_texts.INVITE_BAD_WORK_PHONE
    if isinstance(error, UnclearPlace):
        return staff_texts.unclear_place(error.kind, error.name, error.candidates, isinstance(error, AmbiguousPlace))
    if isinstance(error, InvalidInvite):
        return staff_texts.INVITE_MISSING[error.field]
    return str(error)


@click.group()
def grid() -> None:
    """Grids: how new appeals reach their members."""


@grid.command("mode")
@click.argument("grid_name", metavar="GRID")
@click.argument("mode", metavar="抢单|派单")
def grid_mode(grid_name: str, mode: str) -> None:
    """Set how GRID's new appeals are handed out: 抢单 (every member, the first 接单 wins) or 派单 (one member)."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import operator_texts as texts
    from storage import dispatch, staff

    wanted = dispatch.MODE_WORDS.get(mode.strip())
    if wanted is None:
        fail(texts.GRID_MODE_BAD.format(mode=mode))
    try:
        with operator_transaction() as session:
            found = staff.find_grid(session, grid_name)
            changed = dispatch.set_mode(session, found, wanted)
            label = staff.place_label(session, found.id, None)
    except staff.UnclearPlace as error:
        fail(_invite_refusal(error))  # the same "which grid?" answer as `invite`
    except SQLAlchemyError as error:
        fail(texts.GRID_MODE_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(texts.GRID_MODE_DONE[changed].format(grid=label, mode=mode.strip(), how=texts.GRID_MODE_HOW[wanted]))


@click.group()
def binding() -> None:
    """Residents' addresses: whether joining a neighbour's appeal needs a verified one."""


@binding.command("require")
@click.argument("community_name", metavar="COMMUNITY")
@click.argument("switch", metavar="on|off")
def binding_require(community_name: str, switch: str) -> None:
    """on: COMMUNITY's residents are offered and may join neighbours' appeals only with a verified address
    (bound by the building's QR code, or confirmed by staff with 核实 编号); off: any bound address will do."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import operator_texts as texts
    from storage import staff, verification

    wanted = texts.BINDING_SWITCHES.get(switch.strip().lower())
    if wanted is None:
        fail(texts.BINDING_SWITCH_BAD.format(switch=switch))
    try:
        with operator_transaction() as session:
            community = staff.find_community(session, community_name)
            changed = verification.require(community, wanted)
            name = community.name
    except staff.UnclearPlace as error:
        fail(_invite_refusal(error))  # the same "which community?" answer as `invite`
    except SQLAlchemyError as error:
        fail(texts.BINDING_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(texts.binding_required(name, wanted, changed))


COMMANDS = (import_group, invite, grid, binding)
