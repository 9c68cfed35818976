"""The fake WeChat API's broadcast side, as WeChat behaves: mass send by OpenID list and keyed template messages.

- message/mass/send: 2-10,000 OpenIDs (else 40130); clientmsgid ≤64 bytes (else 45067) and, within 24 hours, a
  repeat is refused with 45065 and the first send's msg_id; each OpenID receives at most 4 mass sends a calendar
  month (Beijing time), the rest are filtered silently and show only in the event's counts.
- message/template/send with client_msg_id: one message per openid and key within 10 minutes (a repeat answers the
  first msgid and sends nothing).
- Afterwards, as WeChat's server does, a MASSSENDJOBFINISH or TEMPLATESENDJOBFINISH event is POSTed to the webhook
  (`events_to`), signed with the account's token and, with an AES key, encrypted.
Quota errors (45009) are armed like any failure, through /_fake/fail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from bot.wechat.simulator import WeChatServer

logger = logging.getLogger(__name__)

MASS_SEND_PATH = "/cgi-bin/message/mass/send"
MASS_MIN, MASS_MAX = 2, 10_000
MONTHLY_MASS = 4
CLIENTMSGID_BYTES = 64
MASS_KEY_KEEPS = timedelta(hours=24)
TEMPLATE_KEY_KEEPS = timedelta(minutes=10)
EVENT_DELAY_S = 0.2  # WeChat reports a job some time after accepting it
EVENT_SENDER = "mphelper"  # FromUserName of WeChat's job-finish events (公众号群发助手)
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
ERRMSGS = {40130: "invalid openid list size, at least two openid", 45065: "clientmsgid exist",
           45067: "clientmsgid size out of limit", 45009: "reach max api daily quota limit"}


@dataclass
class NoticeBook:
    """What the fake remembers of broadcasts; guarded by the fake's one lock."""

    events_to: str | None = None
    server: WeChatServer | None = None
    mass_keys: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    template_keys: dict[tuple[str, str], tuple[int, datetime]] = field(default_factory=dict)
    monthly: Counter[tuple[str, str]] = field(default_factory=Counter)
    received: Counter[str] = field(default_factory=Counter)  # openid -> mass texts that reached them


def error(errcode: int, **extra: Any) -> dict[str, Any]:
    """An answer with WeChat's wording for the broadcast errors."""
    return {"errcode": errcode, "errmsg": ERRMSGS.get(errcode, "error"), **extra}


def mass_send(book: NoticeBook, lock: threading.Lock, next_id: Any, body: Any) -> dict[str, Any]:
    """message/mass/send, as module docstring says; `next_id()` allocates a msg_id."""
    if not isinstance(body, dict) or body.get("msgtype") != "text" or not isinstance(body.get("touser"), list):
        return error(47001)
    openids = [str(openid) for openid in body["touser"]]
    if not MASS_MIN <= len(openids) <= MASS_MAX:
        return error(40130)
    key = str(body.get("clientmsgid") or "")
    if len(key.encode()) > CLIENTMSGID_BYTES:
        return error(45067)
    now = datetime.now(LOCAL_ZONE)
    month = now.strftime("%Y%m")
    with lock:
        known = book.mass_keys.get(key) if key else None
        if known is not None and now - known[1] < MASS_KEY_KEEPS:
            return error(45065, msg_id=known[0])
        msg_id = next_id()
        if key:
            book.mass_keys[key] = (msg_id, now)
        reached = [openid for openid in openids if book.monthly[(openid, month)] < MONTHLY_MASS]
        for openid in reached:
            book.monthly[(openid, month)] += 1
            book.received[openid] += 1
    counts = {"TotalCount": len(openids), "FilterCount": len(reached), "SentCount": len(reached), "ErrorCount": 0}
    _report(book, "MASSSENDJOBFINISH", msg_id, {"Status": "send success", **{k: str(v) for k, v in counts.items()}})
    return {"errcode": 0, "errmsg": "send job submission success", "msg_id": msg_id, "msg_data_id": msg_id}


def keyed_template(book: NoticeBook, lock: threading.Lock, msgid: int, body: dict[str, Any]) -> int:
    """The msgid a template message answers: the first one's for a repeat of openid + client_msg_id within 10
    minutes (nothing sent again), else `msgid`, reported by TEMPLATESENDJOBFINISH."""
    key = body.get("client_msg_id")
    now = datetime.now(LOCAL_ZONE)
    if key:
        with lock:
            known = book.template_keys.get((str(body["touser"]), str(key)))
            if known is not None and now - known[1] < TEMPLATE_KEY_KEEPS:
                return known[0]
            book.template_keys[(str(body["touser"]), str(key))] = (msgid, now)
    _report(book, "TEMPLATESENDJOBFINISH", msgid, {"Status": "success"})
    return msgid


def _report(book: NoticeBook, event: str, msg_id: int, fields: dict[str, str]) -> None:
    if book.events_to is None or book.server is None:
        return
    server, url = book.server, book.events_to
    xml = server.platform_event(EVENT_SENDER, event, {"MsgID": str(msg_id), **fields})
    threading.Thread(target=_post, args=(server, url, xml, event), daemon=True).start()


def _post(server: WeChatServer, url: str, xml: str, event: str) -> None:
    time.sleep(EVENT_DELAY_S)
    signed = server.sign(xml, encrypted=server.can_encrypt)
    for attempt in range(3):  # WeChat retries an event it got no answer to, three times
        try:
            answer = requests.post(url, params=signed.params, data=signed.body, timeout=5)
        except requests.RequestException as failure:
            logger.warning("%s to the webhook failed (%s), attempt %d", event, type(failure).__name__, attempt + 1)
            continue
        if answer.status_code == 200:
            return
        logger.warning("%s to the webhook: HTTP %s, attempt %d", event, answer.status_code, attempt + 1)


def summary(body: dict[str, Any]) -> str:
    """The page's line for a mass send: how many, the first few, the text."""
    touser = body.get("touser") or []
    shown = "、".join(str(openid) for openid in touser[:5]) + ("…" if len(touser) > 5 else "")
    text = (body.get("text") or {}).get("content", "")
    return f"→ 群发 {len(touser)} 人（{shown}）：{text}"
