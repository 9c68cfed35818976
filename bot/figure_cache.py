"""The console's slow figures — a period's rates ranking, the dashboard's panels over a period — kept in Redis for
a few minutes when computing them took long.

At a city's size (a million appeals a year, thousands of grids) the rates of a month for every grid, or the
dashboard of the whole city, cost the database a second and more: each reads every appeal of the period. A figure
that took GRIDBOT_FIGURES_KEEP_AFTER_MS (100 ms) or more to compute is kept for FRESH_FOR and served to every
operator who asks for the same one (scope, period, unit, weights) meanwhile; the page says as of when (“截至
10:05”: Ranking.as_of and PeriodFigures.as_of are the moment they were computed). Figures that are quick to
compute — a community, a street of a small city, any small deployment — are never kept, so they are exact at every
load. The worker computes the
whole city's and each street's default pages ahead of the operators (`warm`, every WARM_EVERY), so the first
operator of the morning does not wait either.

Figures are read through `Database.read`: on SQLite a second of counting must not hold the write lock the webhook
needs, and a page may ask from inside its own transaction. Values are pickled: Redis is trusted with code here as it is by RQ, which pickles its jobs there. The key holds a
digest of the figures' field names, so a deploy that changes their shape never reads the old ones.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any, TypeVar

import redis as redis_lib
from sqlalchemy import select

from bot.clock import Clock
from storage import dashboard
from storage.db import Database
from storage.models import Street
from storage.queries import EVERYWHERE, Scope
from storage.rate_counts import Counts
from storage.rates import DEFAULT_UNIT, Period, Ranking, Rates, Row, Unit, Weights, ranking

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(minutes=5)
WARM_EVERY = timedelta(minutes=4)  # under FRESH_FOR: the defaults the worker computes never go stale between rounds
KEY = "gridbot:figures:{kind}:{digest}"

T = TypeVar("T")

_SHAPES = (Ranking, Row, Counts, Rates, Period, dashboard.PeriodFigures, dashboard.Workload, dashboard.Spread,
           dashboard.DayCount)
SHAPE = hashlib.sha256(repr([[field.name for field in fields(shape)] for shape in _SHAPES]).encode()).hexdigest()[:12]


class FigureCache:
    """The figures of the console pages, computed through storage and kept in Redis while fresh."""

    def __init__(self, database: Database, redis: Callable[[], redis_lib.Redis], clock: Clock, weights: Weights,
                 keep_after_ms: int | None) -> None:
        self.database = database
        self.redis = redis  # a callable: the web runtime connects lazily, once per process
        self.clock = clock
        self.weights = weights
        # Computed faster than this, a figure is not kept: the next page computes it again. None: nothing is kept.
        self.keep_after_s = None if keep_after_ms is None else keep_after_ms / 1000

    def ranking(self, scope: Scope, period: Period, unit: Unit, refresh: bool = False) -> Ranking:
        """The rates page's ranking (storage.rates.ranking), as of now or of a few minutes ago."""
        def compute() -> Ranking:
            with self.database.read() as session:
                return ranking(session, period, self.clock(), unit, scope, self.weights)
        return self._served("ranking", (scope, period, unit), compute, refresh)

    def period_figures(self, scope: Scope, period: Period, refresh: bool = False) -> dashboard.PeriodFigures:
        """The dashboard's panels over the period (storage.dashboard.period_figures)."""
        def compute() -> dashboard.PeriodFigures:
            with self.database.read() as session:
                return dashboard.period_figures(session, scope, period, self.clock(), self.weights)
        return self._served("dashboard", (scope, period), compute, refresh)

    def kept_period_figures(self, scope: Scope, period: Period) -> dashboard.PeriodFigures | None:
        """The dashboard's panels over the period if they are kept, else None (nothing is computed)."""
        if self.keep_after_s is None:
            return None
        return self._read(self._key("dashboard", (scope, period)), self.clock())  # type: ignore[no-any-return]

    def warm(self) -> int:
        """Compute again the default pages of the whole city and of each street — this month's rates by grid, the
        dashboard's last DEFAULT_DAYS days — keeping those slow to compute; how many scopes were computed."""
        now = self.clock()
        with self.database.read() as session:
            streets = list(session.scalars(select(Street.id).order_by(Street.id)))
        scopes = [EVERYWHERE, *(Scope(street_id=street) for street in streets)]
        for scope in scopes:
            self.period_figures(scope, dashboard.default_period(now), refresh=True)
            self.ranking(scope, Period.month_of(now), DEFAULT_UNIT, refresh=True)
        return len(scopes)

    def _served(self, kind: str, what: tuple[Any, ...], compute: Callable[[], T], refresh: bool = False) -> T:
        if self.keep_after_s is None:
            return compute()
        key = self._key(kind, what)
        now = self.clock()
        if not refresh:
            kept = self._read(key, now)
            if kept is not None:
                return kept  # type: ignore[no-any-return]
        started = time.perf_counter()
        value = compute()
        if time.perf_counter() - started >= self.keep_after_s:
            self._write(key, now, value)
        return value

    def _key(self, kind: str, what: tuple[Any, ...]) -> str:
        return KEY.format(kind=kind, digest=hashlib.sha256(repr((SHAPE, self.weights, *what)).encode()).hexdigest())

    def _read(self, key: str, now: datetime) -> Any:
        try:
            raw = self.redis().get(key)
        except redis_lib.RedisError as error:
            log.warning("figures not read from Redis (computed instead): %s", error)
            return None
        if raw is None:
            return None
        try:
            computed_at, value = pickle.loads(raw)  # noqa: S301 - written by this module (see the module's docstring)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as error:
            log.warning("kept figures unreadable (computed instead): %s", error)
            return None
        return value if abs(now - computed_at) < FRESH_FOR else None

    def _write(self, key: str, now: datetime, value: Any) -> None:
        try:
            self.redis().set(key, pickle.dumps((now, value)), ex=int(FRESH_FOR.total_seconds() * 2))
        except redis_lib.RedisError as error:
            log.warning("figures not kept in Redis: %s", error)
