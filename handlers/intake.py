"""Free text and recognised voice that is not a command becomes an appeal."""

from __future__ import annotations

import unicodedata

from handlers import binding, commands, joins
from handlers import resident_texts as texts
from handlers.conversation import Conversation, Understanding
from handlers.types import Inbound, Kind, Reply
from nlp import UNCLASSIFIED, Classification
from storage import appeals

GREETINGS = frozenset({"你好", "您好", "在吗", "在不在", "有人吗", "hi", "hello", "谢谢", "谢谢你", "好的", "嗯", "ok"})
# Shorter than this and not understood: ask for details rather than file "嗯嗯" as an appeal.
MIN_UNCLASSIFIED_LENGTH = 5


def prepare(understanding: Understanding, inbound: Inbound) -> Classification | None:
    """Classify a message that may become an appeal, before any database work (pure, ~0.1 ms)."""
    if inbound.kind not in (Kind.TEXT, Kind.VOICE) or commands.parse(inbound.text) is not None:
        return None
    text = inbound.text.strip()
    return understanding.classifier.classify(text) if text and not _is_greeting(text) else None


def matches(conversation: Conversation) -> bool:
    """Text and voice messages."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE)


def handle(conversation: Conversation) -> Reply:
    """File the message as an appeal and answer with its ticket, category, grid and time limit."""
    inbound = conversation.inbound
    text = inbound.text.strip()
    if not text:
        return Reply(texts.VOICE_UNCLEAR if inbound.kind is Kind.VOICE else texts.TOO_SHORT)
    if _is_greeting(text):
        return Reply(texts.GREETING)
    understanding = conversation.understanding
    result = conversation.classification or understanding.classifier.classify(text)
    if result.category == UNCLASSIFIED and len(text) < MIN_UNCLASSIFIED_LENGTH:
        return Reply(texts.TOO_SHORT)
    limits = understanding.taxonomy.category(result.category)
    intake = appeals.Intake(
        content=text,
        channel=appeals.Channel.VOICE if inbound.kind is Kind.VOICE else appeals.Channel.TEXT,
        category=result.category,
        confidence=result.confidence,
        keywords=result.keywords,
        raw_message=dict(inbound.raw),
        response_hours=limits.response_hours,
        resolve_hours=limits.resolve_hours,
        department=limits.department,
    )
    sender = conversation.sender
    filed = appeals.file_appeal(conversation.session, sender, intake, conversation.now)
    if sender.grid_label is None:
        return Reply(texts.appeal_held(filed.ticket, binding.start(conversation)))
    received = texts.appeal_received(
        filed.ticket, result.category, sender.grid_label, limits.response_hours, limits.resolve_hours
    )
    join_offer = joins.offer(conversation, filed, result.category, text)
    return Reply(f"{received}\n{join_offer}" if join_offer else received)


def _is_greeting(text: str) -> bool:
    cleaned = unicodedata.normalize("NFKC", text).strip(" ，,。.!！?？~～").lower()
    return cleaned in GREETINGS
