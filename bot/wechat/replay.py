"""The replay guard: a (timestamp, nonce) pair WeChat signed once carries one body, never another.

In plain mode WeChat's `signature` covers only the token, the timestamp and the nonce. Anyone who saw one
genuine request URL (a proxy's access log is enough) could POST any body under it for as long as the
timestamp is inside the tolerance window. The first body seen for a pair is remembered in Redis until the
pair's timestamp leaves the window; the same body again is WeChat's retry (the dedup answers it), another
body is refused. The URL check (a GET, when the account's server address is saved) is signed the same way and
logged the same way: its pair is remembered too, as carrying no body at all.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Callable

import redis

from bot.clock import Clock
from bot.settings import SAFE, Settings
from bot.throttle import Throttle
from bot.wechat.wire import Query, UrlCheck, WireError

log = logging.getLogger(__name__)
URL_CHECK = "url-check"  # what a GET's pair is remembered with: no body's sha256 reads like it


class ReplayGuard:
    """Remembers the body of each signed (timestamp, nonce) pair for as long as the pair could be accepted."""

    def __init__(self, settings: Settings, clock: Clock, client: Callable[[], redis.Redis]) -> None:
        self._prefix = f"gridbot:wechat:{settings.wechat_appid}:request"
        self._tolerance = settings.timestamp_tolerance_s
        self._safe = settings.mode == SAFE
        self._clock = clock
        self._client = client
        self._outage_log = Throttle()

    def check(self, query: Query, body: bytes) -> None:
        """Pass a first or repeated (same body) use of the pair; raise WireError for anything else.

        Safe mode needs no memory: every body it accepts passed a msg_signature over that body, the timestamp
        and the nonce, so another body under the same pair is already refused (and the Redis round trip is
        saved on every request). Compat remembers encrypted requests too: a plaintext forgery must not reuse
        the pair of a genuine encrypted one. Without Redis plain and compat refuse with 503, because there the
        guard is all that stops a forged body, and WeChat retries a 503.
        """
        if self._safe:
            return
        self._guard(query.timestamp, query.nonce, hashlib.sha256(body).hexdigest())

    def spend(self, checked: UrlCheck) -> None:
        """Remember a URL check's pair, so that no message comes under it later; WireError as `check` raises
        (503 without Redis: WeChat's page asks the operator to save the address again)."""
        if not self._safe:
            self._guard(checked.timestamp, checked.nonce, URL_CHECK)

    def _guard(self, timestamp: int, nonce: str, digest: str) -> None:
        try:
            first_or_same = self._remember(timestamp, nonce, digest)
        except (redis.RedisError, OSError) as error:
            if self._outage_log.ready():
                log.error("replay guard: Redis unavailable (%s); refusing messages until it is back",
                          type(error).__name__)
            raise WireError(503, "replay guard unavailable (Redis)") from None
        if not first_or_same:
            raise WireError(403, "timestamp and nonce already used with another body (replay?)")

    def _remember(self, timestamp: int, nonce: str, digest: str) -> bool:
        key = f"{self._prefix}:{timestamp}:{nonce}"
        # Until the timestamp leaves the window (it may be ahead of our clock), not just `tolerance` from now.
        ttl = max(1, timestamp + self._tolerance - int(self._clock().timestamp()) + 1)
        client = self._client()
        if client.set(key, digest, nx=True, ex=ttl):
            return True
        seen = client.get(key)
        return seen is None or seen.decode() == digest  # None: it expired just now, with the window
