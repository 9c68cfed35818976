"""The HTTP session under the WeChat client: requests' interface, urllib3's connection pool underneath.

wechatpy sends every call through a requests Session. For the calls gridbot makes (a query string, a JSON or
empty body, a JSON or file answer) requests' own work around the socket (preparing the request, cookie jars,
hooks, typing checks, the environment's proxies read on every call) cost more CPU than the call itself:
half of a task card's delivery (bench/appeal_cost.py --profile). `WeChatSession.request` does those calls on
urllib3 directly and answers with a requests Response, raising requests' exceptions, so that wechatpy and
bot/wechat/api.py see what they saw before; anything else (a file upload, say) goes through requests as ever.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, get_environ_proxies
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import ProxyError as Urllib3ProxyError
from urllib3.exceptions import SSLError as Urllib3SSLError

from bot.settings import MAX_SEND_LANES

# Connections kept per host: a worker process sends from its delivery jobs' lanes and its schedule thread.
POOL_SIZE = MAX_SEND_LANES + 2
HEADERS = {"User-Agent": "gridbot", "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
# What `request` takes itself; a call with anything else (files, json, auth, streaming) is requests' to do.
_HANDLED = frozenset({"params", "data", "headers", "timeout"})


class WeChatSession(requests.Session):
    """A requests Session for the calls to one API host, with the environment's proxy and CA bundle read once."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.proxies.update(get_environ_proxies(base_url))
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.trust_env = False  # read above, once: requests would walk os.environ twice on every call
        proxy = self.proxies.get(base_url.split(":", 1)[0]) or self.proxies.get("all")
        tls = {"cert_reqs": "CERT_REQUIRED", **({"ca_certs": self.verify} if isinstance(self.verify, str) else {})}
        self._pool: urllib3.PoolManager = (urllib3.ProxyManager(proxy, maxsize=POOL_SIZE, **tls) if proxy
                                           else urllib3.PoolManager(maxsize=POOL_SIZE, **tls))

    def request(  # type: ignore[override]
        self, method: str | bytes, url: str | bytes, **kwargs: Any
    ) -> requests.Response:
        if set(kwargs) - _HANDLED or not isinstance(url, str) or isinstance(kwargs.get("data"), dict):
            return super().request(method, url, **kwargs)
        method = method.decode() if isinstance(method, bytes) else method
        full_url = _with_query(url, kwargs.get("params"))
        body = kwargs.get("data")
        timeout = kwargs.get("timeout")
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)  # requests takes both forms
        try:
            answer = self._pool.request(
                method.upper(), full_url, body=body.encode() if isinstance(body, str) else body,
                headers={**HEADERS, **(kwargs.get("headers") or {})},
                timeout=urllib3.Timeout(connect=connect, read=read), retries=False, redirect=False,
            )
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise _as_requests_error(error) from error
        return _response(answer, method.upper(), full_url)


def _with_query(url: str, params: Any) -> str:
    if not params:
        return url
    query = urlencode({k: v for k, v in dict(params).items() if v is not None}, doseq=True)
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def _response(answer: urllib3.BaseHTTPResponse, method: str, url: str) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status
    response.headers = CaseInsensitiveDict(answer.headers)
    response.encoding = get_encoding_from_headers(response.headers)
    response.reason = answer.reason or ""
    response.url = url
    response._content = answer.data
    request = requests.PreparedRequest()
    request.method, request.url = method, url
    response.request = request
    return response


def _as_requests_error(error: Exception) -> requests.RequestException:
    """The requests exception its HTTPAdapter raises for this urllib3 one (bot/wechat/api.py classifies those)."""
    if isinstance(error, Urllib3ProxyError):
        return requests.exceptions.ProxyError(error)
    if isinstance(error, NewConnectionError):  # a ConnectTimeoutError subclass, but a refusal, not a timeout
        return requests.ConnectionError(error)
    if isinstance(error, ConnectTimeoutError):
        return requests.ConnectTimeout(error)
    if isinstance(error, ReadTimeoutError):
        return requests.ReadTimeout(error)
    if isinstance(error, Urllib3SSLError):
        return requests.exceptions.SSLError(error)
    if isinstance(error, (ProtocolError, OSError)):
        return requests.ConnectionError(error)
    return requests.RequestException(error)
