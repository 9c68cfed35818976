"""What the WeChat API calls did, counted in Redis: every web host's /metrics sees every worker's sends.

The sends happen in RQ workers on other hosts; a counter in a worker's memory would die with it and reach no
scrape. Each count is one Lua script (the total, the day's count and the day's expiry in one round trip); a batch
of sends (`deferred`) counts once at its end. A failure to count is logged and swallowed: the message went out (or did
not) regardless, and raising would make the outbox retry a message that was sent.

Keys:
- `gridbot:metrics:wechat` (hash): `sent:<kind>` and `failed:<kind>:<reason>` -> calls since Redis began.
  A reason is WeChat's errcode, or timeout, network, http, answer (not JSON, a field missing) or token (waiting
  for another process's fetch). At most MAX_FIELDS fields: beyond them a new reason counts as `other`, so a
  WeChat that invents errcodes cannot grow the scrape without bound.
- `gridbot:metrics:wechat:<YYYYMMDD>` (hash, kept DAY_KEY_TTL_S): `<kind>` -> successful calls of that Beijing day
  (WeChat's quotas reset at Beijing midnight), `token` -> access-token fetches (2,000 a day).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterator

import redis

from bot.throttle import Throttle
from storage.tickets import LOCAL_ZONE

log = logging.getLogger(__name__)

TOTALS_KEY = "gridbot:metrics:wechat"
DAY_KEY_TTL_S = 3 * 86400
MAX_FIELDS = 200
TOKEN = "token"
OTHER = "other"

# KEYS[1] the totals, KEYS[2] the day; ARGV: the total's field ('' for none), its field when the hash is full,
# the field limit, the day's field ('' for none), the day key's time to live, the number of calls.
_COUNT_LUA = """
local field = ARGV[1]
if field ~= '' then
    if redis.call('HEXISTS', KEYS[1], field) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
        field = ARGV[2]
    end
    redis.call('HINCRBY', KEYS[1], field, ARGV[6])
end
if ARGV[4] ~= '' then
    redis.call('HINCRBY', KEYS[2], ARGV[4], ARGV[6])
    redis.call('EXPIRE', KEYS[2], ARGV[5])
end
return 1
"""


def day_key(day: date) -> str:
    """The hash of one Beijing day's counts."""
    return f"{TOTALS_KEY}:{day:%Y%m%d}"


def beijing_today() -> date:
    """Today in Beijing, the day WeChat's daily quotas count."""
    return datetime.now(LOCAL_ZONE).date()


class CallCounters:
    """Counts one process's WeChat calls into the shared hashes."""

    def __init__(self, client: redis.Redis, today: Callable[[], date] = beijing_today) -> None:
        self._client = client
        self._today = today
        self._script = client.register_script(_COUNT_LUA)
        self._failure_log = Throttle()
        self._batch = threading.local()  # a thread's counts held back by `deferred`

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """This thread's counts in the block reach Redis once, at its end: one round trip per batch of sends
        instead of one per send. A process that dies inside the block loses them: figures, not messages."""
        if getattr(self._batch, "counts", None) is not None:
            yield  # inside an outer block: it counts these too
            return
        counts: Counter[tuple[str, str, str, date]] = Counter()
        self._batch.counts = counts
        try:
            yield
        finally:
            self._batch.counts = None
            for (field, overflow, day_field, day), calls in counts.items():
                self._add(field, overflow, day_field, day, calls)

    def sent(self, kind: str) -> None:
        """A successful call of `kind` (a NoticeChannel: custom, template, mass): in the total and today's use."""
        self._count(f"sent:{kind}", f"sent:{OTHER}", kind)

    def failed(self, kind: str, reason: str) -> None:
        """A call of `kind` that failed for `reason` (an errcode or a failure category)."""
        self._count(f"failed:{kind}:{reason}", f"failed:{kind}:{OTHER}", "")

    def token_fetched(self) -> None:
        """One access-token fetch today (the running total is SharedAccessToken's own counter)."""
        self._count("", "", TOKEN)

    def _count(self, field: str, overflow: str, day_field: str) -> None:
        counts = getattr(self._batch, "counts", None)
        if counts is not None:
            counts[(field, overflow, day_field, self._today())] += 1
        else:
            self._add(field, overflow, day_field, self._today(), 1)

    def _add(self, field: str, overflow: str, day_field: str, day: date, calls: int) -> None:
        try:
            self._script(keys=[TOTALS_KEY, day_key(day)],
                         args=[field, overflow, MAX_FIELDS, day_field, DAY_KEY_TTL_S, calls])
        except (redis.RedisError, OSError) as error:
            if self._failure_log.ready():
                log.warning("cannot count a WeChat call in Redis (%s): /metrics misses it", type(error).__name__)


@dataclass(frozen=True)
class Counted:
    """The counts as a scrape reads them."""

    sent: dict[str, int]  # kind -> successful calls
    failed: dict[tuple[str, str], int]  # (kind, reason) -> failed calls
    today: dict[str, int]  # kind or `token` -> today's count


def read(client: redis.Redis, day: date) -> Counted:
    """The totals and the counts of `day`, in one round trip."""
    pipe = client.pipeline(transaction=False)
    pipe.hgetall(TOTALS_KEY)
    pipe.hgetall(day_key(day))
    totals, today = pipe.execute()
    sent: dict[str, int] = {}
    failed: dict[tuple[str, str], int] = {}
    for raw_field, raw_value in totals.items():
        field, value = _text(raw_field), int(raw_value)
        match field.split(":", 2):
            case ["sent", kind]:
                sent[kind] = value
            case ["failed", kind, reason]:
                failed[(kind, reason)] = value
    return Counted(sent, failed, {_text(k): int(v) for k, v in today.items()})


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
