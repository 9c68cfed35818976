"""The ordered table of handlers: the first whose check matches handles the message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from handlers import binding, commands, events, intake, joins, media, rating, staff
from handlers.conversation import Conversation
from handlers.types import Reply


@dataclass(frozen=True)
class Handler:
    """A named pair: does this message belong to me, and what do I answer."""

    name: str
    check: Callable[[Conversation], bool]
    handle: Callable[[Conversation], Reply]


# Order matters: events never enter a dialogue; command words (绑定, 取消, 帮助) work even inside one;
# a dialogue takes the numbered answers; media and free text come last.
HANDLERS: tuple[Handler, ...] = (
    Handler("event", events.matches, events.handle),
    Handler("command", commands.matches, commands.handle),
    Handler("binding dialogue", binding.in_dialogue, binding.answer),
    Handler("rating", rating.is_answer, rating.answer),
    Handler("join offer", joins.is_acceptance, joins.accept),
    Handler("media", media.matches, media.handle),
    Handler("staff chat", staff.is_staff_chat, staff.staff_chat_hint),
    Handler("appeal intake", intake.matches, intake.handle),
)


def dispatch(conversation: Conversation) -> Reply:
    """Answer one inbound message."""
    for handler in HANDLERS:
        if handler.check(conversation):
            if handler.handle is not joins.accept:
                joins.end_unanswered_offer(conversation)  # the offer lasts exactly one message
            return handler.handle(conversation)
    return Reply.silent()
