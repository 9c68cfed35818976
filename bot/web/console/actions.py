"""What an operator does to one appeal from its page: each a POST (the guard checks its CSRF token) that loads the
appeal within the operator's scope (404 elsewhere) and calls the one lifecycle function the chat calls, with the
operator's account as the one who acts: the audit trail names them 控制台 <显示名>. A refusal is one Chinese line on
the appeal's page and leaves the appeal as it was; a success returns to the page (so a reload repeats nothing).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, redirect, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from bot.web.console import appeal_filters, texts
from bot.web.console.appeal_page import render_appeal
from bot.web.console.guard import blueprint, in_scope_or_404, login_required, not_found, runtime
from handlers import review as review_words
from handlers import staff_texts
from storage import chasing, console_users, joins, reassigning, rejecting, review, tasks
from storage.errors import DomainError, IllegalTransition, NotAllowed, NotFound, Repeated
from storage.models import Appeal, ConsoleUser
from storage.staff import UnclearPlace
from storage.tickets import normalize_ticket

FIELD_LIMIT = 200  # characters of a reason or a target: the form's own maxlength, checked again here
Act = Callable[[Session, ConsoleUser, Appeal], object]
LIST_FILTER_PREFIX = "back_"  # apart from the action's own fields: a list filtered by category has a category too


@blueprint.post("/appeals/<ticket>/reclassify")
@login_required
def reclassify(ticket: str) -> Response | tuple[str, int]:
    """改分类: the category the operator picked (from the taxonomy), kept as a correction for retraining."""
    name = _field("category")
    new = review_words.new_category(runtime().understanding.taxonomy, name)
    if new is None:
        return _refused(ticket, texts.ACTION_UNKNOWN_CATEGORY.format(name=name))
    return _act(ticket, "reclassify", lambda db, user, appeal: review.reclassify(db, user, appeal.ticket, new,
                                                                                  runtime().clock()))


@blueprint.post("/appeals/<ticket>/reassign")
@login_required
def reassign(ticket: str) -> Response | tuple[str, int]:
    """改派: to a grid (幸福里社区·第一网格) or a grid member by name, within the operator's scope."""
    target = _field("target")
    if not target:
        return _refused(ticket, texts.ACTION_TARGET_MISSING)
    sensitive = runtime().understanding.taxonomy.sensitive
    return _act(ticket, "reassign", lambda db, user, appeal: reassigning.reassign(db, user, appeal.ticket, target,
                                                                                   runtime().clock(), sensitive))


@blueprint.post("/appeals/<ticket>/transfer")
@login_required
def transfer(ticket: str) -> Response | tuple[str, int]:
    """转办: to a department or the property company, whose staff claim it."""
    department = _field("department")
    if not department:
        return _refused(ticket, texts.ACTION_DEPARTMENT_MISSING)
    sensitive = runtime().understanding.taxonomy.sensitive
    return _act(ticket, "transfer", lambda db, user, appeal: tasks.transfer(db, user, appeal.ticket, department,
                                                                             runtime().clock(), sensitive))


@blueprint.post("/appeals/<ticket>/reject")
@login_required
def reject(ticket: str) -> Response | tuple[str, int]:
    """不受理: closed as not ours / no appeal, the reason told to the resident."""
    reason = _field("reason")
    if not reason:
        return _refused(ticket, texts.ACTION_REASON_MISSING)
    sensitive = runtime().understanding.taxonomy.sensitive
    return _act(ticket, "reject", lambda db, user, appeal: rejecting.reject(db, user, appeal.ticket, reason,
                                                                             runtime().clock(), sensitive))


@blueprint.post("/appeals/<ticket>/withdraw")
@login_required
def withdraw(ticket: str) -> Response | tuple[str, int]:
    """撤销 on the resident's word (a call, a visit): closed as withdrawn, with how they asked."""
    note = _field("note")
    if not note:
        return _refused(ticket, texts.ACTION_WITHDRAW_NOTE_MISSING)
    sensitive = runtime().understanding.taxonomy.sensitive
    return _act(ticket, "withdraw", lambda db, user, appeal: rejecting.withdraw_for_resident(
        db, user, appeal.ticket, note, runtime().clock(), sensitive))


