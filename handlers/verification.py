"""核实 <编号>: after a visit, a grid member confirms that the resident of an appeal lives where it says, so that
they may join neighbours' appeals where the community requires a verified address (storage/verification.py)."""

from __future__ import annotations

from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import org, verification
from storage.errors import NotAllowed, NotFound
from storage.verification import VERIFIERS


def confirm(conversation: Conversation, arguments: Arguments) -> Reply:
    """核实 <编号>: the ticket comes checked and normalised by the command table."""
    ticket = arguments.ticket
    member = conversation.staff
    session = conversation.session
    if member.role not in VERIFIERS:  # told whatever the ticket, so it says nothing about one
        return Reply(texts.VERIFY_NOT_YOURS)
    try:
        appeal, verified_now = verification.confirm(session, member, ticket, conversation.now)
    except NotFound:
        return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
    except NotAllowed as refused:
        if refused.reason == "not_your_grid":  # out of scope reads as a ticket that does not exist
            return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
        return Reply(texts.VERIFY_REFUSED[refused.reason].format(ticket=ticket))
    place = org.address(session, appeal.grid_id, appeal.building_id, None).home_label  # type: ignore[arg-type]
    done = texts.VERIFIED if verified_now else texts.ALREADY_VERIFIED
    return Reply(done.format(ticket=ticket, place=place))
