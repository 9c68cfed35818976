"""What a worker process shares between jobs: settings, database, Redis and the WeChat adapter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Sequence, TypeVar

import redis as redis_lib

from bot.clock import Clock, ReferenceClock, now_utc
from bot.redisconn import connect
from bot.settings import Settings
from bot.wechat.api import WeChatAPI
from handlers.taxonomy_cache import TaxonomyInForce
from nlp import Taxonomy, load_taxonomy
from storage import points_rules, workdays
from storage.db import Database

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class WorkerRuntime:
    """Built once per worker process, before the first job."""

    settings: Settings
    database: Database
    redis: redis_lib.Redis
    api: WeChatAPI
    clock: Clock = now_utc
    # The taxonomy the schedule dispatches and finds hot spots by: the newest saved from the console, else the file.
    taxonomy: TaxonomyInForce[Taxonomy] = field(init=False, repr=False)

    # The threads a delivery job sends on (GRIDBOT_SEND_LANES), started with the first job that needs two.
    _lanes: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.taxonomy = TaxonomyInForce(lambda saved: saved or _file_taxonomy(self.settings))

    def in_lanes(self, work: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """`work` on each item, all at once on the send lanes (one item runs on this thread); results in order.

        A lane mostly waits: for WeChat's answer (tens of milliseconds from a server room), and for Redis. Sent one
        after another, a worker process delivered a few dozen cards a second against the real API.
        """
        if len(items) <= 1:
            return [work(item) for item in items]
        if self._lanes is None:
            self._lanes = ThreadPoolExecutor(self.settings.send_lanes, thread_name_prefix="send-lane")
        return list(self._lanes.map(work, items))

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> "WorkerRuntime":
        """Connect everything a job needs; the deadlines it sets count on the configured holiday calendar. Time is
        the database server's (bot.clock.ReferenceClock) unless a test gives its own clock."""
        workdays.configure(settings.holidays_path)
        points_rules.configure(settings.points_rules_path)
        redis = connect(settings)
        database = settings.open_database()
        return cls(settings, database, redis, WeChatAPI.from_settings(settings, redis),
                   clock or ReferenceClock(database.server_time))


def _file_taxonomy(settings: Settings) -> Taxonomy:
    return load_taxonomy(settings.taxonomy_path)


_current: WorkerRuntime | None = None


def install(runtime: WorkerRuntime) -> None:
    """Make `runtime` the one jobs in this process use (worker start-up, tests)."""
    global _current
    _current = runtime


def current() -> WorkerRuntime:
    """The installed runtime, built from the environment on first use if the worker didn't install one."""
    if _current is None:
        install(WorkerRuntime.build(Settings.from_env()))
    assert _current is not None
    return _current
