"""分类与时限: the taxonomy in force, its categories at a glance, the TOML to edit (管理员; a 街道 operator reads),
and the history of saved versions with a way back.

A save is checked by the loader the processes use at start (handlers/taxonomy_edit.py) and refused with its
reason in Chinese, nothing stored; a saved version reaches every process within handlers.taxonomy_cache's
REFRESH_INTERVAL (this one at once). The TOML file is never written: the newest saved version overrides it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import admin_only, blueprint, login_required, runtime
from bot.web.console.taxonomy_reasons import in_chinese
from handlers import taxonomy_edit
from handlers.taxonomy_cache import REFRESH_INTERVAL
from nlp import Taxonomy
from nlp.loading import trained_labels
from nlp.taxonomy import default_taxonomy_path
from storage import taxonomy_versions
from storage.errors import NotFound
from storage.models import ConsoleRole

Save = Callable[[Session, Taxonomy, tuple[str, ...]], int]
SECONDS = int(REFRESH_INTERVAL.total_seconds())
log = logging.getLogger(__name__)


def _street_or_admin() -> None:
    if g.operator.role == ConsoleRole.COMMUNITY:
        abort(404)


@blueprint.get("/taxonomy")
@login_required
def taxonomy() -> str:
    """The taxonomy in force: where it comes from, its categories, its TOML, the saved versions."""
    _street_or_admin()
    return _taxonomy_page()


@blueprint.post("/taxonomy")
@admin_only
def taxonomy_save() -> Response | tuple[str, int]:
    """检查并保存: the edited TOML as the newest version, if the loader and the model accept it."""
    text = request.form.get("text", "").replace("\r\n", "\n")
    confirmed = request.form.getlist("confirm")
    return _store(lambda db, in_force, trained: taxonomy_edit.save(
        db, text, in_force, trained, g.operator.id, runtime().clock(), confirmed), text)


@blueprint.get("/taxonomy/versions/<int:number>")
@login_required
def taxonomy_version(number: int) -> str:
    """One saved version's TOML, as it was saved."""
    _street_or_admin()
    try:
        with runtime().database.transaction() as db:
            text = taxonomy_versions.text_of(db, number)
    except NotFound:
        abort(404)
    return render_template("console/taxonomy_version.html", number=number, text=text)


@blueprint.post("/taxonomy/versions/<int:number>/restore")
@admin_only
def taxonomy_restore(number: int) -> Response | tuple[str, int]:
    """恢复为这一版: an earlier version saved again as the newest (checked again: the model may have changed)."""
    return _store(lambda db, in_force, trained: taxonomy_edit.restore(
        db, number, in_force, trained, g.operator.id, runtime().clock()), None)


def _store(save: Save, text: str | None) -> Response | tuple[str, int]:
    """Run `save` in one transaction and back to the page; a refusal shows the edit again with the reason."""
    understanding = runtime().understanding
    try:
        with runtime().database.transaction() as db:
            number = save(db, understanding.taxonomy, trained_labels(understanding.classifier))
    except taxonomy_edit.TaxonomyRefused as refused:
        return _taxonomy_page(_refusal(refused), text, refused.names if refused.reason == "new_department" else ()), 409
    except NotFound:
        abort(404)
    runtime().taxonomy.forget()  # this process at once; the others within SECONDS
    log.info("taxonomy version %s saved by %s", number, g.operator.username)
    return redirect(url_for("console.taxonomy", saved=number))


def _refusal(refused: taxonomy_edit.TaxonomyRefused) -> str:
    detail = in_chinese(refused.detail, "taxonomy") if refused.reason == "invalid" else refused.detail
    return texts.TAXONOMY_REFUSED[refused.reason].format(detail=detail, names="、".join(refused.names))


def _taxonomy_page(refusal: str | None = None, edited: str | None = None,
                   to_confirm: tuple[str, ...] = ()) -> str:
    understanding = runtime().understanding
    with runtime().database.transaction() as db:
        newest = taxonomy_versions.newest(db)
        history = taxonomy_versions.history(db)
    text = edited if edited is not None else newest[1] if newest else _file_text()
    saved = request.args.get("saved", type=int)
    return render_template(
        "console/taxonomy.html", taxonomy=understanding.taxonomy, trained=set(trained_labels(understanding.classifier)),
        text=text, history=history, in_force=history[0] if newest and history else None,
        path=runtime().settings.taxonomy_path or default_taxonomy_path(), refusal=refusal, to_confirm=to_confirm,
        saved=texts.TAXONOMY_SAVED.format(number=saved, seconds=SECONDS) if saved and not refusal else "",
        how=texts.TAXONOMY_HOW.format(seconds=SECONDS))


def _file_text() -> str:
    path = runtime().settings.taxonomy_path or default_taxonomy_path()
    try:
        return path.read_text(encoding="utf-8-sig")  # as load_taxonomy reads it: a BOM is not part of the text
    except (OSError, UnicodeDecodeError) as error:
        log.error("taxonomy file %s unreadable for the console: %s", path, error)
        return ""
