"""A local stand-in for the WeChat HTTP API (`gridbot fake-wechat`): answers like WeChat and records every call."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import struct
import threading
import time
import zlib
from collections import Counter
from datetime import datetime, timezone
from functools import partial
from typing import Any, Callable

from flask import Flask, Response, jsonify, render_template_string, request
from werkzeug.serving import WSGIRequestHandler, make_server

from bot.wechat import fake_notices
from bot.wechat.simulator import WeChatServer

logger = logging.getLogger(__name__)

TOKEN_PATH = "/cgi-bin/token"
CUSTOM_SEND_PATH = "/cgi-bin/message/custom/send"
TEMPLATE_SEND_PATH = "/cgi-bin/message/template/send"
TEXT_BYTE_LIMIT = 2048  # WeChat refuses longer customer-service text with 45002
CALLBACK_IP_PATH = "/cgi-bin/getcallbackip"
QRCODE_CREATE_PATH = "/cgi-bin/qrcode/create"
QR_SCENE_MAX = 64  # characters of a scene_str
# The fake's callback IP list: where a simulator on this machine posts from, plus what its config adds.
LOCAL_CALLBACK_IPS = ("127.0.0.1", "::1")
ERRMSGS = {
    -1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type", 40003: "invalid openid", 40007: "invalid media_id", 40013: "invalid appid",
    40037: "invalid template_id", 40130: "invalid openid list size, at least two openid", 40053: "invalid action name", 40066: "invalid url", 40097: "invalid args", 40125: "invalid appsecret",
    45002: "content size out of limit", 45009: "reach max api daily quota limit", 45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit", 47001: "data format error",
}
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="3"><title>模拟微信接口</title><style>body{font-family:sans-serif;margin:1.5em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;
vertical-align:top}.msg{white-space:pre-wrap}.err{color:#b00}</style></head><body><h1>模拟微信接口</h1>
<p>Recorded calls, newest first ({{ calls|length }}); access tokens fetched: {{ token_fetches }}.</p>
<table><tr><th>#</th><th>time</th><th>call</th><th>content</th><th>result</th></tr>
{% for call in calls %}<tr><td>{{ call.seq }}</td><td>{{ call.at }}</td><td>{{ call.method }} {{ call.path }}</td>
<td class="msg">{{ call.summary }}</td>
<td class="{{ 'err' if call.result != 'ok' else '' }}">{{ call.result }}</td></tr>
{% endfor %}</table></body></html>"""


class FakeState:
    """Everything the fake remembers; one lock guards it all."""

    def __init__(self, expires_in: int, appid: str | None, secret: str | None,
                 callback_ips: tuple[str, ...] = (), notices: fake_notices.NoticeBook | None = None) -> None:
        self.lock = threading.Lock()
        self.notices = notices or fake_notices.NoticeBook()
        self.expires_in, self.appid, self.secret = expires_in, appid, secret
        self.callback_ips = [*LOCAL_CALLBACK_IPS, *callback_ips]
        self.valid_tokens: set[str] = set()
        self.token_fetches = 0
        self.calls: list[dict[str, Any]] = []
        self.seq = 0
        self.next_msgid = 1000
        self.failures: dict[str, list[tuple[int | str, float]]] = {}

    def record(self, method: str, path: str, query: dict[str, str], body: Any) -> dict[str, Any]:
        """Append a call (its response filled in later) and return it."""
        with self.lock:
            self.seq += 1
            at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
            call = {"seq": self.seq, "at": at, "method": method, "path": path, "query": query, "body": body}
            call.update(response=None)
            self.calls.append(call)
            return call

    def new_msgid(self) -> int:
        """The next message id (the caller holds the lock)."""
        self.next_msgid += 1
        return self.next_msgid

    def take_failure(self, path: str) -> tuple[int | str, float] | None:
        """Consume one armed failure for `path`: (errcode: int | "timeout" | "http500", delay seconds)."""
        with self.lock:
            pending = self.failures.get(path)
            return pending.pop() if pending else None


