"""`gridbot faq`: the 政策咨询 question-answer pairs residents are answered from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.support import fail, fail_database, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@click.group()
def faq() -> None:
    """政策咨询 question-answer pairs: residents asking one of them get its answer at once."""


@faq.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True)
@click.option("--street", metavar="街道")
@click.pass_obj
def faq_import(clock: Clock | None, file: Path, prune: bool, street: str | None) -> None:
    """Load question-answer pairs from a CSV (UTF-8 or GBK) or .xlsx FILE.

    Header row: 问题,答案 and optionally 同义问法 (other phrasings, separated by 、 ； ; ｜ | / or a line break
    in the cell) and 类别. Every row is checked first and any error imports nothing; importing again updates
    changed answers (entries are keyed by 问题). Entries FILE lacks stay answered unless --prune; an entry
    disabled with `gridbot faq disable` stays disabled. With --street the file is that street's own FAQ (its
    residents are answered from it first): it creates, updates and prunes only that street's entries; without it,
    only the district-wide ones.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.sheets.errors import TableFileError
    from bot.sheets.faq import read_faq_rows
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
            with database.transaction() as session:
                street_id, street_name = _street(session, street)
            report = importer.import_rows(database, rows, (clock or now_utc)(), prune=prune, street_id=street_id)
    except SQLAlchemyError as error:
        fail(texts.database_failed(str(getattr(error, "orig", None) or error)))
    click.echo(texts.faq_import_done(report, street_name))


@faq.command("list")
@click.option("--street", metavar="街道")
def faq_list(street: str | None) -> None:
    """Print every entry (answered or disabled) with its other phrasings, and how often its answer was followed
    by 转人工; street entries marked with their street. With --street: that street's and the district-wide ones,
    what its residents are answered from."""
    from handlers import operator_texts as texts
    from storage import faq as faq_store
    from storage.org import street_names

    with operator_transaction() as session:
        street_id, name = _street(session, street)
        entries = faq_store.all_entries(session, street_id, every_street=street is None)
        replaced = (name, faq_store.overridden(entries, street_id)) if name is not None else None
        click.echo(texts.faq_listing(entries, faq_store.escalation_counts(session), street_names(session), replaced))


@faq.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--street", metavar="街道")
def faq_export(file: Path, street: str | None) -> None:
    """Write the district-wide entries answered now (with --street: that street's own) to FILE.xlsx in the import's
    columns, to edit and import again with the same --street (entries changed in the console included); disabled
    entries are left out, so importing the file keeps them disabled."""
    from bot.sheets.faq import write_faq_rows
    from handlers import operator_texts as texts
    from handlers.os_reasons import os_reason
    from storage import faq as faq_store

    if file.suffix.lower() != ".xlsx":
        fail(texts.FAQ_EXPORT_NOT_XLSX.format(path=file))
    with operator_transaction() as session:
        street_id, street_name = _street(session, street)
        entries = faq_store.street_entries(session, street_id)
    answered = [entry for entry in entries if entry.active]
    try:
        write_faq_rows(file, answered)
    except OSError as error:
        fail(texts.FAQ_EXPORT_UNWRITABLE.format(path=file, reason=os_reason(error)))
    click.echo(texts.faq_exported(len(answered), len(entries) - len(answered), str(file), street_name))


def _street(session: Session, name: str | None) -> tuple[int | None, str | None]:
    """The street --street names, spelt as `gridbot invite --street` takes it (None, None without one); an unknown
    name stops the command with the streets there are."""
    from handlers import staff_texts
    from storage.staff import AmbiguousPlace, UnclearPlace, find_street

    if name is None:
        return None, None
    try:
        found = find_street(session, name)
    except UnclearPlace as error:
        fail(staff_texts.unclear_place(error.kind, error.name, error.candidates, isinstance(error, AmbiguousPlace)))
    return found.id, found.name


@faq.command("disable")
@click.argument("entry_id", metavar="ID")
@click.option("--street", metavar="街道")
@click.pass_obj
def faq_disable(clock: Clock | None, entry_id: str, street: str | None) -> None:
    """Stop answering entry ID (the number in `gridbot faq list`) at once; it is kept, with its answers' history,
    and stays disabled through imports until `gridbot faq enable ID`. With --street, only if it is that street's."""
    _switch(clock, entry_id, active=False, street_name=street)


@faq.command("enable")
@click.argument("entry_id", metavar="ID")
@click.option("--street", metavar="街道")
@click.pass_obj
def faq_enable(clock: Clock | None, entry_id: str, street: str | None) -> None:
    """Answer entry ID again (disabled by hand or left out of an import with --prune). With --street, only if it
    is that street's."""
    _switch(clock, entry_id, active=True, street_name=street)


def _switch(clock: Clock | None, typed: str, active: bool, street_name: str | None) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import operator_texts as texts
    from handlers.faq_cache import REFRESH_INTERVAL
    from storage import faq as faq_store
    from storage import staff
    from storage.errors import NotFound
    from storage.typed_ids import typed_id

    entry_id = typed_id(typed)
    if entry_id is None:
        fail(texts.FAQ_NOT_FOUND.format(id=typed))
    try:
        with operator_transaction() as session:
            only, named = _street(session, street_name)
            entry, changed = faq_store.set_active(session, entry_id, active, (clock or now_utc)(), only)
            question = entry.question
            street = staff.street_name(session, entry.street_id) if entry.street_id is not None else None
    except NotFound:
        fail(texts.FAQ_NOT_IN_STREET.format(id=entry_id, street=named) if street_name else
             texts.FAQ_NOT_FOUND.format(id=entry_id))
    except SQLAlchemyError as error:
        fail_database(texts.FAQ_DATABASE_FAILED, error)
    wording = texts.FAQ_SWITCHED if changed else texts.FAQ_UNCHANGED
    where = texts.FAQ_STREET_WHERE.format(street=street) if street else ""
    click.echo(wording[active].format(id=entry_id, where=where, question=question,
                                      seconds=int(REFRESH_INTERVAL.total_seconds())))
