"""What bench/city_week.py reads while the simulated week runs (queue depths, task cards at the fake API) and
after it (per simulated Beijing day: appeals, the three rates from storage/rates.py, 督着办 events, WeChat calls
counted by bot/wechat/counters.py against WeChat's daily limits), and the database's size by table before and after,
from which the bench reports what the week added per appeal."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

import cards
import cityweek_city
import redis
import requests
from rq import Queue
from sqlalchemy import func, inspect, literal_column, select, text

from bot.wechat.counters import day_key
from bot.worker.schedule import QUEUE_NAME
from storage.appeals import Action
from storage.db import Database
from storage.models import Appeal, AppealEvent, DeliveryChannel, OutboxMessage, OutboxStatus
from storage.rate_counts import Unit
from storage.rates import Period, ranking
from storage.tickets import LOCAL_ZONE

# WeChat's daily limits for what gridbot sends (shared/reference A7; domain.md): calls a day per account.
DAILY_LIMITS = {"custom": 500_000, "template": 100_000, "mass": 100, "token": 2_000}
WAITING = (OutboxStatus.PENDING, OutboxStatus.QUEUED, OutboxStatus.SENDING)
# Literal bounds: with bound ones PostgreSQL sees the GROUP BY's substr as another expression than the SELECT's.
FAILURE_REASON = func.substr(OutboxMessage.last_error, literal_column("1"), literal_column("60"))


def beijing_day(moment: float) -> date:
    """The Beijing date of simulated epoch seconds."""
    return datetime.fromtimestamp(moment, LOCAL_ZONE).date()


class Monitor:
    """Every `interval` real seconds: the RQ backlog, outbox rows waiting, and new task cards at the fake (the
    first card of each ticket, at the fake's simulated clock); maxima kept per simulated day."""

    def __init__(self, database: Database, redis_url: str, api: str, sim_now: Callable[[], float],
                 interval: float = 2.0) -> None:
        self._database, self._api, self._sim_now, self._interval = database, api, sim_now, interval
        self._client = redis.Redis.from_url(redis_url)
        self._queue = Queue(QUEUE_NAME, connection=self._client)
        self.max_rq: dict[date, int] = defaultdict(int)
        self.max_outbox: dict[date, int] = defaultdict(int)
        self.first_card: dict[str, float] = {}
        self.failures = 0
        self._since = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="city-monitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.poll()
        self._client.close()

    def poll(self) -> None:
        """One reading (also called once more at the end, for the last cards)."""
        day = beijing_day(self._sim_now())
        try:
            backlog = self._queue.count
            with self._database.transaction() as session:
                waiting = int(session.scalar(select(func.count()).select_from(OutboxMessage)
                                             .where(OutboxMessage.status.in_(WAITING))) or 0)
            found, self._since = cards.fetch_cards(self._api, self._since)
            # The fake keeps every call in memory: a week's worth would be hundreds of megabytes.
            requests.delete(f"{self._api}/_fake/calls", timeout=10)
        except (requests.RequestException, OSError, redis.RedisError):
            self.failures += 1
            return
        self.max_rq[day] = max(self.max_rq[day], backlog)
        self.max_outbox[day] = max(self.max_outbox[day], waiting)
        for card in found:
            self.first_card.setdefault(card.ticket, card.at)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.poll()


def per_day(database: Database, redis_url: str, days: list[date], as_of: datetime) -> dict[date, dict[str, Any]]:
    """The database's and Redis's figures for each simulated day."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    found: dict[date, dict[str, Any]] = {}
    try:
        with database.transaction() as session:
            for day in days:
                period = Period.days(day, day)
                start, end = period.start.astimezone(timezone.utc), period.end.astimezone(timezone.utc)
                total = ranking(session, period, as_of, Unit.STREET).total
                supervision = dict(session.execute(
                    select(AppealEvent.action, func.count()).where(
                        AppealEvent.at >= start, AppealEvent.at < end,
                        AppealEvent.action.in_((Action.REMINDED, Action.ESCALATED)))
                    .group_by(AppealEvent.action)).all())
                outbox = dict(session.execute(
                    select(OutboxMessage.status, func.count()).where(
                        OutboxMessage.created_at >= start, OutboxMessage.created_at < end)
                    .group_by(OutboxMessage.status)).all())
                filed = int(session.scalar(select(func.count()).select_from(Appeal).where(
                    Appeal.created_at >= start, Appeal.created_at < end)) or 0)
                per_person = session.execute(
                    select(OutboxMessage.recipient_openid, func.count()).where(
                        OutboxMessage.sent_at >= start, OutboxMessage.sent_at < end,
                        OutboxMessage.channel == DeliveryChannel.CUSTOMER_SERVICE)
                    .group_by(OutboxMessage.recipient_openid)).all()
                failures = session.execute(
                    select(FAILURE_REASON, func.count()).where(
                        OutboxMessage.created_at >= start, OutboxMessage.created_at < end,
                        OutboxMessage.status == OutboxStatus.FAILED)
                    .group_by(FAILURE_REASON)).all()
                calls = client.hgetall(day_key(day))
                found[day] = {
                    "appeals_filed": filed, "counts": asdict(total.counts), "rates": _rates(total.rates),
                    "reminders": int(supervision.get(Action.REMINDED, 0)),
                    "escalations": int(supervision.get(Action.ESCALATED, 0)),
                    "outbox_by_status": {str(key): int(value) for key, value in outbox.items()},
                    "wechat_calls": {key: int(value) for key, value in calls.items()},
                    "custom_per_person": _busiest(per_person),
                    "failed_reasons": {str(reason): int(count) for reason, count in failures},
                }
    finally:
        client.close()
    return found


def _busiest(per_person: list[Any]) -> dict[str, Any]:
    """Customer-service messages sent to one person in the day: the most, and how many people got more than the
    five a user's message allows within 48 hours (staff and residents apart)."""
    staff = [int(count) for openid, count in per_person if openid.startswith(cityweek_city.STAFF_PREFIX)]
    residents = [int(count) for openid, count in per_person if not openid.startswith(cityweek_city.STAFF_PREFIX)]
    return {"staff_max": max(staff, default=0), "staff_over_5": sum(1 for count in staff if count > 5),
            "residents_max": max(residents, default=0), "residents_over_5": sum(1 for count in residents if count > 5)}


def _rates(rates: Any) -> dict[str, float | None]:
    return {name: getattr(rates, name) for name in ("response", "resolve", "satisfaction", "rating")}


def quota_use(calls: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Each counted kind of call against its daily limit."""
    return {kind: {"used": calls.get(kind, 0), "limit": limit, "share": round(calls.get(kind, 0) / limit, 4)}
            for kind, limit in DAILY_LIMITS.items()}


def days_between(first: date, count: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(count)]


def table_sizes(database: Database) -> dict[str, tuple[int, int]]:
    """Each table's rows and bytes on disk, its indexes included (PostgreSQL: TOAST too; SQLite: from dbstat)."""
    with database.read() as session:
        tables = inspect(session.connection()).get_table_names()
        rows = {table: int(session.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0) for table in tables}
        if database.engine.dialect.name == "postgresql":
            size = dict(session.execute(text("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables"))
                        .all())
        else:  # an index's pages count for its table
            size = dict(session.execute(text(
                "SELECT m.tbl_name, sum(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                "GROUP BY m.tbl_name")).all())
    return {table: (rows[table], int(size.get(table) or 0)) for table in tables}


def growth(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, dict[str, int]]:
    """What each table gained (rows, bytes), largest first, tables that did not grow left out."""
    gained = {table: {"rows": rows - before.get(table, (0, 0))[0], "bytes": size - before.get(table, (0, 0))[1]}
              for table, (rows, size) in after.items()}
    return dict(sorted(((table, change) for table, change in gained.items() if change["bytes"] > 0 or change["rows"]),
                       key=lambda item: -item[1]["bytes"]))
