"""`gridbot notice send|status|list|cancel`: broadcast notices from the command line. Each command parses its options,
makes one call into storage/ (notice_planning, notice_records) and prints (wording: notice_texts)."""

from __future__ import annotations

import getpass
import json
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta
from datetime import time as day_time

import click

from bot.cli import notice_texts as texts
from bot.cli.support import configured, fail, operator_transaction
from bot.clock import Clock, now_utc
from bot.day_words import not_on_the_calendar, read_day
from storage.tickets import LOCAL_ZONE

AUDIENCES = ("residents", "staff", "all")
KINDS = ("停水", "停电", "停气", "防汛", "其他")
WATCH_EVERY_S = 1.0
LIST_LATEST = 50  # as the console's page of notices
LIST_MOST = 1000  # a period's notices at once: a city's busiest year is some hundreds


@click.group("notice")
def notice_group() -> None:
    """广播通知: tell residents and staff of a scope, by the WeChat channel that fits each person."""


@notice_group.command("send")
@click.option("--scope", "scope_path", required=True, metavar="PATH")
@click.option("--text", required=True)
@click.option("--audience", type=click.Choice(AUDIENCES), default="residents", show_default=True)
@click.option("--urgent", is_flag=True)
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--at", "at", metavar='"YYYY-MM-DD HH:MM"')
@click.option("--yes", is_flag=True)
@click.pass_obj
def notice_send(clock: Clock | None, scope_path: str, text: str, audience: str, urgent: bool, kind: str | None,
                at: str | None, yes: bool) -> None:
    """Plan a notice, show who gets it by which channel and who is skipped, and (confirmed) store it for the
    worker to send."""
    from bot.settings import Settings
    from storage import notice_planning
    from storage.models import NoticeAudience
    from storage.notice_planning import Request

    if kind is not None and not urgent:
        fail(texts.KIND_NEEDS_URGENT.format(kind=kind))
    limits = configured(Settings.notice_limits_from_env)
    now = (clock or now_utc)()
    # Who sent what: the CLI has no staff member or console account, but the server login that ran it is kept.
    request = Request(scope_path, text, NoticeAudience(audience), urgent, kind, _at(at), cli_login=getpass.getuser())
    if not yes:
        with operator_transaction() as session:
            previewed = _preview(_plan(session, request, limits, now))  # a refusal has no preview to head
        click.echo(texts.PREVIEW_HEADING)
        click.echo(previewed)
        if not sys.stdin.isatty():
            fail(texts.NEEDS_YES)
        if not click.confirm(texts.CONFIRM):
            fail(texts.NOT_CONFIRMED)
    with operator_transaction() as session:
        # Planned again inside the transaction that stores it: the people and quotas of now.
        planned = _plan(session, request, limits, (clock or now_utc)())
        number = notice_planning.store(session, planned, (clock or now_utc)()).number
    click.echo(number)
    click.echo(_preview(planned))
    click.echo(texts.STORED.format(number=number))


def _plan(session, request, limits, now):  # type: ignore[no-untyped-def]
    """The plan, or one Chinese line and exit (inside the caller's transaction: nothing is stored). The CLI sends
    as the server's operator: the request has no author, so no scope is out of reach."""
    from dataclasses import replace

    from storage import notice_planning, notice_scope
    from storage.queries import Scope
    from storage.staff import UnclearPlace

    try:
        # As the chat and the console read it: 阳光花园/3号楼 or 3号楼 is the one building of that name, if one.
        request = replace(request, scope_path=notice_scope.qualified(session, request.scope_path, Scope()))
        return notice_planning.plan(session, request, limits, now)
    except notice_planning.NoticeRefused as refused:
        fail(texts.refusal(refused))
    except UnclearPlace as unclear:
        fail(texts.unclear_place(unclear))


def _preview(planned) -> str:  # type: ignore[no-untyped-def]
    from handlers.notice_texts import preview

    return preview(planned)


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        typed = unicodedata.normalize("NFKC", value).strip()  # 09：00 as a Chinese keyboard types it
        return datetime.strptime(typed, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_ZONE)
    except ValueError:
        fail(texts.BAD_AT.format(value=value))


