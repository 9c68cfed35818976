"""The console at a million appeals: its lists, an appeal's page, the rates of a month and the home page's
counts, timed on PostgreSQL and SQLite.

    python bench/console_scale.py [--appeals 1000000] [--rounds 7] [--databases postgresql,sqlite] [--explain]
                                  [--only TEXT] [--pages] [--postgresql-url URL]

Loads a city's year (bench/city_year.py: 3,000 grids, a million appeals with their trails) into a throwaway
PostgreSQL cluster (tests/pgcluster.py) and a SQLite file in a temp dir, both migrated with Alembic to the
current schema, then times the storage calls behind each console page (not through Flask: rendering a page of
50 rows adds the same few milliseconds at any size), as each console role (管理员 everything, 街道 a street,
社区 a community) reads them. Each operation runs once to warm up, then --rounds times, each in a transaction
of its own; the table gives the median and the 90th percentile next to two baselines timed in the same run (the
machine is shared). --explain prints, for PostgreSQL, EXPLAIN (ANALYZE, BUFFERS) of every statement of an
operation that took 5 ms or more; for SQLite, EXPLAIN QUERY PLAN.

The rates and the dashboard are timed twice: computed, and "as served" — through the console's figure cache
(bot/figure_cache.py, on an embedded Redis), which keeps the figures that took 100 ms or more (GRIDBOT_FIGURES_KEEP_AFTER_MS) for five minutes, as
the worker keeps the default pages warm. The warm-up round computes them; a figure quick to compute is not kept,
so its "as served" time is its computed time. --postgresql-url times a database loaded by an earlier run (a
cluster kept running, a copy of a real one) instead of loading a new one. --pages also times the console's pages
through Flask as a 管理员 opens them, rendering included (bench/console_pages.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import fixture  # noqa: F401  (puts this worktree first on sys.path, before the venv's installed copy)

# isort: split
import city_year
from console_pages import time_pages
from redis import Redis
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from bot.figure_cache import FigureCache
from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.settings import DEFAULT_FIGURES_KEEP_AFTER_MS
from storage import appeal_record, queries
from storage import dashboard as board
from storage.console_users import appeal_within
from storage.db import Database, upgrade
from storage.models import Appeal, AppealStatus
from storage.queries import EVERYWHERE, AppealFilter, Scope
from storage.rates import DEFAULT_WEIGHTS, Period, Unit, ranking
from tests.pgcluster import DATABASE, throwaway_cluster

NOW = city_year.NOW_UTC
PAGE = 51  # the console's 50 and one more, to know whether there is a next page
SLOW_STATEMENT_S = 0.025  # --explain shows the statements at least this slow (a busy machine makes any 5 ms)
BENCH_DATABASE = "gridbot_console_scale"  # --explain shows the statements at least this slow


def dashboard(session: Session, scope: Scope, kept: FigureCache | None = None) -> object:
    """The console's 数据看板 for its default period (every panel: storage/dashboard.py) and its home page's queue
    counts, as the two pages an operator opens first; with `kept`, the period's figures as the console serves
    them (bot/figure_cache.py)."""
    period = board.default_period(NOW)
    figures = kept.period_figures(scope, period) if kept is not None else None
    return board.dashboard(session, scope, period, NOW, figures=figures), queries.queue_counts(session, NOW, scope)


@dataclass(frozen=True)
class Operation:
    """One thing a console page asks of storage, as one role would."""

    name: str
    run: Callable[[Session], object]


def operations(session: Session, kept: FigureCache) -> list[Operation]:
    """Every operation timed, with the ids it reads picked from the loaded data; "as served": through the
    console's figure cache, which keeps those slow to compute (the warm-up round computes them)."""
    roles = {"管理员": EVERYWHERE, "街道": Scope(street_id=1), "社区": Scope(community_id=1)}
    everything = tuple(AppealStatus)
    week = NOW - timedelta(days=180)
    found: list[Operation] = [
        Operation("baseline: SELECT 1", lambda s: s.execute(text("SELECT 1")).scalar()),
        Operation("baseline: scan 3,000 grids", lambda s: s.execute(text("SELECT count(*), max(name) FROM grids"))
                  .all()),
    ]
    filters = {
        "open, first page": AppealFilter(),
        "closed, first page": AppealFilter(statuses=(AppealStatus.CLOSED,)),
        "category 噪音扰民": AppealFilter(statuses=everything, categories=("噪音扰民",)),
        "overdue": AppealFilter(overdue=True),
        "unclaimed": AppealFilter(unclaimed=True),
        "text 电梯": AppealFilter(statuses=everything, text="电梯"),
        "a week in June": AppealFilter(statuses=everything, since=week, until=week + timedelta(days=7)),
        "one grid": AppealFilter(statuses=everything, within=Scope(grid_id=6)),
    }
    middle = int(session.scalar(select(func.max(Appeal.id))) or 0) * 3 // 4
    for role, scope in roles.items():
        for label, wanted in filters.items():
            found.append(Operation(f"list {role}: {label}", _listing(scope, wanted)))
        found.append(Operation(f"list {role}: closed, deep page",
                               _listing(scope, AppealFilter(statuses=(AppealStatus.CLOSED,)), after_id=middle)))
    for role, scope in roles.items():
        ticket = session.scalar(select(Appeal.ticket).where(scope.condition(), Appeal.status == AppealStatus.CLOSED)
                                .order_by(Appeal.id.desc()).limit(1))
        found.append(Operation(f"detail {role}", _detail(scope, str(ticket))))
    for role, scope in roles.items():
        for month in (11, 6):
            found.append(Operation(f"rates {role}: 2026-{month:02d} by grid (+ previous)", _rates(scope, month)))
        found.append(Operation(f"rates {role}: 2026-11 by grid, as served",
                               lambda s, scope=scope: kept.ranking(scope, Period.month(2026, 11), Unit.GRID)))
    for role, scope in roles.items():
        found.append(Operation(f"dashboard {role}", lambda s, scope=scope: dashboard(s, scope)))
        found.append(Operation(f"dashboard {role}, as served", lambda s, scope=scope: dashboard(s, scope, kept)))
    return found


