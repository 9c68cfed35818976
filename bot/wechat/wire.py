"""The WeChat wire: signatures, the replay window, size and DTD guards, AES, and XML in and out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.clock import Clock
from bot.settings import SAFE, Settings
from bot.wechat import wire_fields
from bot.wechat.wire_fields import ascii_digits
from handlers.types import Inbound, Kind, Reply

SILENT = "success"  # WeChat's "received, no reply"
BAD_MSG_SIGNATURE = "bad msg_signature"
QR_SCENE_PREFIX = "qrscene_"
_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
# A query timestamp is compared with now; more digits than a datetime's largest Unix time are never near it.
MAX_TIMESTAMP_DIGITS = 12
_KINDS = {"text": Kind.TEXT, "voice": Kind.VOICE, "image": Kind.IMAGE, "location": Kind.LOCATION, "event": Kind.EVENT}
# What WeChat puts in a text message's Content for what the account cannot be shown: a sticker of one's own, a
# forwarded chat record. No words of the resident's: it is declined like a video, never filed nor taken as an answer.
UNSUPPORTED_PLACEHOLDER = "【收到不支持的消息类型，暂无法显示】"


class WireError(Exception):
    """A request we refuse: `status` for the client, `reason` (English, no personal data) for the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    """A verified inbound message and what the reply needs to match it."""

    inbound: Inbound
    account: str  # our ToUserName, the reply's FromUserName
    encrypted: bool
    nonce: str
    previous_key: bool = False  # decrypted with WECHAT_AES_KEY_PREVIOUS: the reply is sealed with it too


@dataclass(frozen=True)
class UrlCheck:
    """A verified GET handshake: what to echo, and the signed (timestamp, nonce) pair it used."""

    echo: str
    timestamp: int
    nonce: str


@dataclass(frozen=True)
class Query:
    """A POST's query string, verified: what can be known before a byte of the body is read."""

    params: Mapping[str, str]
    timestamp: int
    nonce: str
    encrypted: bool


