"""The organisation's console pages: the tree within the operator's scope (street → community → grid → buildings,
with member and resident counts), each building's, grid's or community's QR posters, and importing the ledger
file `gridbot import org` takes, and renaming a place (`gridbot org rename`).

Who may import: 管理员 (any street) and 街道 (rows of their own street only; storage.management checks each row).
A 社区 operator manages staff, not the organisation: a street's ledger is the street office's, and one file moves
the whole street. The import is two POSTs: the upload is checked and previewed (storage.org_import.preview, a
read: a street's file must not hold the database's write lock while an operator reads the preview's numbers)
and kept under GRIDBOT_DATA_DIR/uploads/ with a token in the session; the second POST checks it again and
imports it as the CLI does, in short batches. A file with any error imports nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import logging
import secrets
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import redis
from flask import Response, abort, flash, g, get_flashed_messages, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from bot.posters import poster_name, write_poster
from bot.sheets.org import OrgFileError, OrgFileTooLong, read_org_data, write_org_rows
from bot.web.console import texts
from bot.web.console.guard import (
    FORM_MAX_FIELDS,
    accepts_upload,
    blueprint,
    in_scope_or_404,
    login_required,
    runtime,
    streets_apart,
)
from bot.web.console.helpers import attachment
from bot.wechat.api import WeChatAPI, WeChatAPIError
from handlers import operator_texts, staff_texts
from storage import building_codes, management, org_ledger, org_renames
from storage.building_codes import BuildingCode
from storage.models import ConsoleRole
from storage.org_import import LEVELS
from storage.queries import Scope
from storage.staff import AmbiguousPlace, UnclearPlace
from storage.typed_ids import typed_id

ORG_FILE_MAX_BYTES = 5 * 1024 * 1024  # a street's ledger of ten thousand units is well under 1 MB as CSV
# A street of the sources' largest city (4,327 grids in 31 streets: some 140 grids, a compound of 30 buildings of 2-4
# units each) lists about 14,000 units. Past this the preview (openpyxl loads a workbook whole, merged cells need it)
# took a web thread 42 s and 430 MB at 100,000 rows; a city's ledger goes through `gridbot import org` on the server.
ORG_FILE_MAX_ROWS = 20_000
UPLOAD_KEPT_SECONDS = 3600  # a preview not applied within the hour is dropped: the file is asked for again
UPLOADS = "uploads"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE_TYPED_MAX = 200  # a place's path typed into the 改名 form (street·community·grid·compound·building·unit)
_View = TypeVar("_View", bound=Callable[..., Any])
log = logging.getLogger(__name__)


def org_editor(view: _View) -> _View:
    """A page of 管理员 and 街道 operators only: to a 社区 operator it does not exist (404)."""
    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not may_import():
            abort(404)
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def may_import() -> bool:
    return g.operator.role in (ConsoleRole.ADMIN, ConsoleRole.STREET)


@blueprint.get("/org")
@login_required
def org() -> str:
    """The organisation within the operator's scope, with poster links (and, for 管理员/街道, the import form)."""
    with runtime().database.transaction() as db:
        opened = _opened_street(db)
        streets = org_ledger.streets(db, g.operator.scope) if opened is None and streets_apart(db) else []
        shown = g.operator.scope if opened is None else Scope(street_id=opened)
        communities = [] if streets else org_ledger.tree(db, shown, with_buildings=False)
        ids = management.community_ids(db, shown)
        street = management.street_name(db, g.operator.scope)
    return render_template("console/org.html", communities=communities, community_ids=ids, may_import=may_import(),
                           streets=streets, opened=opened,
                           street=street, done=get_flashed_messages(), max_megabytes=_megabytes(),
                           max_rows=ORG_FILE_MAX_ROWS,
                           rename_kinds=_rename_kinds() if may_import() else (), place_max=PLACE_TYPED_MAX)


def _opened_street(db: Session) -> int | None:
    """The street a district's 管理员 opened on the tree (`?street=`), when their scope spans it; else None."""
    wanted = typed_id(request.args.get("street", ""))
    scope = g.operator.scope
    if wanted is None or scope.community_id is not None or scope.street_id is not None:
        return None  # a street's or community's operator: her tree is the one page there is
    return wanted


@blueprint.get("/org/grids/<grid>")
@login_required
def org_grid(grid: str) -> str:
    """One grid of the operator's scope with its buildings by 小区 and their posters: the tree lists grids alone,
    as a street's thousands of buildings would make it megabytes."""
    grid_id = typed_id(grid)
    with runtime().database.transaction() as db:
        found = org_ledger.tree(db, g.operator.scope, grid_id=grid_id) if grid_id is not None else []
    community = in_scope_or_404(found[0] if found else None)
    return render_template("console/org_grid.html", community=community, grid=community.grids[0])


