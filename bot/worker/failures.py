"""The schedule's failures, logged without flooding: a database that disappears fails every round (five a
second), and a traceback per round would bury everything else in the log."""

from __future__ import annotations

import logging
import time
from typing import Callable

from storage.db import first_line

REPEAT_EVERY_S = 60.0


class FailureLog:
    """One English line per kind of failure per minute (with how many more of that kind came in between), and
    one line when a round succeeds again. Tracebacks are kept for DEBUG."""

    def __init__(self, log: logging.Logger, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._log = log
        self._what = what
        self._clock = clock
        self._next: dict[str, float] = {}
        self._unlogged: dict[str, int] = {}
        self._failing = 0

    def failed(self, error: BaseException) -> None:
        """Note a failed round; log it if its kind was not logged within the last minute."""
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        self._failing += 1
        now = self._clock()
        if now < self._next.get(kind, 0.0):
            self._unlogged[kind] = self._unlogged.get(kind, 0) + 1
            return
        self._next[kind] = now + REPEAT_EVERY_S
        more = self._unlogged.pop(kind, 0)
        since = f" ({more} more like it in the last minute)" if more else ""
        self._log.error("%s failed, retrying: %s: %s%s", self._what, type(error).__name__, first_line(error), since)
        self._log.debug("%s failure", self._what, exc_info=error)

    def succeeded(self) -> None:
        """Note a round that went through; say so once after failures."""
        if self._failing:
            self._log.warning("%s works again after %d failed round(s)", self._what, self._failing)
        self._failing = 0
        self._next.clear()
        self._unlogged.clear()
