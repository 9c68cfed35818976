"""The console's notices: the latest within the operator's part, one notice's page with its live progress
(static/notices.js polls progress.json) and its recipients a page at a time (masked), and cancelling. Composing
and sending are in notice_compose.py. A notice outside the operator's part is 404 on every route."""

from __future__ import annotations

import logging

from flask import abort, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.web.console import texts
from bot.web.console.guard import blueprint, in_scope_or_404, login_required, page_after, passive, runtime
from bot.web.console.helpers import local
from handlers import notice_texts
from handlers.staff_texts import ROLE_TITLES
from storage import notice_overview, notice_records
from storage.errors import NotAllowed
from storage.models import Broadcast, NoticeState, RecipientStatus
from storage.notice_records import Progress

RECIPIENTS_PAGE = 50
log = logging.getLogger(__name__)
NOTICES_PAGE = 50


@blueprint.get("/notices")
@login_required
def notices() -> str:
    """The notices within the operator's part, newest first, a page at a time, each with its state and progress."""
    with runtime().database.transaction() as db:
        found, following = notice_overview.page_within(db, g.operator.scope, page_after(), NOTICES_PAGE)
    return render_template("console/notices.html", found=found, following=following, names=notice_texts)


@blueprint.get("/notices/<number>")
@login_required
def notice(number: str) -> str:
    """One notice: its text, a progress bar kept live by notices.js, its recipients, and cancel while any wait."""
    after = page_after()
    status = request.args.get("status") or None
    if status is not None and status not in set(RecipientStatus):
        abort(404)
    with runtime().database.transaction() as db:
        found = _notice(db, number)
        shown = notice_records.progress(db, found)
        lines = notice_overview.recipients(db, found, after, RECIPIENTS_PAGE + 1, status)
    following = lines[RECIPIENTS_PAGE - 1].id if len(lines) > RECIPIENTS_PAGE else None
    return render_template(
        "console/notice.html", shown=shown, lines=lines[:RECIPIENTS_PAGE], following=following, status=status,
        cancellable=_cancellable(shown), names=notice_texts, roles=ROLE_TITLES, statuses=list(RecipientStatus),
        canceller=_canceller(shown), done=_done(shown, request.args.get("done", "")))


def _done(shown: Progress, done: str) -> str:
    """The line after a send or a cancel: a cancel says how many will not get it and how many had it already."""
    line = texts.NOTICE_STORED.get(done, "").format(count=request.args.get("count", type=int) or 0,
                                                    at=local(shown.cancelled_at), by=_by(_canceller(shown)))
    if done in ("cancelled", "cancelled_before") and shown.sent:
        line += texts.NOTICE_CANCELLED_SENT.format(sent=shown.sent)
    return line


def _by(name: str) -> str:
    return f"（{name}）" if name else ""


def _canceller(shown: Progress) -> str:
    """Who cancelled it, as the page names its author (nobody kept: before migration 0055)."""
    if shown.cancelled_by_login:
        return texts.NOTICE_FROM_CLI_LOGIN.format(login=shown.cancelled_by_login)
    return shown.cancelled_by


@blueprint.get("/notices/<number>/progress.json")
@login_required
@passive
def notice_progress(number: str) -> Response:
    """The notice's counts for the progress bar; `done` once every recipient is settled."""
    with runtime().database.transaction() as db:
        shown = notice_records.progress(db, _notice(db, number))
    return jsonify(progress_json(shown))


@blueprint.post("/notices/<number>/cancel")
@login_required
def notice_cancel(number: str) -> Response | tuple[str, int]:
    """Stop what has not been handed to WeChat yet (notice_records.cancel, as `gridbot notice cancel`), in this
    operator's name; a second click finds the first cancel and says so."""
    with runtime().database.transaction() as db:
        found = _notice(db, number)
        shown_number, state = found.number, found.state
        try:
            waiting = _cancellable(notice_records.progress(db, found))
            count = notice_records.cancel(db, found, runtime().clock(),
                                          notice_records.Canceller(console_user_id=g.operator.id)) if waiting else None
        except NotAllowed:  # finished or cancelled meanwhile
            count = None
    if state == NoticeState.CANCELLED:
        return redirect(url_for("console.notice", number=shown_number, done="cancelled_before"))
    if count is None:
        wording = texts.NOTICE_SENT_NOT_CANCELLABLE if state == NoticeState.DONE else texts.NOTICE_NOT_CANCELLABLE
        message = wording.format(state=notice_texts.STATE_NAMES.get(state, state))
        return render_template("console/refused.html", title=texts.NOTICE_TITLE.format(number=shown_number),
                               message=message), 409
    log.info("console %s cancelled notice %s: %d recipients stopped", g.operator.username, shown_number, count)
    return redirect(url_for("console.notice", number=shown_number, done="cancelled", count=count))


def _notice(db: Session, number: str) -> Broadcast:
    return in_scope_or_404(notice_overview.find_within(db, g.operator.scope, number))


def _cancellable(shown: Progress) -> bool:
    return shown.pending > 0 and shown.state in (NoticeState.SCHEDULED, NoticeState.SENDING)


def progress_json(shown: Progress) -> dict[str, object]:
    """What notices.js reads: the counts, the percentage, the state's name, and whether anything is left."""
    return {"number": shown.number, "state": shown.state,
            "state_name": notice_texts.STATE_NAMES.get(shown.state, shown.state), "recipients": shown.recipients,
            "sent": shown.sent, "filtered": shown.filtered, "failed": shown.failed, "skipped": shown.skipped,
            "pending": shown.pending, "percent": shown.percent, "done": shown.pending == 0,
            "cancellable": _cancellable(shown)}
