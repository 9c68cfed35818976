"""A pace shared by every process through Redis: N calls of a kind per window, whoever makes them.

A fixed window per kind: each call counts itself (INCR) into the current window's key; one that finds the window
full sleeps until the next and tries again (`wait`: the workers' WeChat calls), or is refused (`count`: the
console's actions per account). Two processes therefore share the limit instead of doubling it.
"""

from __future__ import annotations

import time
from typing import Callable

import redis as redis_lib

KEY = "gridbot:rate:{kind}:{window}"


class SharedRate:
    """`wait()` returns once a call of this kind fits into `limit` per `window_s` across all processes."""

    def __init__(self, redis: redis_lib.Redis, kind: str, limit: int, window_s: float,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time) -> None:
        self._redis, self._kind, self._limit, self._window_s = redis, kind, limit, window_s
        self._sleep, self._clock = sleep, clock

    def wait(self) -> None:
        """Block until this call may go."""
        while True:
            now = self._clock()
            window = int(now // self._window_s)
            if self._counted(window) <= self._limit:
                return
            self._sleep(max((window + 1) * self._window_s - now, 0.001))

    def count(self) -> int:
        """Count this call into the current window without waiting; its place there (past the limit: too many)."""
        return self._counted(int(self._clock() // self._window_s))

    def _counted(self, window: int) -> int:
        key = KEY.format(kind=self._kind, window=window)
        with self._redis.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, int(self._window_s) + 2)
            count, _ = pipe.execute()
        return int(count)
