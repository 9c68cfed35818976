"""A city's week, simulated: the seed articles' city (31 streets, 293 communities, 4,327 grids, 4,407 grid staff,
about a million bound residents, ~10,000 appeals a day) against the real stack, in accelerated time.

    python bench/city_week.py --days 1 --scale 0.05          # a few minutes
    python bench/city_week.py --days 1 --speed 120           # a full-volume day, ~13 minutes
    python bench/city_week.py --days 7 --scale 0.2 --speed 360 [--database postgres] [--json]

`gridbot serve`, `gridbot worker` (one or two) and the fake WeChat API run under bench/cityweek_clock.py, which
moves only their wall clock (simulated = anchor + real elapsed × speed); the bench sends signed WeChat messages
(residents' appeals and ratings, staff's 接单/进展/办结 exactly as README "网格员怎么用" has them) in the same
simulated time. Per simulated day: appeals, messages in, the three rates, 督着办 reminders and escalations, queue
depths, token fetches and each WeChat quota used. Nothing is asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import itertools
import json
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import cityweek_city
import cityweek_figures as figures
import cityweek_people as people
import fixture
import servers
import traffic
from cityweek_clock import VARIABLE as CLOCK_VARIABLE
from cityweek_clock import simulated
from webhook_load import ignore_signals, machine_facts, run_until_interrupted, say

from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.settings import Settings
from bot.wechat.simulator import WeChatServer
from handlers.resident_texts import SYSTEM_BUSY
from storage.db import Database, upgrade

CLOCK_ENTRY = Path(__file__).resolve().parent / "cityweek_clock.py"
FIRST_MONDAY = date(2026, 12, 7)
DAILY_APPEALS = 10_000
STARTUP_REAL_S = 45.0  # real seconds before simulated day 1 begins, for the processes to start
TICKET = re.compile(r"G\d{10}")
ACCEPTED = "已受理"
RESIDENT_TEMPLATE_ID = "city_week_resident_tpl"
TOKEN_LIFETIME_S = 7200  # what WeChat gives; the fake gives it divided by the speed-up


@dataclass
class Options:
    days: int
    speed: float
    scale: float
    database: str
    workers: int
    web_workers: int
    senders: int
    residents: int
    seed: int
    json: bool
    tmp_dir: Path | None


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=7, help="simulated days, from Monday 2026-12-07 (1-7)")
    parser.add_argument("--speed", type=float, default=120.0, help="simulated seconds per real second")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the daily ~10,000 appeals")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1, help="gridbot worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers of `gridbot serve`")
    parser.add_argument("--senders", type=int, default=24, help="bench threads sending messages")
    parser.add_argument("--residents", type=int, default=cityweek_city.RESIDENTS_TOTAL)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout instead of the table")
    parser.add_argument("--tmp-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if not 1 <= args.days <= 7:
        parser.error("--days must be 1-7")
    if not 1 <= args.speed <= 2000:
        parser.error("--speed must be 1-2000")
    if not 0 < args.scale <= 3:
        parser.error("--scale must be in (0, 3]")
    if not 1 <= args.web_workers <= 8 or not 1 <= args.senders <= 128:
        parser.error("--web-workers 1-8, --senders 1-128")
    if not cityweek_city.GRIDS <= args.residents <= 2_000_000:
        parser.error(f"--residents must be {cityweek_city.GRIDS}-2000000")
    return Options(**vars(args))


class SimClock:
    """The simulated clock the gridbot processes run on, read by the bench."""

    def __init__(self, speed: float, start: datetime) -> None:
        self.anchors = (time.time() + STARTUP_REAL_S, start.timestamp(), speed)

    def now(self) -> float:
        return simulated(time.time(), self.anchors)

    def variable(self) -> str:
        return ":".join(repr(value) for value in self.anchors)

    def sleep_until(self, moment: float) -> None:
        while (left := (moment - self.now()) / self.anchors[2]) > 0:
            time.sleep(min(left, 1.0))


@dataclass
class Day:
    """What the bench did on one simulated day."""

    sent: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    appeals_filed: int = 0
    late_sends: int = 0  # left the bench more than 60 simulated seconds after their planned time
    replies_over_5s: int = 0
    reply_ms: list[float] = field(default_factory=list)
    first_card_ms: list[float] = field(default_factory=list)


@dataclass(order=True)
class Event:
    at: float
    order: int
    kind: str = field(compare=False)  # appeal, claim, progress, close, rate, reclose
    openid: str = field(compare=False)
    text: str = field(compare=False)
    appeal: dict[str, Any] = field(compare=False, default_factory=dict)


class City:
    """The simulated people: who writes what when, and what they do after each answer."""

    def __init__(self, grids: list[cityweek_city.GridPeople], rng: random.Random, volume: float) -> None:
        self.grids, self.rng, self.volume = grids, rng, volume
        self.events: list[Event] = []
        self.order = itertools.count()
        self.tickets_at: dict[str, float] = {}

    def push(self, at: float, kind: str, openid: str, text: str, appeal: dict[str, Any] | None = None) -> None:
        heapq.heappush(self.events, Event(at, next(self.order), kind, openid, text, appeal or {}))

    def plan_day(self, day_start: float) -> int:
        """Every appeal of the day (and the neighbours' repeats of some); how many first appeals."""
        times = people.arrivals(self.rng, day_start, self.volume)
        for moment in times:
            grid = self.rng.choice(self.grids)
            number = self.rng.randrange(grid.residents)
            building = grid.buildings[number % len(grid.buildings)]
            label = f"{number % len(grid.buildings) + 1}号楼"
            emergency = self.rng.random() < people.EMERGENCY
            text = (people.emergency_text if emergency else people.appeal_text)(self.rng, label)
            about = {"grid": grid, "emergency": emergency, "building": building}
            self.push(moment, "appeal", cityweek_city.resident_openid(grid.first_resident + number), text, about)
            if not emergency and self.rng.random() < people.BURST:
                for _ in range(self.rng.randint(3, 12)):  # neighbours in the same building, within half an hour
                    other = self.rng.randrange(len(grid.buildings), grid.residents, len(grid.buildings)) \
                        - len(grid.buildings) + number % len(grid.buildings)
                    self.push(moment + self.rng.uniform(60, 1800), "appeal",
                              cityweek_city.resident_openid(grid.first_resident + other), text, about)
        return len(times)

    def answered(self, event: Event, body: str, sent_at: float) -> bool:
        """Schedule what follows a reply; True when it filed an appeal."""
        rng = self.rng
        if event.kind == "appeal":
            match = TICKET.search(body)
            if ACCEPTED not in body or match is None:
                return False
            ticket = match.group()
            self.tickets_at[ticket] = sent_at
            fate = people.plan(rng, event.appeal["emergency"])
            grid: cityweek_city.GridPeople = event.appeal["grid"]
            if fate.claim_after is None:
                return True
            claimer = rng.choice(grid.members)
            claimed = sent_at + fate.claim_after
            if not event.appeal["emergency"]:
                claimed = people.during_work(rng, claimed)
            state = {"ticket": ticket, "resident": event.openid, "staff": claimer, "fate": fate}
            self.push(claimed, "claim", claimer, f"接单 {ticket}", state)
            if fate.progress_after is not None:
                self.push(people.during_work(rng, claimed + fate.progress_after), "progress", claimer,
                          f"进展 {ticket} {rng.choice(people.PROGRESS)}", state)
            if fate.close_after is not None:
                self.push(people.during_work(rng, claimed + fate.close_after + 60), "close", claimer,
                          f"办结 {ticket} {rng.choice(people.CLOSINGS)}", state)
            return True
        state = event.appeal
        if event.kind in ("close", "reclose") and state["fate"].rating is not None:
            rating = state["fate"].rating if event.kind == "close" else rng.choice(("1", "1", "2"))
            if event.kind == "close" or rng.random() < 0.5:
                self.push(sent_at + state["fate"].rate_after, "rate", state["resident"], rating, state)
        if event.kind == "rate" and event.text == "3":
            self.push(people.during_work(rng, sent_at + people.reclose_after(rng)), "reclose", state["staff"],
                      f"办结 {state['ticket']} {rng.choice(people.CLOSINGS)}", state)
        return False


class Sender:
    """Signs a message with the simulated clock at the moment it leaves, and posts it to the webhook."""

    def __init__(self, settings: Settings, port: int, clock: SimClock) -> None:
        self._wechat = WeChatServer(settings.wechat_token, settings.wechat_appid, None)
        self._port, self._clock = port, clock
        self._msg_ids = itertools.count(traffic.FIRST_MSG_ID)
        self._lock = threading.Lock()

    def send(self, event: Event) -> tuple[float, int, str, float]:
        """(simulated send time, HTTP status or 0, reply body, real latency in ms)."""
        with self._lock:
            msg_id = next(self._msg_ids)
        at = self._clock.now()
        xml = self._wechat.text(event.openid, event.text, msg_id=msg_id, create_time=int(at))
        signed = self._wechat.sign(xml, encrypted=False, timestamp=int(at))
        started = time.perf_counter()
        connection = http.client.HTTPConnection(servers.HOST, self._port, timeout=15)
        try:
            connection.request("POST", f"{traffic.PATH}?{urlencode(signed.params)}", body=signed.body,
                               headers={"Content-Type": "text/xml"})
            response = connection.getresponse()
            status, body = response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            status, body = 0, ""
        finally:
            connection.close()
        return at, status, body, (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    return run_until_interrupted(lambda: _bench(options))


def _bench(options: Options) -> int:
    facts = machine_facts(options.tmp_dir)
    directory = Path(tempfile.mkdtemp(prefix="gridbot-cityweek-", dir=options.tmp_dir))
    started: list[servers.Server] = []
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, directory, True)
        url = f"sqlite:///{directory / 'city.db'}"
        if options.database == "postgres":
            from tests.pgcluster import throwaway_cluster

            url = stack.enter_context(throwaway_cluster())
        settings = Settings(wechat_token="city" + secrets.token_hex(8), wechat_appid=fixture.BENCH_APPID,
                            wechat_secret="x", wechat_aes_key=None, database_url=url, data_dir=directory,
                            log_level="WARNING", secret_key=secrets.token_urlsafe(32))
        env = fixture.BenchEnv(directory, settings, ())
        upgrade(url)
        database = Database(url)
        stack.callback(database.dispose)
        say(f"bench: loading the city ({options.residents} residents) into {options.database}")
        loading = time.monotonic()
        grids = cityweek_city.load(database, options.residents)
        load_s = time.monotonic() - loading
        redis_url = ensure_embedded_redis(directory)
        stack.callback(stop_embedded_redis, directory)
        stack.callback(ignore_signals)
        stack.callback(lambda: [servers.stop(process) for process in reversed(started)])
        start = datetime.combine(FIRST_MONDAY, datetime.min.time(), tzinfo=figures.LOCAL_ZONE)
        clock = SimClock(options.speed, start)
        api, web = _start(options, env, clock, redis_url, started)
        say(f"bench: processes up; simulated {start:%Y-%m-%d %H:%M} begins in "
            f"{(start.timestamp() - clock.now()) / options.speed:.0f} s; a day takes {86400 / options.speed:.0f} s")
        monitor = figures.Monitor(database, redis_url, api, clock.now)
        sizes_before = figures.table_sizes(database)
        city = City(grids, random.Random(options.seed), DAILY_APPEALS * options.scale)
        meter = servers.CpuMeter(started, {"redis": int((directory / "redis.pid").read_text())}, 0)
        clock.sleep_until(start.timestamp())
        meter.start()
        wall = time.monotonic()
        monitor.start()
        days = _drive(options, city, Sender(settings, web.port, clock), clock, start, monitor)
        end = clock.now()
        monitor.stop()
        drive_s = time.monotonic() - wall
        cpu, _ = meter.stop()
        for process in reversed(started):
            servers.stop(process)
        started.clear()
        say("bench: reading the figures")
        if options.database == "sqlite":
            database.checkpoint()  # the week's pages into the database file, where dbstat counts them
        stored_growth = figures.growth(sizes_before, figures.table_sizes(database))
        day_list = figures.days_between(FIRST_MONDAY, options.days)
        stored = figures.per_day(database, redis_url, day_list, datetime.fromtimestamp(end, timezone.utc))
        for ticket, at in monitor.first_card.items():
            if ticket in city.tickets_at:
                day = days[figures.beijing_day(city.tickets_at[ticket])]
                day.first_card_ms.append((at - city.tickets_at[ticket]) / options.speed * 1000)
    report = _report(options, facts, load_s, drive_s, cpu, days, stored, monitor, day_list)
    report["storage_growth"] = stored_growth
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str) if options.json else render(report))
    return 0