@blueprint.post("/appeals/<ticket>/merge")
@login_required
def merge(ticket: str) -> Response | tuple[str, int]:
    """合并 (a duplicate): handled as part of another appeal of the operator's scope; its resident follows that one."""
    into = _into()
    if not into:
        return _refused(ticket, texts.ACTION_INTO_MISSING)

    # Read before the transaction: the taxonomy in force may need a look at the database (a transaction of its own).
    sensitive = runtime().understanding.taxonomy.sensitive

    def act(db: Session, user: ConsoleUser, appeal: Appeal) -> object:
        if console_users.appeal_within(db, g.operator.scope, into) is None:  # elsewhere is as absent as missing
            raise NotFound(into)
        return joins.merge(db, user, appeal.ticket, into, sensitive, runtime().clock())
    return _act(ticket, "merge", act)


@blueprint.post("/appeals/<ticket>/split")
@login_required
def split(ticket: str) -> Response | tuple[str, int]:
    """拆分: a merged appeal is handled on its own again, dispatched anew."""
    sensitive = runtime().understanding.taxonomy.sensitive
    return _act(ticket, "split", lambda db, user, appeal: joins.split(db, user, appeal.ticket, runtime().clock(),
                                                                     sensitive))


@blueprint.post("/appeals/<ticket>/pause")
@login_required
def pause(ticket: str) -> Response | tuple[str, int]:
    """挂起: the completion clock stops (waiting for parts, a third party); the resident is told why."""
    reason = _field("reason")
    if not reason:
        return _refused(ticket, texts.ACTION_REASON_MISSING_PAUSE)
    return _act(ticket, "pause", lambda db, user, appeal: tasks.pause(db, user, appeal.ticket, reason,
                                                                       runtime().clock()))


@blueprint.post("/appeals/<ticket>/resume")
@login_required
def resume(ticket: str) -> Response | tuple[str, int]:
    """恢复: back to work, the deadline moved by the pause."""
    return _act(ticket, "resume", lambda db, user, appeal: tasks.resume(db, user, appeal.ticket, runtime().clock()))


@blueprint.post("/appeals/<ticket>/supervise")
@login_required
def supervise(ticket: str) -> Response | tuple[str, int]:
    """督办: whoever holds the appeal (its assignee, else who may claim it) is pressed, in the operator's words."""
    text = _field("text")
    if not text:
        return _refused(ticket, texts.ACTION_TEXT_MISSING)
    return _act(ticket, "supervise", lambda db, user, appeal: chasing.supervise(db, user, appeal.ticket, text,
                                                                                 runtime().clock()))


@blueprint.post("/appeals/<ticket>/note")
@login_required
def note(ticket: str) -> Response | tuple[str, int]:
    """内部备注: for staff and operators only; the resident never reads it."""
    text = _field("text")
    if not text:
        return _refused(ticket, texts.ACTION_TEXT_MISSING)
    return _act(ticket, "note", lambda db, user, appeal: tasks.note(db, user, appeal.ticket, text,
                                                                     runtime().clock()))


@blueprint.post("/appeals/<ticket>/message")
@login_required
def message(ticket: str) -> Response | tuple[str, int]:
    """给居民留言: a 进展 the resident reads, through the channels every status update takes (storage.telling)."""
    text = _field("text")
    if not text:
        return _refused(ticket, texts.ACTION_TEXT_MISSING)
    return _act(ticket, "message", lambda db, user, appeal: tasks.progress(db, user, appeal.ticket, text,
                                                                            runtime().clock()))


class _TooLong(Exception):
    """A field longer than the form's maxlength: a typed Chinese text can pass it while the input method composes."""

    def __init__(self, count: int) -> None:
        super().__init__(f"a field of {count} characters")
        self.count = count


def _field(name: str) -> str:
    """A form field, its spaces tidied; a value longer than the form allows is refused with the appeal unchanged."""
    value = " ".join(request.form.get(name, "").split())
    if len(value) > FIELD_LIMIT:
        raise _TooLong(len(value))
    return value


