"""The one door to the WeChat HTTP API: a token shared through Redis, one retry on token errors, typed errors."""

from __future__ import annotations

import logging
import re
import secrets
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import redis
import requests
from wechatpy.client import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.privacy import mask as mask_openid
from bot.settings import Settings
from bot.wechat.counters import CallCounters
from bot.wechat.http import WeChatSession
from storage.models import NoticeChannel

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
WINDOW_CLOSED_ERRCODES = frozenset({45015, 45047})
TRANSIENT_ERRCODES = frozenset({-1, 45009})
MASS_ALREADY_SENT = 45065  # the clientmsgid was sent within 24 hours: the answer carries its msg_id
DAILY_QUOTA = 45009
LIST_SIZE = 40130  # a mass send's OpenID list outside 2-10,000
REFRESH_MARGIN_S = 300
# After a token fetch fails for a reason retrying can't fix (a wrong secret, an IP not whitelisted), every
# process refuses at once for this long instead of spending the daily quota of 2,000 fetches on the same error.
FETCH_BLOCK_S = 300
LOCK_TTL_MS = 10_000
# How long a process reuses the token it last read from Redis before reading it again. A token WeChat has
# replaced answers 40001, and the call is tried again with the stored one, so a few seconds cost at most one call;
# they save a Redis round trip on nearly every send of a busy worker.
TOKEN_REUSE_S = 5.0
LOCK_POLL_S = 0.05
FETCH_FAILURE_HINTS = {
    40002: "invalid grant_type",
    40013: "the appid is invalid; check WECHAT_APPID",
    40125: "the app secret is invalid; check WECHAT_SECRET",
    40164: "this server's IP address is not on the account's IP whitelist",
    41002: "the appid is missing",
    41004: "the app secret is missing",
    45009: "the daily access-token quota is used up",
}

# Compare-and-delete: a key is removed only if it still holds the value we own (lock) or saw fail (token),
# so a slow process never releases someone else's lock or throws away a token another process just fetched.
COMPARE_AND_DELETE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
CREDENTIAL_IN_URL = re.compile(r"((?:secret|access_token)=)[^&\s\"]+")


class WeChatAPIError(Exception):
    """A WeChat API call failed; `transient` says whether retrying later may help, `reason` (for /metrics) is the
    errcode, or else what failed: timeout, network, http, answer (unusable) or token (waiting for a fetch)."""

    def __init__(
        self,
        message: str,
        *,
        errcode: int | None = None,
        errmsg: str | None = None,
        transient: bool = False,
        window_closed: bool = False,
        failure: str = "answer",
    ) -> None:
        super().__init__(message)
        self.errcode = errcode
        self.reason = str(errcode) if errcode is not None else failure
        self.errmsg = errmsg or message
        self.transient = transient
        self.window_closed = window_closed
        self.answer: dict[str, Any] = {}  # the whole JSON answer of a refused call (45065 carries a msg_id)


def error_from_errcode(errcode: int, errmsg: str, action: str) -> WeChatAPIError:
    """Classify a non-zero WeChat errcode into a WeChatAPIError."""
    message = f"{action} failed: errcode {errcode} ({errmsg})"
    if errcode in WINDOW_CLOSED_ERRCODES:
        return WeChatAPIError(message, errcode=errcode, errmsg=errmsg, window_closed=True)
    return WeChatAPIError(message, errcode=errcode, errmsg=errmsg, transient=errcode in TRANSIENT_ERRCODES)


def error_from_network(exc: requests.RequestException, action: str) -> WeChatAPIError:
    """Classify a transport failure; the message never carries the URL (it holds the token or the secret)."""
    transient = isinstance(exc, (requests.ConnectionError, requests.Timeout))
    timed_out = isinstance(exc, requests.Timeout)
    kind = "timed out" if timed_out else f"failed ({type(exc).__name__})"
    return WeChatAPIError(f"{action} {kind}", transient=transient, failure="timeout" if timed_out else "network")


def error_from_http_status(status: int | None, action: str) -> WeChatAPIError:
    """Classify an HTTP error status: 5xx is worth retrying, anything else is not."""
    return WeChatAPIError(f"{action} failed: HTTP {status}", transient=status is not None and status >= 500,
                          failure="http")


def fetches_key(appid: str) -> str:
    """The Redis counter of access-token fetches for `appid`, ever (read by /metrics)."""
    return f"gridbot:wechat:{appid}:token_fetches"


