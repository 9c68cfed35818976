"""`gridbot org codes`: each building's binding scene key, and with --out its permanent QR code and poster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.org_session import org_session
from bot.cli.support import fail, read_settings

if TYPE_CHECKING:
    from storage.building_codes import BuildingCode


@click.command("codes")
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False))
def org_codes(scope_path: str | None, as_json: bool, out_dir: Path | None) -> None:
    """Each active building's binding scene key: scanning a code that carries it (qrscene_<key> when following,
    <key> when already following) binds the resident to that building. With --out, one A4 poster per building;
    a code WeChat made once is kept and reused, so a re-run writes the same files and makes no new codes."""
    import json

    from bot.cli import org_texts
    from storage import building_codes
    from storage.queries import Scope

    with org_session() as session:
        found = building_codes.codes(session, Scope.of_path(session, scope_path))
    if not found:
        click.echo(org_texts.CODES_NO_BUILDINGS)
        return
    if out_dir is not None:
        found = _write_posters(found, out_dir, as_json)
    if as_json:
        click.echo(json.dumps([_as_json(code, out_dir) for code in found], ensure_ascii=False, indent=2))
    elif out_dir is None:
        click.echo(org_texts.CODES_HEADER)
        for code in found:
            click.echo(org_texts.code_line(code, building_codes.SUBSCRIBE_PREFIX))


def _write_posters(found: list[BuildingCode], out_dir: Path, as_json: bool) -> list[BuildingCode]:
    import dataclasses

    from bot.cli import org_texts
    from bot.posters import poster_name, write_poster
    from bot.redisconn import connect
    from bot.wechat.api import WeChatAPI, WeChatAPIError
    from storage import building_codes

    try:
        import reportlab  # noqa: F401
        import segno  # noqa: F401
    except ImportError:
        fail(org_texts.CODES_NEED_LIBRARIES)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        from handlers.os_reasons import os_reason

        fail(org_texts.CODES_OUT_UNWRITABLE.format(directory=out_dir, reason=os_reason(error)))
    settings = read_settings()
    api = WeChatAPI.from_settings(settings, connect(settings))
    written, created = [], 0
    for code in found:
        if code.qr_url is None:
            try:
                ticket, url = api.create_permanent_qrcode(code.scene_key)
            except WeChatAPIError as error:
                fail(org_texts.CODES_API_FAILED.format(reason=error, done=len(written)))
            with org_session() as session:  # kept at once: a later failure must not cost a code made
                building_codes.remember(session, code.building_id, ticket, url)
            code, created = dataclasses.replace(code, qr_ticket=ticket, qr_url=url), created + 1
        try:
            write_poster(out_dir / poster_name(code.building_id, code.label), code.qr_url or "", code.label)
        except OSError as error:
            from handlers.os_reasons import os_reason

            fail(org_texts.CODES_OUT_UNWRITABLE.format(directory=out_dir, reason=os_reason(error)))
        written.append(code)
    click.echo(org_texts.CODES_WRITTEN.format(count=len(written), directory=out_dir, created=created,
                                              reused=len(written) - created), err=as_json)
    return written


def _as_json(code: BuildingCode, out_dir: Path | None) -> dict[str, object]:
    from bot.posters import poster_name
    from storage.building_codes import SUBSCRIBE_PREFIX

    entry: dict[str, object] = {
        "building_id": code.building_id, "community": code.community, "grid": code.grid,
        "compound": code.compound, "building": code.building, "scene_key": code.scene_key,
        "subscribe_scene": f"{SUBSCRIBE_PREFIX}{code.scene_key}", "qr_ticket": code.qr_ticket, "qr_url": code.qr_url,
    }
    if out_dir is not None:
        entry["poster"] = str(out_dir / poster_name(code.building_id, code.label))
    return entry


