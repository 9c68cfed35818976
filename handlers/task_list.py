"""我的任务 for a member with one hand free: most urgent first, ten a page (更多 for the next), and positions;
超期 for a 网格长 or an operator: every overdue and unclaimed task of what they oversee, paged the same way.

The last list a member saw is remembered as their dialogue (every WeChat user's row holds one, see
handlers/dialogues.py): the tickets in the order shown, so 接 1 / 结 2 已修好 name the task that was shown at that
place, even when the list has changed since. It needs no table of its own.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from handlers import dialogues
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.joins import sensitive_categories
from handlers.types import REPLY_BYTES, Reply
from storage import org, queries
from storage.models import GRID_TEAM, AppealStatus, Staff, StaffRole
from storage.queries import Task
from storage.staff import may_read

DIALOG = "task_list"
OVERSEEN = "overseen"  # the remembered list is 超期's, not 我的任务 (the dialogue's "list"; absent: 我的任务)
PAGE = 10
# A member walks a compound for hours between two looks at the list; positions name tickets, so they stay right.
REMEMBERED = timedelta(hours=12)
SNIPPET = 16  # characters of the content on a task's line
# 我的任务 2, 超期 第2页: a page asked for by its number.
_PAGE_NUMBER = re.compile(r"第?\s*([1-9]\d{0,2})\s*页?")


def page_asked(words: str) -> int | None:
    """The page number written after 我的任务 or 超期 (2, 第2页), or None when the words are no page number."""
    found = _PAGE_NUMBER.fullmatch(words.strip())
    return int(found.group(1)) if found is not None else None


def my_tasks(conversation: Conversation, arguments: Arguments) -> Reply:
    """我的任务: the first page of the member's tasks, most urgent first (我的任务 2: the second)."""
    found = tasks(conversation)
    if not found:
        return Reply(texts.NO_TASKS_LEADER if conversation.staff.role == StaffRole.GRID_LEADER else texts.NO_TASKS)
    skipped = _skipped(arguments, found)
    if skipped is None:
        return Reply(_no_such_page(texts.MY_TASKS_VERB, found))
    header = texts.TASKS_MORE_HEADER if skipped else texts.TASKS_HEADER
    return Reply(_page(conversation, header, _tickets(found[:skipped]), found[skipped:]))


def more(conversation: Conversation, _arguments: Arguments) -> Reply:
    """更多: the next page of the last 我的任务 (or 超期), numbered on from where it stopped."""
    shown = _remembered(conversation)
    if shown is None:
        return Reply(texts.NO_LIST_YET)
    dialogue = dialogues.named(conversation, DIALOG)
    if dialogue is not None and "pick" in dialogue.data:  # a pick list (接, 挂起, 恢复, 退回 alone): its own tasks
        verb, words = dialogue.data["pick"]
        listed = set(dialogue.data.get("of", ()))
        rest = [task for task in tasks(conversation) if task.appeal.ticket in listed and task.appeal.ticket not in shown]
        if not rest:
            return Reply(texts.NO_MORE_PICKED.format(verb=verb))
        return Reply(_page(conversation, texts.PICK_MORE_HEADER, shown, rest, pick=(verb, words)))
    if dialogue is not None and dialogue.data.get("list") == OVERSEEN and oversees(conversation.staff):
        rest = [task for task in overseen(conversation) if task.appeal.ticket not in shown]
        if not rest:
            return Reply(texts.NO_MORE_OVERDUE)
        header = texts.OVERDUE_MORE_HEADER.format(area=_area(conversation.staff))
        return Reply(_page(conversation, header, shown, rest, OVERSEEN))
    rest = [task for task in tasks(conversation) if task.appeal.ticket not in shown]
    if not rest:
        return Reply(texts.NO_MORE_TASKS)
    return Reply(_page(conversation, texts.TASKS_MORE_HEADER, shown, rest))


def overdue(conversation: Conversation, arguments: Arguments) -> Reply:
    """超期 (超期 2: its second page): the first page of what is overdue or unclaimed in the 网格长's grid (the operator's community or
    street), with who holds each; a member without that role is told it is theirs to use."""
    member = conversation.staff
    if not oversees(member):
        return Reply(texts.OVERDUE_NOT_OVERSEER)
    found = overseen(conversation)
    if not found:
        return Reply(texts.NO_OVERDUE.format(area=_area(member)))
    skipped = _skipped(arguments, found)
    if skipped is None:
        return Reply(_no_such_page(texts.OVERDUE_VERB, found))
    header = texts.OVERDUE_MORE_HEADER if skipped else texts.OVERDUE_HEADER
    return Reply(_page(conversation, header.format(area=_area(member)), _tickets(found[:skipped]), found[skipped:],
                       OVERSEEN))


