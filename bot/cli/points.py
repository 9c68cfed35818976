"""`gridbot points`: the points ledger (积分) for the operator — the month's report, 积分兑换, corrections, a
person's entries and the rules in force in each street. Each parses its arguments, makes one call to storage
(points, points_report, points_view, points_rules) and prints the outcome in the wording of
bot/cli/points_texts.py."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from bot.cli import points_texts as texts
from bot.cli import preflight
from bot.cli.support import fail, fail_database, operator_transaction
from bot.clock import Clock, now_utc
from bot.settings import SettingsError, points_rules_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_T = TypeVar("_T")


@click.group("points")
def points_group() -> None:
    """积分: the month's report, redemptions (积分兑换), corrections, a person's entries and the rules."""


@points_group.command("report")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--xlsx", "file", type=click.Path(path_type=Path))
@click.pass_obj
def report(clock: Clock | None, month_text: str, scope_path: str | None, file: Path | None) -> None:
    """Per person: name, role, place, the month's points by rule, reversed, redeemed, net and the balance at the
    month's end; then the totals. A month not begun yet (Beijing time) is refused, as `gridbot report` does."""
    from bot.sheets.points import write_points_report
    from storage import duty, points, points_report
    from storage.queries import Scope
    from storage.rates import Period

    month = points.parse_month(month_text)
    if month is None:
        fail(texts.BAD_MONTH.format(month=month_text))
    now = (clock or now_utc)()
    if Period.month(*map(int, month.split("-"))).start > now:
        fail(texts.MONTH_NOT_YET.format(month=month, today=duty.today(now).isoformat()))
    if file is not None and file.suffix.lower() != ".xlsx":
        fail(texts.BAD_XLSX.format(file=file))
    made = _in_transaction(lambda session: points_report.report(session, month, Scope.of_path(session, scope_path)))
    click.echo("\n".join(texts.report_table(made, scope_path.strip() if scope_path else None)))
    if file is None:
        return
    try:
        write_points_report(made, file)
    except OSError as error:
        from handlers.os_reasons import os_reason

        fail(texts.CANNOT_WRITE.format(file=file, reason=os_reason(error)))
    click.echo(texts.REPORT_WRITTEN.format(file=file, month=month, n=len(made.people), net=made.total.net))


@points_group.command("rules")
@click.option("--street", "street_name", metavar="街道")
def rules(street_name: str | None) -> None:
    """The rules in force (GRIDBOT_POINTS_RULES, else the shipped ones): the district's and what each street set
    of its own; with --street, those of that street. Refused, as at start-up, when the file names a street the
    ledger has not: its rules would price nobody's points."""
    from storage import org, points_rules

    configured = points_rules.current()
    known = _in_transaction(lambda session: sorted(org.street_names(session).values()))
    try:  # a misspelt street is refused as at start-up: listed, its rules would look in force
        points_rules.check_streets(configured, known)
    except points_rules.PointsRulesError as error:
        raise preflight.Refused(preflight.setting_failures(
            SettingsError(points_rules_problem(points_rules.configured_path(), error)))) from None
    if street_name is not None:
        wanted = next((one for one in known if points_rules.street_key(one) == points_rules.street_key(street_name)),
                      None)
        if wanted is None:
            fail(texts.UNKNOWN_STREET.format(street=street_name.strip(), known="、".join(known) or texts.NOWHERE))
        click.echo("\n".join(texts.street_rules(wanted, configured)))
        return
    click.echo("\n".join(texts.district_rules(configured, known)))


# -3 is an amount to refuse in Chinese, not an unknown option to refuse in click's English.
@points_group.command("redeem", context_settings={"ignore_unknown_options": True})
@click.argument("who", metavar="NAME|ID")
@click.argument("amount_text", metavar="AMOUNT")
@click.argument("note", nargs=-1, required=True, metavar="说明")
@click.pass_obj
def redeem(clock: Clock | None, who: str, amount_text: str, note: tuple[str, ...]) -> None:
    """积分兑换: take AMOUNT points from the person for what 说明 says they were given; refused when it would take
    their balance below zero. Prints the balance."""
    from storage import points, roster

    amount = _whole(amount_text)
    if amount is None:
        fail(texts.BAD_AMOUNT.format(amount=amount_text))
    words = _note(note)
    now = (clock or now_utc)()

    def spend(session: Session) -> tuple[str, int, int]:
        member = roster.find(session, who)
        try:
            entry = points.redeem(session, member.id, amount, words, now)
        except points.NotEnoughPoints as short:
            fail(texts.NOT_ENOUGH.format(name=member.name, balance=short.balance, amount=amount))
        return member.name, entry.id, points.balance(session, member.id)

    name, entry, balance = _in_transaction(spend, "redeem")
    click.echo(texts.REDEEMED.format(name=name, amount=amount, note=words, entry=entry, balance=balance))


