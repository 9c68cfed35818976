"""The operator's commands: faq, invite, focus list, reassign (the organisation's are in org.py)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.support import configured, fail, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc
from bot.settings import Settings


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


COMMANDS = (faq, invite, focus_group, reassign)
