"""`gridbot faq`: the 政策咨询 question-answer pairs residents are answered from."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.support import fail, fail_database, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc


@click.group()
def faq() -> None:
    """政策咨询 question-answer pairs: residents asking one of them get its answer at once."""


@faq.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True)
@click.pass_obj
def faq_import(clock: Clock | None, file: Path, prune: bool) -> None:
    """Load question-answer pairs from a CSV (UTF-8 or GBK) or .xlsx FILE.

    Header row: 问题,答案 and optionally 同义问法 (other phrasings, separated by 、 ； ; ｜ | / or a line break
    in the cell) and 类别. Every row is checked first and any error imports nothing; importing again updates
    changed answers (entries are keyed by 问题). Entries FILE lacks stay answered unless --prune; an entry
    disabled with `gridbot faq disable` stays disabled.
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
            report = importer.import_rows(database, rows, (clock or now_utc)(), prune=prune)
    except SQLAlchemyError as error:
        fail(texts.database_failed(str(getattr(error, "orig", None) or error)))
    click.echo(texts.faq_import_done(report))


@faq.command("list")
def faq_list() -> None:
    """Print every entry (answered or disabled) with its other phrasings, and how often its answer was followed
    by 转人工."""
    from handlers import operator_texts as texts
    from storage import faq as faq_store

    with operator_transaction() as session:
        click.echo(texts.faq_listing(faq_store.all_entries(session), faq_store.escalation_counts(session)))


@faq.command("export")
@click.argument("file", type=click.Path(path_type=Path))
def faq_export(file: Path) -> None:
    """Write the entries answered now to FILE.xlsx in the import's columns, to edit and import again (entries
    changed in the console included); disabled entries are left out, so importing the file keeps them disabled."""
    from bot.sheets.faq import write_faq_rows
    from handlers import operator_texts as texts
    from storage import faq as faq_store

    if file.suffix.lower() != ".xlsx":
        fail(texts.FAQ_EXPORT_NOT_XLSX.format(path=file))
    with operator_transaction() as session:
        entries = faq_store.all_entries(session)
    answered = [entry for entry in entries if entry.active]
    try:
        write_faq_rows(file, answered)
    except OSError as error:
        fail(texts.FAQ_EXPORT_UNWRITABLE.format(path=file, reason=texts.os_reason(error)))
    click.echo(texts.faq_exported(len(answered), len(entries) - len(answered), str(file)))


@faq.command("disable")
@click.argument("entry_id", metavar="ID")
@click.pass_obj
def faq_disable(clock: Clock | None, entry_id: str) -> None:
    """Stop answering entry ID (the number in `gridbot faq list`) at once; it is kept, with its answers' history,
    and stays disabled through imports until `gridbot faq enable ID`."""
    _switch(clock, entry_id, active=False)


@faq.command("enable")
@click.argument("entry_id", metavar="ID")
@click.pass_obj
def faq_enable(clock: Clock | None, entry_id: str) -> None:
    """Answer entry ID again (disabled by hand or left out of an import with --prune)."""
    _switch(clock, entry_id, active=True)


def _switch(clock: Clock | None, typed: str, active: bool) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import operator_texts as texts
    from handlers.faq_cache import REFRESH_INTERVAL
    from storage import faq as faq_store
    from storage.errors import NotFound
    from storage.typed_ids import typed_id

    entry_id = typed_id(typed)
    if entry_id is None:
        fail(texts.FAQ_NOT_FOUND.format(id=typed))
    try:
        with operator_transaction() as session:
            entry, changed = faq_store.set_active(session, entry_id, active, (clock or now_utc)())
            question = entry.question
    except NotFound:
        fail(texts.FAQ_NOT_FOUND.format(id=entry_id))
    except SQLAlchemyError as error:
        fail_database(texts.FAQ_DATABASE_FAILED, error)
    wording = texts.FAQ_SWITCHED if changed else texts.FAQ_UNCHANGED
    click.echo(wording[active].format(id=entry_id, question=question,
                                      seconds=int(REFRESH_INTERVAL.total_seconds())))