def _listing(scope: Scope, wanted: AppealFilter, after_id: int | None = None) -> Callable[[Session], object]:
    return lambda session: queries.appeals(session, NOW, scope, wanted, limit=PAGE, after_id=after_id)


def _detail(scope: Scope, ticket: str) -> Callable[[Session], object]:
    def run(session: Session) -> object:
        appeal = appeal_within(session, scope, ticket)
        assert appeal is not None
        return appeal_record.record_of(session, appeal), appeal_record.surroundings(session, appeal, scope)
    return run


def _rates(scope: Scope, month: int) -> Callable[[Session], object]:
    return lambda session: ranking(session, Period.month(2026, month), NOW, Unit.GRID, scope)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p90_ms: float


def measure(database: Database, found: list[Operation], rounds: int) -> dict[str, Timing]:
    """Each operation once to warm up, then `rounds` times; the rounds interleave the operations, so a burst
    of load on the machine spreads over all of them instead of landing on one."""
    samples: dict[str, list[float]] = {operation.name: [] for operation in found}
    for round_number in range(rounds + 1):
        for operation in found:
            with database.transaction() as session:
                started = time.perf_counter()
                operation.run(session)
                elapsed = time.perf_counter() - started
            if round_number:
                samples[operation.name].append(elapsed)
    return {name: Timing(statistics.median(values) * 1000, _p90(values) * 1000) for name, values in samples.items()}


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


@contextmanager
def _statements(database: Database) -> Iterator[list[tuple[str, Any, float]]]:
    """The statements run inside the block, with their parameters and how long each took."""
    seen: list[tuple[str, Any, float]] = []
    started: list[float] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append((statement, parameters, time.perf_counter() - started.pop()))

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)


