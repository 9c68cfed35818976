"""A deadline for reading a request body, whatever pace the client sends it at.

A socket timeout bounds each recv(), not the whole read: a client sending one byte a second never trips it
and holds a server thread for as long as its Content-Length lasts. Here one thread per process cuts off the
reading side of a socket whose deadline passed (`shutdown(SHUT_RD)`): the blocked read returns what came, and
the caller sees a short body. The socket can still carry the answer.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class _Entry:
    __slots__ = ("due", "order", "sock", "active")

    def __init__(self, due: float, order: int, sock: socket.socket) -> None:
        self.due, self.order, self.sock, self.active = due, order, sock, True

    def __lt__(self, other: "_Entry") -> bool:
        return (self.due, self.order) < (other.due, other.order)


class ReadDeadlines:
    """`with deadlines.bounded(sock, 2.0): body = stream.read(n)` reads for at most 2 s."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[_Entry] = []
        self._order = itertools.count()
        self._pid: int | None = None  # the reaper thread does not survive a fork: one per process

    @contextmanager
    def bounded(self, sock: socket.socket | None, seconds: float) -> Iterator[None]:
        """Cut `sock`'s reading side if the block is still running after `seconds` (no socket: no bound)."""
        if sock is None:
            yield
            return
        entry = _Entry(time.monotonic() + seconds, next(self._order), sock)
        with self._cond:
            self._start_reaper()
            heapq.heappush(self._heap, entry)
            if self._heap[0] is entry:
                self._cond.notify()
        try:
            yield
        finally:
            with self._cond:
                entry.active = False  # left in the heap; the reaper drops it when it comes up

    def _start_reaper(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._heap.clear()
            threading.Thread(target=self._reap, name="read-deadlines", daemon=True).start()

    def _reap(self) -> None:
        with self._cond:
            while True:
                while self._heap and not self._heap[0].active:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                delay = self._heap[0].due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                entry = heapq.heappop(self._heap)
                entry.active = False
                try:
                    entry.sock.shutdown(socket.SHUT_RD)
                except OSError:
                    pass  # already closed by the client


deadlines = ReadDeadlines()