def _into() -> str:
    """The ticket a merge names, as it is written everywhere else (g2612060003 is G2612060003)."""
    typed = _field("into")
    return normalize_ticket(typed) or typed.upper()


@blueprint.errorhandler(_TooLong)
def _too_long(error: _TooLong) -> tuple[str, int]:
    """The appeal's page again with one line saying how long the text may be (only the actions raise it)."""
    ticket = (request.view_args or {}).get("ticket", "")
    try:
        page = render_appeal(ticket, refusal=texts.ACTION_TEXT_TOO_LONG.format(limit=FIELD_LIMIT, count=error.count))
    except HTTPNotFound as outside:  # an error handler's own abort is not handled again: answer as elsewhere
        return not_found(outside)
    return page, 400


def _act(ticket: str, action: str, act: Act) -> Response | tuple[str, int]:
    """Run `act` on the appeal in one transaction (nothing of it stays when it refuses), then back to the page."""
    try:
        with runtime().database.transaction() as db:
            appeal = in_scope_or_404(console_users.appeal_within(db, g.operator.scope, ticket))
            user = db.get_one(ConsoleUser, g.operator.id)
            act(db, user, appeal)
            shown = appeal.ticket
    except DomainError as refused:
        return _refused(ticket, _refusal(refused, ticket, _into()))
    if request.form.get("back") == "review":  # a one-click correction from the 待分类 list: on to the next one
        return redirect(url_for("console.appeals", queue="review", done=action, **_list_filters()))
    return redirect(url_for("console.appeal", ticket=shown, done=action))


def _list_filters() -> dict[str, str]:
    """The filters of the list a one-click correction came from (its form carries them as back_<name>), so that
    the operator goes on within the list they had narrowed (a community, a day), as a next page would."""
    return {name: value for name in appeal_filters.FIELDS if name != "queue"
            if (value := request.form.get(f"{LIST_FILTER_PREFIX}{name}", "").strip())}


def _refused(ticket: str, message: str) -> tuple[str, int]:
    return render_appeal(ticket, refusal=message), 409


def _refusal(refused: DomainError, ticket: str, target: str) -> str:
    """The operator's one line for a refusal of the lifecycle."""
    if isinstance(refused, Repeated) and request.endpoint == "console.supervise":
        return texts.ACTION_SUPERVISED_ALREADY.format(at=staff_texts.clock(refused.at, runtime().clock()))
    if isinstance(refused, Repeated) and request.endpoint == "console.note":
        return texts.ACTION_NOTED_ALREADY.format(at=staff_texts.clock(refused.at, runtime().clock()))
    if isinstance(refused, Repeated):
        return texts.ACTION_REPEATED.format(at=staff_texts.clock(refused.at, runtime().clock()))
    if isinstance(refused, IllegalTransition):
        return texts.ACTION_WRONG_STATE.format(status=staff_texts.status_name(refused.status))
    if isinstance(refused, NotAllowed) and refused.reason == "unknown_department":
        return texts.ACTION_UNKNOWN_DEPARTMENT
    if isinstance(refused, NotAllowed) and refused.reason in staff_texts.MERGE_REFUSED:
        return staff_texts.MERGE_REFUSED[refused.reason].format(ticket=ticket, target=target)
    if isinstance(refused, NotAllowed):
        return texts.ACTION_NOT_ALLOWED.get(refused.reason, texts.ACTION_REFUSED)
    if isinstance(refused, reassigning.AlreadyThere):
        return texts.ACTION_ALREADY_THERE[refused.member].format(to=refused.to)
    if isinstance(refused, reassigning.UnknownTarget):
        return texts.ACTION_UNKNOWN_TARGET.format(name=refused.name, grids="、".join(refused.grids[:8]))
    if isinstance(refused, reassigning.AmbiguousMember | UnclearPlace):
        return texts.ACTION_AMBIGUOUS_TARGET.format(name=refused.name, candidates="、".join(refused.candidates[:8]))
    if isinstance(refused, NotFound):
        return texts.ACTION_TARGET_NOT_FOUND.format(target=target)
    return texts.ACTION_REFUSED
