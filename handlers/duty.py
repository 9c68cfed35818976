"""请假 [到 日期] and 销假: a staff member sets their own duty (storage.duty). On leave, 派单 gives them no new
tasks; what they hold stays theirs."""

from __future__ import annotations

from datetime import timedelta

from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import duty, roster
from storage.models import TRANSFER_UNITS, StaffRole


def leave(conversation: Conversation, arguments: Arguments) -> Reply:
    """请假 到 12月31日 (through that day), or 请假 alone (until 销假)."""
    now = conversation.now
    try:
        last_day = duty.parse_day(arguments.words, duty.today(now)) if arguments.words else None
    except duty.UnclearYear as unclear:
        return Reply(texts.LEAVE_UNCLEAR_YEAR.format(
            passed=texts.full_day(unclear.passed), next=texts.full_day(unclear.next_one),
            typed=unclear.next_one.isoformat()))
    if arguments.words and last_day is None:
        return Reply(texts.LEAVE_BAD_DAY)
    member = conversation.staff
    try:
        duty.set_duty(member, False, last_day, now)
    except duty.PastDay as past:
        return Reply(texts.LEAVE_PAST_DAY.format(day=texts.month_day(past.day)))
    held = len(roster.open_tasks(conversation.session, member))
    roster.tell_leaders_of_leave(conversation.session, member, last_day, now)
    unit = member.role in TRANSFER_UNITS  # 派单 never reaches them: what leave means for them is said otherwise
    said = texts.LEAVE_TASKS_UNIT if unit else texts.LEAVE_TASKS_LEADER if member.role == StaffRole.GRID_LEADER \
        else texts.LEAVE_TASKS
    tasks = said.format(n=held) if held else ""
    if member.role == StaffRole.GRID_LEADER:  # the 督办 ladder passes them over meanwhile (storage.supervision)
        tasks = texts.LEAVE_LEADER_SUPERVISION + tasks
    operator = member.role == StaffRole.OPERATOR  # nor them: their leave stops only their daily summary
    if last_day is None:
        taken = texts.LEAVE_TAKEN_UNIT if unit else texts.LEAVE_TAKEN_OPERATOR if operator else texts.LEAVE_TAKEN
        return Reply(taken.format(tasks=tasks))
    today = duty.today(now)
    taken = texts.LEAVE_TAKEN_UNIT_UNTIL if unit else texts.LEAVE_TAKEN_OPERATOR_UNTIL if operator \
        else texts.LEAVE_TAKEN_UNTIL
    said = taken.format(day=texts.month_day(last_day, today),
                        back=texts.month_day(last_day + timedelta(days=1), today), tasks=tasks)
    if duty.starts_later(arguments.words, today):  # 请假 明天: meant perhaps as the day off, not as its end
        said += texts.LEAVE_STARTS_NOW.format(day=texts.month_day(last_day, today))
    return Reply(said)


def leave_later(conversation: Conversation) -> Reply | None:
    """我明天请假 and the like: leave cannot start on a later day; how to take it, nothing recorded. None for other
    words."""
    today = duty.today(conversation.now)
    day = duty.leave_said_for_later(conversation.inbound.text, today)
    if day is None:
        return None
    return Reply(texts.LEAVE_LATER.format(day=texts.month_day(day, today)))


def back(conversation: Conversation, _arguments: Arguments) -> Reply:
    """销假: on duty again at once."""
    member = conversation.staff
    was_on_duty = duty.duty_of(member, conversation.now).on_duty
    duty.set_duty(member, True, None, conversation.now)
    if member.role in TRANSFER_UNITS:  # no 派单 reaches them: not a promise of new tasks it never gives
        return Reply(texts.BACK_ALREADY_UNIT if was_on_duty else texts.BACK_UNIT)
    if member.role == StaffRole.OPERATOR:
        return Reply(texts.BACK_ALREADY_OPERATOR if was_on_duty else texts.BACK_OPERATOR)
    return Reply(texts.BACK_ALREADY if was_on_duty else texts.BACK)
