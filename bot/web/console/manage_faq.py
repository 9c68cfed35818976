"""政策问答: the FAQ entries, one at a time (管理员 and 街道 operators).

A 街道 account keeps its own street's entries (adds, changes, deletes them) and reads the district-wide ones, which
its street's entries override question by question (storage/faq.py); another street's are as absent as a missing
entry. A 管理员 keeps every entry, and chooses whether a new one is district-wide or one street's.

The rules are the spreadsheet import's (storage/faq_edit.py over storage/faq_import.py): a refusal names the
field and what is wrong, and leaves the entry as it was. Every process answers from the change within
handlers.faq_cache.REFRESH_INTERVAL.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from flask import abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import blueprint, login_required, runtime
from handlers.faq_cache import REFRESH_INTERVAL
from storage import faq, faq_edit, org
from storage.errors import NotFound
from storage.faq_import import COLUMNS, MAX_LENGTH, FaqRowError
from storage.models import ConsoleRole, FaqEntry
from storage.typed_ids import typed_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

SECONDS = int(REFRESH_INTERVAL.total_seconds())
FORM_LIMIT = 5000  # characters of any field: far over the rules' own limits, which then refuse it by name
log = logging.getLogger(__name__)


def _street_or_admin() -> int | None:
    """The operator's street (None for a 管理员, who keeps every entry); a 社区 account has no FAQ page."""
    if g.operator.role == ConsoleRole.COMMUNITY:
        abort(404)
    return g.operator.scope.street_id


@blueprint.get("/faq")
@login_required
def faq_list() -> str:
    """Every entry the operator reads, answered or switched off, with where it is answered."""
    street_id = _street_or_admin()
    with runtime().database.transaction() as db:
        found = faq.all_entries(db, street_id, every_street=street_id is None)
        streets = org.street_names(db)
    done = texts.FAQ_DONE.get(request.args.get("done", ""), "")
    return render_template("console/faq.html", found=found, done=done, streets=streets, mine=_mine(street_id),
                           overridden=faq.overridden(found, street_id),
                           refresh=texts.FAQ_REFRESH.format(seconds=SECONDS), split=faq.split_alternates)


@blueprint.get("/faq/new")
@login_required
def faq_new() -> str:
    """The form for a new entry (a 管理员 chooses its street)."""
    street_id = _street_or_admin()
    return render_template("console/faq_form.html", entry_id=None, values={}, streets=_choices(street_id),
                           where=_own_street(street_id))


@blueprint.post("/faq")
@login_required
def faq_add() -> Response | tuple[str, int]:
    """新增问答, checked as the import checks a line."""
    street_id = _street_or_admin()
    try:
        with runtime().database.transaction() as db:
            created = faq_edit.add(db, _row(), runtime().clock(), _street_of_new(db, street_id)).id
    except faq_edit.FaqRefused as refused:
        return render_template("console/faq_form.html", entry_id=None, values=request.form,
                               streets=_choices(street_id), where=_own_street(street_id),
                               refusals=_refusals(refused.errors)), 409
    log.info("faq entry %s added by %s", created, g.operator.username)
    return redirect(url_for("console.faq_list", done="added"))


@blueprint.get("/faq/<int:entry_id>")
@login_required
def faq_entry(entry_id: int) -> str:
    """One entry's form, filled in; a district-wide entry is shown to a 街道 account to read only."""
    street_id = _street_or_admin()
    try:
        with runtime().database.transaction() as db:
            found = faq_edit.one(db, entry_id, street_id)
            values = {"question": found.question, "answer": found.answer,
                      "alternates": "、".join(faq.split_alternates(found.alternates)), "category": found.category}
            where = org.street_names(db).get(found.street_id) if found.street_id is not None else None
            read_only = not _mine(street_id)(found)
    except NotFound:
        abort(404)
    return render_template("console/faq_form.html", entry_id=entry_id, values=values, read_only=read_only,
                           where=where or texts.FAQ_DISTRICT_WIDE)


@blueprint.post("/faq/<int:entry_id>")
@login_required
def faq_save(entry_id: int) -> Response | tuple[str, int]:
    """修改 an entry, checked as the import checks a line."""
    street_id = _street_or_admin()
    try:
        with runtime().database.transaction() as db:
            faq_edit.edit(db, entry_id, _row(), runtime().clock(), street_id)
    except NotFound:
        abort(404)
    except faq_edit.FaqRefused as refused:
        return render_template("console/faq_form.html", entry_id=entry_id, values=request.form,
                               refusals=_refusals(refused.errors)), 409
    log.info("faq entry %s edited by %s", entry_id, g.operator.username)
    return redirect(url_for("console.faq_list", done="edited"))


@blueprint.post("/faq/<int:entry_id>/delete")
@login_required
def faq_delete(entry_id: int) -> Response:
    """删除; an entry that has answered residents is switched off instead (its answers keep their history)."""
    street_id = _street_or_admin()
    try:
        with runtime().database.transaction() as db:
            removed = faq_edit.delete(db, entry_id, runtime().clock(), street_id)
    except NotFound:
        abort(404)
    log.info("faq entry %s %s by %s", entry_id, "deleted" if removed else "disabled", g.operator.username)
    return redirect(url_for("console.faq_list", done="deleted" if removed else "disabled"))


def _mine(street_id: int | None) -> Callable[[FaqEntry], bool]:
    """Whether the operator may change an entry: a 管理员 any, a 街道 account its street's own."""
    return lambda entry: street_id is None or entry.street_id == street_id


def _choices(street_id: int | None) -> dict[int, str] | None:
    """The streets a 管理员's new entry may belong to (None for a 街道 account: its own street, no choice)."""
    if street_id is not None:
        return None
    with runtime().database.transaction() as db:
        return org.street_names(db)


def _own_street(street_id: int | None) -> str | None:
    """A 街道 account's street, which its new entries belong to (None for a 管理员, who chooses)."""
    if street_id is None:
        return None
    with runtime().database.transaction() as db:
        return org.street_names(db).get(street_id)


def _street_of_new(db: DbSession, street_id: int | None) -> int | None:
    """A new entry's street: a 街道 account's own; a 管理员's choice (全区通用 unless a known street is picked)."""
    if street_id is not None:
        return street_id
    chosen = typed_id(request.form.get("street", "")[:FORM_LIMIT])
    return chosen if chosen is not None and chosen in org.street_names(db) else None


def _row() -> faq_edit.FaqRow:
    form = {name: request.form.get(name, "")[:FORM_LIMIT] for name in COLUMNS}
    return faq_edit.row(form["question"], form["answer"], form["alternates"], form["category"])


def _refusals(errors: list[FaqRowError]) -> list[str]:
    return [texts.FAQ_PROBLEMS[error.problem].format(
        column=texts.FAQ_FIELDS[error.column].split("（")[0], length=error.length, limit=MAX_LENGTH[error.column],
        each=texts.FAQ_EACH if error.column == "alternates" else "", other=error.other_line) for error in errors]