def _skipped(arguments: Arguments, found: list[Task]) -> int | None:
    """How many tasks the pages before the one asked for hold (0 for the first), or None past the last page."""
    page = page_asked(arguments.words) or 1
    skipped = (page - 1) * PAGE
    return skipped if skipped < len(found) else None


def _no_such_page(verb: str, found: list[Task]) -> str:
    return texts.NO_SUCH_PAGE.format(verb=verb, pages=math.ceil(len(found) / PAGE))


def _tickets(found: list[Task]) -> list[str]:
    return [task.appeal.ticket for task in found]


def overseen(conversation: Conversation) -> list[Task]:
    """超期 as it lists them: the overdue (most late first), then the unclaimed not yet late (soonest due first),
    as the console's lists read them (storage.queries' `overdue`, `unclaimed`) within the member's oversight; a
    complaint about the member (or a sensitive appeal they may not read) is left out, as from their 简报."""
    session, now, member = conversation.session, conversation.now, conversation.staff
    sensitive = sensitive_categories(conversation)
    scope = queries.Scope.overseen_by(member)
    late = sorted(queries.overdue(session, now, scope), key=lambda item: (item.due, item.appeal.id))
    seen = {item.appeal.id for item in late}
    waiting = sorted((item for item in queries.unclaimed(session, scope) if item.appeal.id not in seen),
                     key=lambda item: (item.due is None, item.due.timestamp() if item.due else 0.0, item.appeal.id))
    found = [*(Task(item.appeal, item.due) for item in late), *(Task(item.appeal, item.due) for item in waiting)]
    return [task for task in found if may_read(session, member, task.appeal, sensitive)]


def oversees(member: Staff) -> bool:
    """Whether the member looks over others' tasks (超期, 督办): a 网格长 or an operator."""
    return member.role in (StaffRole.GRID_LEADER, StaffRole.OPERATOR)


def _area(member: Staff) -> str:
    scope = queries.Scope.overseen_by(member)
    if scope.grid_id is not None:
        return texts.OVERDUE_AREA_GRID
    return texts.OVERDUE_AREA_COMMUNITY if scope.community_id is not None else texts.OVERDUE_AREA_STREET


def choose(conversation: Conversation, header: str, found: list[Task], verb: str, words: str = "") -> str:
    """A list to pick from (two tasks in progress, which one?): shown and remembered like 我的任务, ending with the
    line its `verb` takes (挂起 1 原因), not 我的任务's 接 1、结 1 说明."""
    return _page(conversation, header, [], found, pick=(verb, words))


def tasks(conversation: Conversation) -> list[Task]:
    """The member's tasks as 我的任务 lists them; a sensitive one waiting in the grid for whom may read it, and for
    whom its card invited to claim it (its words and place withheld, as on the card: `_line`)."""
    member, session = conversation.staff, conversation.session
    sensitive = sensitive_categories(conversation)
    found = queries.tasks_of(session, member, conversation.now)
    readable = [may_read(session, member, task.appeal, sensitive) for task in found]
    waiting = [task.appeal.id for task, read in zip(found, readable, strict=True)
               if not read and task.appeal.status == AppealStatus.DISPATCHED and task.appeal.category in sensitive]
    invited = queries.carded(session, member, waiting)
    return [task for task, read in zip(found, readable, strict=True) if read or task.appeal.id in invited]


def to_claim(conversation: Conversation) -> Reply | None:
    """接单 said alone: the member's tasks waiting to be claimed, to take one by position (接 1), or that none
    waits; None for an operator, whose list is work to route, not to claim."""
    if conversation.staff.role == StaffRole.OPERATOR:
        return None
    waiting = [task for task in tasks(conversation) if task.appeal.status == AppealStatus.DISPATCHED]
    if not waiting:
        return Reply(texts.NOTHING_TO_CLAIM)
    return Reply(choose(conversation, texts.WHICH_TO_CLAIM.format(count=len(waiting)), waiting, "接"))


