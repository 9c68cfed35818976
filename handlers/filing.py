"""Filing a resident's words as an appeal: the one path free text and 转人工 share."""

from __future__ import annotations

from handlers import binding, joins
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp import Classification
from storage import appeals


def file_text(conversation: Conversation, text: str, kind: Kind, result: Classification) -> tuple[Reply, int]:
    """File `text` as the sender's appeal; the reply names its ticket, category, grid and time limit, and offers
    to join a neighbour's open appeal of the same problem (我也遇到) when there is one."""
    understanding = conversation.understanding
    limits = understanding.taxonomy.category(result.category)
    intake = appeals.Intake(
        content=text,
        channel=appeals.Channel.VOICE if kind is Kind.VOICE else appeals.Channel.TEXT,
        category=result.category,
        subcategory=result.subcategory,
        confidence=result.confidence,
        keywords=result.keywords,
        raw_message=dict(conversation.inbound.raw),
        response_hours=limits.response_hours,
        resolve_hours=limits.resolve_hours,
        department=limits.department,
    )
    sender = conversation.sender
    filed = appeals.file_appeal(conversation.session, sender, intake, conversation.now)
    if sender.grid_label is None:
        return Reply(texts.appeal_held(filed.ticket, binding.start(conversation))), filed.id
    received = texts.appeal_received(
        filed.ticket, result.category, sender.grid_label, limits.response_hours, limits.resolve_hours,
        result.subcategory,
    )
    join_offer = joins.offer(conversation, filed, result.category, text)
    return Reply(f"{received}\n{join_offer}" if join_offer else received), filed.id
