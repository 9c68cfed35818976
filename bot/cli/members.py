"""`gridbot members`: the community's own people — 党员报到 and 志愿者报名 waiting for the community (pending,
confirm, decline) and who is on the roll (list). Each parses, makes one call to storage (enrolments, chain) and
prints in the wording of bot/cli/member_texts.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from bot.cli import member_texts as texts
from bot.cli.support import fail, fail_database, operator_transaction
from bot.clock import Clock, now_utc
from handlers.staff_texts import role_title

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_T = TypeVar("_T")


@click.group("members")
def members_group() -> None:
    """党员, 志愿者 and the posts of the chain (楼长, 单元长, 党员中心户): who asked, who is on the roll."""


@members_group.command("pending")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def members_pending(clock: Clock | None, as_json: bool) -> None:
    """Print the 党员报到 and 志愿者报名 waiting for the community: number, name, what, organisation, home."""
    from storage import enrolments

    waiting = _in_transaction(lambda session: enrolments.pending(session))
    if as_json:
        click.echo(json.dumps([texts.pending_json(row) for row in waiting], ensure_ascii=False, indent=1))
    elif not waiting:
        click.echo(texts.PENDING_NONE)
    else:
        click.echo(texts.PENDING_HEADER.format(n=len(waiting)))
        for row in waiting:
            click.echo(texts.pending_line(row, (clock or now_utc)()))


@members_group.command("confirm")
@click.argument("who", metavar="NAME|ID")
@click.pass_obj
def members_confirm(clock: Clock | None, who: str) -> None:
    """Confirm a 党员报到 or 志愿者报名 (by the applicant's name or its number): they become a member at their home
    and are told what they may do now. Confirming again changes nothing."""
    from storage import enrolments

    now = (clock or now_utc)()

    def confirm(session: Session) -> tuple[enrolments.Decided, str]:
        decided = enrolments.confirm(session, enrolments.find(session, who), now)
        row = decided.enrolment
        return decided, enrolments.home_label(session, row.building_id, row.unit_id)

    decided, home = _in_transaction(confirm, who, "confirm")
    row = decided.enrolment
    wording = texts.ALREADY_CONFIRMED if decided.already else texts.CONFIRMED
    click.echo(wording.format(name=row.name, role=role_title(row.role), number=row.id, home=home))


@members_group.command("decline")
@click.argument("who", metavar="NAME|ID")
@click.pass_obj
def members_decline(clock: Clock | None, who: str) -> None:
    """Turn down a 党员报到 or 志愿者报名 (a stranger, a mistake): the applicant is told politely."""
    from storage import enrolments

    now = (clock or now_utc)()
    decided = _in_transaction(lambda session: enrolments.decline(session, enrolments.find(session, who), now),
                              who, "decline")
    row = decided.enrolment
    wording = texts.ALREADY_DECLINED if decided.already else texts.DECLINED
    click.echo(wording.format(name=row.name, what=texts.request_word(row.role), number=row.id))


@members_group.command("list")
@click.option("--scope", "path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def members_list(clock: Clock | None, path: str | None, as_json: bool) -> None:
    """Print the active 楼长, 单元长, 党员中心户, 党员 and 志愿者: id, name, role, home (小区 楼栋 单元),
    organisation, 小区党支部, since."""
    from storage import chain
    from storage.queries import Scope

    found = _in_transaction(lambda session: chain.members(session, Scope.of_path(session, path)))
    if as_json:
        click.echo(json.dumps([texts.member_json(member) for member in found], ensure_ascii=False, indent=1))
    elif not found:
        click.echo(texts.LIST_NONE.format(where=texts.where(path)))
    else:
        click.echo(texts.LIST_HEADER.format(where=texts.where(path), n=len(found)))
        for member in found:
            click.echo(texts.member_line(member, (clock or now_utc)()))


def _in_transaction(work: Callable[[Session], _T], typed: str = "", command: str = "confirm") -> _T:
    """`work` in one operator transaction; a refusal of the domain becomes one Chinese line (nothing written)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.staff import invite_refusal
    from storage import enrolments
    from storage.errors import NotAllowed, NotFound
    from storage.staff import UnclearPlace

    try:
        with operator_transaction() as session:
            return work(session)
    except NotFound:
        fail(texts.NOT_FOUND.format(typed=typed.strip()))
    except enrolments.Ambiguous as several:
        fail(texts.AMBIGUOUS.format(name=several.name, ids="、".join(map(str, several.ids)), command=command))
    except enrolments.AlreadyMember as member:
        fail(texts.NOW_STAFF.format(role=role_title(member.role)))
    except NotAllowed as refused:
        fail(texts.REFUSED.get(refused.reason, refused.reason).format(number=typed.strip()))
    except UnclearPlace as error:
        fail(invite_refusal(error))
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
