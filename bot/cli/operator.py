"""The operator's commands: import org, faq, grid mode, binding require, focus list, reassign."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.staff import invite_refusal
from bot.cli.support import fail, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc


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
def faq() -> None:
    """政策咨询 question-answer pairs: residents asking one of them get its answer at once."""


@faq.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def faq_import(clock: Clock | None, file: Path) -> None:
    """Load question-answer pairs from a CSV (UTF-8 or GBK) or .xlsx FILE.

    Header row: 问题,答案 and optionally 同义问法 (other phrasings, separated by ｜) and 类别. Every row is checked
    first and any error imports nothing; importing again updates changed answers (entries are keyed by 问题).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.sheets.faq import read_faq_rows
    from bot.sheets.table import TableFileError
    from handlers import operator_texts as texts
    from storage import faq_import as importer

    try:
        rows = read_faq_rows(file)
    except TableFileError as error:
        fail(str(error))
    if not rows:
        fail(texts.no_data_rows(str(file)))
    errors = importer.validate(rows)
    if errors:
        fail_rows(errors, texts.faq_row_error)
    try:
        with operator_database() as database:
            report = importer.import_rows(database, rows, (clock or now_utc)())
    except SQLAlchemyError as error:
        fail(texts.database_failed(str(getattr(error, "orig", None) or error)))
    click.echo(texts.faq_import_done(report))


@faq.command("list")
def faq_list() -> None:
    """Print every entry with its other phrasings, and how often its answer was followed by 转人工."""
    from handlers import operator_texts as texts
    from storage import faq as faq_store

    with operator_transaction() as session:
        click.echo(texts.faq_listing(faq_store.all_entries(session), faq_store.escalation_counts(session)))


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
        fail(invite_refusal(error))  # the same "which grid?" answer as `invite`
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
        fail(invite_refusal(error))  # the same "which community?" answer as `invite`
    except SQLAlchemyError as error:
        fail(texts.BINDING_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(texts.binding_required(name, wanted, changed))


@click.group("focus")
def focus_group() -> None:
    """聚焦办: hot spots of recurring appeals, handled as focus cases."""


@focus_group.command("list")
@click.option("--all", "include_closed", is_flag=True, help="closed cases too, with their notes")
def focus_list(include_closed: bool) -> None:
    """Print the open focus cases (with --all, every case): place, category or keyword, tickets, owner."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import focus, operator_texts
    from storage import queries

    try:
        with operator_transaction() as session:
            found = queries.focus_cases(session, include_closed)
    except SQLAlchemyError as error:
        fail(operator_texts.FOCUS_LIST_DATABASE_FAILED.format(reason=type(error).__name__))
    if not found:
        click.echo(operator_texts.FOCUS_LIST_NONE[include_closed])
        return
    click.echo(operator_texts.FOCUS_LIST_HEADER[include_closed].format(n=len(found)))
    for summary in found:
        click.echo(focus.line(summary))
        if summary.case.closed_at is not None:
            click.echo(operator_texts.focus_closed(summary.case.closed_at, summary.case.note))


@click.command()
@click.argument("ticket")
@click.argument("target", metavar="GRID_OR_NAME")
@click.pass_obj
def reassign(clock: Clock | None, ticket: str, target: str) -> None:
    """改派: hand appeal TICKET to another grid (第二网格, 幸福里社区·第二网格) or a grid member by name; the
    new holders get its task card, whoever held it and the resident are told."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import reassigning as wording
    from handlers import staff_texts
    from storage import reassigning
    from storage.errors import DomainError
    from storage.tickets import normalize_ticket

    number = normalize_ticket(ticket)
    if number is None:
        fail(staff_texts.REASSIGN_BAD_TICKET.format(ticket=ticket))
    try:
        with operator_transaction() as session:
            done = reassigning.reassign(session, None, number, target, (clock or now_utc)())
    except DomainError as refused:
        fail(wording.refusal(refused, number))
    except SQLAlchemyError as error:
        fail(staff_texts.REASSIGN_DATABASE_FAILED.format(reason=type(error).__name__))
    click.echo(staff_texts.REASSIGNED.format(ticket=number, to=done.to))


COMMANDS = (import_group, faq, grid, binding, focus_group, reassign)