@blueprint.get("/org/export.xlsx")
@login_required
def org_export() -> Response:
    """The organisation within the operator's scope in the import's columns (`gridbot org export`): edited in Excel,
    it imports back as it is."""
    with runtime().database.transaction() as db:
        rows = org_ledger.ledger_rows(db, g.operator.scope)
    out = io.BytesIO()
    write_org_rows(out, rows)
    return _download(out.getvalue(), texts.ORG_EXPORT_NAME, XLSX_MIME)


def _file_too_big() -> tuple[str, int]:
    """An organisation upload refused unread, in Chinese, naming the bound it passed: the file's size and rows, or
    (a body within the size) the form's parts, which Werkzeug refuses with the same 413."""
    if request.content_length is not None and request.content_length <= (request.max_content_length or 0):
        return _refused(texts.ORG_IMPORT_TOO_MANY_PARTS.format(parts=FORM_MAX_FIELDS, megabytes=_megabytes(),
                                                               rows=ORG_FILE_MAX_ROWS), status=413)
    return _refused(texts.ORG_IMPORT_TOO_BIG.format(megabytes=_megabytes(), rows=ORG_FILE_MAX_ROWS), status=413)


@blueprint.post("/org/import")
@accepts_upload(ORG_FILE_MAX_BYTES, too_large=_file_too_big)
@org_editor
def org_import_preview() -> tuple[str, int] | str:
    """The uploaded file checked and previewed: its errors by row, or what it would create (nothing written)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refused(texts.ORG_IMPORT_NO_FILE)
    data, name = upload.read(), Path(upload.filename).name
    try:
        rows = read_org_data(data, name, ORG_FILE_MAX_ROWS)
    except OrgFileTooLong:
        return _refused(texts.ORG_IMPORT_TOO_MANY_ROWS.format(name=name, limit=ORG_FILE_MAX_ROWS))
    except OrgFileError as error:
        return _refused(str(error))
    if not rows:
        return _refused(texts.ORG_IMPORT_EMPTY.format(name=name))
    with runtime().database.transaction() as db:
        review = management.review_import(db, rows, g.operator.scope)
    token = None if review.errors else _keep(data, name)
    return render_template("console/org_import.html", review=review, name=name, token=token,
                           errors=operator_texts.grouped_row_errors(review.errors),
                           matched=operator_texts.former_names_matched(review.matches),
                           created=_counts(review.preview.report.created) if review.preview else "",
                           present=_counts(review.preview.report.present) if review.preview else "")


@blueprint.post("/org/import/apply")
@org_editor
def org_import_apply() -> Response | tuple[str, int] | str:
    """Import the previewed file (checked again: the database may have changed since), then back to the tree."""
    kept = _kept(request.form.get("upload", ""))
    if kept is None:
        return _refused(texts.ORG_IMPORT_EXPIRED)
    try:
        rows = read_org_data(kept.path.read_bytes(), kept.name, ORG_FILE_MAX_ROWS)
    except OrgFileError as error:
        return _refused(str(error))
    finally:
        _forget(kept)
    imported = management.apply_import(runtime().database, rows, g.operator.scope)
    if imported.report is None:
        return render_template("console/org_import.html", review=management.ImportReview(len(rows), imported.errors),
                               name=kept.name, token=None, created="", present="",
                               errors=operator_texts.grouped_row_errors(imported.errors))
    created = _counts(imported.report.created)
    flash(texts.ORG_IMPORTED.format(rows=imported.report.rows, created=texts.ORG_IMPORTED_CREATED.format(
        counts=created) if created else texts.ORG_IMPORTED_NOTHING))
    if imported.matches:
        flash(operator_texts.former_names_matched(imported.matches))
    return redirect(url_for("console.org"))


@blueprint.post("/org/rename")
@org_editor
def org_rename() -> Response | tuple[str, int]:
    """Rename a place within the operator's scope as `gridbot org rename` does, then back to the tree."""
    kinds = _rename_kinds()
    kind = request.form.get("kind", "")
    if kind not in kinds:
        return _refused(texts.ORG_RENAME_BAD_KIND)
    place, name = request.form.get("place", "")[:PLACE_TYPED_MAX], request.form.get("name", "")[:PLACE_TYPED_MAX]
    try:
        with runtime().database.transaction() as db:
            done = org_renames.rename(db, org_renames.PlaceKind(kind), place, name, g.operator.scope)
    except org_renames.NameRefused as refused:
        return _refused(operator_texts.RENAME_REFUSED[refused.reason].format(other=refused.other))
    except UnclearPlace as unclear:
        return _refused(staff_texts.unclear_place(unclear.kind, unclear.name, unclear.candidates,
                                                  isinstance(unclear, AmbiguousPlace)))
    log.info("console %s renamed %s %s", g.operator.username, kind, done.new)
    flash(operator_texts.renamed(done))
    return redirect(url_for("console.org"))


