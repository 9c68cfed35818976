"""The organisation's commands: import org, org list/export/rename/move-building (codes: org_codes.py; branch and
posts: org_chain.py), grid list and mode, binding require."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli import org_chain, org_codes
from bot.cli.org_session import org_session
from bot.cli.staff import invite_refusal
from bot.cli.support import (
    echo_csv,
    fail,
    fail_database,
    fail_rows,
    operator_database,
    operator_transaction,
    taxonomy_in_force,
)
from bot.clock import Clock, now_utc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Building, Grid
    from storage.org_import import OrgRow
    from storage.org_ledger import CommunityNode
    from storage.org_moves import MovePlan


@click.group("import")
def import_group() -> None:
    """Load data from files a street office already keeps."""


@import_group.command("org")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True)
def import_org(file: Path, prune: bool) -> None:
    """Load streets, communities, grids, compounds, buildings and units from a CSV (UTF-8 or GBK) or .xlsx FILE.

    Header row: 街道,社区,网格,小区,楼栋,单元 (小区 and 单元 may be empty), found below a title; merged cells and
    blank 街道/社区/网格/小区 cells under a filled one repeat it, 合计/小计 rows are skipped, full-width and spaced
    names are read as plain ones. Every row is checked first and any error imports nothing; importing the same
    file again changes nothing. What the file's streets hold but the file lacks is reported (--prune: deactivated).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.sheets.org import OrgFileError, read_org_rows
    from handlers import operator_texts as texts
    from storage import org_former_names, org_import

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
            with database.transaction() as session:
                named = org_former_names.by_current_names(session, rows)
            rows = named.rows
            report = org_import.import_rows(database, rows)
    except org_import.ImportRejected as rejected:
        fail_rows(rejected.errors)
    except SQLAlchemyError as error:
        fail(texts.database_failed(str(getattr(error, "orig", None) or error)))
    if named.matches:
        click.echo(texts.former_names_matched(named.matches))
    click.echo(texts.import_done(report))
    _report_missing(rows, prune)


def _report_missing(rows: list[OrgRow], prune: bool) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli import org_texts
    from storage import org_ledger

    try:
        with operator_transaction() as session:
            gone = org_ledger.missing(session, rows)
            done = org_ledger.prune(session, gone) if prune and gone else None
    except SQLAlchemyError as error:
        fail_database(org_texts.DATABASE_FAILED, error)
    if gone:
        click.echo(org_texts.missing(gone))
        click.echo(org_texts.pruned(done) if done else org_texts.PRUNE_HINT)


@click.group("org")
def org_group() -> None:
    """The organisation over time: list it, export it, move a building, print binding codes."""


@org_group.command("list")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
def org_list(scope_path: str | None, as_json: bool, as_csv: bool) -> None:
    """社区 → 网格 (mode, members) → 小区 → 楼栋 (units, bound residents), of everything active or within --scope."""
    import dataclasses
    import json

    from bot.cli import org_texts
    from storage import org_ledger
    from storage.queries import Scope

    if as_json and as_csv:
        raise click.UsageError(org_texts.JSON_OR_CSV)
    with org_session() as session:
        communities = org_ledger.tree(session, Scope.of_path(session, scope_path))
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(node) for node in communities], ensure_ascii=False, indent=2))
    elif as_csv:
        _echo_csv(communities)
    else:
        click.echo(org_texts.tree(communities) if communities else org_texts.NOTHING_IN_SCOPE)


def _echo_csv(communities: list[CommunityNode]) -> None:
    import csv
    import io

    from bot.cli.org_texts import MODE_NAMES
    from bot.sheets.appeals_csv import CSV_BOM
    from bot.sheets.excel_text import csv_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["街道", "社区", "网格", "模式", "成员", "小区", "楼栋", "楼栋ID", "单元数", "居民数"])
    for community in communities:
        for grid in community.grids:
            for building in grid.buildings:
                mode = MODE_NAMES.get(grid.mode, grid.mode)  # the words `grid mode` takes, as the tree says
                writer.writerow(csv_row([community.street, community.name, grid.name, mode, grid.members,
                                         building.compound, building.name, building.id, building.units,
                                         building.residents]))
    echo_csv(CSV_BOM + out.getvalue())  # as `appeals list --csv`: Excel reads it as UTF-8 only so