def create_fake_app(expires_in: int = 7200, *, appid: str | None = None, secret: str | None = None,
                    callback_ips: tuple[str, ...] = (), events_to: str | None = None, token: str | None = None,
                    aes_key: str | None = None) -> Flask:
    """The fake WeChat API as a Flask app; `appid`/`secret`, when given, are checked on token fetches;
    `callback_ips` are served by getcallbackip after 127.0.0.1 and ::1; with `events_to` (the webhook's URL) and
    the account's `token` (and `aes_key` in safe mode), job-finish events are pushed back like WeChat does."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    book = fake_notices.NoticeBook()
    if events_to and token:
        book.events_to, book.server = events_to, WeChatServer(token, appid or "", aes_key)
    state = FakeState(expires_in, appid, secret, callback_ips, book)
    app.extensions["fake_wechat"] = state
    png = tiny_png()
    routes: dict[tuple[str, str], Callable[[FakeState, Any], Any]] = {
        ("POST", CUSTOM_SEND_PATH): _custom_send,
        ("POST", TEMPLATE_SEND_PATH): _template_send,
        ("POST", fake_notices.MASS_SEND_PATH):
            lambda state, body: fake_notices.mass_send(state.notices, state.lock, state.new_msgid, body),
        ("GET", "/cgi-bin/media/get"): lambda _state, _body: png if request.args.get("media_id") else _err(40007),
        ("POST", "/cgi-bin/menu/create"): lambda _state, body: _err(0) if isinstance(body, dict) else _err(47001),
        ("GET", CALLBACK_IP_PATH): lambda state, _body: {"ip_list": list(state.callback_ips)},
        ("POST", QRCODE_CREATE_PATH): _qrcode_create,
    }

    @app.route("/cgi-bin/<path:rest>", methods=["GET", "POST"])
    def cgi(rest: str) -> Response | tuple[str, int]:
        path = f"/cgi-bin/{rest}"
        call = state.record(request.method, path, _masked_query(), _parsed_body())
        answer = _answer(state, path, routes)
        with state.lock:
            call["response"] = _describe(answer)
        logger.info("%s %s -> %s", request.method, path, _result(call["response"]))
        if answer is None:
            return "Internal Server Error", 500
        return Response(answer, mimetype="image/png") if isinstance(answer, bytes) else jsonify(answer)

    @app.get("/_fake/calls")
    def list_calls() -> Response:
        path, since = request.args.get("path"), request.args.get("since", 0, type=int)
        with state.lock:
            calls = [dict(c) for c in state.calls if c["seq"] > since and (path is None or c["path"] == path)]
        return jsonify(calls)

    @app.get("/_fake/stats")
    def stats() -> Response:
        with state.lock:
            by_path = Counter(call["path"] for call in state.calls)
            return jsonify({"token_fetches": state.token_fetches, "calls": len(state.calls), "by_path": by_path})

    @app.post("/_fake/fail")
    def inject_failure() -> tuple[Response, int]:
        spec = request.get_json(silent=True) or {}
        path, errcode = spec.get("path"), spec.get("errcode")
        if not isinstance(path, str) or not path.startswith("/cgi-bin/"):
            return jsonify({"error": "path must be a /cgi-bin/... path"}), 400
        if not (errcode in ("timeout", "http500") or (isinstance(errcode, int) and errcode != 0)):
            return jsonify({"error": 'errcode must be a non-zero integer, "timeout" or "http500"'}), 400
        times = spec.get("times", 1)
        if not isinstance(times, int) or times < 1:
            return jsonify({"error": "times must be a positive integer"}), 400
        with state.lock:
            state.failures[path] = [(errcode, float(spec.get("delay", 6)))] * times
        return jsonify({"ok": True, "path": path, "errcode": errcode, "times": times}), 200

    @app.delete("/_fake/calls")
    @app.delete("/_fake/fail")
    @app.post("/_fake/expire-token")
    def forget() -> Response:
        with state.lock:
            targets = {"calls": state.calls, "fail": state.failures, "expire-token": state.valid_tokens}
            target = targets[request.path.removeprefix("/_fake/")]
            cleared = len(target)
            target.clear()
        return jsonify({"ok": True, "cleared": cleared})

    @app.get("/")
    def page() -> str:
        with state.lock:
            calls = [dict(c, summary=_summary(c), result=_result(c["response"])) for c in reversed(state.calls)]
            fetches = state.token_fetches
        return render_template_string(PAGE, calls=calls, token_fetches=fetches)

    return app


def _answer(state: FakeState, path: str, routes: dict[tuple[str, str], Callable[..., Any]]) -> Any:
    """What WeChat would answer: a dict (JSON), bytes (a PNG) or None (HTTP 500)."""
    if path == TOKEN_PATH:
        with state.lock:
            state.token_fetches += 1
    errcode, delay = state.take_failure(path) or (0, 0.0)
    if errcode == "timeout":
        time.sleep(delay)
    elif errcode:
        return None if errcode == "http500" else _err(int(errcode))
    if path == TOKEN_PATH:
        return _issue_token(state)
    with state.lock:
        token_ok = request.args.get("access_token") in state.valid_tokens
    if not token_ok:
        return _err(40001)
    handler = routes.get((request.method, path))
    return handler(state, _parsed_body()) if handler else _err(40066)


def _issue_token(state: FakeState) -> dict[str, Any]:
    args = request.args
    if args.get("grant_type") != "client_credential":
        return _err(40002)
    if state.appid is not None and args.get("appid") != state.appid:
        return _err(40013)
    if state.secret is not None and args.get("secret") != state.secret:
        return _err(40125)
    token = secrets.token_urlsafe(48)
    with state.lock:
        state.valid_tokens = {token}  # a new token invalidates the previous one, as on the real server
    return {"access_token": token, "expires_in": state.expires_in}


def _custom_send(_state: FakeState, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not body.get("msgtype"):
        return _err(47001)
    text = body.get("text") if body["msgtype"] == "text" else None
    if isinstance(text, dict) and len(str(text.get("content", "")).encode("utf-8")) > TEXT_BYTE_LIMIT:
        return _err(45002)
    return _err(0) if body.get("touser") else _err(40003)


def _template_send(state: FakeState, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return _err(47001)
    if not body.get("touser") or not body.get("template_id"):
        return _err(40037 if body.get("touser") else 40003)
    with state.lock:
        msgid = state.new_msgid()
    return {**_err(0), "msgid": fake_notices.keyed_template(state.notices, state.lock, msgid, body)}


def _qrcode_create(_state: FakeState, body: Any) -> dict[str, Any]:
    """Like WeChat: a permanent code's ticket and URL, the same ones again for the same scene string."""
    if not isinstance(body, dict) or body.get("action_name") not in ("QR_LIMIT_STR_SCENE", "QR_LIMIT_SCENE"):
        return _err(40053 if isinstance(body, dict) else 47001)
    scene = (body.get("action_info") or {}).get("scene") or {}
    key = str(scene.get("scene_str") or scene.get("scene_id") or "")
    if not key or len(key) > QR_SCENE_MAX:
        return _err(40097)
    digest = hashlib.sha256(key.encode()).digest()
    code = base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
    ticket = "gQ" + base64.b64encode(b"http://weixin.qq.com/q/02" + code.encode()).decode()
    return {"ticket": ticket, "url": f"http://weixin.qq.com/q/02{code}"}


