"""`gridbot invite --from 台账.xlsx --out 邀请码.csv`: a street's staff invited from its ledger in one command.

The codes go to the --out file only (made for its owner alone, never overwritten), not to the terminal or a log:
each is shown once, as `gridbot invite` shows its one. The file is written before the invites commit, and removed
when the commit fails, so that no code is printed for an invite that was not made, nor an invite made whose code
nobody has.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from bot.cli import roster_texts as texts
from bot.cli.support import configured, fail, fail_database, operator_transaction
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.invite_batch import InviteRow, Made, RowRefusal
    from storage.models import Street


def invite_from(file: Path, out: Path, street_name: str | None, ttl_hours: int, now: datetime) -> None:
    """Invite everyone the ledger `file` lists in the caller's street who is not bound or invited yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.sheets.errors import TableFileError
    from bot.sheets.invites import read_invite_rows
    from handlers import operator_texts
    from storage import invite_batch

    if out.exists():
        fail(texts.INVITE_OUT_EXISTS.format(path=out))
    try:
        rows = read_invite_rows(file)
    except TableFileError as error:
        fail(f"{error}\n{texts.INVITE_FROM_COLUMNS}")
    if not rows:
        fail(operator_texts.no_data_rows(str(file)))
    secret = configured(Settings.secret_key_from_env)
    ttl = timedelta(hours=ttl_hours)
    made: list[Made] = []
    try:
        with operator_transaction() as session:
            street = _street(session, street_name)
            plan = invite_batch.plan(session, rows, street, now, secret)
            if plan.refused:
                _refuse(plan.refused, street.name)
            made = invite_batch.make(session, plan.new, now, secret, ttl)
            if made:
                _write(out, made, ttl_hours, now + ttl, now)
    except SQLAlchemyError as error:
        if made:
            out.unlink(missing_ok=True)  # its codes name invites that were not made
        fail_database(texts.INVITE_DATABASE_FAILED, error)
    if made:
        click.echo(texts.INVITE_BATCH_MADE.format(n=len(made), path=out))
    else:
        click.echo(texts.INVITE_BATCH_NONE)
    for skipped, line in ((plan.bound, texts.INVITE_BATCH_BOUND), (plan.waiting, texts.INVITE_BATCH_WAITING),
                          (plan.repeated, texts.INVITE_BATCH_REPEATED)):
        if skipped:
            click.echo(line.format(n=len(skipped), names=texts.row_names([(row.line, row.name) for row in skipped])))


def _street(session: Session, name: str | None) -> Street:
    """The street the caller invites for: --street, or the only one."""
    from sqlalchemy import select

    from storage import staff
    from storage.models import Street

    if name and name.strip():
        try:
            return staff.find_street(session, name)
        except staff.UnclearPlace as error:
            fail(_unclear(error))
    streets = session.scalars(select(Street).order_by(Street.id).limit(2)).all()
    if len(streets) != 1:
        fail(texts.INVITE_FROM_STREET)
    return streets[0]


def _refuse(refused: list[RowRefusal], street: str) -> NoReturn:
    """Every row's refusal, grouped as the org import groups its rows' errors; nothing was made."""
    from handlers import operator_texts

    click.echo(texts.INVITE_ROWS_REFUSED.format(n=len(refused)), err=True)
    for line in operator_texts.grouped_row_errors(refused, lambda refusal: _row_refusal(refusal, street)):
        click.echo(f"  {line}", err=True)
    fail(texts.INVITE_ROWS_FIX)


def _row_refusal(refusal: RowRefusal, street: str) -> str:
    from bot.cli.staff import invite_refusal
    from storage.staff import InvalidInvite

    if refusal.error is None:
        return texts.INVITE_ROW_PROBLEMS[refusal.problem].format(line=refusal.line, place=refusal.place,
                                                                 street=street)
    if isinstance(refusal.error, InvalidInvite) and refusal.error.field in texts.INVITE_ROW_MISSING:
        return texts.INVITE_ROW_MISSING[refusal.error.field].format(line=refusal.line)
    return texts.INVITE_ROW_OTHER.format(line=refusal.line, reason=invite_refusal(refusal.error))


def _unclear(error: Exception) -> str:
    from bot.cli.staff import invite_refusal

    return invite_refusal(error)


def _write(out: Path, made: list[Made], hours: int, expires_at: datetime, now: datetime) -> None:
    """The codes, one person a line, in a CSV Excel opens (UTF-8 with a BOM), readable by its owner only; a
    ledger's name that Excel would run as a formula (=…, @…) is written as text."""
    from bot.sheets.excel_text import csv_row
    from handlers.resident_texts import clock
    from handlers.staff_texts import masked_phone, scope
    from storage.staff import normalize_phone

    account = Settings.account_name_from_env()
    lines = []
    for one in made:
        row: InviteRow = one.planned.row
        role = str(one.planned.role)
        where = scope(one.place, None, role)
        phone = normalize_phone(row.phone)
        lines.append((row.line, row.name, texts.ROLE_TITLES.get(role, role), where,
                      masked_phone(phone) if phone else "", one.code, clock(expires_at, now),
                      texts.invite_message(role, where, row.name, bool(phone), one.code, hours, expires_at, account,
                                           now)))
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(texts.INVITE_OUT_EXISTS.format(path=out))
    except OSError as error:
        from handlers.os_reasons import os_reason

        fail(texts.INVITE_OUT_FAILED.format(path=out, reason=os_reason(error)))
    with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(texts.INVITE_FILE_HEADER)
        writer.writerows(csv_row(line) for line in lines)