def _start(options: Options, env: fixture.BenchEnv, clock: SimClock, redis_url: str,
           started: list[servers.Server]) -> tuple[str, servers.Server]:
    """The fake API, the worker(s) and the webhook, all on the simulated clock."""
    python, variable = sys.executable, {CLOCK_VARIABLE: clock.variable()}
    port = servers.free_port()
    fake = servers._spawn("fake-wechat", [python, str(CLOCK_ENTRY), "fake-wechat", "--host", servers.HOST, "--port",
                                          str(port), "--expires-in", str(max(60, round(TOKEN_LIFETIME_S / options.speed)))],
                          fixture.ROOT, {"PYTHONPATH": str(fixture.ROOT)} | variable, port, env.directory)
    started.append(fake)
    servers.wait_ready(fake, traffic.get_request("/_fake/stats", servers.HOST, port))
    api = f"http://{servers.HOST}:{port}"
    # A deployment has the generic template configured: a resident's notice after their 48-hour window goes by it.
    common = {"GRIDBOT_REDIS_URL": redis_url, "WECHAT_API_BASE_URL": api,
              "GRIDBOT_RESIDENT_TEMPLATE_ID": RESIDENT_TEMPLATE_ID} | variable
    for number in range(options.workers):
        started.append(servers._spawn(f"worker{number + 1}", [python, str(CLOCK_ENTRY), "worker"], fixture.ROOT,
                                      servers.gridbot_variables(env, common), 0, env.directory))
    port = servers.free_port()
    web = servers._spawn("web", [python, str(CLOCK_ENTRY), "serve", "--host", servers.HOST, "--port", str(port),
                                 "--workers", str(options.web_workers)], fixture.ROOT,
                         servers.gridbot_variables(env, common), port, env.directory)
    started.append(web)
    servers.wait_ready(web, traffic.get_request("/healthz", servers.HOST, port), timeout=120)
    return api, web


