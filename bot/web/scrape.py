"""What /metrics works out at each scrape: the dependencies, the RQ queue, the outbox, the appeals waiting, and the
WeChat calls the workers counted in Redis (bot.wechat.counters).

Every figure here is shared state, so any web host answers for the whole deployment. Each scrape costs a `SELECT 1`,
a handful of counts over indexed columns that touch only unfinished rows (see storage.outbox.WATCHED and
storage.queries.queue_counts), and three Redis round trips. A dependency that is down does not fail the scrape: its
`gridbot_dependency_up` is 0 and the figures that need it are left out.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterator

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError

from bot import jobqueue
from bot.throttle import Throttle
from bot.web.runtime import Runtime
from bot.wechat import counters
from bot.wechat.api import fetches_key
from storage import dispatch, notice_sending, outbox, queries
from storage.db import DatabaseUnavailable, first_line
from storage.models import NoticeChannel

log = logging.getLogger(__name__)
TOKEN_DAILY_LIMIT = 2000  # access-token fetches WeChat allows an account a day
WAITING = ("unclaimed", "overdue", "review", "reopened")  # queries.QueueCounts fields, as the console counts them


class Scrape:
    """A prometheus_client collector over the runtime's database and Redis."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._failure_log = Throttle()

    def collect(self) -> Iterator[Metric]:
        """The families of one scrape, dependency by dependency."""
        up = GaugeMetricFamily("gridbot_dependency_up", "1 if the dependency answered this scrape, else 0",
                               labels=["name"])
        families: list[Metric] = []
        database_up = self._gather("database", families, self._database)
        redis_up = self._gather("redis", families, self._redis)
        workers = [f for f in families if f.name == "gridbot_rq_workers"]
        workers_up = bool(workers and workers[0].samples[0].value >= 1)
        for name, is_up in (("database", database_up), ("redis", redis_up), ("workers", workers_up)):
            up.add_metric([name], 1.0 if is_up else 0.0)
        yield up
        yield from families

    def _gather(self, name: str, families: list[Metric], read: Callable[[], list[Metric]]) -> bool:
        try:
            families.extend(read())
        except (DatabaseUnavailable, SQLAlchemyError, redis.RedisError, OSError) as error:
            if self._failure_log.ready():
                log.warning("/metrics: %s is down (%s)", name, first_line(error))
            return False
        return True

    def _database(self) -> list[Metric]:
        runtime = self._runtime
        runtime.database.ping()  # bounded by the connection's timeouts, like /healthz
        now = runtime.clock()
        with runtime.database.read() as session:
            backlog = outbox.backlog(session, now)
            undispatched = dispatch.oldest_undispatched(session)
            waiting = queries.queue_counts(session, now)
            stopped = set(notice_sending.stopped_channels(session, now))
        messages = GaugeMetricFamily("gridbot_outbox_messages", "Outbox rows not sent yet, or failed, by state",
                                     labels=["state"])
        for state, count in backlog.by_status.items():
            messages.add_metric([state], count)
        waited_since = min((due for due in (backlog.oldest_due, undispatched) if due is not None), default=None)
        late = (now - waited_since).total_seconds() if waited_since else 0.0
        oldest = GaugeMetricFamily("gridbot_outbox_oldest_due_seconds",
                                   "How long the most overdue pending outbox row, or appeal not yet dispatched, "
                                   "has waited (0: none)", value=max(late, 0.0))
        appeals = GaugeMetricFamily("gridbot_appeals_waiting",
                                    "Open appeals in the console's queues: unclaimed, overdue, to classify, reopened",
                                    labels=["queue"])
        for queue in WAITING:
            appeals.add_metric([queue], getattr(waiting, queue))
        channels = GaugeMetricFamily("gridbot_wechat_channel_stopped",
                                     "1 while WeChat's daily quota (45009) has stopped the channel until midnight",
                                     labels=["channel"])
        for channel in NoticeChannel:
            channels.add_metric([channel.value], 1.0 if channel.value in stopped else 0.0)
        return [messages, oldest, appeals, channels]

    def _redis(self) -> list[Metric]:
        runtime = self._runtime
        client = runtime.redis()
        depths = jobqueue.depths(client)
        jobs = GaugeMetricFamily("gridbot_rq_jobs", "Jobs in the RQ queue and its registries, by state",
                                 labels=["queue", "state"])
        for state, count in vars(depths).items():
            jobs.add_metric([jobqueue.QUEUE_NAME, state], count)
        workers = GaugeMetricFamily("gridbot_rq_workers", "RQ workers on the gridbot queue with a current heartbeat",
                                    value=jobqueue.live_workers(client))
        # WeChat's day, by the wall clock as the workers count it (not the runtime's clock, which tests move).
        counted = counters.read(client, counters.beijing_today())
        fetched = client.get(fetches_key(runtime.settings.wechat_appid))
        return [jobs, workers, *self._wechat(counted, int(fetched or 0))]

    def _wechat(self, counted: counters.Counted, fetched: int) -> list[Metric]:
        sends = CounterMetricFamily("gridbot_wechat_sends", "Messages WeChat accepted, by kind", labels=["kind"])
        for channel in NoticeChannel:
            sends.add_metric([channel.value], counted.sent.get(channel.value, 0))
        failures = CounterMetricFamily("gridbot_wechat_send_failures",
                                       "Sends WeChat refused or that failed on the way, by kind and errcode "
                                       "(or timeout, network, http, answer, token)", labels=["kind", "errcode"])
        for (kind, reason), count in sorted(counted.failed.items()):
            failures.add_metric([kind, reason], count)
        tokens = CounterMetricFamily("gridbot_wechat_token_fetches", "Access tokens fetched from WeChat",
                                     value=fetched)
        used = GaugeMetricFamily("gridbot_wechat_quota_used",
                                 "Today's (Beijing) successful calls against a daily quota, by kind", labels=["kind"])
        limit = GaugeMetricFamily("gridbot_wechat_quota_limit", "The daily quota of each kind, as configured",
                                  labels=["kind"])
        limits = self._runtime.settings.notice_limits()
        for channel in NoticeChannel:
            used.add_metric([channel.value], counted.today.get(channel.value, 0))
            limit.add_metric([channel.value], limits.per_day(channel))
        used.add_metric([counters.TOKEN], counted.today.get(counters.TOKEN, 0))
        limit.add_metric([counters.TOKEN], TOKEN_DAILY_LIMIT)
        return [sends, failures, tokens, used, limit]

