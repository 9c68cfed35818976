"""The rates of one month by grid (storage.rates.ranking), timed on a generated year of appeals.

    python bench/rates.py [--appeals 200000] [--grids 2000] [--database-url URL] [--explain]

Generates an organisation (streets of 10 communities of 10 grids) and a year of appeals spread evenly over it,
each with a typical trail (filed, dispatched, claimed, resolved, rated; a share late, reopened, returned or
withdrawn), into an empty database migrated to the current schema (a throwaway SQLite file by default), then
times ranking() for one month by grid — the current period and the previous one, as `gridbot rates` and the
console ask for them. --explain prints the database's plan of the counting query (PostgreSQL: as run).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fixture  # noqa: F401  (puts the repository on sys.path)
from sqlalchemy import insert, text

from storage.appeals import Action
from storage.db import Database, upgrade
from storage.models import Appeal, AppealEvent, AppealStatus, Community, Grid, Street
from storage.queries import EVERYWHERE
from storage.rate_counts import counts_by, counts_query
from storage.rates import Period, Unit, ranking

YEAR_START = datetime(2025, 12, 1, tzinfo=timezone.utc)
BATCH = 5000


def organisation(database: Database, grids: int) -> list[int]:
    """Streets of 10 communities of 10 grids; the grid ids."""
    with database.transaction() as session:
        ids = []
        for number in range(grids):
            if number % 100 == 0:
                street = session.execute(insert(Street).values(name=f"街道{number // 100}").returning(Street.id))
                street_id = street.scalar_one()
            if number % 10 == 0:
                community = session.execute(insert(Community).values(street_id=street_id, name=f"社区{number // 10}")
                                            .returning(Community.id))
                community_id = community.scalar_one()
            grid = session.execute(insert(Grid).values(community_id=community_id, name=f"网格{number}")
                                   .returning(Grid.id))
            ids.append(grid.scalar_one())
        return ids


def appeals(database: Database, grid_ids: list[int], count: int, seed: int = 13) -> None:
    """`count` appeals over a year, in batches, with their trails."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        rows, trails = [], []
        for _ in range(min(BATCH, count - made)):
            made += 1
            filed = YEAR_START + timedelta(seconds=rng.randrange(365 * 86400))
            row, trail = _appeal(rng, made, rng.choice(grid_ids), filed)
            rows.append(row)
            trails.append(trail)
        # Ids given here (the database is empty): executemany without RETURNING is several times faster.
        events = [{"appeal_id": row["id"], "at": at, "actor_kind": kind, "actor_id": actor, "action": action,
                   "note": note} for row, trail in zip(rows, trails, strict=True)
                  for at, kind, actor, action, note in trail]
        with database.engine.begin() as connection:
            connection.execute(insert(Appeal.__table__), rows)
            connection.execute(insert(AppealEvent.__table__), events)
        print(f"\r{made} appeals", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def _appeal(rng: random.Random, number: int, grid_id: int, filed: datetime) -> tuple[dict, list[tuple]]:
    hours = timedelta(hours=1)
    trail: list[tuple] = [(filed, "resident", None, Action.SUBMITTED, None),
                          (filed, "system", None, Action.DISPATCHED, None)]
    member = grid_id * 10 + rng.randrange(3)
    status = AppealStatus.DISPATCHED
    roll = rng.random()
    if roll < 0.03:
        status = AppealStatus.CANCELLED
        trail.append((filed + hours, "resident", None, Action.CANCELLED, None))
    elif roll < 0.95:
        if rng.random() < 0.05:
            trail.append((filed + hours, "staff", member, Action.RETURNED, None))
        claimed = filed + hours * rng.uniform(0.2, 30)
        trail.append((claimed, "staff", member, Action.ACCEPTED, None))
        status = AppealStatus.ACCEPTED
        if rng.random() < 0.9:
            resolved = claimed + hours * rng.uniform(1, 90)
            trail.append((resolved, "staff", member, Action.RESOLVED, None))
            status = AppealStatus.RESOLVED
            if rng.random() < 0.7:
                rating = rng.choices(("satisfied", "basic", "unsatisfied"), (0.8, 0.15, 0.05))[0]
                trail.append((resolved + hours * 5, "resident", None, Action.RATED, rating))
                if rating == "unsatisfied":
                    trail.append((resolved + hours * 5, "resident", None, Action.REOPENED, None))
                    status = AppealStatus.ACCEPTED
                else:
                    status = AppealStatus.CLOSED
    row = {"id": number, "ticket": f"B{number:09d}", "grid_id": grid_id, "category": rng.choice(("物业服务", "环境卫生", "市政设施")),
           "confidence": 1.0, "keywords": "[]", "channel": "text", "content": "…", "raw_message": "{}",
           "status": status, "response_hours": 24, "resolve_hours": 72, "response_due_at": filed + hours * 24,
           "resolve_due_at": filed + hours * 72, "created_at": filed, "updated_at": filed, "escalation_level": 0,
           "working_days": False, "assignee_staff_id": None}
    return row, trail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=200_000)
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty database (default: a throwaway SQLite file)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    options = parser.parse_args()
    url = options.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'rates.db'}"
    upgrade(url)
    database = Database(url)
    started = time.perf_counter()
    appeals(database, organisation(database, options.grids), options.appeals)
    print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    period = Period.month(2026, 6)
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    timings = []
    for _ in range(options.rounds):
        with database.transaction() as session:
            started = time.perf_counter()
            ranked = ranking(session, period, now, Unit.GRID, EVERYWHERE)
            timings.append(time.perf_counter() - started)
    as_of = period.as_of(now)
    with database.transaction() as session:
        started = time.perf_counter()
        counts_by(session, Unit.GRID, period.start, period.end, as_of, EVERYWHERE)
        counting = time.perf_counter() - started
    print(f"the counting query alone, once: {counting * 1000:.0f} ms", file=sys.stderr)
    print(f"{database.engine.dialect.name}: {options.appeals} appeals, {options.grids} grids; a month by grid "
          f"({ranked.total.counts.received} appeals, {len(ranked.rows)} rows, with the previous month): "
          f"median {statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms")
    if options.explain:
        _explain(database, period, now)
    database.dispose()


def _explain(database: Database, period: Period, now: datetime) -> None:
    """The plan of the counting query for the period, with the time each step took on PostgreSQL."""
    query = counts_query(Unit.GRID, period.start, period.end, period.as_of(now), EVERYWHERE)
    statement = str(query.compile(database.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if database.engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET jit = off")  # as counts_by runs it
        for row in connection.exec_driver_sql(prefix + statement):
            print(" | ".join(str(value) for value in row))

if __name__ == "__main__":
    main()