def _drive(options: Options, city: City, sender: Sender, clock: SimClock, start: datetime,
           monitor: figures.Monitor) -> dict[date, Day]:
    """Send every event when its simulated time comes, and schedule what its answer leads to."""
    days: dict[date, Day] = defaultdict(Day)
    end = start.timestamp() + 86400 * options.days
    planned_until = start.timestamp()
    pending: dict[Future, Event] = {}
    next_note = time.monotonic() + 30
    with ThreadPoolExecutor(options.senders, thread_name_prefix="sender") as pool:
        while (now := clock.now()) < end:
            if now >= planned_until - 3600:  # plan the next day an hour ahead
                planned = city.plan_day(planned_until)
                say(f"bench: {datetime.fromtimestamp(planned_until, figures.LOCAL_ZONE):%a %m-%d}: {planned} "
                    "appeals planned")
                planned_until += 86400
            while city.events and city.events[0].at <= now and len(pending) < 4 * options.senders:
                event = heapq.heappop(city.events)
                if event.at >= end:
                    heapq.heappush(city.events, event)
                    break
                if now - event.at > 60:
                    days[figures.beijing_day(event.at)].late_sends += 1
                pending[pool.submit(sender.send, event)] = event
            done, _ = wait(list(pending), timeout=0.02, return_when=FIRST_COMPLETED) if pending else ((), None)
            for future in done:
                _answered(city, days, pending.pop(future), future.result())
            if not pending:
                time.sleep(0.01)
            if time.monotonic() >= next_note:
                next_note = time.monotonic() + 30
                today = days[figures.beijing_day(now)]
                say(f"bench: {datetime.fromtimestamp(now, figures.LOCAL_ZONE):%a %H:%M} sent {sum(today.sent.values())} "
                    f"today ({today.appeals_filed} appeals filed), {len(pending)} in flight, "
                    f"{len(city.events)} planned, RQ max {monitor.max_rq.get(figures.beijing_day(now), 0)}")
        for future in wait(list(pending)).done:
            _answered(city, days, pending.pop(future), future.result())
    return days