@points_group.command("reverse", context_settings={"ignore_unknown_options": True})
@click.argument("entry_text", metavar="ENTRY_ID")
@click.argument("note", nargs=-1, required=True, metavar="说明")
@click.pass_obj
def reverse(clock: Clock | None, entry_text: str, note: tuple[str, ...]) -> None:
    """An operator's correction: undo one entry (a grant or a redemption) with an entry of the opposite amount
    saying why. Entries are never edited; an entry is reversed once, a reversal never."""
    from handlers.points_words import amount as signed
    from handlers.points_words import title
    from storage import points, points_view
    from storage.errors import NotFound
    from storage.models import PointsEntry, Staff

    entry_id = _whole(entry_text)
    if entry_id is None:
        typed = unicodedata.normalize("NFKC", entry_text).strip()
        if typed.isascii() and typed.isdigit():  # a number past any id: no such entry
            fail(texts.UNKNOWN_ENTRY.format(entry=typed))
        fail(texts.BAD_ENTRY.format(entry=entry_text))
    words = _note(note)
    now = (clock or now_utc)()

    def correct(session: Session) -> str:
        try:
            undo = points.correct(session, entry_id, words, now)
        except NotFound:
            fail(texts.UNKNOWN_ENTRY.format(entry=entry_id))
        except points.NotReversible as refused:
            fail(texts.NOT_REVERSIBLE[refused.reason].format(entry=entry_id))
        except points.SpentAlready as spent:
            entry = session.get_one(PointsEntry, entry_id)
            (line,) = points_view.lines(session, [entry])
            fail(texts.SPENT_ALREADY.format(name=session.get_one(Staff, entry.staff_id).name, balance=spent.balance,
                                            entry=entry_id, title=title(line), amount=signed(line.amount),
                                            after=spent.balance - spent.amount, staff=entry.staff_id))
        (line,) = points_view.lines(session, [session.get_one(PointsEntry, entry_id)])
        name = session.get_one(Staff, undo.staff_id).name
        return texts.REVERSED.format(entry=entry_id, name=name, title=title(line), amount=signed(line.amount),
                                     undo=undo.id, undo_amount=signed(undo.amount),
                                     balance=points.balance(session, undo.staff_id))

    click.echo(_in_transaction(correct, "reverse"))


@points_group.command("show")
@click.argument("who", metavar="NAME|ID")
@click.option("--json", "as_json", is_flag=True)
def show(who: str, as_json: bool) -> None:
    """A person's entries, the newest first, each with its id (for `points reverse`), rule, amount, what it was
    for, who granted it and whether it was reversed: what answers "why do I have 37 points"."""
    from storage import points, points_view, roster, staff

    def read(session: Session) -> tuple[dict[str, object], list[points_view.Line]]:
        member = roster.find(session, who)
        place = staff.workplace_label(session, member.role, member.grid_id, member.community_id, member.building_id,
                                        member.street_id)
        person = {"id": member.id, "name": member.name, "role": texts.role_title(member.role),
                  "place": place, "balance": points.balance(session, member.id)}
        return person, points_view.entries(session, member.id)

    person, lines = _in_transaction(read, "show")
    undone_by = {line.reverses_id: line.id for line in lines if line.reverses_id is not None}
    if as_json:
        entries = [texts.line_json(line, undone_by.get(line.id)) for line in lines]
        click.echo(json.dumps(person | {"entries": entries}, ensure_ascii=False, indent=1))
        return
    facts = {"name": person["name"], "role": person["role"], "place": person["place"] or texts.NOWHERE}
    if not lines:
        click.echo(texts.SHOW_NONE.format(**facts))
        return
    click.echo(texts.SHOW_HEADER.format(**facts, balance=person["balance"], n=len(lines)))
    for line in lines:
        click.echo(texts.show_line(line, undone_by.get(line.id)))


def _whole(typed: str) -> int | None:
    """A positive whole number as typed (全角 digits too); None for anything else."""
    from storage.typed_ids import typed_id

    number = typed_id(typed)
    return number if number else None


def _note(words: tuple[str, ...]) -> str:
    """The 说明, bounded like a note in the chat (storage/limits.py)."""
    from storage.limits import TextField, excess

    note = " ".join(word.strip() for word in words if word.strip())
    if not note:
        fail(texts.NOTE_NEEDED)
    too_long = excess(TextField.NOTE, note)
    if too_long is not None:
        fail(texts.NOTE_TOO_LONG.format(limit=too_long.limit, length=too_long.length))
    return note


def _in_transaction(work: Callable[[Session], _T], command: str = "report") -> _T:
    """`work` in one operator transaction; a refusal becomes one Chinese line and nothing is written."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.staff import invite_refusal
    from storage import roster
    from storage.staff import UnclearPlace

    try:
        with operator_transaction() as session:
            return work(session)
    except roster.AmbiguousMember as several:
        fail(texts.ambiguous(several.name, several.candidates, command))
    except roster.UnknownMember as unknown:
        fail(texts.unknown(unknown.name, unknown.similar))
    except UnclearPlace as error:
        fail(invite_refusal(error))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
