"""The console's pages: the home page with the operator's queues, a list of appeals in scope, one appeal, and
(管理员) the login record. Each view reads through the operator's scope and makes one storage call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn

from flask import Response, abort, g, render_template, request, stream_with_context

from bot.sheets import appeals_csv
from bot.web.console import appeal_filters, texts
from bot.web.console.appeal_page import render_appeal
from bot.web.console.guard import admin_only, blueprint, login_required, page_after, runtime, streets_apart
from bot.web.console.helpers import attachment, place_label, scope_label
from handlers import review as review_words
from handlers.task_list import clock_words
from storage import console_users, queries
from storage.appeals import LAPSED_STATUS, UNCLASSIFIED, Channel

PAGE_SIZE = 50
EXPORT_PAGE = 1000  # appeals read per query while a CSV streams: memory stays flat on a year's list


@blueprint.get("/")
@login_required
def home() -> str:
    """The operator's queues, each a count linking to its list."""
    with runtime().database.transaction() as db:
        counts = queries.queue_counts(db, runtime().clock(), g.operator.scope)
        where = scope_label(db)
    return render_template("console/home.html", counts=counts, where=where)


@blueprint.get("/appeals")
@login_required
def appeals() -> str:
    """A queue's appeals within the operator's scope, narrowed by the filters, oldest first, a page at a time
    (keyset: `after` is the last id of the previous page)."""
    after = page_after()
    now = runtime().clock()
    with runtime().database.transaction() as db:
        wanted = appeal_filters.read(db, request.args, g.operator.scope, now)
        found = [] if wanted.refusal else queries.appeals(db, now, g.operator.scope, wanted.filter,
                                                           limit=PAGE_SIZE + 1, after_id=after)
        with_street = streets_apart(db)
    shown = found[:PAGE_SIZE]
    following = shown[-1].appeal.id if len(found) > PAGE_SIZE else None
    # 待分类 is worked from the list: each line offers the classifier's category as one click.
    suggestions = {listed.appeal.id: review_words.guess(runtime().understanding, listed.appeal.content)
                   for listed in shown if listed.appeal.category == UNCLASSIFIED} if wanted.queue == "review" else {}
    return render_template("console/appeals.html", queue=wanted.queue, heading=_list_heading(wanted),
                           wanted=wanted, found=shown, following=following, now=now, statuses=appeal_filters.STATUSES, channels=list(Channel),
                           categories=(*runtime().understanding.taxonomy.names, UNCLASSIFIED),
                           suggestions=suggestions, clock_words=clock_words, with_street=with_street,
                           by_filing={name: value for name, value in wanted.arguments.items() if name != "counted"},
                           done=texts.ACTION_DONE.get(request.args.get("done", "")))


def _list_heading(wanted: appeal_filters.Wanted) -> str:
    """The list's name: its queue's, except that a status chosen in the filters replaces the open queue's 全部未办结
    (a list of 已办结 appeals is not called unfinished)."""
    status, counted = wanted.arguments.get("status"), wanted.arguments.get("counted")
    if counted in texts.COUNTED_NAMES and not wanted.refusal:
        return texts.COUNTED_HEADING.format(name=texts.COUNTED_NAMES[counted])
    if wanted.queue == "open" and not status and _resolved_days(wanted.arguments):
        return texts.RESOLVED_LIST
    if wanted.queue != "open" or not status:
        return texts.QUEUE_NAMES[wanted.queue]
    if status == appeal_filters.ALL_STATUSES:
        return texts.FILTER_ALL_STATUSES
    if status == LAPSED_STATUS:
        return texts.status_name(status)
    return texts.STATUS_NAMES.get(status, texts.QUEUE_NAMES[wanted.queue])


