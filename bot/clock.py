"""The real clock; everything that tells time takes a clock parameter so tests can move it.

Processes on several hosts compare each other's times: a worker decides that another's claim on a notice chunk has
lapsed (`lease_until < now`), that a queued outbox row's job was lost (`queued_at < now - 5 min`), that a send was
cut off (`sending_at < now - 10 min`). A host whose clock runs minutes ahead takes over work that is still being
done (the recipients in flight sent again, sends that left recorded as failed, a lost card reported that was not
lost); one that runs behind has its own work taken. So the production processes tell time by one clock, the
database server's: `ReferenceClock` measures how far this host's clock is from it and corrects by that,
re-measured every minute. The webhook's timestamp window then also holds on a host whose clock drifted.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]

log = logging.getLogger(__name__)
RESYNC_S = 60.0
RETRY_S = 5.0
# Beyond this the host's clock is worth a warning: it needs NTP, even though gridbot no longer depends on it.
WARN_OFF_BY_S = 2.0


def now_utc() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.fromtimestamp(time.time(), timezone.utc)


class ReferenceClock:
    """This host's clock corrected to a reference clock (the database server's), measured every RESYNC_S.

    `read_reference` returns the reference's time, None when there is no other clock to follow (SQLite: the
    database is a file on this host), or raises when it cannot be read: the last correction is kept and the
    reference asked again RETRY_S later, so a database outage never stops the clock. The correction assumes the
    round trip took as long each way; its error is at most half the round trip (about a millisecond here).
    """

    def __init__(self, read_reference: Callable[[], datetime | None], local: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._read_reference = read_reference
        self._local = local
        self._monotonic = monotonic
        self._offset_s = 0.0
        self._next_sync = monotonic()
        self._syncing = threading.Lock()
        self._warned_offset_s = 0.0

    @property
    def offset_s(self) -> float:
        """How far the reference is ahead of this host's clock, in seconds, as last measured."""
        return self._offset_s

    def __call__(self) -> datetime:
        if self._monotonic() >= self._next_sync and self._syncing.acquire(blocking=False):
            try:
                self._sync()
            finally:
                self._syncing.release()
        return datetime.fromtimestamp(self._local() + self._offset_s, timezone.utc)

    def _sync(self) -> None:
        before = self._local()
        try:
            reference = self._read_reference()
        except Exception as error:  # noqa: BLE001 - any failure to read it keeps the last correction
            self._next_sync = self._monotonic() + RETRY_S
            log.debug("reference clock unreadable (%s); keeping an offset of %.3f s", error, self._offset_s)
            return
        after = self._local()
        self._next_sync = self._monotonic() + RESYNC_S
        if reference is None:
            return
        self._offset_s = reference.timestamp() - (before + after) / 2
        if abs(self._offset_s) > WARN_OFF_BY_S and abs(self._offset_s - self._warned_offset_s) > WARN_OFF_BY_S:
            self._warned_offset_s = self._offset_s
            log.warning("this host's clock is %.1f s %s the database server's: gridbot keeps the database's time; "
                        "check NTP on this host", abs(self._offset_s), "behind" if self._offset_s > 0 else "ahead of")
