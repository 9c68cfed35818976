"""督办 <编号> <要求>: operators, and grid leaders within their grid, press whoever holds a stalled appeal."""

from __future__ import annotations

from handlers import staff
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import chasing, reassigning, tasks
from storage.errors import DomainError, IllegalTransition, NotAllowed, NotFound, Repeated


def supervise(conversation: Conversation, arguments: Arguments) -> Reply:
    """督办 <编号> <要求>."""
    ticket, words = arguments.ticket, arguments.words
    try:
        told = chasing.supervise(conversation.session, conversation.staff, ticket, words, conversation.now)
    except DomainError as refused:
        return Reply(_refusal(conversation, refused, ticket))
    done = texts.SUPERVISED.format(ticket=ticket, who="、".join(person.name for person in told))
    # The member 派单 or 改派 gave it to is on leave: pressing them is not enough, as the 改派 said.
    appeal = tasks.find(conversation.session, ticket)
    away = reassigning.waiting_on_leave(conversation.session, appeal, conversation.now)
    return Reply(done if away is None else done + "\n" + texts.reassigned_to_away(away))


def _refusal(conversation: Conversation, refused: DomainError, ticket: str) -> str:
    # An appeal the member may not read is 'not found', like a ticket that does not exist.
    if isinstance(refused, NotFound) or staff.hidden(conversation, ticket):
        return texts.TASK_NOT_FOUND.format(ticket=ticket)
    if isinstance(refused, Repeated):
        return texts.SUPERVISED_ALREADY.format(ticket=ticket, at=texts.clock(refused.at, conversation.now))
    if isinstance(refused, NotAllowed):
        return texts.SUPERVISE_REFUSED[refused.reason].format(ticket=ticket)
    assert isinstance(refused, IllegalTransition)
    status = texts.status_name(refused.status)
    return texts.WRONG_STATE.format(ticket=ticket, status=status, action=texts.ACTION_NAMES["supervise"])
