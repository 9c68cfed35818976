"""合并 and 拆分 for operators and grid leaders: two appeals about one problem are handled as one, or not."""

from __future__ import annotations

from handlers import joins as resident_joins
from handlers import staff
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import joins, tasks
from storage.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from storage.tickets import normalize_ticket


def merge(conversation: Conversation, arguments: Arguments) -> Reply:
    """合并 <编号> <目标编号>: the first into the second."""
    ticket = arguments.ticket
    target = normalize_ticket(arguments.words)
    if target is None:
        return Reply(texts.MERGE_USAGE)
    try:
        joins.merge(conversation.session, conversation.staff, ticket, target,
                    resident_joins.sensitive_categories(conversation), conversation.now)
    except DomainError as refused:
        return Reply(_refusal(conversation, refused, ticket, target, texts.MERGE_WRONG_STATE))
    return Reply(texts.MERGED.format(ticket=ticket, target=target))


def split(conversation: Conversation, arguments: Arguments) -> Reply:
    """拆分 <编号>: a merged appeal is handled on its own again."""
    ticket = arguments.ticket
    session = conversation.session
    try:
        appeal = tasks.find(session, ticket)
        target = joins.merged_into(session, appeal)
        joins.split(session, conversation.staff, ticket, conversation.now,
                    resident_joins.sensitive_categories(conversation))
    except DomainError as refused:
        return Reply(_refusal(conversation, refused, ticket, "", texts.SPLIT_NOT_MERGED))
    assert target is not None, "split() refuses an appeal that is not merged"
    return Reply(texts.SPLIT.format(ticket=ticket, target=target.ticket))


def _refusal(conversation: Conversation, refused: DomainError, ticket: str, target: str, wrong_state: str) -> str:
    if isinstance(refused, NotFound):
        missing = target if str(refused) == target else ticket
        return texts.TASK_NOT_FOUND.format(ticket=missing)
    # Neither appeal may be told of (its grid, state or category) to someone who may not read it.
    unreadable = next((number for number in (ticket, target) if number and staff.hidden(conversation, number)), None)
    if unreadable is not None:
        return texts.TASK_NOT_FOUND.format(ticket=unreadable)
    if isinstance(refused, NotAllowed):
        return texts.MERGE_REFUSED[refused.reason].format(ticket=ticket, target=target)
    assert isinstance(refused, IllegalTransition)
    status = texts.status_name(refused.status)
    return wrong_state.format(ticket=ticket, status=status)
