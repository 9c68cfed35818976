"""Marks in Redis around each call of a claimed outbox row, so that what a dead worker's batch left can be told apart.

A delivery job claims its whole batch in one transaction (storage.outbox.claim) and writes the sends down at the
batch's end: one write transaction per batch instead of one per row, which SQLite's single writer, shared with the
webhook and the dispatch round, could not keep up with under a burst (bench/dispatch_latency.py). In between, Redis
holds for each row "calling" (set just before the call, only if nothing is there) and then "sent" with WeChat's msgid
(noted with the next row's mark, or at the batch's end). For the rows a dead worker left `sending`, the relay's sweep
(storage.outbox.settle_abandoned) reads them:

- no mark: never called. The sweep writes "swept" first, only if nothing is there, so that a worker that was merely
  stalled finds it and skips the row; the row goes back to pending and is sent later.
- "calling": cut off around the call, outcome unknown, never sent again: at most one row per send lane of a dead
  worker (delivery.py), as when each row had a transaction of its own. (A send is noted with the lane's next row's
  mark, or when the lane is done: a worker that dies in between leaves that send "calling".)
- "sent": written down as sent.

Marks are trusted only on the Redis server they were written to. The claim records that server's run_id (its epoch);
a restart or a Sentinel failover, either of which may lose the last writes, changes it. A row claimed under another
epoch, or so long ago that its marks may have expired, is outcome unknown, as every abandoned row was before marks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

import redis
from redis import RedisError

from storage.outbox import CallState, Claim, Delivery

MARK_TTL_S = 24 * 3600
# A claim older than this may have outlived its marks (the sweep runs every round; the margin covers a long outage).
TRUSTED_FOR = timedelta(hours=12)
CALLING, SWEPT, SENT = b"calling", b"swept", b"sent:"


def mark_key(row_id: int, attempt: int) -> str:
    """One claim's mark: a row is claimed again, with the next attempt number, after a transient error."""
    return f"gridbot:outbox:call:{row_id}:{attempt}"


class CallMarks:
    """One delivery job's marks (or the sweep's reading of them), on the worker's Redis client."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._sent_note: tuple[str, bytes] | None = None  # the last send, written with the next row's mark

    def epoch(self) -> str:
        """The run_id of the Redis server the marks go to: new with each start of a server, and after a failover."""
        return str(self._redis.info("server")["run_id"])

    def calling(self, delivery: Delivery) -> bool:
        """Mark the row as being called (with the previous send's note, in one round trip); False if the sweep
        took it back meanwhile, and it must not be called."""
        key = mark_key(delivery.id, delivery.attempts)
        pipe = self._redis.pipeline(transaction=False)
        if self._sent_note is not None:
            pipe.set(*self._sent_note, xx=True, ex=MARK_TTL_S)
        pipe.set(key, CALLING, nx=True, ex=MARK_TTL_S)
        marked = pipe.execute()[-1]
        self._sent_note = None
        # Not set: "swept", or our own mark whose first answer was lost and the client sent again.
        return bool(marked) or self._redis.get(key) == CALLING

    def sent(self, delivery: Delivery, msgid: str | None) -> None:
        """The row's call succeeded: noted with the next row's mark, or by `flush`."""
        self._sent_note = (mark_key(delivery.id, delivery.attempts), SENT + (msgid or "").encode())

    def flush(self) -> None:
        """Write the last send's note now (the lane is done)."""
        if self._sent_note is not None:
            self._redis.set(*self._sent_note, xx=True, ex=MARK_TTL_S)
            self._sent_note = None

    def forget(self, deliveries: Sequence[Delivery]) -> None:
        """Drop the marks of rows whose sends are written down in the database."""
        if deliveries:
            self._redis.delete(*(mark_key(delivery.id, delivery.attempts) for delivery in deliveries))

    def outcomes(self, claims: Sequence[Claim], now: datetime) -> dict[int, tuple[CallState, str | None]]:
        """What the marks say of abandoned claims (storage.outbox.settle_abandoned); those left out are unknown.
        A row found unmarked is marked "swept" in the same step, so its worker, if it is only stalled, skips it."""
        try:
            epoch = self.epoch()
            trusted = [claim for claim in claims if claim.epoch == epoch and claim.sending_at > now - TRUSTED_FOR]
            pipe = self._redis.pipeline(transaction=False)
            for claim in trusted:
                key = mark_key(claim.id, claim.attempt)
                pipe.set(key, SWEPT, nx=True, ex=MARK_TTL_S)
                pipe.get(key)
            found = pipe.execute()[1::2]
        except (RedisError, OSError):
            return {}
        said: dict[int, tuple[CallState, str | None]] = {}
        for claim, mark in zip(trusted, found, strict=True):
            if mark == SWEPT:
                said[claim.id] = (CallState.NOT_CALLED, None)
            elif mark is not None and mark.startswith(SENT):
                said[claim.id] = (CallState.SENT, mark[len(SENT):].decode() or None)
        return said