def _err(errcode: int) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": "ok" if errcode == 0 else ERRMSGS.get(errcode, "error")}


def _mask(value: str) -> str:
    return f"{value[:4]}…" if len(value) > 4 else "…"


def _masked_query() -> dict[str, str]:
    masks = {"access_token": _mask, "secret": lambda _value: "***"}
    return {key: masks.get(key, str)(value) for key, value in request.args.items()}


def _parsed_body() -> Any:
    text = request.get_data(as_text=True)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _describe(answer: Any) -> Any:
    """The response as recorded: JSON with the token masked, or a note on a binary/500 answer."""
    if isinstance(answer, bytes):
        return {"content_type": "image/png", "bytes": len(answer)}
    if answer is None:
        return {"http_status": 500}
    if "access_token" in answer:
        return {**answer, "access_token": _mask(answer["access_token"])}
    return answer


def _result(response: Any) -> str:
    if not isinstance(response, dict):
        return "pending"
    if "http_status" in response:
        return f"HTTP {response['http_status']}"
    errcode = response.get("errcode", 0)
    return "ok" if errcode == 0 else f"errcode {errcode} {response.get('errmsg', '')}"


def _summary(call: dict[str, Any]) -> str:
    """A readable line for the page: who got which text, or the request body."""
    body = call["body"]
    if not isinstance(body, dict):
        return "" if body is None else str(body)
    if call["path"] == CUSTOM_SEND_PATH:
        text = body.get("text") if body.get("msgtype") == "text" else f"[{body.get('msgtype')}]"
        text = text.get("content") if isinstance(text, dict) else text
        return f"→ {body.get('touser')}：{text}"
    if call["path"] == fake_notices.MASS_SEND_PATH:
        return fake_notices.summary(body)
    if call["path"] == TEMPLATE_SEND_PATH and isinstance(body.get("data"), dict):
        fields = "\n".join(f"{k}: {v.get('value') if isinstance(v, dict) else v}" for k, v in body["data"].items())
        return f"→ {body.get('touser')}（模板 {body.get('template_id')}）\n{fields}"
    return json.dumps(body, ensure_ascii=False)


def tiny_png() -> bytes:
    """A valid 1×1 PNG (one teal pixel), what the fake serves for any media_id."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x00\x80\x80")  # filter byte 0, then one RGB pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's access log would print tokens and secrets from query strings; the app logs a masked line."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip werkzeug's per-request line."""


class FakeWeChatServer:
    """The fake served from a background thread: `with FakeWeChatServer() as fake: fake.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.app = create_fake_app(**options)
        self.server = make_server(host, port, self.app, threaded=True, request_handler=QuietRequestHandler)
        self.url = f"http://{host}:{self.server.port}"
        # A short poll interval: leaving the `with` block (every test does) then takes milliseconds, not 0.5 s.
        self._thread = threading.Thread(target=partial(self.server.serve_forever, poll_interval=0.05), daemon=True)

    def __enter__(self) -> "FakeWeChatServer":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
