"""`gridbot org branch` and `gridbot org posts`: the chain of the community's own people (storage/chain.py) —
小区党支部 and who holds which post — set up and shown where an operator looks at the organisation."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli import org_texts as texts
from bot.cli.org_session import org_session
from bot.cli.support import fail
from bot.clock import Clock, now_utc


@click.command("branch")
@click.argument("path", metavar="社区/小区")
@click.option("--name")
@click.option("--secretary", metavar="NAME|ID")
@click.pass_obj
def org_branch(clock: Clock | None, path: str, name: str | None, secretary: str | None) -> None:
    """Create or update the 小区党支部 of 社区/小区 (its party members are those who live there)."""
    from storage import chain

    now = (clock or now_utc)()
    try:
        with org_session() as session:
            saved = chain.save_branch(session, path, name, secretary, now)
            shown = (saved.created, saved.community, saved.branch.compound, saved.branch.name, saved.secretary)
    except chain.UnknownCompound as unknown:
        fail(texts.BRANCH_UNKNOWN_COMPOUND.format(community=unknown.community, compound=unknown.compound,
                                                  compounds="、".join(unknown.compounds) or texts.NONE))
    except chain.NoSuchSecretary as missing:
        fail(texts.BRANCH_NO_SECRETARY.format(typed=missing.typed,
                                              candidates="、".join(missing.candidates) or texts.NONE))
    except chain.AmbiguousSecretary as several:
        fail(texts.BRANCH_AMBIGUOUS_SECRETARY.format(typed=several.typed, ids="、".join(map(str, several.ids))))
    click.echo(texts.branch_saved(*shown))


@click.command("posts")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_file", type=click.Path(path_type=Path), metavar="FILE")
def org_posts(scope_path: str | None, as_json: bool, csv_file: Path | None) -> None:
    """Who holds which post: per community and 小区 the 小区党支部 (secretary, party members), each 楼栋's 楼长, each
    单元's 单元长 and 党员中心户, then the 小区's volunteers."""
    import csv
    import json

    from bot.sheets.excel_text import csv_row
    from storage import chain
    from storage.queries import Scope

    with org_session() as session:
        found = chain.posts(session, Scope.of_path(session, scope_path))
    if csv_file is not None:
        try:
            with csv_file.open("w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(texts.POSTS_CSV_HEADER)
                writer.writerows(csv_row(texts.post_row(post)) for post in found)
        except OSError as error:
            from handlers.os_reasons import os_reason

            fail(texts.EXPORT_UNWRITABLE.format(path=csv_file, reason=os_reason(error)))
        click.echo(texts.POSTS_EXPORTED.format(n=len(found), path=csv_file))
    elif as_json:
        click.echo(json.dumps([texts.post_json(post) for post in found], ensure_ascii=False, indent=1))
    else:
        click.echo(texts.posts_tree(found) if found else texts.POSTS_NONE)


COMMANDS = (org_branch, org_posts)
