"""认证 <验证码>: a staff member binds their WeChat account with the one-time code `gridbot invite` printed."""

from __future__ import annotations

from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.resident_texts import clock
from handlers.types import Reply
from storage import staff
from storage.attempts import TooMany
from storage.errors import NotFound


def certify(conversation: Conversation, arguments: Arguments) -> Reply:
    """认证 <验证码>: bind the sender as the staff member the code was issued for (once, before it expires);
    too many wrong codes lock the sender out for a while, the right one included."""
    session = conversation.session
    access = conversation.access
    try:
        member = staff.certify(session, conversation.inbound.openid, arguments.words, conversation.now, access.secret_key,
                               access.certify_lockout)
    except TooMany as locked:
        return Reply(texts.CERTIFY_LOCKED.format(until=clock(locked.retry_at)))
    except NotFound:
        return Reply(texts.CERTIFY_REFUSED)
    place = staff.place_label(session, member.grid_id, member.community_id)
    return Reply(texts.certified(member.role, place, member.department))
