"""The bench's messages: realistic appeals, signed exactly like WeChat signs them, as ready-to-send HTTP bytes."""

from __future__ import annotations

import itertools
import time
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

from bot.settings import Settings
from bot.wechat.simulator import SignedRequest, WeChatServer, signature

# ~30 appeals across the taxonomy's categories, 10-60 characters, none of them a command or a greeting.
APPEALS: tuple[str, ...] = (
    "3号楼1单元电梯又坏了，老人上下楼很不方便，请尽快派人维修。",
    "小区门口的垃圾桶已经满了两天没人清理，味道很大，苍蝇特别多。",
    "幸福路和光明街路口的路灯晚上不亮，走夜路很危险。",
    "楼上邻居每天半夜装修噪音太大，孩子睡不着觉，沟通了也没用。",
    "我和儿媳妇因为带孩子的事经常吵架，想请社区帮忙调解一下。",
    "业委会换届选举一直没有公示，想了解一下进展和流程。",
    "地下车库有人给电动车私拉电线充电，存在火灾隐患。",
    "请问低保申请需要准备哪些材料，去哪里办理？",
    "我家老人八十多岁独居，想申请上门助餐和居家养老服务。",
    "小区东门外占道经营的摊贩太多，早上堵得车都过不去。",
    "下水道堵塞污水返到一楼院子里，已经好几天了。",
    "2号楼楼道里堆满了杂物和纸箱，消防通道被堵住了。",
    "小区里有人遛狗不牵绳也不清理粪便，小孩被吓哭了。",
    "物业费每年都涨，但是保洁和绿化越来越差，希望社区监督一下。",
    "人行道上的井盖松动了，踩上去会翻，差点摔倒。",
    "楼下烧烤店油烟直排，家里窗户都不敢开。",
    "隔壁邻居在公共走廊上安装摄像头对着我家门口，侵犯隐私。",
    "小区绿化带被人圈起来种菜了，还浇粪水，气味很难闻。",
    "单元门的门禁坏了一个星期了，陌生人随便进出，不安全。",
    "想咨询一下医保异地报销怎么办理，需要什么手续。",
    "小区健身器材生锈断裂了，老人孩子用着很危险，请更换。",
    "夜里总有渣土车经过，噪音和扬尘很大，影响休息。",
    "家里暖气不热，室温只有十几度，找物业好几次都没解决。",
    "高空抛物砸坏了我停在楼下的车，希望查一下是哪户扔的。",
    "母亲瘫痪在床，想问一下有没有护理补贴可以申请。",
    "公园旁边的公共厕所一直锁着门，游客和居民都很不方便。",
    "楼顶防水层老化漏雨，顶楼住户家里墙面都发霉了。",
    "有人在小区里散发小广告，还贴满了楼道墙壁。",
    "孩子今年上小学，想咨询入学需要准备的证明材料。",
    "楼道里的灯坏了好久，晚上黑漆漆的，老人容易摔倒。",
)
PATH = "/wechat"
# What one resident may file in an hour as shipped (GRIDBOT_APPEALS_PER_HOUR's default): more are refused.
APPEALS_PER_RESIDENT = Settings.appeals_per_hour
# Far above any MsgId WeChat would send to a fresh database; every request of a run gets the next one.
FIRST_MSG_ID = 6_100_000_000_000_000_000


class Traffic:
    """Hands out signed text messages with unique MsgIds, rotating over openids and appeal texts.

    Each resident's messages are distinct texts: a resident repeating an open appeal files nothing (the webhook
    folds it into the first), and a bench of repeats would measure that path instead. Beyond
    GRIDBOT_APPEALS_PER_HOUR messages a resident is refused: a bench needs enough residents for its messages
    (see `residents_for`).
    """

    def __init__(self, server: WeChatServer, openids: tuple[str, ...], encrypted: bool) -> None:
        """Messages from `openids`, signed (and encrypted when `encrypted`) by `server`."""
        self._server = server
        self._encrypted = encrypted
        self._openids = openids
        self._sent = itertools.count()
        self._msg_ids = itertools.count(FIRST_MSG_ID)

    def signed(self, count: int) -> list[SignedRequest]:
        """`count` fresh messages signed now (the webhook accepts a timestamp for 5 minutes)."""
        now = int(time.time())
        return [self._one(now) for _ in range(count)]

    def http(self, count: int, host: str, port: int) -> list[bytes]:
        """`count` fresh messages as complete HTTP/1.1 POST requests to host:port."""
        return [http_request(signed, host, port) for signed in self.signed(count)]

    def _one(self, now: int) -> SignedRequest:
        """One text message, signed at `now`: the next resident in turn, with the next text of their own."""
        index = next(self._sent)
        resident, turn = index % len(self._openids), index // len(self._openids)
        # A stride co-prime with len(APPEALS) varies which text neighbouring residents start with.
        text = APPEALS[(resident * 7 + turn) % len(APPEALS)]
        if turn >= len(APPEALS):  # a number of its own: not the same appeal again (nlp.similarity.is_repeat)
            text += f"（第{turn // len(APPEALS) + 1}次反映）"
        xml = self._server.text(self._openids[resident], text, msg_id=next(self._msg_ids), create_time=now)
        return self._server.sign(xml, encrypted=self._encrypted, timestamp=now)


def residents_for(messages: int) -> int:
    """Residents a bench needs for `messages` appeals that are all filed: none over the hourly limit."""
    return -(-messages // APPEALS_PER_RESIDENT)


def http_request(signed: SignedRequest, host: str, port: int) -> bytes:
    """The bytes WeChat's server would send: one POST with the signature in the query string."""
    head = (
        f"POST {PATH}?{urlencode(signed.params)} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "User-Agent: Mozilla/4.0\r\n"
        "Accept: */*\r\n"
        "Content-Type: text/xml\r\n"
        f"Content-Length: {len(signed.body)}\r\n"
        "Connection: close\r\n"
        "\r\n"
    )
    return head.encode("ascii") + signed.body


def wsgi_environ(signed: SignedRequest) -> dict[str, Any]:
    """The same POST as a WSGI environ, for calling the app in-process."""
    return EnvironBuilder(path=PATH, method="POST", query_string=signed.params, data=signed.body,
                          content_type="text/xml", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()


def verify_request(token: str, host: str, port: int) -> bytes:
    """A signed GET /wechat (the URL check WeChat performs), used as the echo server's readiness probe."""
    timestamp, nonce = str(int(time.time())), "31415926"
    query = urlencode({"signature": signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                       "echostr": "ready"})
    return f"GET {PATH}?{query} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode("ascii")


def get_request(path: str, host: str, port: int) -> bytes:
    """A plain GET (the full server's /healthz)."""
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode("ascii")