def _rename_kinds() -> tuple[str, ...]:
    """What the operator may rename: a street only a 管理员 (its name is every street operator's too)."""
    street = (org_renames.PlaceKind.STREET.value,) if g.operator.role == ConsoleRole.ADMIN else ()
    return street + operator_texts.RENAME_KINDS


@blueprint.get("/org/posters/<kind>/<int:place_id>")
@login_required
def org_posters(kind: str, place_id: int) -> Response | tuple[str, int]:
    """The posters of a building (its PDF), or of a grid or community (a zip of theirs): the files `gridbot org
    codes --out` writes. A building without a QR code yet gets one from WeChat, kept for good (as the CLI does),
    so a download repeated makes no new code."""
    if kind not in management.PLACE_KINDS:
        abort(404)
    with runtime().database.transaction() as db:
        found = in_scope_or_404(management.codes_of(db, g.operator.scope, kind, place_id))
        place = management.place_name(db, kind, place_id)
    if not found:
        return _refused(texts.ORG_POSTERS_NONE)
    try:
        found = _with_qr_codes(found)
    except _PosterFailure as failure:
        return _refused(texts.ORG_POSTERS_FAILED.format(reason=failure.reason), status=502)
    if kind == "building":
        return _download(_poster(found[0]), poster_name(found[0].building_id, found[0].label), "application/pdf")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for code in found:
            bundle.writestr(poster_name(code.building_id, code.label), _poster(code))
    name = texts.ORG_POSTER_ZIP.format(name="".join(c if c.isalnum() else "_" for c in place))
    return _download(archive.getvalue(), name, "application/zip")


class _PosterFailure(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _with_qr_codes(found: list[BuildingCode]) -> list[BuildingCode]:
    """Each building's code with its permanent QR code, made through WeChat where none was made before; each
    new one kept at once, so a failure half-way costs no code already made."""
    missing = [code for code in found if code.qr_url is None]
    if not missing:
        return found
    made: dict[int, BuildingCode] = {}
    try:
        # The access token is shared through Redis with the worker: Redis down is a failure like WeChat's.
        api = WeChatAPI.from_settings(runtime().settings, runtime().redis())
        for code in missing:
            ticket, url = api.create_permanent_qrcode(code.scene_key)
            with runtime().database.transaction() as db:
                building_codes.remember(db, code.building_id, ticket, url)
            made[code.building_id] = dataclasses.replace(code, qr_ticket=ticket, qr_url=url)
    except (WeChatAPIError, redis.RedisError) as error:
        raise _PosterFailure(str(error)) from None
    return [made.get(code.building_id, code) for code in found]


def _poster(code: BuildingCode) -> bytes:
    out = io.BytesIO()
    write_poster(out, code.qr_url or "", code.label)
    return out.getvalue()


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": attachment(filename)})


def _refused(message: str, status: int = 400) -> tuple[str, int]:
    return render_template("console/refused.html", title=texts.ORG_TITLE, message=message), status


def _megabytes() -> int:
    return ORG_FILE_MAX_BYTES // (1024 * 1024)


def _counts(counts: dict[str, int]) -> str:
    return "、".join(texts.ORG_COUNTED[level].format(n=counts[level]) for level in LEVELS if counts.get(level))


# --- the uploaded file between the preview and the import ------------------------------------------------------

@dataclass(frozen=True)
class _Kept:
    path: Path
    name: str


def _uploads() -> Path:
    return runtime().settings.data_dir / UPLOADS


def _keep(data: bytes, name: str) -> str:
    """Keep the previewed file for the second POST; the token names it, in the form and the session both (the
    form's alone would let one operator apply a file another uploaded)."""
    folder = _uploads()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_KEPT_SECONDS
    for old in folder.glob("org-*"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # imported, or swept by another operator's upload, since the listing
            continue
    token = secrets.token_urlsafe(24)
    (folder / f"org-{token}").write_bytes(data)
    session["org_upload"] = {"token": token, "name": name}
    return token


def _kept(token: str) -> _Kept | None:
    """The file the operator's session previewed, claimed for this request alone: renamed before it is read, so
    that of two 确认导入 at once (a double click) one imports it and the other is told it was imported already."""
    held = session.get("org_upload") or {}
    if not token or not secrets.compare_digest(str(held.get("token", "")), token):
        return None
    path = _uploads() / f"org-{held['token']}"
    claimed = path.with_name(f"{path.name}.{secrets.token_hex(8)}")  # still org-*: swept as a stale upload is
    try:
        if path.stat().st_mtime < time.time() - UPLOAD_KEPT_SECONDS:
            return None
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return _Kept(claimed, str(held.get("name", "")))


def _forget(kept: _Kept) -> None:
    session.pop("org_upload", None)
    kept.path.unlink(missing_ok=True)

