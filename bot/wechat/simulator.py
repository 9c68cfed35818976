"""Plays the WeChat server towards our webhook: builds, signs and encrypts messages, opens replies.

Used by `gridbot simulate`, the bench and the tests, so all three speak exactly what WeChat speaks.
"""

from __future__ import annotations

import hashlib
import random
import string
import time
from dataclasses import dataclass
from typing import Any

from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto

from bot.settings import Settings

ACCOUNT = "gh_gridbot_demo"  # the official account's own id (ToUserName)


@dataclass(frozen=True)
class SignedRequest:
    """Query parameters and body of one POST to /wechat."""

    params: dict[str, str]
    body: bytes
    encrypted: bool


class WeChatServer:
    """Builds requests for one account the way WeChat's servers do."""

    def __init__(self, token: str, appid: str, aes_key: str | None = None, account: str = ACCOUNT) -> None:
        self.token = token
        self.appid = appid
        self.account = account
        self._crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None

    @classmethod
    def for_settings(cls, settings: Settings) -> "WeChatServer":
        """A simulator matching a deployment's credentials."""
        return cls(settings.wechat_token, settings.wechat_appid, settings.wechat_aes_key)

    def text(self, openid: str, content: str, **header: Any) -> str:
        """A text message's XML."""
        return self._message(openid, "text", {"Content": content}, **header)

    def voice(self, openid: str, recognition: str | None, **header: Any) -> str:
        """A voice message's XML, with WeChat's speech recognition when given."""
        fields = {"MediaId": _token(16), "Format": "amr"}
        if recognition is not None:
            fields["Recognition"] = recognition
        return self._message(openid, "voice", fields, **header)

    def image(self, openid: str, pic_url: str = "http://mmbiz.qpic.cn/demo.jpg", **header: Any) -> str:
        """An image message's XML."""
        return self._message(openid, "image", {"PicUrl": pic_url, "MediaId": _token(16)}, **header)

    def location(self, openid: str, latitude: float, longitude: float, label: str, **header: Any) -> str:
        """A location message's XML."""
        fields = {"Location_X": str(latitude), "Location_Y": str(longitude), "Scale": "15", "Label": label}
        return self._message(openid, "location", fields, **header)

    def event(self, openid: str, event: str, key: str | None = None, create_time: int | None = None) -> str:
        """An event's XML (subscribe, unsubscribe, SCAN, CLICK, …); events carry no MsgId."""
        fields = {"Event": event}
        if key is not None:
            fields["EventKey"] = key
        return _xml(self._header(openid, "event", create_time) | fields)

    def platform_event(self, sender: str, event: str, fields: dict[str, str]) -> str:
        """An event WeChat itself sends (MASSSENDJOBFINISH, TEMPLATESENDJOBFINISH) with its fields."""
        return _xml(self._header(sender, "event", None) | {"Event": event} | fields)

    @property
    def can_encrypt(self) -> bool:
        """Whether the account's EncodingAESKey is known (safe mode)."""
        return self._crypto is not None

    def sign(self, xml: str, encrypted: bool = False, timestamp: int | None = None, nonce: str | None = None) -> SignedRequest:
        """Sign (and, in safe mode, encrypt) a message as a POST to the webhook."""
        timestamp_s = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or _token(10, string.digits)
        params = {"signature": signature(self.token, timestamp_s, nonce), "timestamp": timestamp_s, "nonce": nonce,
                  "openid": _field(xml, "FromUserName")}
        if not encrypted:
            return SignedRequest(params, xml.encode(), False)
        if self._crypto is None:
            raise ValueError("safe mode needs the account's EncodingAESKey")
        envelope = fromstring(self._crypto.encrypt_message(xml, nonce, timestamp_s))
        params |= {"encrypt_type": "aes", "msg_signature": envelope.findtext("MsgSignature") or ""}
        body = _xml({"ToUserName": self.account, "Encrypt": envelope.findtext("Encrypt") or ""})
        return SignedRequest(params, body.encode(), True)

    def open_reply(self, body: str, request: SignedRequest) -> str | None:
        """The text of a passive reply (decrypted in safe mode); None for a silent acknowledgement."""
        if body in ("", "success"):
            return None
        if request.encrypted and self._crypto is not None:
            root = fromstring(body)
            body = self._crypto.decrypt_message(
                {"Encrypt": root.findtext("Encrypt")},
                root.findtext("MsgSignature"),
                root.findtext("TimeStamp"),
                root.findtext("Nonce"),
            )
        return fromstring(body).findtext("Content")

    def _message(self, openid: str, kind: str, fields: dict[str, str], msg_id: int | None = None,
                 create_time: int | None = None) -> str:
        header = self._header(openid, kind, create_time)
        return _xml(header | fields | {"MsgId": str(msg_id if msg_id is not None else _msg_id())})

    def _header(self, openid: str, kind: str, create_time: int | None) -> dict[str, str]:
        created = str(create_time if create_time is not None else int(time.time()))
        return {"ToUserName": self.account, "FromUserName": openid, "CreateTime": created, "MsgType": kind}


def signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's request signature: sha1 of the sorted token, timestamp and nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def _xml(fields: dict[str, str]) -> str:
    inner = "".join(
        f"<{name}>{value}</{name}>" if name in ("CreateTime", "MsgId") else f"<{name}><![CDATA[{_cdata(value)}]]></{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


def _cdata(value: str) -> str:
    return value.replace("]]>", "]]]]><![CDATA[>")


def _field(xml: str, name: str) -> str:
    return fromstring(xml).findtext(name) or ""


def _msg_id() -> int:
    return random.SystemRandom().randrange(10**18, 2**63)  # 19 digits, a signed 64-bit integer


def _token(length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    rng = random.SystemRandom()
    return "".join(rng.choice(alphabet) for _ in range(length))