def explain(database: Database, found: list[Operation]) -> None:
    """The plans of each operation's slow statements, as run (PostgreSQL) or as planned (SQLite)."""
    postgres = database.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    for operation in found:
        with _statements(database) as seen, database.transaction() as session:
            operation.run(session)
        slow = [(statement, parameters, took) for statement, parameters, took in seen
                if took >= SLOW_STATEMENT_S and statement.lstrip().upper().startswith(("SELECT", "WITH"))]
        for statement, parameters, took in slow:
            print(f"\n--- {database.engine.dialect.name} · {operation.name} · {took * 1000:.0f} ms\n{statement}")
            with database.engine.connect() as connection:
                if postgres:
                    connection.exec_driver_sql("SET jit = off")
                for row in connection.exec_driver_sql(prefix + statement, parameters):
                    print("  " + " | ".join(str(value) for value in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--databases", default="postgresql,sqlite", help="which of postgresql, sqlite (comma-separated)")
    parser.add_argument("--only", default="", help="time only the operations whose name contains this")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--pages", action="store_true",
                        help="also time the console's pages through Flask as 管理员 (bench/console_pages.py)")
    parser.add_argument("--postgresql-url", default="",
                        help="time this PostgreSQL database, loaded by an earlier run, instead of loading a new one")
    options = parser.parse_args()
    wanted = options.databases.split(",")
    city_year.sqlite_datetimes()
    with ExitStack() as stack:
        redis_directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gridbot-console-redis-")))
        redis_url = ensure_embedded_redis(redis_directory)
        redis = Redis.from_url(redis_url)
        stack.callback(stop_embedded_redis, redis_directory)
        urls, loaded = {}, {}
        if "postgresql" in wanted and options.postgresql_url:
            loaded["postgresql"] = stack.enter_context(_disposing(Database(options.postgresql_url)))
        elif "postgresql" in wanted:
            urls["postgresql"] = chinese_database(stack.enter_context(throwaway_cluster()))
        if "sqlite" in wanted:
            directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="gridbot-console-scale-"))
            urls["sqlite"] = f"sqlite:///{Path(directory) / 'console.db'}"
        databases = {}
        for name, url in urls.items():
            upgrade(url)
            databases[name] = stack.enter_context(_disposing(Database(url)))
        started = time.perf_counter()
        if databases:
            city_year.load(list(databases.values()), options.appeals)
            print(f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        databases.update(loaded)
        results = {}
        for name, database in databases.items():
            started = time.perf_counter()
            _analyze(database)
            print(f"{name}: ANALYZE in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            redis.flushdb()  # the figures kept for one database are not the other's
            kept = FigureCache(database, lambda: redis, lambda: NOW, DEFAULT_WEIGHTS, DEFAULT_FIGURES_KEEP_AFTER_MS)
            with database.transaction() as session:
                found = [operation for operation in operations(session, kept) if options.only in operation.name
                         or operation.name.startswith("baseline")]
            results[name] = measure(database, found, options.rounds)
        _table(options, found, results)
        if options.pages:
            for name, database in databases.items():
                redis.flushdb()
                print(f"\n{name}:", end="")
                time_pages(database.engine.url.render_as_string(hide_password=False), redis_url, redis_directory,
                           NOW, options.rounds)
        if options.explain:
            for database in databases.values():
                explain(database, [operation for operation in found if not operation.name.startswith("baseline")])


def chinese_database(cluster_url: str) -> str:
    """A database of the cluster whose character classes know Chinese (LC_CTYPE C.UTF-8, as a deployment for
    Chinese text has): pg_trgm takes Chinese characters for letters only then. The test cluster's is "C"."""
    engine = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {BENCH_DATABASE} TEMPLATE template0 ENCODING 'UTF8' "
                                       "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C'")
    finally:
        engine.dispose()
    return cluster_url.replace(f"/{DATABASE}?", f"/{BENCH_DATABASE}?")


@contextmanager
def _disposing(database: Database) -> Iterator[Database]:
    try:
        yield database
    finally:
        database.dispose()


def _analyze(database: Database) -> None:
    """Fresh statistics, and on PostgreSQL a vacuumed visibility map, as autovacuum leaves a settled table."""
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def _table(options: argparse.Namespace, found: list[Operation], results: dict[str, dict[str, Timing]]) -> None:
    names = list(results)
    print(f"\n{options.appeals:,} appeals, {options.rounds} rounds; milliseconds, median / p90")
    header = _padded("operation", 52) + "".join(f"{name:>20}" for name in names)
    print(header)
    print("-" * len(header))
    for operation in found:
        cells = "".join(f"{timing.median_ms:>11.1f} / {timing.p90_ms:<6.1f}"
                        for timing in (results[name][operation.name] for name in names))
        print(_padded(operation.name, 52) + cells)


def _padded(label: str, width: int) -> str:
    """`label` padded to `width` columns of a terminal, where a Chinese character takes two."""
    used = sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in label)
    return label + " " * max(1, width - used)

if __name__ == "__main__":
    main()
