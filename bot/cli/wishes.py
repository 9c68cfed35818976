"""`gridbot wishes add|list|cancel`: 微心愿 from the command line. Each command parses its options, makes one call
into storage/wishes.py and prints (wording: wishes_texts)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, TypeVar

import click

from bot.cli import wishes_texts as texts
from bot.cli.support import fail, operator_transaction
from bot.clock import Clock, now_utc
from storage.tickets import LOCAL_ZONE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_T = TypeVar("_T")


@click.group("wishes")
def wishes_group() -> None:
    """微心愿: small wishes of residents in need, posted for the community's volunteers to take (领单)."""


@wishes_group.command("add")
@click.option("--scope", "scope_path", required=True, metavar="PATH")
@click.option("--text", required=True)
@click.pass_obj
def wishes_add(clock: Clock | None, scope_path: str, text: str) -> None:
    """Post a wish and print its number (W2612020001)."""
    from storage import wishes
    from storage.queries import Scope

    def add(session: Session) -> tuple[str, str, bool]:
        # Read as the console's wish form and the notices read a place: 阳光花园/3号楼 is the one of that name.
        place = wishes.place_within(session, Scope(), path=scope_path)
        wish = wishes.post(session, place, text, (clock or now_utc)())
        return wish.code, wishes.place_label(session, wish), wish.grid_id is not None

    code, place, in_a_grid = _in_transaction(add)
    click.echo(code)
    # A community's wish has no grid: its operators hear of the volunteer and confirm (storage.volunteer_claims).
    click.echo(texts.ADDED.format(place=place, who=texts.GRID_CONFIRMS if in_a_grid else texts.COMMUNITY_CONFIRMS))


@wishes_group.command("list")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--all", "include_all", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def wishes_list(clock: Clock | None, scope_path: str | None, include_all: bool, as_json: bool) -> None:
    """Print the wishes not yet confirmed or cancelled (with --all, every one): number, place, status, who took
    it, its words."""
    from storage import wishes

    found = _in_transaction(lambda session: wishes.listing(session, scope_path, include_all))
    if as_json:
        click.echo(json.dumps([{"number": row.code, "place": row.place, "text": row.text, "status": row.status,
                                "volunteer": row.volunteer, "created_at": row.created_at.astimezone(LOCAL_ZONE).isoformat()}
                               for row in found], ensure_ascii=False))
        return
    if not found:
        click.echo(texts.NONE[include_all])
        return
    click.echo(texts.HEADER[include_all].format(n=len(found)))
    for row in found:
        click.echo(texts.line(row.code, row.place, row.text, row.status, row.volunteer, row.created_at,
                              (clock or now_utc)()))


@wishes_group.command("cancel")
@click.argument("number")
@click.pass_obj
def wishes_cancel(clock: Clock | None, number: str) -> None:
    """Cancel a wish nobody has done yet; a volunteer who took it is told."""
    from storage import wishes

    def cancel(session: Session) -> tuple[str, str | None, str | None]:
        cancelled = wishes.cancel(session, number, (clock or now_utc)())
        return cancelled.wish.code, cancelled.volunteer, cancelled.poster

    code, volunteer, poster = _in_transaction(cancel, number)
    told = (texts.TOLD_VOLUNTEER.format(name=volunteer) if volunteer else "") \
        + (texts.TOLD_POSTER.format(name=poster) if poster else "")
    click.echo(texts.CANCELLED.format(code=code, told=told))


def _in_transaction(work: Callable[[Session], _T], number: str = "") -> _T:
    """`work` in one operator transaction; a refusal becomes one Chinese line, nothing written."""
    from bot.cli.notice_texts import unclear_place
    from storage.errors import NotFound
    from storage.staff import UnclearPlace
    from storage.wishes import WishRefused

    try:
        with operator_transaction() as session:
            return work(session)
    except UnclearPlace as unclear:
        fail(unclear_place(unclear, texts.SCOPE_FORMS))
    except NotFound:
        fail(texts.NOT_FOUND.format(code=number.strip()))
    except WishRefused as refused:
        fail(texts.refusal(refused.reason, number.strip(), refused.limit, refused.length))
