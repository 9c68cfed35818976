"""The RQ queue the worker's schedule fills and its workers drain, as the web side watches it (/metrics, /healthz).

Shared by bot.worker (which names the queue) and bot.web (which never imports the worker). Every look is a handful
of Redis reads in one round trip, cheap enough for each scrape and each health check.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue
from rq.worker_registration import get_keys

QUEUE_NAME = "gridbot"


@dataclass(frozen=True)
class Depths:
    """Jobs in the queue and in its registries."""

    queued: int  # waiting for a worker
    started: int  # being run by a worker
    deferred: int  # waiting for another job
    scheduled: int  # due later (a retry's interval)
    failed: int  # failed for good, kept by RQ for inspection


def depths(client: redis.Redis) -> Depths:
    """How many jobs wait, run, and failed in the gridbot queue."""
    queue = Queue(QUEUE_NAME, connection=client)
    pipe = client.pipeline(transaction=False)
    pipe.llen(queue.key)
    for registry in (queue.started_job_registry, queue.deferred_job_registry, queue.scheduled_job_registry,
                     queue.failed_job_registry):
        pipe.zcard(registry.key)
    return Depths(*(int(count) for count in pipe.execute()))


def live_workers(client: redis.Redis) -> int:
    """RQ worker processes listening on the gridbot queue whose heartbeat is current.

    A worker registers in RQ's set of the queue's workers and keeps its own key alive with heartbeats (its TTL
    is RQ's worker_ttl, 420 s); a worker killed without deregistering stays in the set until some worker
    cleans it, but its key expires: only workers whose key still exists count. A process counts once, by the
    host and pid its key names: one whose RQ loop lost Redis starts the loop again under a new name (worker.py),
    and the name before, which could not sign off while Redis was gone, stays registered until its key expires.
    """
    keys = sorted(get_keys(Queue(QUEUE_NAME, connection=client)))
    if not keys:
        return 0
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, "hostname", "pid")
    return len({(host, pid) for host, pid in pipe.execute() if pid is not None})
