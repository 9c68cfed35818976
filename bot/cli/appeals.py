"""The day's work on appeals from the command line: focus list, reassign."""

from __future__ import annotations

import click

from bot.cli.support import fail, operator_transaction
from bot.clock import Clock, now_utc


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


COMMANDS = (focus_group, reassign)
