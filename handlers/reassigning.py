"""改派 <编号> <网格或姓名>: operators, and grid leaders within their grid, hand a stuck appeal to another grid or member."""

from __future__ import annotations

from typing import Callable

from handlers import staff
from handlers import staff_texts as texts
from handlers.arguments import Arguments, reason_after, recipient
from handlers.conversation import Conversation
from handlers.joins import sensitive_categories
from handlers.types import Reply
from storage import reassigning
from storage.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from storage.limits import TextField, excess
from storage.staff import AmbiguousPlace, UnclearPlace


def reassign(conversation: Conversation, arguments: Arguments) -> Reply:
    """改派 <编号> <网格或姓名>."""
    ticket, target, reason = arguments.ticket, recipient(arguments.words), reason_after(arguments.words)
    too_long = _too_long(target, reason)
    if too_long is not None:  # refused before anything runs: nothing of it is stored or sent
        return Reply(too_long)
    try:
        done = reassigning.reassign(conversation.session, conversation.staff, ticket, target, conversation.now,
                                    sensitive_categories(conversation), reason)
    except DomainError as refused:
        return Reply(refusal(refused, ticket, hidden=lambda: staff.hidden(conversation, ticket)))
    return Reply(texts.reassigned(ticket, done.to, done.away, done.unmanned, done.untold, done.leave_coming))


def _too_long(target: str, reason: str) -> str | None:
    """The refusal of a name longer than a grid's or a person's, or of a reason longer than a note (改派 G… 李娜，
    她之前处理过…: the reason is no part of the name, and is not counted in it)."""
    for what, field, words in ((texts.REASSIGN_TARGET, TextField.NAME, target),
                               (texts.REASSIGN_REASON, TextField.NOTE, reason)):
        over = excess(field, words)
        if over is not None:
            return texts.TOO_LONG.format(what=what, limit=over.limit, length=over.length)
    return None


def refusal(refused: DomainError, ticket: str, hidden: Callable[[], bool] = lambda: False) -> str:
    """Why 改派 did nothing, for the chat and the command line; `hidden` says whether the asker may not know of the
    appeal (then it is 'not found', like a ticket that does not exist)."""
    if isinstance(refused, NotFound) or hidden():
        return texts.TASK_NOT_FOUND.format(ticket=ticket)
    if isinstance(refused, NotAllowed):
        return texts.REASSIGN_REFUSED[refused.reason].format(ticket=ticket)
    if isinstance(refused, IllegalTransition):
        status = texts.status_name(refused.status)
        return texts.WRONG_STATE.format(ticket=ticket, status=status, action=texts.ACTION_NAMES["reassign"])
    if isinstance(refused, reassigning.AlreadyThere):
        return texts.REASSIGN_ALREADY_THERE[refused.member].format(ticket=ticket, to=refused.to)
    if isinstance(refused, reassigning.AmbiguousMember):
        return texts.reassign_which(refused.name, refused.candidates)
    if isinstance(refused, reassigning.UnknownTarget):
        return texts.reassign_unknown(refused.name, refused.grids, refused.members)
    assert isinstance(refused, UnclearPlace)
    return texts.unclear_place(refused.kind, refused.name, refused.candidates, isinstance(refused, AmbiguousPlace))