@blueprint.get("/appeals.csv")
@login_required
def appeals_export() -> Response | tuple[str, int]:
    """The filtered list (every page of it) as CSV for Excel, streamed a page at a time."""
    now = runtime().clock()
    with runtime().database.transaction() as db:
        wanted = appeal_filters.read(db, request.args, g.operator.scope, now)
        within = wanted.filter.within
        place = _file_safe(place_label(db, within) if within is not None else scope_label(db))
    if wanted.refusal:
        return render_template("console/refused.html", title=texts.APPEALS_TITLE, message=wanted.refusal), 400
    scope = g.operator.scope

    def pages() -> Iterator[str]:
        yield appeals_csv.header()
        after = None
        while True:
            with runtime().database.transaction() as db:
                found = queries.appeals(db, now, scope, wanted.filter, limit=EXPORT_PAGE, after_id=after)
                rows = appeals_csv.rows(found, now)
            if not found:
                return
            yield rows
            if len(found) < EXPORT_PAGE:
                return
            after = found[-1].appeal.id

    day = now.astimezone(appeal_filters.LOCAL_ZONE).strftime("%Y%m%d")
    disposition = attachment(texts.EXPORT_FILENAME.format(place=place, parts="-".join(_export_parts(wanted)), day=day),
                             texts.EXPORT_ASCII_FILENAME.format(parts="-".join(_export_ascii_parts(wanted)), day=day))
    return Response(stream_with_context(pages()), mimetype="text/csv", headers={"Content-Disposition": disposition})


def _export_parts(wanted: appeal_filters.Wanted) -> list[str]:
    """What the exported list holds, as its file name says it: the list, the category and the days filtered."""
    arguments = wanted.arguments
    resolved = _resolved_days(arguments)
    parts = (_list_heading(wanted), arguments.get("category"), _days(arguments.get("from"), arguments.get("to")),
             texts.EXPORT_RESOLVED.format(days=resolved) if resolved else None)
    return [_file_safe(part) for part in parts if part]


def _resolved_days(arguments: dict[str, str]) -> str | None:
    return _days(arguments.get("resolved_from"), arguments.get("resolved_to"))


def _days(first: str | None, last: str | None) -> str | None:
    """2026-11-01至2026-11-30, 2026-11-01起, 至2026-11-30, or None: a range of days as a file name says it."""
    return (texts.EXPORT_BETWEEN.format(first=first, last=last) if first and last
            else texts.EXPORT_SINCE.format(first=first) if first else texts.EXPORT_UNTIL.format(last=last) if last
            else None)


def _export_ascii_parts(wanted: appeal_filters.Wanted) -> list[str]:
    """The same in ASCII: the queue or the status filtered, and the days."""
    arguments = wanted.arguments
    every = wanted.queue == "open" and _resolved_days(arguments)  # resolved in those days: of any status now
    status = arguments.get("status") or arguments.get("counted") or (appeal_filters.ALL_STATUSES if every
                                                                     else wanted.queue)
    parts = [status, arguments.get("from", "").replace("-", ""), arguments.get("to", "").replace("-", "")]
    if _resolved_days(arguments):
        parts += ["resolved", arguments.get("resolved_from", "").replace("-", ""),
                  arguments.get("resolved_to", "").replace("-", "")]
    return [part for part in (_file_safe(part.encode("ascii", "replace").decode()) for part in parts) if part]


_NOT_IN_FILE_NAMES = str.maketrans({character: "_" for character in '\\/:*?"<>|'})


def _file_safe(name: str) -> str:
    """A name fit for a file on Windows and Excel: none of \\ / : * ? " < > |."""
    return name.translate(_NOT_IN_FILE_NAMES)


@blueprint.get("/appeals/<ticket>")
@login_required
def appeal(ticket: str) -> str:
    """One appeal with its record and actions; opening it is audited as the operator's read (控制台 <显示名>)."""
    return render_appeal(ticket, read=True)


@blueprint.get("/logins")
@admin_only
def logins() -> str:
    """The latest attempts to log in (管理员 only)."""
    with runtime().database.transaction() as db:
        found = console_users.logins(db)
    return render_template("console/logins.html", found=found)


@blueprint.get("/<path:unknown>")
@login_required
def unknown_page(unknown: str) -> NoReturn:
    """An address the console does not have (typed, or cut short when copied into WeChat): the console's own page
    in Chinese, not Flask's English "Not Found", which a URL no route matches would get (the blueprint's 404 page
    only answers requests that reached one of its routes). Every real route is more specific, so it wins."""
    abort(404)