class Wire:
    """Speaks WeChat's server protocol for one account."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._token = settings.wechat_token
        self._tolerance = settings.timestamp_tolerance_s
        self._max_body = settings.max_body_bytes
        self._mode = settings.mode
        self._clock = clock
        self._crypto = (
            WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
            if settings.wechat_aes_key
            else None
        )
        self._previous = (
            WeChatCrypto(settings.wechat_token, settings.wechat_aes_key_previous, settings.wechat_appid)
            if settings.wechat_aes_key and settings.wechat_aes_key_previous
            and settings.wechat_aes_key_previous != settings.wechat_aes_key
            else None
        )

    @property
    def max_body(self) -> int:
        """Largest body accepted, in bytes."""
        return self._max_body

    @property
    def tolerance_s(self) -> int:
        """How far a request's timestamp may be from now, either way."""
        return self._tolerance

    def verify_url(self, params: Mapping[str, str]) -> UrlCheck:
        """The GET handshake: check the signature (in every mode); the echostr to answer and the pair used."""
        timestamp = self._check_signature(params)
        if not wire_fields.plain_echostr(params.get("echostr", "")):
            raise WireError(400, "echostr must be 1-128 ASCII letters, digits, _ or -")
        return UrlCheck(params["echostr"], timestamp, params["nonce"])

    def check_query(self, params: Mapping[str, str]) -> Query:
        """Everything the query string decides, before the body is read; raises WireError (403 or 400).

        In safe mode a request must say it is encrypted and carry the msg_signature that covers its body:
        WeChat's `signature` covers only the token, timestamp and nonce, so a plain body under a captured URL
        would otherwise be taken as anyone's message.
        """
        timestamp = self._check_signature(params)
        encrypted = params.get("encrypt_type", "raw").lower() == "aes"
        if self._mode == SAFE and not encrypted:
            raise WireError(403, "plaintext message refused in safe mode (encrypt_type is not aes)")
        if encrypted and self._crypto is None:
            raise WireError(400, "encrypted message but WECHAT_AES_KEY is not set")
        if encrypted and not params.get("msg_signature"):
            raise WireError(403, "encrypted message without msg_signature")
        return Query(params, timestamp, params["nonce"], encrypted)

    def decode(self, params: Mapping[str, str], body: bytes) -> Decoded:
        """Verify and decode a POSTed message; raises WireError (403 or 400)."""
        if len(body) > self._max_body:
            raise WireError(400, f"body over {self._max_body} bytes")
        return self.decode_body(self.check_query(params), body)

    def decode_body(self, query: Query, body: bytes) -> Decoded:
        """Decode the body of a request whose query string passed `check_query`; raises WireError."""
        fields = _parse_xml(body)
        previous = False
        if query.encrypted:
            plaintext, previous = self._decrypt(query, fields)
            fields = _parse_xml(plaintext.encode())
        return Decoded(_inbound(fields, self._clock()), fields["ToUserName"], query.encrypted, query.nonce,
                       previous)

    def render(self, reply: Reply, decoded: Decoded) -> str:
        """The plaintext reply XML (stored for retries), or "success" for a silent acknowledgement."""
        if reply.text is None:
            return SILENT
        content = reply.text.replace("]]>", "]]]]><![CDATA[>")  # user text must not close the CDATA
        created = int(self._clock().timestamp())
        return TextReply(source=decoded.account, target=decoded.inbound.openid, content=content, time=created).render()

    def seal(self, plaintext: str, decoded: Decoded) -> str:
        """Encrypt the reply when the message came encrypted."""
        if not decoded.encrypted or plaintext == SILENT or self._crypto is None:
            return plaintext
        timestamp = str(int(self._clock().timestamp()))
        crypto = self._previous if decoded.previous_key and self._previous is not None else self._crypto
        return crypto.encrypt_message(plaintext, decoded.nonce, timestamp)

    def _check_signature(self, params: Mapping[str, str]) -> int:
        """The request's timestamp, once its signature and its age are right."""
        signature, timestamp, nonce = (params.get(k, "") for k in ("signature", "timestamp", "nonce"))
        if not (signature and timestamp and nonce):
            raise WireError(403, "missing signature parameters")
        try:
            check_signature(self._token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise WireError(403, "bad signature") from None
        seconds = ascii_digits(timestamp, MAX_TIMESTAMP_DIGITS)
        if seconds is None:
            raise WireError(403, "timestamp is not a number")
        behind = self._clock().timestamp() - seconds
        if abs(behind) > self._tolerance:
            # Every message refused so means this host's clock, not an attacker: the line says which to look at.
            off = f"{behind:.0f} s behind" if behind > 0 else f"{-behind:.0f} s ahead of"
            raise WireError(403, f"timestamp {off} this host's clock, outside the {self._tolerance}s window: "
                                 "a replay, or this host's clock is off (check NTP)")
        return seconds

    def _decrypt(self, query: Query, fields: dict[str, str]) -> tuple[str, bool]:
        """The plaintext, and whether the previous key opened it (the current one could not)."""
        assert self._crypto is not None  # check_query refused encrypted requests without a key
        if not fields.get("Encrypt"):
            raise WireError(400, "encrypted message without an Encrypt element")
        try:
            return self._open(self._crypto, query, fields), False
        except WireError as error:
            # The signature covers the ciphertext, not the key: a wrong signature is wrong for both keys.
            if self._previous is None or error.reason == BAD_MSG_SIGNATURE:
                raise
            try:
                return self._open(self._previous, query, fields), True
            except WireError:
                raise error from None

    @staticmethod
    def _open(crypto: WeChatCrypto, query: Query, fields: dict[str, str]) -> str:
        try:
            return crypto.decrypt_message(
                {"Encrypt": fields["Encrypt"]}, query.params.get("msg_signature", ""), str(query.timestamp),
                query.nonce,
            )
        except InvalidSignatureException:
            raise WireError(403, BAD_MSG_SIGNATURE) from None
        except InvalidAppIdException:
            raise WireError(403, "encrypted for another appid") from None
        except Exception as error:  # noqa: BLE001 - any padding/base64/AES failure means the same: undecryptable
            raise WireError(400, f"cannot decrypt message ({type(error).__name__})") from None


def _parse_xml(body: bytes) -> dict[str, str]:
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise WireError(400, "XML with a DTD or entity declaration") from None
    except Exception as error:  # noqa: BLE001 - ParseError, encoding errors: all malformed input
        raise WireError(400, f"malformed XML ({type(error).__name__})") from None
    if root.tag != "xml":
        raise WireError(400, f"unexpected XML root <{root.tag}>")
    return {child.tag: (child.text or "") for child in root}


def _inbound(fields: dict[str, str], now: datetime) -> Inbound:
    missing = [name for name in _REQUIRED if not fields.get(name)]
    if missing:
        raise WireError(400, f"message without {', '.join(missing)}")
    try:
        wire_fields.check(fields)
    except wire_fields.FieldError as error:
        raise WireError(400, str(error)) from None
    kind = _kind(fields)
    if kind is not Kind.EVENT and not fields.get("MsgId"):
        raise WireError(400, "message without MsgId")
    if kind is Kind.TEXT and "Content" not in fields:
        raise WireError(400, "text message without Content")
    openid = fields["FromUserName"]
    key = _event_key(openid, fields) if kind is Kind.EVENT else f"msg:{fields['MsgId']}"
    if kind is Kind.EVENT and fields.get("MsgID"):
        # A job-finish report (MASSSENDJOBFINISH, TEMPLATESENDJOBFINISH): several arrive within one second from
        # the same sender, one per send, each told apart by the send's MsgID.
        key = f"evt:{fields.get('Event', '')}:{fields['MsgID']}"
    created = wire_fields.unix_time(fields["CreateTime"])
    assert created is not None  # wire_fields.check refused any other CreateTime
    common: dict[str, Any] = dict(
        key=key, openid=openid, kind=kind, created_at=created, raw=fields,
    )
    return Inbound(**common, **_details(kind, fields))


def _event_key(openid: str, fields: Mapping[str, str]) -> str:
    """An event's message key: WeChat tells a retry by FromUserName + CreateTime, and a retry repeats the event's
    other fields too. Two taps on the menu within one second (帮助, then 我的诉求) are two events of one
    CreateTime: the event and its key, hashed (an EventKey may be a 1,024-character URL), tell them apart."""
    told = hashlib.sha256(f"{fields.get('Event', '')}\n{fields.get('EventKey', '')}".encode()).hexdigest()[:16]
    return f"evt:{openid}:{fields['CreateTime']}:{told}"


def _kind(fields: dict[str, str]) -> Kind:
    kind = _KINDS.get(fields["MsgType"].lower(), Kind.OTHER)
    if kind is Kind.TEXT and (fields.get("Content") or "").strip() == UNSUPPORTED_PLACEHOLDER:
        return Kind.OTHER
    return kind


def _details(kind: Kind, fields: dict[str, str]) -> dict[str, Any]:
    # The fields as WeChat's message reference names them; the XML was parsed once, by defusedxml.
    if kind is Kind.TEXT:
        return {"text": _visible(fields.get("Content") or "")}
    if kind is Kind.VOICE:
        return {"text": _visible(fields.get("Recognition") or ""), "media_id": fields.get("MediaId") or ""}
    if kind is Kind.IMAGE:
        return {"media_id": fields.get("MediaId") or "", "pic_url": fields.get("PicUrl") or ""}
    if kind is Kind.LOCATION:
        return {"latitude": _float(fields.get("Location_X")), "longitude": _float(fields.get("Location_Y")),
                "label": fields.get("Label") or ""}
    if kind is Kind.EVENT:
        return _event(fields.get("Event", "").lower(), fields.get("EventKey") or "")
    return {}


# Characters nobody sees that a paste from another app carries (zero-width space, word joiner, byte-order mark,
# direction marks): left in, 我的\u200b诉求 is no command. The zero-width joiner stays: emoji are made with it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200e\u200f\u2060\ufeff"))


def _visible(text: str) -> str:
    return text.translate(_INVISIBLE)


def _event(event: str, key: str) -> dict[str, Any]:
    if event == "subscribe":
        # Following through a parametric QR code: EventKey is "qrscene_" + the scene value.
        scene = key.removeprefix(QR_SCENE_PREFIX) if key.startswith(QR_SCENE_PREFIX) else ""
        return {"event": event, "event_key": scene}
    return {"event": event, "event_key": key}


def _float(value: str | None) -> float | None:
    return float(value) if value else None  # wire_fields checked it is a finite number in range