def one_in_progress(conversation: Conversation, verb: str, words: str = "说明", pausing: bool = False) -> str | Reply:
    """The ticket of the member's one task in progress, for a 进展, 办结 or 挂起 said without a number (`words`:
    what the command's usage calls what follows); none or two and more: the reply saying so (which one?)."""
    working = [task for task in tasks(conversation) if task.appeal.status == AppealStatus.ACCEPTED
               and task.appeal.assignee_staff_id == conversation.staff.id]
    if pausing:  # an emergency is never paused (storage.tasks.pause): not offered, nor taken as the one
        urgent = [task for task in working if task.appeal.emergency is not None]
        working = [task for task in working if task.appeal.emergency is None]
        if urgent and not working:
            return Reply(texts.ONLY_EMERGENCIES_IN_PROGRESS)
    if len(working) == 1:
        return working[0].appeal.ticket
    if not working:
        return Reply(texts.NOTHING_IN_PROGRESS.format(verb=verb, words=words))
    return Reply(choose(conversation, texts.WHICH_IN_PROGRESS.format(count=len(working), verb=verb, words=words),
                        working, verb, words))


def one_to_give_back(conversation: Conversation) -> str | Reply:
    """退回 said alone: the ticket of the one task the member may give back (waiting for a claim, or in her hands),
    or the list to pick from by place, or that there is none."""
    member = conversation.staff  # a department hands back only what it has claimed (storage.tasks.give_back)
    held = [task for task in tasks(conversation)
            if (task.appeal.status == AppealStatus.DISPATCHED and member.role in GRID_TEAM)
            or (task.appeal.status == AppealStatus.ACCEPTED and task.appeal.assignee_staff_id == member.id)]
    if len(held) == 1:
        return held[0].appeal.ticket
    if not held:
        return Reply(texts.NOTHING_TO_GIVE_BACK)
    return Reply(choose(conversation, texts.WHICH_TO_GIVE_BACK.format(count=len(held)), held, "退回", "原因"))


def to_resume(conversation: Conversation) -> Reply:
    """恢复 said alone: the member's paused tasks, to resume one by its place (恢复 1), or that none is paused."""
    paused = [task for task in tasks(conversation) if task.appeal.status == AppealStatus.PAUSED
              and task.appeal.assignee_staff_id == conversation.staff.id]
    if not paused:
        return Reply(texts.NOTHING_TO_RESUME)
    return Reply(choose(conversation, texts.WHICH_TO_RESUME.format(count=len(paused)), paused, "恢复"))


def tickets_ending(conversation: Conversation, digits: str) -> list[str]:
    """The tickets of the member's tasks that end in `digits` (the last four, as people read a number out)."""
    return [task.appeal.ticket for task in tasks(conversation) if task.appeal.ticket.endswith(digits)]


def ticket_at(conversation: Conversation, position: int) -> str | None:
    """The ticket shown at `position` in the member's last list; None when there is no such place."""
    shown = _remembered(conversation)
    if shown is None or not 1 <= position <= len(shown):
        return None
    return shown[position - 1]


def _page(conversation: Conversation, header: str, shown: list[str], rest: list[Task], kind: str | None = None,
          pick: tuple[str, str] | None = None) -> str:
    first = len(shown) + 1
    holders = _holders(conversation, rest[:PAGE]) if kind == OVERSEEN else {}
    lines = [_line(conversation, number, task, holders.get(task.appeal.id))
             for number, task in enumerate(rest[:PAGE], start=first)]
    # Ten lines of long places (a compound named in 30 characters, an emergency's tag) can outgrow one passive
    # reply, of which WeChat then shows nothing: fewer lines, and 更多 shows the rest.
    while True:
        footer = _footer(conversation, first, rest[:len(lines)], len(rest) - len(lines), kind, pick)
        text = "\n".join([header, *lines, footer])
        if len(text.encode("utf-8")) <= REPLY_BYTES or len(lines) == 1:
            break
        lines.pop()
    tickets = [*shown, *(task.appeal.ticket for task in rest[:len(lines)])]
    # A pick list remembers what it picks from and its verb: 更多 goes on with them, not with 我的任务.
    picked = {"pick": list(pick), "of": [*shown, *(task.appeal.ticket for task in rest)]} if pick else {}
    dialogues.begin(conversation, DIALOG, {"tickets": tickets, **({"list": kind} if kind else {}), **picked},
                    REMEMBERED)
    return text


