"""`gridbot faq`: the 政策咨询 question-answer pairs residents are answered from."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.support import fail, fail_rows, operator_database, operator_transaction
from bot.clock import Clock, now_utc


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
