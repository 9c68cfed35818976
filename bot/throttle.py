"""Log lines within bounds: an outage that refuses every request, or a flood of forged ones, should not flood the
log."""

from __future__ import annotations

import threading
import time
from typing import Callable


class Throttle:
    """`ready()` is True at most once per `interval_s` (for all threads of the process)."""

    def __init__(self, interval_s: float = 60.0) -> None:
        self._interval_s = interval_s
        self._next = 0.0
        self._lock = threading.Lock()

    def ready(self) -> bool:
        """True if the interval has passed since the last True."""
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return False
            self._next = now + self._interval_s
            return True


class LineBudget:
    """At most `limit` log lines per `interval_s` (for all threads of the process): `take()` is None for a line
    past the budget (counted, not logged), else how many were left out since the last line logged."""

    def __init__(self, limit: int, interval_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._interval_s = interval_s
        self._clock = clock
        self._window_ends = 0.0
        self._used = 0
        self._left_out = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """None past the budget of this interval; else the lines left out before this one (usually 0)."""
        now = self._clock()
        with self._lock:
            if now >= self._window_ends:
                self._window_ends, self._used = now + self._interval_s, 0
            if self._used >= self._limit:
                self._left_out += 1
                return None
            self._used += 1
            left_out, self._left_out = self._left_out, 0
            return left_out
