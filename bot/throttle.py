"""A log line at most once per interval: an outage that refuses every request should not flood the log."""

from __future__ import annotations

import threading
import time


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
