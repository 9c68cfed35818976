"""The organisation's commands: import org, grid mode, binding require."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.support import fail, fail_rows, operator_database, operator_transaction

if TYPE_CHECKING:
    from storage.staff import UnclearPlace


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
        fail(_unclear_place(error))  # the same "which grid?" answer as `invite`
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
        fail(_unclear_place(error))  # the same "which community?" answer as `invite`
    except SQLAlchemyError as error:
        fail(texts.BINDING_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(texts.binding_required(name, wanted, changed))


def _unclear_place(error: UnclearPlace) -> str:
    """The same "which grid / community?" answer as `invite`."""
    from handlers import staff_texts
    from storage.staff import AmbiguousPlace

    return staff_texts.unclear_place(error.kind, error.name, error.candidates, isinstance(error, AmbiguousPlace))


COMMANDS = (import_group, grid, binding)