def _answered(city: City, days: dict[date, Day], event: Event, result: tuple[float, int, str, float]) -> None:
    at, status, body, latency = result
    day = days[figures.beijing_day(at)]
    day.sent[event.kind] += 1
    day.reply_ms.append(latency)
    if latency > 5000:
        day.replies_over_5s += 1
    if status != 200 or SYSTEM_BUSY in body:
        day.failed[event.kind if status == 200 else f"{event.kind} HTTP {status}"] += 1
        return
    if city.answered(event, body, at):
        day.appeals_filed += 1


def _percentile(values: list[float], percent: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * percent // 100) - 1))], 1)


def _report(options: Options, facts: dict[str, Any], load_s: float, drive_s: float, cpu: dict[str, float],
            days: dict[date, Day], stored: dict[date, dict[str, Any]], monitor: figures.Monitor,
            day_list: list[date]) -> dict[str, Any]:
    rows = []
    for day in day_list:
        mine, theirs = days.get(day, Day()), stored.get(day, {})
        calls = theirs.get("wechat_calls", {})
        counted = {"custom": calls.get("custom", 0), "template": calls.get("template", 0),
                   "mass": calls.get("mass", 0), "token": calls.get("token", 0)}
        rows.append({
            "day": day.isoformat(), "weekday": day.strftime("%a"), "messages_in": sum(mine.sent.values()),
            "by_kind": dict(mine.sent), "failed": dict(mine.failed), "appeals_filed_by_bench": mine.appeals_filed,
            "appeals_in_database": theirs.get("appeals_filed"), "rates": theirs.get("rates"),
            "counts": theirs.get("counts"), "reminders": theirs.get("reminders"),
            "escalations": theirs.get("escalations"), "max_rq": monitor.max_rq.get(day, 0),
            "max_outbox_waiting": monitor.max_outbox.get(day, 0), "outbox_by_status": theirs.get("outbox_by_status"),
            "quota": figures.quota_use(counted), "wechat_calls": calls,
            "custom_per_person": theirs.get("custom_per_person"), "failed_reasons": theirs.get("failed_reasons"), "late_sends": mine.late_sends,
            "reply_p95_ms": _percentile(mine.reply_ms, 95), "replies_over_5s": mine.replies_over_5s,
            "first_card_p95_ms": _percentile(mine.first_card_ms, 95), "first_cards_seen": len(mine.first_card_ms),
        })
    return {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": facts,
            "parameters": {key: value for key, value in vars(options).items() if key not in ("json", "tmp_dir")},
            "load_s": round(load_s, 1), "drive_real_s": round(drive_s, 1), "cpu_s": cpu,
            "monitor_failures": monitor.failures, "days": rows}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}ms"