@notice_group.command("status")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--watch", is_flag=True)
def notice_status(number: str, as_json: bool, watch: bool) -> None:
    """How far a notice is: sent, filtered by WeChat, failed, skipped, per channel, 楼长 confirmations."""
    shown = _progress(number)
    drawn = watch and not as_json  # with --json, --watch waits for the end in silence: the output stays one JSON
    while watch and shown.state in ("scheduled", "sending"):
        if drawn:
            click.echo("\r" + texts.bar(shown), nl=False)
        time.sleep(WATCH_EVERY_S)
        shown = _progress(number)
    if drawn:
        click.echo("\r" + texts.bar(shown))
    if as_json:
        click.echo(json.dumps(shown.as_json(), ensure_ascii=False))
    elif not watch:
        click.echo("\n".join(texts.status_lines(shown)))


def _progress(number: str):  # type: ignore[no-untyped-def]
    from storage import notice_records
    from storage.errors import NotFound

    with operator_transaction() as session:
        try:
            return notice_records.progress(session, notice_records.find(session, number))
        except NotFound:
            fail(texts.UNKNOWN_NOTICE.format(number=number))


def _day(context: click.Context, option: click.Parameter, typed: str | None) -> date | None:
    """A --since or --until day (Beijing time), or one Chinese line saying what is wrong with it."""
    if typed is None:
        return None
    day = read_day(typed.strip())
    if day is None:
        wrong = texts.NO_SUCH_DAY if not_on_the_calendar(typed.strip()) else texts.BAD_DAY
        fail(wrong.format(option=f"--{option.name}", text=typed))
    return day


@notice_group.command("list")
@click.option("--since", callback=_day, metavar="YYYY-MM-DD")
@click.option("--until", callback=_day, metavar="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
def notice_list(since: date | None, until: date | None, as_json: bool) -> None:
    """The notices, newest first, with their state and progress: the latest LIST_LATEST, or, with --since and
    --until (days they were created, Beijing time, both included), those of that period (LIST_MOST at most)."""
    from storage import notice_records

    if since is not None and until is not None and until < since:
        fail(texts.DAYS_BACKWARDS.format(first=since.isoformat(), last=until.isoformat()))
    dated = since is not None or until is not None
    limit = LIST_MOST if dated else LIST_LATEST
    with operator_transaction() as session:
        shown = notice_records.latest(
            session, limit + 1,
            None if since is None else datetime.combine(since, day_time(), LOCAL_ZONE),
            None if until is None else datetime.combine(until + timedelta(days=1), day_time(), LOCAL_ZONE))
    more, shown = len(shown) > limit, shown[:limit]
    if as_json:
        # Still the array --help promises (scripts read it as one); whether notices beyond it exist, as the text
        # output's last line says, rides on every item: `more_than_listed`.
        click.echo(json.dumps([{**item.as_json(), "scope": item.scope, "text": item.text,
                                "send_at": item.send_at.astimezone(LOCAL_ZONE).isoformat(), "more_than_listed": more}
                               for item in shown], ensure_ascii=False))
        return
    if not shown:
        click.echo(texts.NO_NOTICES_DATED if dated else texts.NO_NOTICES)
        return
    click.echo("\n".join(texts.list_line(item) for item in shown))
    if more:
        click.echo(texts.more_in_period(limit) if dated else texts.more_before(limit, shown[-1].created_at or shown[-1].send_at))


@notice_group.command("cancel")
@click.argument("number")
@click.pass_obj
def notice_cancel(clock: Clock | None, number: str) -> None:
    """Stop a notice: nobody who has not got it yet will (what WeChat already has cannot be called back). Who ran it
    is kept on the notice; a notice cancelled already is left as it is, and said so."""
    from storage import notice_records
    from storage.errors import NotAllowed, NotFound
    from storage.models import NoticeState

    with operator_transaction() as session:
        try:
            notice = notice_records.find(session, number)
            count = notice_records.cancel(session, notice, (clock or now_utc)(),
                                          notice_records.Canceller(login=getpass.getuser()))
        except NotFound:
            fail(texts.UNKNOWN_NOTICE.format(number=number))
        except NotAllowed:
            if notice.state == NoticeState.CANCELLED:
                click.echo(texts.already_cancelled(notice_records.progress(session, notice)))
                return
            fail(texts.ALREADY_SENT.format(number=notice.number))
        shown = notice_records.progress(session, notice)
    click.echo(texts.cancelled(shown, count))
