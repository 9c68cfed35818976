"""The RQ worker gridbot runs its jobs with: RQ's SimpleWorker (jobs in this process: no fork per job, the
runtime and its pools are reused), with two changes of its own."""

from __future__ import annotations

import os
import time
from types import FrameType

import redis
from redis.client import PubSub, PubSubWorkerThread
from rq import SimpleWorker
from rq.worker_registration import get_keys

from bot.worker.failures import FailureLog

# How long redis-py's pubsub thread waits for a message before it looks whether it should stop (RQ gives it 60 s).
PUBSUB_WAIT_S = 1.0
PUBSUB_RETRY_S = 2.0  # RQ's pause before the pubsub thread tries Redis again


class GridbotWorker(SimpleWorker):
    """RQ's SimpleWorker that quits at once in burst mode, remembers whether it was asked to stop (SIGTERM,
    SIGINT) rather than quit on an error, logs its pubsub thread's lost Redis once a minute, and signs off for
    the workers of its host that are gone when it registers."""

    stop_asked = False
    _pubsub_failures: FailureLog | None = None

    def register_birth(self) -> None:
        """RQ's, after signing off the registrations its host left for processes that are gone: a worker killed
        (kill -9, a reboot that Redis outlived on disk) or this process's own loop before, which lost Redis and
        could not sign off (worker.py starts the loop again under a new name), stayed registered until its key
        expired, up to 8 minutes, and /metrics and /healthz/all counted it alive."""
        for key in sorted(get_keys(connection=self.connection)):
            other = self.find_by_key(key, connection=self.connection) if key != self.key else None
            if other is not None and other.hostname == self.hostname and not _other_process_running(other.pid):
                other.register_death()
        super().register_birth()

    def subscribe(self) -> None:
        """RQ's, with a short wait in redis-py's pubsub thread: a burst worker that quits right after subscribing
        unsubscribes before that thread saw the subscription, the thread then waits out its whole wait for one that
        never comes, and RQ's sign-off joins it (`gridbot worker --burst`, and tests, hung a minute)."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=PUBSUB_WAIT_S, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)

    def _pubsub_exception_handler(self, exc: Exception, pubsub: PubSub, pubsub_thread: PubSubWorkerThread) -> None:
        """RQ's, but its line for each try (every 2 s while Redis is down: 1,800 an hour) comes once a minute, and
        a Redis refusing writes (MISCONF: its disk full) is retried too rather than ending the thread with a
        traceback (no more stop commands reached the worker after it)."""
        if not isinstance(exc, redis.exceptions.RedisError):
            super()._pubsub_exception_handler(exc, pubsub, pubsub_thread)
            return
        if self._pubsub_failures is None:
            self._pubsub_failures = FailureLog(self.log, f"Worker {self.name}: the pubsub thread's Redis connection")
        self._pubsub_failures.failed(exc)
        time.sleep(PUBSUB_RETRY_S)


def _other_process_running(pid: int | None) -> bool:
    """Whether another process of this host has this pid (an unknown pid: assumed running). This process's own
    pid is an earlier loop of it, not running any more; a pid taken since by an unrelated process reads as
    running, and its registration expires as before."""
    if pid is None:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
