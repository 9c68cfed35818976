"""不受理 <编号> <原因>: operators, and the grid leader, close a message that is no appeal (a 谢谢, small talk)."""

from __future__ import annotations

from handlers import staff
from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.joins import sensitive_categories
from handlers.types import Reply
from storage import rejecting
from storage.errors import DomainError, IllegalTransition, NotAllowed


def reject(conversation: Conversation, arguments: Arguments) -> Reply:
    """不受理 <编号> <原因>."""
    ticket, reason = arguments.ticket, arguments.words
    try:
        rejecting.reject(conversation.session, conversation.staff, ticket, reason, conversation.now,
                         sensitive_categories(conversation))
    except DomainError as refused:
        # An appeal the member may not read is 'not found', like a ticket that does not exist.
        if staff.hidden(conversation, ticket):
            return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
        if isinstance(refused, NotAllowed):
            return Reply(texts.REJECT_REFUSED[refused.reason].format(ticket=ticket))
        assert isinstance(refused, IllegalTransition)
        status = texts.status_name(refused.status)
        return Reply(texts.WRONG_STATE.format(ticket=ticket, status=status, action=texts.ACTION_NAMES["reject"]))
    return Reply(texts.REJECTED.format(ticket=ticket))