def _footer(conversation: Conversation, first: int, page: list[Task], left: int, kind: str | None = None,
            pick: tuple[str, str] | None = None) -> str:
    operator = conversation.staff.role == StaffRole.OPERATOR
    if pick is not None:
        verb, words = pick
        usage = texts.PICK_USAGE.format(verb=verb, first=first, words=f" {words}" if words else "")
        return texts.TASKS_LEFT.format(count=left) + usage if left > 0 else usage
    if kind == OVERSEEN:
        usage = texts.OVERDUE_USAGE.format(first=first)
        return texts.TASKS_LEFT.format(count=left) + usage if left > 0 else usage
    usage = (texts.TASKS_USAGE_OPERATOR if operator else texts.TASKS_USAGE).format(first=first)
    urgent = [number for number, task in enumerate(page, start=first)
              if task.appeal.emergency is not None and task.appeal.status == AppealStatus.DISPATCHED]
    if operator and urgent:  # nobody has the emergency yet: its card and 督办 ask the operator to take it
        usage += texts.TASKS_USAGE_OPERATOR_URGENT.format(position=urgent[0])
    return texts.TASKS_LEFT.format(count=left) + usage if left > 0 else usage


def _holders(conversation: Conversation, page: list[Task]) -> dict[int, str]:
    """Who holds each task of a 超期 page: its assignee by name, else who it waits for."""
    holders = {}
    for task in page:
        appeal = task.appeal
        assignee = (conversation.session.get(Staff, appeal.assignee_staff_id)
                    if appeal.assignee_staff_id is not None else None)
        if assignee is not None:
            holders[appeal.id] = assignee.name
        elif appeal.status == AppealStatus.RETURNED:
            holders[appeal.id] = texts.HOLDER_RETURNED
        elif appeal.department:
            holders[appeal.id] = texts.HOLDER_DEPARTMENT.format(department=appeal.department)
        else:
            holders[appeal.id] = texts.HOLDER_NOBODY
    return holders


def _line(conversation: Conversation, position: int, task: Task, holder: str | None = None) -> str:
    appeal = task.appeal
    content = appeal.listed_words.replace("\n", " ")
    snippet = content if len(content) <= SNIPPET else content[:SNIPPET] + "…"
    place = (org.address(conversation.session, appeal.grid_id, appeal.building_id, appeal.unit_id).home_label
             if appeal.grid_id is not None else "")
    if not may_read(conversation.session, conversation.staff, appeal, sensitive_categories(conversation)):
        snippet, place = texts.TASK_WITHHELD, ""  # a sensitive card's task: what its card withholds, until claimed
    urgent = texts.TASK_URGENT.format(emergency=appeal.emergency) if appeal.emergency else ""
    line = texts.TASK_LINE if holder is None else texts.OVERDUE_LINE
    return line.format(position=position, urgent=urgent, ticket=appeal.ticket, category=appeal.category, holder=holder,
                                  status=texts.STATUS_NAMES.get(appeal.status, appeal.status),
                                  clock=clock_words(appeal.status, task.due, conversation.now),
                                  snippet=snippet, home=f"（{place}）" if place else "")


def clock_words(status: str, due: datetime | None, now: datetime) -> str:
    """接单剩3小时 / 办结已超时2天 (暂停计时 without a deadline), as 我的任务 and the console's appeal page say it."""
    if due is None:
        return texts.CLOCK_STOPPED
    step = texts.CLOCK_STEPS[texts.CLOCK_STEP_OF.get(status, "resolve")]
    if due <= now:
        return texts.CLOCK_LATE.format(step=step, span=_span(now - due))
    return texts.CLOCK_LEFT.format(step=step, span=_span_left(due - now))


def _span_left(length: timedelta) -> str:
    """The time left to the minute, begun minutes counted (1小时59分钟, 2天16小时): a whole unit alone (接单剩1小时 for
    1:59 left) told a member, right after the resident's 2小时内响应, half of what they had."""
    minutes = max(1, math.ceil(length.total_seconds() / 60))
    if minutes < 60:
        return texts.SPAN_MINUTES.format(count=minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return texts.SPAN_HOURS.format(count=hours) + (texts.SPAN_MINUTES.format(count=rest) if rest else "")
    days, hours = divmod(hours, 24)
    return texts.SPAN_DAYS.format(count=days) + (texts.SPAN_HOURS.format(count=hours) if hours else "")


def _span(length: timedelta) -> str:
    minutes = max(1, int(length.total_seconds() // 60))
    if minutes < 60:
        return texts.SPAN_MINUTES.format(count=minutes)
    if minutes < 48 * 60:
        return texts.SPAN_HOURS.format(count=minutes // 60)
    return texts.SPAN_DAYS.format(count=minutes // (24 * 60))


def _remembered(conversation: Conversation) -> list[str] | None:
    dialogue = dialogues.named(conversation, DIALOG)
    return list(dialogue.data["tickets"]) if dialogue is not None else None
