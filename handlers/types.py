"""The neutral values between the WeChat edge and the conversation: one message in, one reply out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Mapping


class Kind(StrEnum):
    TEXT = "text"
    VOICE = "voice"
    IMAGE = "image"
    LOCATION = "location"
    EVENT = "event"
    OTHER = "other"  # video, link, file, …: politely declined


@dataclass(frozen=True)
class Inbound:
    """A message or event from a WeChat user, already verified and decrypted."""

    key: str  # dedup key: MsgId, or FromUserName+CreateTime for events
    openid: str
    kind: Kind
    created_at: datetime
    text: str = ""  # text content, or WeChat's recognition of a voice message
    event: str = ""  # subscribe, unsubscribe, scan, click, … (lower case)
    event_key: str = ""  # QR scene value (without qrscene_) or menu key
    media_id: str = ""
    pic_url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


# The longest passive reply WeChat takes, in bytes of UTF-8 (a CJK character is 3).
REPLY_BYTES = 2048


@dataclass(frozen=True)
class Reply:
    """What to answer in the passive reply; no text means acknowledge silently."""

    text: str | None = None

    @classmethod
    def silent(cls) -> "Reply":
        """Acknowledge without a message."""
        return cls(None)