class SharedAccessToken:
    """The access token of one appid, kept in Redis for every process; fetched by one process at a time."""

    def __init__(
        self, redis_client: redis.Redis, appid: str, fetch: Callable[[], tuple[str, int]], wait_s: float,
        counters: CallCounters | None = None,
    ) -> None:
        self._redis = redis_client
        self._fetch = fetch
        self._wait_s = wait_s
        self._counters = counters
        self.fetches_key = fetches_key(appid)
        prefix = f"gridbot:wechat:{appid}"
        self.token_key = f"{prefix}:token"
        self.lock_key = f"{prefix}:token_lock"
        self.blocked_key = f"{prefix}:token_fetch_blocked"
        self._compare_and_delete = redis_client.register_script(COMPARE_AND_DELETE_LUA)
        self._last: tuple[str, float] | None = None  # the token last read or fetched, and when (monotonic)

    def current(self) -> str | None:
        """The stored token, if any."""
        value = self._redis.get(self.token_key)
        return value.decode() if isinstance(value, bytes) else value

    def recent(self) -> str:
        """The token this process read less than TOKEN_REUSE_S ago, else `obtain`'s."""
        last = self._last
        if last is not None and time.monotonic() - last[1] < TOKEN_REUSE_S:
            return last[0]
        return self.obtain()

    def obtain(self) -> str:
        """The stored token, or a new one fetched under the lock (waiting for another fetcher if there is one)."""
        token = self._obtain()
        self._last = (token, time.monotonic())
        return token

    def _obtain(self) -> str:
        deadline = time.monotonic() + self._wait_s
        while True:
            token = self.current()
            if token:
                return token
            lock_value = secrets.token_hex(16)
            if self._redis.set(self.lock_key, lock_value, nx=True, px=int(self._wait_s * 1000)):
                try:
                    # Another process may have stored a token between our read and our lock.
                    return self.current() or self._fetch_and_store()
                finally:
                    self._compare_and_delete(keys=[self.lock_key], args=[lock_value])
            if time.monotonic() >= deadline:
                raise WeChatAPIError(
                    f"timed out after {self._wait_s:.0f} s waiting for another process to fetch the access token",
                    transient=True,
                    failure="token",
                )
            time.sleep(LOCK_POLL_S)

    def unblock(self) -> None:
        """Forget an earlier permanent fetch failure (the configuration may have been fixed)."""
        self._redis.delete(self.blocked_key)

    def discard(self, token: str) -> bool:
        """Forget `token` if it is still the stored one; True if it was."""
        self._last = None
        return bool(self._compare_and_delete(keys=[self.token_key], args=[token]))

    def _fetch_and_store(self) -> str:
        blocked = self._redis.get(self.blocked_key)
        if blocked is not None:
            reason = blocked.decode() if isinstance(blocked, bytes) else str(blocked)
            raise WeChatAPIError(f"{reason} (not retried for {FETCH_BLOCK_S} s after the first failure)",
                                 failure="token")
        self._redis.incr(self.fetches_key)
        if self._counters is not None:
            self._counters.token_fetched()
        try:
            token, expires_in = self._fetch()
        except WeChatAPIError as error:
            if not error.transient:
                self._redis.set(self.blocked_key, str(error), ex=FETCH_BLOCK_S)
            raise
        ttl = expires_in - REFRESH_MARGIN_S if expires_in > 2 * REFRESH_MARGIN_S else max(expires_in // 2, 1)
        self._redis.set(self.token_key, token, ex=ttl)
        logger.info("fetched a new WeChat access token (kept %d s)", ttl)
        return token


class RedactCredentialsFilter(logging.Filter):
    """Masks `secret=` and `access_token=` values in log records (urllib3 logs every request line at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's string arguments; never drops a record."""
        if isinstance(record.args, tuple):
            record.args = tuple(CREDENTIAL_IN_URL.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction() -> None:
    """Attach RedactCredentialsFilter to urllib3's request logger, once per process."""
    target = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, RedactCredentialsFilter) for f in target.filters):
        target.addFilter(RedactCredentialsFilter())


def _redirect(url: str, base_url: str) -> str:
    """Point a wechatpy URL that hard-codes the official host at the configured base URL."""
    if url.startswith(DEFAULT_BASE_URL):
        return base_url + url[len(DEFAULT_BASE_URL) :]
    return url


