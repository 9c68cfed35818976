"""The webhook's own metrics: how long each POST /wechat took and how it was answered, per process.

gunicorn's workers are separate processes and a scrape reaches one of them, so under `gridbot serve` each worker
keeps its values in a small memory-mapped file of one directory (prometheus_client's multiprocess mode, switched on
by `enable_multiprocess` before the app is built) and a scrape sums the files. Anywhere else (tests, one process)
the values live in the metrics' own registry. Counters only: a dead worker's file still holds what it counted,
so nothing needs removing when gunicorn replaces a worker.

Cost per request: one histogram observation and one counter increment (three small writes into the mapped file):
11 µs in multiprocess mode, 6 µs without, measured on the 2-core machine while it ran other tests (best of five runs
of 100,000): about 0.02 % of the webhook's 50 ms p99 goal.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from bot.throttle import Throttle

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable: where the files go
# le="0.05" is the webhook's p99 goal, le="5.0" WeChat's deadline (it retries, then gives up on the message).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REFUSAL_STATUSES = ("400", "403", "408", "413", "503")  # what bot.web.webhook refuses with
_directory: Path | None = None  # set by enable_multiprocess, inherited by the forked workers
log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How the webhook answered a POST: the `outcome` label, a small fixed set."""

    APPEAL = "appeal"  # the message filed an appeal, and the resident was told its number
    REPLY = "reply"  # answered with a message: a command, a dialogue's step, an answer from the FAQ
    SILENT = "silent"  # acknowledged without a message (most events)
    DUPLICATE = "duplicate"  # WeChat's retry of a message already handled: the stored reply again
    BUSY = "busy"  # asked to resend: the database or the message before it held the request too long
    ERROR = "error"  # something unexpected broke; asked to resend, the traceback is in the log
    REFUSED = "refused"  # not taken: signature, timestamp, replay, size, slow body or source (by status)


class WebhookMetrics:
    """The latency histogram and the counters of answers and refusals."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._seconds = Histogram("gridbot_webhook_seconds", "Time to answer a POST /wechat, in seconds",
                                  buckets=BUCKETS, registry=self.registry)
        replies = Counter("gridbot_webhook_replies", "POSTs to /wechat by how they were answered", ["outcome"],
                          registry=self.registry)
        refused = Counter("gridbot_webhook_refused", "POSTs to /wechat refused, by HTTP status", ["status"],
                          registry=self.registry)
        # Children looked up once (and so exported at 0 from the start): .labels() takes a lock per call.
        self._replies = {outcome: replies.labels(outcome.value) for outcome in Outcome}
        self._refused = {status: refused.labels(status) for status in REFUSAL_STATUSES}
        self._refused_other = refused.labels("other")
        self._failure_log = Throttle()

    def answered(self, outcome: Outcome, seconds: float) -> None:
        """Count one answered POST."""
        with self._counting():
            self._seconds.observe(seconds)
            self._replies[outcome].inc()

    def refused(self, status: int, seconds: float) -> None:
        """Count one refused POST."""
        with self._counting():
            self._seconds.observe(seconds)
            self._replies[Outcome.REFUSED].inc()
            self._refused.get(str(status), self._refused_other).inc()

    @contextmanager
    def _counting(self) -> Iterator[None]:
        """A count that cannot be written (its file gone or the disk full) is lost, never the reply: the message
        was handled and committed before it, and an HTTP 500 had WeChat retry it into the same failure and tell
        the resident the account could not serve them. Logged at most once a minute."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - whatever the metrics library raises, the answer goes out
            if self._failure_log.ready():
                log.error("webhook metrics not counted: %s: %s", type(error).__name__, error)

    def sources(self) -> Iterable[Collector]:
        """What a scrape reads: every process's files in multiprocess mode, else this registry."""
        directory = multiprocess_dir()
        return [MultiProcessCollector(None, path=str(directory))] if directory else [self.registry]


def enable_multiprocess(directory: Path) -> None:
    """Keep the webhook metrics of this process and of the workers it forks in files under `directory`,
    emptied first (counts of an earlier run would be added to this one's). Call before any metric is made."""
    global _directory
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)  # where prometheus_client names each process's file
    # The library picks its value class from this variable when first imported, which is before `gridbot serve`
    # knows its directory: pick the multiprocess one now, as that import would have.
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()
    _directory = directory


def multiprocess_dir() -> Path | None:
    """The multiprocess directory, once `enable_multiprocess` set one up."""
    return _directory
