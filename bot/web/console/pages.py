"""The console's pages: the home page with the operator's queues, a list of appeals in scope, one appeal, and
(管理员) the login record. Each view reads through the operator's scope and makes one storage call."""

from __future__ import annotations

from flask import g, render_template, request

from bot.web.console import texts
from bot.web.console.guard import admin_only, blueprint, in_scope_or_404, login_required, runtime
from storage import console_users, lookups, queries
from storage.appeal_record import record_of
from storage.models import Community, Street
from storage.queries import AppealFilter

PAGE_SIZE = 50
QUEUES: dict[str, AppealFilter] = {
    "open": AppealFilter(),
    "review": AppealFilter(unclassified=True),
    "unclaimed": AppealFilter(unclaimed=True),
    "overdue": AppealFilter(overdue=True),
    "reopened": AppealFilter(reopened=True),
    "focus": AppealFilter(in_focus_case=True),
}


@blueprint.get("/")
@login_required
def home() -> str:
    """The operator's queues, each a count linking to its list."""
    with runtime().database.transaction() as db:
        counts = queries.queue_counts(db, runtime().clock(), g.operator.scope)
        where = _scope_label(db)
    return render_template("console/home.html", counts=counts, where=where)


def _scope_label(db: object) -> str:
    scope = g.operator.scope
    if scope.community_id is not None:
        community = db.get(Community, scope.community_id)  # type: ignore[attr-defined]
        return community.name if community else ""
    if scope.street_id is not None:
        street = db.get(Street, scope.street_id)  # type: ignore[attr-defined]
        return street.name if street else ""
    return texts.EVERYWHERE


@blueprint.get("/appeals")
@login_required
def appeals() -> str:
    """A queue's appeals within the operator's scope, oldest first, a page at a time."""
    queue = request.args.get("queue", "open")
    wanted = QUEUES.get(queue) or QUEUES["open"]
    after = request.args.get("after", type=int)
    now = runtime().clock()
    with runtime().database.transaction() as db:
        found = queries.appeals(db, now, g.operator.scope, wanted, limit=PAGE_SIZE + 1, after_id=after)
    shown = found[:PAGE_SIZE]
    following = shown[-1].appeal.id if len(found) > PAGE_SIZE else None
    return render_template("console/appeals.html", queue=queue if queue in QUEUES else "open", found=shown,
                           following=following, now=now)


@blueprint.get("/appeals/<ticket>")
@login_required
def appeal(ticket: str) -> str:
    """One appeal with its record; opening it is audited as the operator's read (控制台 <显示名>)."""
    now = runtime().clock()
    with runtime().database.transaction() as db:
        found = in_scope_or_404(console_users.appeal_within(db, g.operator.scope, ticket))
        lookups.read_by(db, found, g.operator.actor, now)
        record = record_of(db, found)
    return render_template("console/appeal.html", record=record)


@blueprint.get("/logins")
@admin_only
def logins() -> str:
    """The latest attempts to log in (管理员 only)."""
    with runtime().database.transaction() as db:
        found = console_users.logins(db)
    return render_template("console/logins.html", found=found)