def render(report: dict[str, Any]) -> str:
    machine, params = report["machine"], report["parameters"]
    lines = [f"gridbot city-week bench, {report['when']}",
             f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), load average before "
             f"{machine['load_average_before']}; code {machine['code']}",
             "parameters: " + ", ".join(f"{key}={value}" for key, value in params.items()),
             f"city loaded in {report['load_s']} s; simulated days took {report['drive_real_s']} s real; CPU s: "
             + ", ".join(f"{name} {value:.0f}" for name, value in report["cpu_s"].items()), "",
             f"{'day':<14}{'msgs':>7}{'appeals':>8}{'failed':>7}{'响应率':>8}{'解决率':>8}{'满意率':>8}{'remind':>7}"
             f"{'escal':>7}{'RQmax':>6}{'outbox':>7}{'custom':>8}{'templ':>7}{'mass':>5}{'token':>6}{'p95 reply':>10}"
             f"{'p95 card':>9}"]
    for row in report["days"]:
        rates, quota = row["rates"] or {}, row["quota"]
        lines.append(
            f"{row['day'] + ' ' + row['weekday']:<14}{row['messages_in']:>7}{row['appeals_in_database'] or 0:>8}"
            f"{sum(row['failed'].values()):>7}{_pct(rates.get('response')):>9}{_pct(rates.get('resolve')):>9}"
            f"{_pct(rates.get('satisfaction')):>9}{row['reminders'] or 0:>7}{row['escalations'] or 0:>7}"
            f"{row['max_rq']:>6}{row['max_outbox_waiting']:>7}{quota['custom']['used']:>8}"
            f"{quota['template']['used']:>7}{quota['mass']['used']:>5}{quota['token']['used']:>6}"
            f"{_ms(row['reply_p95_ms']):>10}{_ms(row['first_card_p95_ms']):>9}")
    lines.append("")
    lines.append("daily limits: " + ", ".join(f"{kind} {limit:,}" for kind, limit in figures.DAILY_LIMITS.items()))
    for row in report["days"]:
        lines.append(f"{row['day']}: messages {row['by_kind']}, failed {row['failed']}, late sends {row['late_sends']}, "
                     f"replies > 5 s {row['replies_over_5s']}, outbox {row['outbox_by_status']}, calls "
                     f"{row['wechat_calls']}, cards seen {row['first_cards_seen']}, customer-service messages per person "
                     f"{row.get('custom_per_person')}, failed rows {row.get('failed_reasons')}")
    lines.extend(_storage_lines(report))
    return "\n".join(lines)


def _storage_lines(report: dict[str, Any]) -> list[str]:
    """What the week added to the database, in total and per appeal filed, by table."""
    grown = report.get("storage_growth") or {}
    appeals = sum(row["appeals_in_database"] or 0 for row in report["days"])
    total = sum(change["bytes"] for change in grown.values())
    per_appeal = f" = {total / appeals / 1024:.1f} KiB per appeal" if appeals else ""
    lines = ["", f"database growth: {total / 2**20:.1f} MiB for {appeals} appeals{per_appeal} (tables with indexes)"]
    for table, change in grown.items():
        per = f", {change['rows'] / appeals:.2f} rows and {change['bytes'] / appeals / 1024:.2f} KiB per appeal" \
            if appeals else ""
        lines.append(f"  {table:<24}{change['rows']:>9} rows {change['bytes'] / 2**20:>8.2f} MiB{per}")
    return lines


if __name__ == "__main__":
    began = time.monotonic()
    code = main()
    say(f"bench: done in {time.monotonic() - began:.0f} s")
    sys.exit(code)
