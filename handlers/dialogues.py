"""The dialogue a resident is in, as one value: its name, what it remembers between messages, and its expiry.

Stored on the resident row through storage/residents.py: the JSON of {"name": …, **data} in `dialog` and the
moment it lapses in `dialog_expires_at`. Rows written before this value existed read the same, and so does the
rating question that storage itself opens after 办结 (tasks.resolve).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Mapping

from handlers.conversation import Conversation
from handlers.types import Kind
from nlp.cleaning import as_read
from storage import residents


@dataclass(frozen=True)
class Dialogue:
    """An open dialogue: a quiet resident leaves it at `expires_at`."""

    name: str
    data: Mapping[str, Any]
    expires_at: datetime


def current(conversation: Conversation) -> Dialogue | None:
    """The sender's open dialogue, from the snapshot every message reads; None when there is none or it lapsed."""
    sender = conversation.sender
    data = sender.dialog(conversation.now)  # storage decides when a dialogue has lapsed
    if data is None or sender.dialog_expires_at is None:
        return None
    name = data.pop("name")
    return Dialogue(name, MappingProxyType(data), sender.dialog_expires_at)


def named(conversation: Conversation, name: str) -> Dialogue | None:
    """The sender's open dialogue if it is the one called `name`, else None."""
    dialogue = current(conversation)
    return dialogue if dialogue is not None and dialogue.name == name else None


def answered(conversation: Conversation, name: str) -> Dialogue:
    """The dialogue a message answers: the router hands a dialogue's handler only messages sent while it is open."""
    dialogue = named(conversation, name)
    if dialogue is None:
        raise LookupError(f"no open {name!r} dialogue: its handler runs only from the router, while it is open")
    return dialogue


def begin(conversation: Conversation, name: str, data: Mapping[str, Any],
          ttl: timedelta = residents.DIALOG_TTL) -> Dialogue:
    """Open (or replace) the sender's dialogue; it lapses after `ttl` without an answer (a quiet half hour)."""
    if "name" in data:
        raise ValueError("a dialogue's data must not use the key 'name': it holds the dialogue's name")
    conversation.write_dialog({"name": name, **data}, ttl)
    return Dialogue(name, MappingProxyType(dict(data)), conversation.now + ttl)


def end(conversation: Conversation) -> None:
    """Close the sender's dialogue, whichever it is."""
    conversation.write_dialog(None)


# Said around a short answer by voice: a hesitation before it (嗯，分开), a particle after it (分开吧, 不用了啊).
_LEAD_INS = re.compile(r"^(?:(?:嗯+|呃|额|那个|就是)[，,、]?)+")
_CLOSING = "。.!！~～吧啊呀呢哦嘛啦"


def short_answer(conversation: Conversation) -> str | None:
    """A text or voice message as an offer's short answers (1, 加入, 分开, 不用了) are compared: half-width,
    simplified (分開 is 分开), without spaces, a closing mark or particle, or a hesitation before it; None for any
    other kind of message."""
    inbound = conversation.inbound
    if inbound.kind not in (Kind.TEXT, Kind.VOICE):
        return None
    typed = as_read(inbound.text).strip().replace(" ", "")
    return _LEAD_INS.sub("", typed).rstrip(_CLOSING) or typed.rstrip("。.!！")
