"""The day's work on appeals from the command line: appeals list / show, focus list, reassign, outbox failed,
report. Each command parses its options, makes one call into storage/, and prints (wording: appeals_texts)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli import appeals_texts as texts
from bot.cli.appeals_output import appeal_json, appeal_table, record_lines
from bot.cli.support import echo_csv, fail, fail_database, operator_transaction, taxonomy_in_force
from bot.clock import Clock, now_utc
from bot.day_words import not_on_the_calendar, read_day
from bot.sheets.appeals_csv import appeal_csv
from handlers import rate_words
from storage.tickets import LOCAL_ZONE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.queries import AppealFilter, Scope
    from storage.rates import Period


def _since_day(_context: click.Context, option: click.Parameter, typed: str | None) -> datetime | None:
    """A --since date as the start of that day in Beijing time (--until: the start of the day after, the day
    included); a day that is none gets one Chinese line."""
    if typed is None:
        return None
    day = read_day(typed.strip())
    if day is None:
        wrong = texts.NO_SUCH_DAY if not_on_the_calendar(typed.strip()) else texts.BAD_SINCE
        fail(wrong.format(text=typed, option=f"--{option.name}"))
    return datetime.combine(day + timedelta(days=1) if (option.name or "").endswith("until") else day, time(),
                            LOCAL_ZONE)


def read_scope(session: Session, path: str | None, compounds: bool = False) -> Scope:
    """The --scope PATH (a 小区 too, given `compounds`: a list of appeals), or a one-line refusal naming what may
    have been meant."""
    from bot.cli.staff import invite_refusal
    from storage.queries import Scope
    from storage.staff import AmbiguousPlace, UnclearPlace

    try:
        return Scope.of_path(session, path, compounds=compounds)
    except AmbiguousPlace as several:
        fail(invite_refusal(several))  # worded as every other command's --scope: it exists, more than once
    except UnclearPlace as unclear:
        if unclear.candidates:
            fail(texts.BAD_SCOPE.format(name=unclear.name, candidates="、".join(unclear.candidates)))
        fail((texts.NO_SCOPE_OR_COMPOUND if compounds else texts.NO_SCOPE).format(name=unclear.name))


def _statuses(typed: str | None) -> tuple[str, ...]:
    # The lapsed label as the list prints it holds a "，": read whole, before the separators split it.
    typed = (typed or "").replace(texts.LAPSED_LABEL, texts.LAPSED_WORD)
    words = [word for word in texts.STATUS_SEPARATORS.split(typed) if word]
    if any(word.lower() in texts.ALL_STATUS_WORDS for word in words):
        from storage.appeals import LAPSED_STATUS
        from storage.models import AppealStatus

        return (*AppealStatus, LAPSED_STATUS)
    for word in words:
        if word not in texts.STATUS_WORDS and word.lower() not in texts.STATUS_WORDS:
            fail(texts.bad_status(word))
    return tuple(dict.fromkeys(texts.STATUS_WORDS.get(word) or texts.STATUS_WORDS[word.lower()] for word in words))


@click.group("appeals")
def appeals_group() -> None:
    """诉求: list the day's work and read one appeal whole."""


