"""请假 [到 日期] and 销假: a staff member sets their own duty (storage.duty). On leave, 派单 gives them no new
tasks; what they hold stays theirs. Leave said for a later day (请假 明天, 我明天请假) starts on that day."""

from __future__ import annotations

from datetime import date, timedelta

from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import duty, roster
from storage.models import TRANSFER_UNITS, Staff, StaffRole


def leave(conversation: Conversation, arguments: Arguments) -> Reply:
    """请假 到 12月31日 (from now through that day), 请假 明天 or 请假 下周一到周三 (those days, on duty until the
    first), or 请假 alone (until 销假)."""
    if duty.calls_off_leave(arguments.words):  # 请假 取消: as 销假
        return back(conversation, arguments)
    today = duty.today(conversation.now)
    try:
        asked = duty.parse_leave(arguments.words, today) if arguments.words else duty.Leave(None, None)
    except duty.UnclearYear as unclear:
        return Reply(texts.LEAVE_UNCLEAR_YEAR.format(
            passed=texts.full_day(unclear.passed), next=texts.full_day(unclear.next_one),
            typed=unclear.next_one.isoformat()))
    except duty.PastDay as past:
        return Reply(texts.LEAVE_PAST_DAY.format(day=texts.month_day(past.day)))
    except duty.LeaveEndsFirst:
        return Reply(texts.LEAVE_ENDS_FIRST)
    if asked is None:
        return Reply(texts.LEAVE_BAD_DAY)
    return take_leave(conversation, asked)


def take_leave(conversation: Conversation, asked: duty.Leave) -> Reply:
    """Record the leave asked for, tell the grid's leaders, and say what it means for the member."""
    member, now = conversation.staff, conversation.now
    today = duty.today(now)
    try:
        asked = duty.joined(member, asked, now)
        duty.set_duty(member, False, asked.last, now, asked.first)
    except duty.PastDay as past:
        return Reply(texts.LEAVE_PAST_DAY.format(day=texts.month_day(past.day)))
    except duty.AwayUntilBefore as away:
        return Reply(texts.LEAVE_WHILE_AWAY.format(until=texts.month_day(away.until, today)))
    later = asked.first if asked.later(today) else None
    roster.tell_leaders_of_leave(conversation.session, member, asked.last, now, later)
    held = len(roster.open_tasks(conversation.session, member))
    if later is not None:
        return Reply(_arranged(member, asked.last, later, today, _tasks_said(member, held)))
    return Reply(_taken(member, asked.last, today, _tasks_said(member, held)))


def _tasks_said(member: Staff, held: int) -> str:
    unit = member.role in TRANSFER_UNITS
    said = texts.LEAVE_TASKS_UNIT if unit else texts.LEAVE_TASKS_LEADER if member.role == StaffRole.GRID_LEADER \
        else texts.LEAVE_TASKS
    tasks = said.format(n=held) if held else ""
    if member.role == StaffRole.GRID_LEADER:  # the 督办 ladder passes them over meanwhile (storage.supervision)
        tasks = texts.LEAVE_LEADER_SUPERVISION + tasks
    return tasks


def _taken(member: Staff, last_day: date | None, today: date, tasks: str) -> str:
    """Leave from now: what it means for the member's role."""
    unit = member.role in TRANSFER_UNITS  # 派单 never reaches them: what leave means for them is said otherwise
    operator = member.role == StaffRole.OPERATOR  # nor them: their leave stops only their daily summary
    if last_day is None:
        taken = texts.LEAVE_TAKEN_UNIT if unit else texts.LEAVE_TAKEN_OPERATOR if operator else texts.LEAVE_TAKEN
        return taken.format(tasks=tasks)
    taken = texts.LEAVE_TAKEN_UNIT_UNTIL if unit else texts.LEAVE_TAKEN_OPERATOR_UNTIL if operator \
        else texts.LEAVE_TAKEN_UNTIL
    return taken.format(day=texts.month_day(last_day, today),
                        back=texts.month_day(last_day + timedelta(days=1), today), tasks=tasks)


def _arranged(member: Staff, last_day: date | None, first: date, today: date, tasks: str) -> str:
    """Leave from a later day: on duty until then, and what the leave means for the member's role."""
    during = texts.LEAVE_DURING_UNIT if member.role in TRANSFER_UNITS else texts.LEAVE_DURING_OPERATOR \
        if member.role == StaffRole.OPERATOR else texts.LEAVE_DURING
    if last_day is None:
        return texts.LEAVE_ARRANGED_OPEN.format(first=texts.month_day(first, today), during=during, tasks=tasks)
    return texts.LEAVE_ARRANGED.format(first=texts.month_day(first, today), day=texts.month_day(last_day, today),
                                       back=texts.month_day(last_day + timedelta(days=1), today), during=during,
                                       tasks=tasks)


def leave_later(conversation: Conversation) -> Reply | None:
    """我明天请假, 下周一到周三请假 and the like: leave from that later day, as 请假 明天 records it; 请两天假 (明天请两天假)
    those days, as 请假两天. None for other words."""
    asked = duty.leave_said_for_later(conversation.inbound.text, duty.today(conversation.now))
    return take_leave(conversation, asked) if asked is not None else None


def back(conversation: Conversation, _arguments: Arguments) -> Reply:
    """销假: on duty again at once."""
    member = conversation.staff
    was = duty.duty_of(member, conversation.now)
    duty.set_duty(member, True, None, conversation.now)
    if was.starts is not None:  # leave arranged for a later day: cancelled before it began
        roster.tell_leaders_leave_cancelled(conversation.session, member, was.starts, conversation.now)
        return Reply(texts.BACK_BEFORE_LEAVE.format(first=texts.month_day(was.starts, duty.today(conversation.now))))
    was_on_duty = was.on_duty
    if member.role in TRANSFER_UNITS:  # no 派单 reaches them: not a promise of new tasks it never gives
        return Reply(texts.BACK_ALREADY_UNIT if was_on_duty else texts.BACK_UNIT)
    if member.role == StaffRole.OPERATOR:
        return Reply(texts.BACK_ALREADY_OPERATOR if was_on_duty else texts.BACK_OPERATOR)
    return Reply(texts.BACK_ALREADY if was_on_duty else texts.BACK)
