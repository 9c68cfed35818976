"""One appeal's page: its record and timeline, its photos and locations, the resident's other appeals, its
focus cases, the forms of what the operator may do to it (actions.py), the
classifier's suggestion while it waits in 待分类, and the line saying what was just done or why it was refused."""

from __future__ import annotations

from flask import g, render_template, request

from bot.web.console import texts
from bot.web.console.guard import in_scope_or_404, runtime, streets_apart
from handlers import review as review_words
from handlers import staff_texts
from handlers.task_list import clock_words
from storage import chasing, console_users, lookups, media_files, reassigning, tasks
from storage.appeal_record import record_of, running_due, surroundings
from storage.appeals import UNCLASSIFIED
from storage.models import OPEN_STATUSES, AppealStatus


def render_appeal(ticket: str, *, refusal: str | None = None, read: bool = False) -> str:
    """The page of the appeal within the operator's scope (404 elsewhere); `read`: audit the opening as the
    operator's read (控制台 <显示名>), as a page opened, not one shown again after an action."""
    now = runtime().clock()
    with runtime().database.transaction() as db:
        found = in_scope_or_404(console_users.appeal_within(db, g.operator.scope, ticket))
        if read:
            lookups.read_by(db, found, g.operator.actor, now)
        record = record_of(db, found)
        around = surroundings(db, found, g.operator.scope)
        material = media_files.material(db, found.id, now)  # photos behind signed links, as the chat gives them
        # Only the units serving its place, and not the one it already waits with (a 转办 there is refused)
        waits_with = found.department if found.status == AppealStatus.DISPATCHED else None
        departments = [name for name in tasks.departments(db, found.grid_id) if name != waits_with]
        done = texts.ACTION_DONE.get(request.args.get("done", ""))
        reassigned = request.args.get("done") == "reassign"
        # ...and so does a 督办 of it: pressing someone on leave is not enough
        away = reassigning.waiting_on_leave(db, found, now) if reassigned or request.args.get("done") == "supervise" \
            else None
        nobody = reassigned and reassigning.waiting_for_nobody(db, found)
        # 督办 of what nobody has claimed went to who may claim it (storage.chasing.holders_of): no holder got it
        unclaimed = request.args.get("done") == "supervise" and found.status == AppealStatus.DISPATCHED \
            and found.assignee_staff_id is None
        # …and of what its grid gave back (退回), to the community's operators, who must route it again
        operators = ("、".join(person.name for person in chasing.holders_of(db, found) if person.openid)
                     if request.args.get("done") == "supervise" and found.status == AppealStatus.RETURNED else None)
        untold = request.args.get("done") in texts.ACTION_STATUS_UNTOLD and tasks.latest_status_change_untold(db, found)
        moved_untold = request.args.get("done") in ("reassign", "transfer") \
            and tasks.latest_status_change_untold(db, found, tasks.MOVES)
        with_street = streets_apart(db)
        status = staff_texts.status_name(record.status)  # a lapsed one is not "居民已撤销"
    if done and away is not None:  # as the chat's 改派 says: it waits for someone on leave
        done = f"{done}{staff_texts.reassigned_to_away(away)}"
    if done and nobody:  # …or for a grid nobody active works in: no new holder got it
        done = texts.ACTION_DONE_TO_NOBODY_UNTOLD if moved_untold else texts.ACTION_DONE_TO_NOBODY
    if done and moved_untold:  # moved; the resident, told of too many moves in the hour, was not told of it
        done += texts.ACTION_MOVE_UNTOLD_NOTE
    if done and unclaimed:
        done = texts.ACTION_SUPERVISED_UNCLAIMED
    if done and operators is not None:
        done = texts.ACTION_SUPERVISED_RETURNED.format(names=operators)
    if done and untold:  # the change was made; the resident, told of too many in the hour, was not told of it
        done = texts.ACTION_STATUS_UNTOLD[request.args["done"]] + texts.ACTION_STATUS_UNTOLD_NOTE
    understanding = runtime().understanding
    appeal = record.appeal
    suggestion = review_words.guess(understanding, appeal.content) if appeal.category == UNCLASSIFIED else None
    due = running_due(record)
    return render_template(
        "console/appeal.html", record=record, status=status, refusal=refusal, done=done, with_street=with_street,
        categories=understanding.taxonomy.names, suggestion=suggestion, around=around, material=material, departments=departments,
        workable=appeal.status in OPEN_STATUSES, merged=appeal.status == AppealStatus.MERGED, due=due, now=now,
        clock=clock_words(appeal.status, due, now) if due else None)