class _GridbotWeChatClient(WeChatClient):
    """wechatpy's client with every URL redirectable, a timeout everywhere and the token from Redis."""

    def __init__(self, appid: str, secret: str, base_url: str, timeout: float) -> None:
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.base_url = base_url
        self._http = WeChatSession(base_url)
        self.API_BASE_URL = f"{base_url}/cgi-bin/"
        self.shared_token: SharedAccessToken | None = None

    @property
    def access_token(self) -> str:
        """The shared token (wechatpy reads this attribute in a few helpers)."""
        assert self.shared_token is not None
        return self.shared_token.obtain()

    def fetch_access_token(self) -> tuple[str, int]:  # type: ignore[override]
        """One real GET /cgi-bin/token at the base URL; returns (token, expires_in)."""
        if not self.secret:
            raise WeChatAPIError("cannot fetch the WeChat access token: WECHAT_SECRET is not set", failure="token")
        action = "fetching the WeChat access token"
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        try:
            res = self._http.get(f"{self.base_url}/cgi-bin/token", params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise error_from_network(exc, action) from None
        if res.status_code != 200:
            raise error_from_http_status(res.status_code, action)
        try:
            result = res.json()
        except ValueError:
            raise WeChatAPIError(f"{action} failed: the answer is not JSON") from None
        errcode = int(result.get("errcode") or 0)
        if errcode:
            errmsg = str(result.get("errmsg", ""))
            hint = FETCH_FAILURE_HINTS.get(errcode, errmsg)
            raise WeChatAPIError(
                f"{action} failed: errcode {errcode}, {hint}",
                errcode=errcode,
                errmsg=errmsg,
                transient=errcode in TRANSIENT_ERRCODES,
            )
        if not result.get("access_token"):
            raise WeChatAPIError(f"{action} failed: the answer holds no access_token")
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """Send with the shared token; on a token error drop that token, fetch anew and retry exactly once."""
        assert self.shared_token is not None
        if "api_base_url" in kwargs:
            kwargs["api_base_url"] = _redirect(kwargs["api_base_url"], self.base_url)
        url_or_endpoint = _redirect(url_or_endpoint, self.base_url)
        action = f"WeChat API {url_or_endpoint.rsplit('/cgi-bin/', 1)[-1]}"
        for attempt in (1, 2):
            token = self.shared_token.recent() if attempt == 1 else self.shared_token.obtain()
            params = {**(kwargs.get("params") or {}), "access_token": token}
            try:
                return super()._request(method, url_or_endpoint, **{**kwargs, "params": params})
            except WeChatClientException as exc:
                if exc.errcode is None:
                    status = exc.response.status_code if exc.response is not None else None
                    raise error_from_http_status(status, action) from None
                if exc.errcode not in TOKEN_ERRCODES:
                    error = error_from_errcode(exc.errcode, str(exc.errmsg), action)
                    error.answer = _json_of(exc.response)
                    raise error from None
                dropped = self.shared_token.discard(token)
                if attempt == 2:
                    raise WeChatAPIError(
                        f"{action} failed: the access token was rejected again (errcode {exc.errcode})",
                        errcode=exc.errcode,
                        errmsg=str(exc.errmsg),
                    ) from None
                logger.warning(
                    "%s: access token rejected (errcode %s, %s); retrying once with a fresh one",
                    action,
                    exc.errcode,
                    "dropped it" if dropped else "another process already replaced it",
                )
            except requests.RequestException as exc:
                raise error_from_network(exc, action) from None
        raise AssertionError("unreachable")


class WeChatAPI:
    """Every outbound WeChat call of gridbot goes through here."""

    def __init__(
        self, appid: str, secret: str, redis: redis.Redis, base_url: str | None = None, timeout: float = 5.0
    ) -> None:
        install_log_redaction()
        base = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.client = _GridbotWeChatClient(appid, secret, base, timeout)
        self.counters = CallCounters(redis)
        # The lock lives at least as long as one fetch may take, so it cannot expire under its holder.
        wait_s = max(LOCK_TTL_MS / 1000, 2 * timeout)
        self.token = SharedAccessToken(redis, appid, self.client.fetch_access_token, wait_s, self.counters)
        self.client.shared_token = self.token

    @classmethod
    def from_settings(cls, settings: Settings, redis: redis.Redis) -> "WeChatAPI":
        """The adapter configured from settings (WECHAT_API_BASE_URL redirects every call)."""
        return cls(settings.wechat_appid, settings.wechat_secret, redis, base_url=settings.wechat_api_base_url)

    def access_token(self) -> str:
        """The token shared by all processes, fetched if none is stored."""
        return self.token.obtain()

    @contextmanager
    def _counted(self, kind: str) -> Iterator[None]:
        """Count the call in the block as a success or a failure of `kind` (bot.wechat.counters)."""
        try:
            yield
        except WeChatAPIError as error:
            self.counters.failed(kind, error.reason)
            raise
        self.counters.sent(kind)

    def send_text(self, openid: str, content: str) -> None:
        """Send a customer-service text message (only inside the user's reply window)."""
        with self._counted(NoticeChannel.CUSTOM):
            _expect_dict(self.client.message.send_text(openid, content), "message/custom/send")
        logger.info("sent text to %s (%d chars)", mask_openid(openid), len(content))

    def send_template(self, openid: str, template_id: str, data: dict, url: str | None = None) -> str:
        """Send a template message; returns WeChat's msgid."""
        with self._counted(NoticeChannel.TEMPLATE):
            answer = self.client.message.send_template(openid, template_id, data, url=url)
            result = _expect_dict(answer, "message/template/send")
            if "msgid" not in result:
                raise WeChatAPIError("WeChat API message/template/send answered without a msgid")
        logger.info("sent template %s to %s", template_id, mask_openid(openid))
        return str(result["msgid"])

    def mass_send_text(self, openids: list[str], content: str, clientmsgid: str) -> str:
        """群发 a text to 2-10,000 OpenIDs (message/mass/send); returns the msg_id. A repeat of `clientmsgid` within
        24 hours is refused with 45065 and the first send's msg_id, returned here as the success it is."""
        body = {"touser": openids, "msgtype": "text", "text": {"content": content}, "clientmsgid": clientmsgid}
        try:
            with self._counted(NoticeChannel.MASS):
                result = _expect_dict(self.client.post("message/mass/send", data=body), "message/mass/send")
                if "msg_id" not in result:
                    raise WeChatAPIError("WeChat API message/mass/send answered without a msg_id")
        except WeChatAPIError as error:
            if error.errcode != MASS_ALREADY_SENT or not error.answer.get("msg_id"):
                raise
            logger.info("mass send %s was sent before (45065): msg_id %s", clientmsgid, error.answer["msg_id"])
            return str(error.answer["msg_id"])
        logger.info("mass send %s to %d OpenIDs: msg_id %s", clientmsgid, len(openids), result["msg_id"])
        return str(result["msg_id"])

    def send_keyed_template(self, openid: str, template_id: str, data: dict, url: str | None,
                            client_msg_id: str) -> str:
        """A template message WeChat sends once per openid and `client_msg_id` within 10 minutes (wechatpy's
        send_template has no such key); returns the msgid."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": data,
                                "client_msg_id": client_msg_id}
        if url:
            body["url"] = url
        with self._counted(NoticeChannel.TEMPLATE):
            result = _expect_dict(self.client.post("message/template/send", data=body), "message/template/send")
            if "msgid" not in result:
                raise WeChatAPIError("WeChat API message/template/send answered without a msgid")
        return str(result["msgid"])

    def callback_ips(self) -> list[str]:
        """The addresses WeChat's servers call the webhook from (IPs, possibly CIDR ranges)."""
        result = _expect_dict(self.client.get("getcallbackip"), "getcallbackip")
        ips = result.get("ip_list")
        if not isinstance(ips, list) or not all(isinstance(ip, str) for ip in ips):
            raise WeChatAPIError("WeChat API getcallbackip answered without an ip_list")
        logger.info("fetched WeChat's callback IP list (%d entries)", len(ips))
        return ips

    def create_permanent_qrcode(self, scene_key: str) -> tuple[str, str]:
        """A permanent QR code carrying `scene_key` (QR_LIMIT_STR_SCENE; an account may make 100,000): its ticket
        and the URL the code encodes. Scanning it sends a subscribe event with qrscene_<key>, or SCAN with <key>."""
        body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene_key}}}
        result = _expect_dict(self.client.post("qrcode/create", data=body), "qrcode/create")
        ticket, url = result.get("ticket"), result.get("url")
        if not isinstance(ticket, str) or not isinstance(url, str) or not ticket or not url:
            raise WeChatAPIError("WeChat API qrcode/create answered without a ticket and url")
        logger.info("created the permanent QR code of scene %s", scene_key)
        return ticket, url

    def download_media(self, media_id: str) -> bytes:
        """Download a temporary media file (image, voice) by media_id."""
        result = self.client.media.download(media_id)
        if isinstance(result, dict):
            # media/get answers JSON only for video (a URL), which gridbot does not accept.
            raise WeChatAPIError(f"WeChat API media/get returned JSON instead of a file for media {media_id!r}")
        return bytes(result.content)


def _json_of(response: Any) -> dict[str, Any]:
    try:
        answer = response.json() if response is not None else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _expect_dict(result: Any, action: str) -> dict:
    if not isinstance(result, dict):
        raise WeChatAPIError(f"WeChat API {action} answered something that is not JSON")
    return result