@org_group.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--scope", "scope_path", metavar="PATH")
def org_export(file: Path, scope_path: str | None) -> None:
    """Write the active organisation to FILE.xlsx in the import's columns: `gridbot import org` reads it back."""
    from bot.cli import org_texts
    from bot.sheets.org import write_org_rows
    from storage import org_ledger
    from storage.queries import Scope

    if file.suffix.lower() != ".xlsx":
        fail(org_texts.EXPORT_NOT_XLSX.format(path=file))
    with org_session() as session:
        scope = Scope.of_path(session, scope_path)
        rows = org_ledger.ledger_rows(session, scope)
        one_grid = _one_grid_warning(session, scope.grid_id) if scope.grid_id is not None else None
    try:
        write_org_rows(file, rows)
    except OSError as error:
        from handlers.os_reasons import os_reason

        fail(org_texts.EXPORT_UNWRITABLE.format(path=file, reason=os_reason(error)))
    buildings = len({(row.street, row.community, row.grid, row.compound, row.building) for row in rows})
    click.echo(org_texts.EXPORT_DONE.format(rows=len(rows), buildings=buildings, path=file))
    if one_grid:
        click.echo(one_grid)


def _one_grid_warning(session: Session, grid_id: int) -> str:
    from bot.cli import org_texts
    from storage import org
    from storage.models import Community, Grid

    community = session.get_one(Community, session.get_one(Grid, grid_id).community_id)
    return org_texts.EXPORT_ONE_GRID.format(grid=org.grid_label(session, grid_id), community=community.name)


@org_group.command("rename")
@click.argument("kind", type=click.Choice(["街道", "社区", "网格", "小区", "楼栋", "单元"]))
@click.argument("place")
@click.argument("new_name")
def org_rename(kind: str, place: str, new_name: str) -> None:
    """Rename a street, community, grid, compound, building or unit (a ledger typo, or a new official name):
    nobody binds again; notices' scopes are rewritten. Renaming back undoes it."""
    from handlers import operator_texts
    from storage import org_renames

    try:
        with org_session() as session:
            done = org_renames.rename(session, org_renames.PlaceKind(kind), place, new_name)
    except org_renames.NameRefused as refused:
        fail(operator_texts.RENAME_REFUSED[refused.reason].format(other=refused.other))
    click.echo(operator_texts.renamed(done))


@org_group.command("move-building")
@click.argument("building_name", metavar="BUILDING")
@click.option("--grid", "grid_name", required=True)
@click.option("--appeals", type=click.Choice(["keep", "move"]))
@click.option("--yes", is_flag=True)
@click.pass_obj
def org_move_building(clock: Clock | None, building_name: str, grid_name: str, appeals: str | None,
                      yes: bool) -> None:
    """Move BUILDING (阳光花园·3号楼, or its ID from `org list`) and its residents to another grid; says first what
    happens to them and to its open appeals, then does it in one transaction."""
    from bot.cli import org_texts
    from storage import org_moves, staff
    from storage.models import Building, Grid

    with org_session() as session:
        building = org_moves.find_building(session, building_name)
        planned = _planned(session, building, staff.find_grid(session, grid_name))
    interactive = sys.stdin.isatty()
    if planned.open_tickets and appeals is None:
        click.echo(org_texts.move_plan(planned, None))
        if not interactive:
            fail(org_texts.MOVE_NEEDS_CHOICE.format(appeals=len(planned.open_tickets)))
        appeals = click.prompt(org_texts.MOVE_ASK, type=click.Choice(["keep", "move"]))
    click.echo(org_texts.move_plan(planned, appeals))
    if interactive and not yes and not click.confirm(org_texts.MOVE_CONFIRM):
        fail(org_texts.MOVE_ABORTED)
    choice = org_moves.AppealsChoice(appeals or "keep")
    sensitive = taxonomy_in_force().sensitive if choice is org_moves.AppealsChoice.MOVE else frozenset()
    with org_session() as session:
        # Planned again inside the transaction: what is moved is what is there now.
        building = session.get_one(Building, planned.building_id)
        done = org_moves.move(session, _planned(session, building, session.get_one(Grid, planned.to_grid_id)),
                              choice, (clock or now_utc)(), sensitive)
    click.echo(org_texts.MOVE_DONE.format(building=done.building, to_grid=done.to_grid, residents=done.residents,
                                          appeals=len(done.open_tickets), how=org_texts.MOVE_DONE_HOW[choice]))
    if done.unmanned:
        click.echo(org_texts.MOVE_TO_NOBODY.format(to_grid=done.to_grid))