@appeals_group.command("list")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--status", metavar="状态[,状态…]")
@click.option("--overdue", is_flag=True)
@click.option("--unclaimed", is_flag=True)
@click.option("--returned", is_flag=True)
@click.option("--pending-binding", is_flag=True)
@click.option("--since", callback=_since_day, metavar="YYYY-MM-DD")
@click.option("--until", callback=_since_day, metavar="YYYY-MM-DD")
@click.option("--resolved-since", callback=_since_day, metavar="YYYY-MM-DD")
@click.option("--resolved-until", callback=_since_day, metavar="YYYY-MM-DD")
@click.option("--counted", metavar="派发|响应及时|已解决|办结过|已评价")
@click.option("--from", "first", metavar="YYYY-MM-DD")
@click.option("--to", "last", metavar="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@click.pass_obj
def appeals_list(clock: Clock | None, scope_path: str | None, status: str | None, overdue: bool, unclaimed: bool,
                 returned: bool, pending_binding: bool, since: datetime | None, until: datetime | None,
                 resolved_since: datetime | None, resolved_until: datetime | None, counted: str | None,
                 first: str | None, last: str | None, as_json: bool, as_csv: bool) -> None:
    """List appeals, oldest first; every option given narrows the list. The table shows the ticket, when it was
    filed, category, place, status, who holds it, its clock (剩 / 已超时), and the content with numbers masked.
    --since/--until are days filed; --resolved-since/--resolved-until days 办结 (of any status unless --status says).
    With --counted, the appeals a figure of the rates counted for the period --from/--to (default: this month),
    by the rates' own period rule, whatever their status: the console's list behind that figure."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import queries

    if as_json and as_csv:
        raise click.UsageError(texts.JSON_OR_CSV)
    _refuse_backwards(texts.DAYS_BACKWARDS, since, until)
    _refuse_backwards(texts.RESOLVED_BACKWARDS, resolved_since, resolved_until)
    resolved = resolved_since is not None or resolved_until is not None
    wanted = queries.AppealFilter(_statuses(status or (texts.ALL_STATUS_WORD if resolved else None)), overdue,
                                  unclaimed, returned, pending_binding, since, until=until,
                                  resolved_since=resolved_since, resolved_until=resolved_until)
    now = (clock or now_utc)()
    figure = _figure(counted, first, last, now)
    try:
        with operator_transaction() as session:
            scope = read_scope(session, scope_path, compounds=True)
            if figure is not None:
                wanted = _counted(wanted, figure, now, scope)
            found = queries.appeals(session, now, scope, wanted)
            if as_json:
                click.echo(appeal_json(found, now))
            elif as_csv:
                echo_csv(appeal_csv(found, now))
            else:
                if figure is not None:
                    click.echo(texts.COUNTED_HEADING.format(
                        name=rate_words.COUNTED_NAMES[figure[0]], first=figure[1].first_day.isoformat(),
                        last=figure[1].last_day.isoformat()))
                click.echo(appeal_table(found, now))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)


def _refuse_backwards(wording: str, first: datetime | None, end: datetime | None) -> None:
    """One Chinese line when a period's end (the day after its last) comes before its first day."""
    if first is not None and end is not None and end <= first:
        fail(wording.format(first=first.date().isoformat(), last=(end - timedelta(days=1)).date().isoformat()))


def _figure(counted: str | None, first: str | None, last: str | None, now: datetime) -> tuple[str, Period] | None:
    """The figure of the rates --counted names (its storage.rate_counts.LISTED key) and the period --from/--to name
    (this month without them), or None without --counted; a one-line refusal for what they cannot mean."""
    from datetime import timedelta

    from bot.cli.rates_texts import period_of
    from storage.rate_counts import LISTED_DAYS

    if counted is None:
        if first is not None or last is not None:
            fail(texts.PERIOD_NEEDS_COUNTED)
        return None
    measure = texts.COUNTED_WORDS.get(counted.strip())
    if measure is None:
        fail(texts.BAD_COUNTED.format(word=counted, known="、".join(rate_words.COUNTED_NAMES.values())))
    period = period_of(first, last, now)
    if isinstance(period, str):
        fail(period)
    if period.end - period.start > timedelta(days=LISTED_DAYS):  # as long as a ranking's, as the console's list
        fail(texts.COUNTED_TOO_LONG.format(days=LISTED_DAYS))
    return measure, period


def _counted(wanted: AppealFilter, figure: tuple[str, Period], now: datetime, scope: Scope) -> AppealFilter:
    """`wanted` narrowed to the appeals the figure counted in its period within `scope`, of every status unless
    --status names some (a figure counts closed appeals too)."""
    from dataclasses import replace

    from storage.appeals import LAPSED_STATUS
    from storage.models import AppealStatus
    from storage.rate_counts import counted_ids

    measure, period = figure
    return replace(wanted, among=counted_ids(measure, period.start, period.end, period.as_of(now), scope),
                   statuses=wanted.statuses or (*AppealStatus, LAPSED_STATUS))


@appeals_group.command("show")
@click.argument("ticket")
@click.pass_obj
def appeals_show(clock: Clock | None, ticket: str) -> None:
    """Everything about appeal TICKET: the card, the resident's contact (masked), who holds it and by when,
    material, rating, followers and the whole timeline with staff names. The read is audited (查阅)."""
    import getpass

    from sqlalchemy.exc import SQLAlchemyError

    from storage import appeal_record, lookups
    from storage.errors import NotFound
    from storage.tickets import normalize_ticket

    number = normalize_ticket(ticket)
    if number is None:
        fail(texts.BAD_TICKET.format(ticket=ticket))
    now = (clock or now_utc)()
    try:
        with operator_transaction() as session:
            appeal = lookups.read_from_cli(session, number, getpass.getuser(), now)
            lines = record_lines(appeal_record.record_of(session, appeal), now)
    except NotFound:
        fail(texts.NOT_FOUND.format(ticket=number))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    click.echo("\n".join(lines))


@click.group("focus")
def focus_group() -> None:
    """聚焦办: hot spots of recurring appeals, handled as focus cases."""


@focus_group.command("list")
@click.option("--all", "include_closed", is_flag=True)
@click.pass_obj
def focus_list(clock: Clock | None, include_closed: bool) -> None:
    """Print the open focus cases (with --all, every case): place, category or keyword, tickets, owner."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers import focus, operator_texts
    from storage import queries

    try:
        with operator_transaction() as session:
            found = queries.focus_cases(session, include_closed)
    except SQLAlchemyError as error:
        fail_database(operator_texts.FOCUS_LIST_DATABASE_FAILED, error)
    if not found:
        click.echo(operator_texts.FOCUS_LIST_NONE[include_closed])
        return
    click.echo(operator_texts.FOCUS_LIST_HEADER[include_closed].format(n=len(found)))
    now = (clock or now_utc)()
    for summary in found:
        click.echo(focus.line(summary))
        if summary.case.closed_at is not None:
            click.echo(operator_texts.focus_closed(summary.case.closed_at, summary.case.note, now))


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
    sensitive = taxonomy_in_force().sensitive
    try:
        with operator_transaction() as session:
            done = reassigning.reassign(session, None, number, target, (clock or now_utc)(), sensitive)
    except DomainError as refused:
        fail(wording.refusal(refused, number))
    except SQLAlchemyError as error:
        fail_database(staff_texts.REASSIGN_DATABASE_FAILED, error)
    click.echo(staff_texts.reassigned(number, done.to, done.away, done.unmanned, done.untold, done.leave_coming))


@click.group("outbox")
def outbox_group() -> None:
    """通知: what the worker could not deliver."""


@outbox_group.command("failed")
@click.option("--since", callback=_since_day, metavar="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
@click.option("--retry", "retry_typed", metavar="ID")
@click.option("--retry-all", is_flag=True)
@click.pass_obj
def outbox_failed(clock: Clock | None, since: datetime | None, as_json: bool, retry_typed: str | None,
                  retry_all: bool) -> None:
    """List the notices that could not be delivered: to whom (masked), which notice, for which appeal, how many
    attempts, why (WeChat's error in words) and what to do; --retry ID queues one of them again, --retry-all
    every one since --since (after the cause, say a wrong AppSecret, was put right)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.appeals_output import failed_json, failed_lines
    from storage import outbox
    from storage.typed_ids import typed_id

    if retry_all:
        _retry_all(clock, since, as_json or retry_typed is not None)
        return
    retry_id = typed_id(retry_typed) if retry_typed is not None else None
    if retry_typed is not None and retry_id is None:
        fail(texts.RETRY_REFUSED["missing"].format(id=retry_typed))

    try:
        with operator_transaction() as session:
            if retry_id is not None:
                outbox.requeue(session, retry_id, (clock or now_utc)())
            else:
                found = outbox.undelivered(session, since)
                click.echo(failed_json(found) if as_json else "\n".join(failed_lines(found, (clock or now_utc)())))
    except outbox.NotRetriable as refused:
        if refused.status is None:
            fail(texts.RETRY_REFUSED["missing"].format(id=retry_id))
        key = "unknown" if refused.outcome_unknown else "not_failed"
        fail(texts.RETRY_REFUSED[key].format(id=retry_id,
                                             status=texts.OUTBOX_STATUS_NAMES.get(refused.status, refused.status)))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    if retry_id is not None:
        click.echo(texts.RETRIED.format(id=retry_id))


def _retry_all(clock: Clock | None, since: datetime | None, with_other_options: bool) -> None:
    """--retry-all: every failed notice since the day given, queued again at once."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import outbox

    if since is None or with_other_options:
        fail(texts.RETRY_ALL_USAGE)
    try:
        with operator_transaction() as session:
            requeued, left = outbox.requeue_since(session, since, (clock or now_utc)())
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    click.echo(texts.retried_all(since.date(), requeued, left))


@click.command("report")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@click.option("--xlsx", "file", required=True, type=click.Path(path_type=Path))
@click.option("--scope", "scope_path", metavar="PATH")
@click.pass_obj
def report(clock: Clock | None, month_text: str, file: Path, scope_path: str | None) -> None:
    """月报: per grid and per member, the counts and rates of storage/rates.py (派发, 响应及时, 办结, ratings, …,
    响应率、解决率、满意率、评价率、综合成绩 and the others); a 说明 sheet defines each figure (README: 月报)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.support import configured
    from bot.settings import Settings
    from bot.sheets.report import EVERYWHERE, write_report
    from storage import duty
    from storage.monthly_report import report as monthly_report
    from storage.points import parse_month
    from storage.rates import Period

    month = parse_month(month_text)  # as `gridbot points report` reads it: full-width digits, 2026-3
    if month is None:
        fail(texts.BAD_MONTH.format(month=month_text))
    if file.suffix.lower() != ".xlsx":
        fail(texts.BAD_XLSX.format(file=file))
    weights = configured(Settings.rates_from_env)["rate_weights"]
    year, month_number = month.split("-")
    period = Period.month(int(year), int(month_number))
    now = (clock or now_utc)()
    if period.start > now:
        fail(texts.MONTH_NOT_YET.format(month=month, today=duty.today(now).isoformat()))
    try:
        with operator_transaction() as session:
            made = monthly_report(session, period, (clock or now_utc)(), read_scope(session, scope_path),
                                  weights)  # type: ignore[arg-type]
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    try:
        write_report(made, file, scope_path.strip() if scope_path else None)
    except OSError as error:
        from handlers.os_reasons import os_reason

        fail(texts.CANNOT_WRITE.format(file=file, reason=os_reason(error)))
    total = made.total
    where = scope_path.strip() if scope_path and scope_path.strip() else EVERYWHERE  # whose figures, as 说明 says
    click.echo(texts.REPORT_DONE.format(
        file=file, where=where, year=period.first_day.year, month=period.first_day.month, grids=len(made.grids),
        members=len(made.members),
        received=total.counts.received, response=texts.percent(total.rates.response),
        resolve=texts.percent(total.rates.resolve), satisfaction=texts.percent(total.rates.satisfaction)))
    if made.as_of < period.end:
        click.echo(texts.report_running(made.as_of))
