"""The resident's answer to the rating question after 办结: 1 满意 / 2 基本满意 / 3 不满意."""

from __future__ import annotations

import unicodedata

from handlers import dialogues
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from storage import rating
from storage.errors import DomainError
from storage.tasks import RATING_DIALOG

DIALOG = RATING_DIALOG  # opened by storage when a task is resolved (tasks.resolve)
ANSWERS = {
    "1": rating.Rating.SATISFIED, "满意": rating.Rating.SATISFIED, "非常满意": rating.Rating.SATISFIED,
    "2": rating.Rating.BASIC, "基本满意": rating.Rating.BASIC, "一般": rating.Rating.BASIC,
    "3": rating.Rating.UNSATISFIED, "不满意": rating.Rating.UNSATISFIED, "很不满意": rating.Rating.UNSATISFIED,
}


def is_answer(conversation: Conversation) -> bool:
    """A 1/2/3 (or the words), while the rating question is open (the router checks); anything else is a new
    message."""
    inbound = conversation.inbound
    return inbound.kind in (Kind.TEXT, Kind.VOICE) and _answer(inbound.text) is not None


def answer(conversation: Conversation) -> Reply:
    """Record the rating and thank the resident (or tell them the task is reopened)."""
    given = _answer(conversation.inbound.text)
    state = dialogues.answered(conversation, DIALOG).data
    resident = conversation.resident
    assert given is not None, "is_answer() matched"
    try:
        appeal = rating.rate(conversation.session, resident, state["appeal_id"], given, conversation.now)
    except DomainError:
        return Reply(texts.RATING_TOO_LATE.format(ticket=state.get("ticket", "")))
    if given is rating.Rating.UNSATISFIED:
        return Reply(texts.RATING_REOPENED.format(ticket=appeal.ticket))
    return Reply(texts.RATING_THANKS.format(ticket=appeal.ticket))


def _answer(text: str) -> rating.Rating | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！")
    return ANSWERS.get(cleaned)