def _planned(session: Session, building: Building, grid: Grid) -> MovePlan:
    from bot.cli import org_texts
    from storage import org_moves, staff

    try:
        return org_moves.plan(session, building, grid)
    except org_moves.AlreadyThere as error:
        fail(org_texts.MOVE_ALREADY_THERE.format(building=building.name, grid=str(error)))
    except org_moves.NameTaken as error:
        fail(org_texts.MOVE_NAME_TAKEN.format(building=str(error), grid=staff.place_label(session, grid.id, None)))


@click.group()
def grid() -> None:
    """Grids: how new appeals reach their members."""


@grid.command("list")
@click.option("--scope", "scope_path", metavar="PATH")
@click.pass_obj
def grid_list(clock: Clock | None, scope_path: str | None) -> None:
    """Every active grid: its mode (抢单|派单), members on duty of all members, open appeals."""
    from bot.cli import org_texts
    from storage import grids
    from storage.queries import Scope

    with org_session() as session:
        lines = grids.overview(session, Scope.of_path(session, scope_path), (clock or now_utc)())
    if not lines:
        click.echo(org_texts.NOTHING_IN_SCOPE)
        return
    click.echo(org_texts.GRID_LIST_HEADER)
    for line in lines:
        click.echo(org_texts.grid_line(line))


@grid.command("mode")
@click.argument("words", nargs=-1, metavar="GRID 抢单|派单")
@click.option("--community", "community_name", metavar="COMMUNITY")
@click.option("--street", "street_name", metavar="STREET")
def grid_mode(words: tuple[str, ...], community_name: str | None, street_name: str | None) -> None:
    """Set how GRID's new appeals are handed out: 抢单 (every member, the first 接单 wins) or 派单 (one member);
    with --community, every grid of that community; with --street, every grid of that street's communities."""
    from bot.cli import org_texts
    from handlers import operator_texts as texts
    from storage import dispatch, grids, staff

    if (community_name and street_name) or len(words) != (1 if community_name or street_name else 2):
        fail(org_texts.GRID_MODE_ARGUMENTS)
    if len(words) == 2 and words[0].strip() in dispatch.MODE_WORDS and words[1].strip() not in dispatch.MODE_WORDS:
        words = (words[1], words[0])  # 派单 第一网格: the mode first, as the --community form writes it
    mode = words[-1].strip()
    wanted = dispatch.MODE_WORDS.get(mode)
    if wanted is None:
        fail(texts.GRID_MODE_BAD.format(mode=words[-1]))
    with org_session() as session:
        if street_name:
            street = staff.find_street(session, street_name)
            communities, count, changed = grids.set_street_mode(session, street, wanted)
            done = org_texts.GRID_STREET_MODE.format(street=street.name, communities=communities, count=count,
                                                     mode=mode, changed=changed, how=texts.GRID_MODE_HOW[wanted])
        elif community_name:
            community = staff.find_community(session, community_name)
            count, changed = grids.set_community_mode(session, community, wanted)
            done = org_texts.GRID_COMMUNITY_MODE.format(community=community.name, count=count, mode=mode,
                                                        changed=changed, how=texts.GRID_MODE_HOW[wanted])
        else:
            found = staff.find_grid(session, words[0])
            changed_one = dispatch.set_mode(session, found, wanted)
            label = staff.place_label(session, found.id, None)
            done = texts.GRID_MODE_DONE[changed_one].format(grid=label, mode=mode, how=texts.GRID_MODE_HOW[wanted])
    click.echo(done)


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
        fail(invite_refusal(error))  # the same "which community?" answer as `invite`
    except SQLAlchemyError as error:
        fail_database(texts.BINDING_DATABASE_FAILED, error)
    click.echo(texts.binding_required(name, wanted, changed))


for subcommand in (org_codes.org_codes, *org_chain.COMMANDS):
    org_group.add_command(subcommand)
