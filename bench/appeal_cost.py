"""CPU per appeal, end to end and in-process: the webhook, the worker's dispatch and hot-spot rounds, and the
deliveries of the task cards, each measured on its own, next to a bare wechatpy echo of the same messages.

    python bench/appeal_cost.py [--appeals 1000] [--grids 200] [--burst 50] [--database sqlite|postgres] [--json]
                                [--profile DIR]

One throwaway environment (bench/fixture.py): the demo street and a street of `--grids` grids (two members and a
leader each, bound), residents spread over its buildings, an embedded Redis, the fake WeChat API in its own
process (WeChat's side, not counted). Everything of gridbot's runs in this process, one step after another, so
each step's CPU is `time.process_time()` around it; Redis's CPU is read from /proc and shown apart.
Two loads:
- **spread**: `--appeals` appeals, each from a different resident, over the whole street (a city's ordinary day);
- **one building**: `--burst` neighbours of one building report the same broken lift within a minute (each is
  offered 我也遇到, the grid's members get a card each, the third opens a 聚焦办 case).
Steps: webhook (WSGI calls of the real Flask app: verify, parse, classify, file, reply); worker rounds
(`bot.worker.schedule.tick` until nothing is left: dispatch, the outbox relay, hot spots); deliveries (a real RQ
SimpleWorker in burst mode: claim, render, HTTP to the fake API, record). Nothing is asserted.
`--profile DIR` also runs each step under cProfile and writes DIR/<load>-<step>.pstats (read them with
`python -m pstats`); cProfile slows the steps down, so its run's milliseconds are not the figures to quote.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import re
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Callable

import echo_app
import fixture  # puts the repository on sys.path, before the first-party imports below
import servers
import traffic
from breakdown import _call
from sqlalchemy import func, select
from webhook_load import machine_facts, say

from bot.redisconn import connect, ensure_embedded_redis
from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat.api import WeChatAPI
from bot.wechat.simulator import SignedRequest, WeChatServer
from bot.worker import schedule
from bot.worker.rq_worker import GridbotWorker
from bot.worker.runtime import WorkerRuntime, install
from storage.db import Database
from storage.models import Building, OutboxMessage, OutboxStatus, Resident
from tests.pgcluster import throwaway_cluster

TICKET = re.compile(rb"G\d{10}")
LIFT_WORDS = ("电梯又坏了，困在楼下上不去", "电梯停了，老人下不了楼", "电梯门关不上，一直报警", "电梯坏了一上午了",
              "电梯不动了，按钮没反应", "电梯卡在三楼了，快来人修")


@dataclass(frozen=True)
class Options:
    appeals: int
    grids: int
    burst: int
    database: str
    json: bool
    profile: Path | None


@dataclass
class Stage:
    """One step's CPU over a load: this process, and the embedded Redis server."""

    cpu_s: float = 0.0
    redis_s: float = 0.0


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appeals", type=int, default=1000, help="appeals of the spread load")
    parser.add_argument("--grids", type=int, default=200, help="grids of the street they are spread over")
    parser.add_argument("--burst", type=int, default=50, help="neighbours of one building reporting the lift")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="write each step's cProfile statistics here")
    args = parser.parse_args(argv)
    return Options(args.appeals, args.grids, args.burst, args.database, args.json, args.profile)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # as the other benches run gridbot (GRIDBOT_LOG_LEVEL=WARNING)
    facts = machine_facts(None)
    with ExitStack() as stack:
        url = None
        if options.database == "postgres":
            url = stack.enter_context(throwaway_cluster())
        residents = max(options.appeals, options.grids * 2 * options.burst)
        say(f"bench: {residents} residents over {options.grids} grids in a throwaway {options.database} database")
        env = fixture.create(residents, False, grids=options.grids, database_url=url)
        stack.callback(fixture.remove, env)
        fake = servers.start_fake_wechat(env)
        stack.callback(servers.stop, fake)
        servers.wait_ready(fake, traffic.get_request("/_fake/stats", servers.HOST, fake.port))
        report = measure(env, options, f"http://{servers.HOST}:{fake.port}")
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": facts,
              "parameters": {k: v for k, v in vars(options).items() if k not in {"json", "profile"}}, **report}
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else render(report))
    return 0


def measure(env: fixture.BenchEnv, options: Options, api_url: str) -> dict[str, Any]:
    redis_url = ensure_embedded_redis(env.directory)
    settings = env.settings.with_(redis_url=redis_url, wechat_api_base_url=api_url)
    redis_pid = int((env.directory / "redis.pid").read_text())
    database = Database(settings.database_url)
    app = create_app(runtime=Runtime(settings, database=database))
    redis = connect(settings)
    worker = WorkerRuntime(settings, database, redis, WeChatAPI.from_settings(settings, redis))
    install(worker)
    echo = echo_app.create_echo_app(settings.wechat_token, settings.wechat_appid, None)
    simulator = WeChatServer(settings.wechat_token, settings.wechat_appid, None)
    spread = traffic.Traffic(simulator, _spread_senders(database, options.appeals), encrypted=False)
    burst = _burst(simulator, database, options.burst)
    say("bench: warming up (and the worker's first token fetch)")
    _file(app, _environs(traffic.Traffic(simulator, env.openids[-20:], encrypted=False).signed(20)))
    _work(worker)
    loads = {}
    # The building first: the spread load's quarter-hour digests would fall due during it and count as its sends.
    for name, messages in (("one building", burst), ("spread", spread.signed(options.appeals))):
        say(f"bench: {name}: {len(messages)} appeals")
        echo_environs = _environs(messages)  # a request body is read once: each app gets environs of its own
        echo_cpu = _cpu(partial(_file, echo, echo_environs))[0]
        profile = None if options.profile is None else options.profile / name.replace(" ", "-")
        loads[name] = _load(app, worker, _environs(messages), redis_pid, database, profile) | {
            "echo_ms_per_message": round(echo_cpu * 1000 / len(messages), 3)}
    redis.close()
    database.dispose()
    return {"code": fixture.code_version(), "loads": loads}


def _spread_senders(database: Database, count: int) -> tuple[str, ...]:
    """One resident per appeal, taken round-robin over the buildings (the fixture binds them that way)."""
    with database.transaction() as session:
        return tuple(session.scalars(select(Resident.openid).where(Resident.openid.like(f"{fixture.OPENID_PREFIX}%"))
                                     .order_by(Resident.openid).limit(count)))


def _burst(simulator: WeChatServer, database: Database, neighbours: int) -> list[SignedRequest]:
    """Signed messages of `neighbours` residents of the street's first building, each about the lift."""
    with database.transaction() as session:
        building = session.scalars(select(Building).where(Building.name == "1号楼", Building.compound == "小区1")).one()
        openids = session.scalars(select(Resident.openid).where(Resident.building_id == building.id)
                                  .order_by(Resident.id).limit(neighbours)).all()
    now = int(time.time())
    return [simulator.sign(simulator.text(openid, f"1号楼{LIFT_WORDS[n % len(LIFT_WORDS)]}",
                                          msg_id=traffic.FIRST_MSG_ID - 1 - n, create_time=now), timestamp=now)
            for n, openid in enumerate(openids)]


def _environs(messages: list[SignedRequest]) -> list[dict[str, Any]]:
    """WSGI environs of signed messages, built before any timing."""
    return [traffic.wsgi_environ(message) for message in messages]


def _load(app: Any, worker: WorkerRuntime, environs: list[dict[str, Any]], redis_pid: int,
          database: Database, profile: Path | None) -> dict[str, Any]:
    outbox_before = _outbox(database)
    webhook, replies = _staged(lambda: _file(app, environs), redis_pid, profile, "webhook")
    filed = sum(1 for reply in replies if TICKET.search(reply))
    rounds, _ = _staged(lambda: _rounds(worker), redis_pid, profile, "rounds")
    deliveries, _ = _staged(lambda: _deliver(worker), redis_pid, profile, "deliveries")
    outbox_after = _outbox(database)
    cards = {status: outbox_after.get(status, 0) - outbox_before.get(status, 0) for status in outbox_after}
    stages = {"webhook": webhook, "worker rounds": rounds, "deliveries": deliveries}
    per = max(filed, 1)
    return {
        "messages": len(environs), "appeals_filed": filed, "outbox_rows": cards,
        "ms_per_appeal": {name: round(stage.cpu_s * 1000 / per, 3) for name, stage in stages.items()},
        "redis_ms_per_appeal": {name: round(stage.redis_s * 1000 / per, 3) for name, stage in stages.items()},
        "total_ms_per_appeal": round(sum(s.cpu_s + s.redis_s for s in stages.values()) * 1000 / per, 3),
        "sent_per_appeal": round(cards.get(OutboxStatus.SENT, 0) / per, 2),
    }


def _file(app: Any, environs: list[dict[str, Any]]) -> list[bytes]:
    return [_call(app, environ) for environ in environs]


def _rounds(worker: WorkerRuntime) -> int:
    """The schedule's rounds until one queues nothing and nothing is left to dispatch."""
    queued = 0
    while (round_queued := schedule.tick(worker)) or schedule.dispatch_round(worker):
        queued += round_queued
    return queued


def _deliver(worker: WorkerRuntime) -> None:
    GridbotWorker([schedule.queue(worker)], connection=worker.redis).work(burst=True)


def _work(worker: WorkerRuntime) -> None:
    _rounds(worker)
    _deliver(worker)


def _cpu(step: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = step()
    return time.process_time() - started, result


def _staged(step: Callable[[], Any], redis_pid: int, profile: Path | None, name: str) -> tuple[Stage, Any]:
    redis_before = _proc_cpu(redis_pid)
    if profile is None:
        cpu, result = _cpu(step)
    else:
        profiler = cProfile.Profile(time.process_time)  # CPU, as the figures: not the waits on the fake API
        cpu, result = _cpu(partial(profiler.runcall, step))
        profile.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(f"{profile}-{name}.pstats")
    return Stage(cpu, _proc_cpu(redis_pid) - redis_before), result


def _proc_cpu(pid: int) -> float:
    return sum(servers.pid_cpu_seconds(pid) or (0.0, 0.0))


def _outbox(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {str(status): int(count) for status, count in rows}


def render(report: dict[str, Any]) -> str:
    machine, loads = report["machine"], report["loads"]
    names = list(loads)
    lines = [
        f"gridbot CPU per appeal, in-process, {report['when']}; code {report['code']}",
        f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"load average before {machine['load_average_before']}",
        "parameters: " + ", ".join(f"{k}={v}" for k, v in report["parameters"].items()),
        "",
        f"{'ms CPU per appeal':<34}" + "".join(f"{name:>16}" for name in names),
        f"{'appeals filed / messages':<34}" + "".join(
            f"{str(loads[n]['appeals_filed']) + ' / ' + str(loads[n]['messages']):>16}" for n in names),
    ]
    for stage in loads[names[0]]["ms_per_appeal"]:
        lines.append(f"{stage:<34}" + "".join(f"{loads[n]['ms_per_appeal'][stage]:>16.2f}" for n in names))
        lines.append(f"{'  its Redis':<34}" + "".join(
            f"{loads[n]['redis_ms_per_appeal'][stage]:>16.2f}" for n in names))
    lines += [
        f"{'total (gridbot + Redis)':<34}" + "".join(f"{loads[n]['total_ms_per_appeal']:>16.2f}" for n in names),
        f"{'cards sent per appeal':<34}" + "".join(f"{loads[n]['sent_per_appeal']:>16.2f}" for n in names),
        f"{'baseline: bare wechatpy echo':<34}" + "".join(
            f"{loads[n]['echo_ms_per_message']:>16.2f}" for n in names),
        "",
        "outbox rows written: " + "; ".join(f"{n}: {loads[n]['outbox_rows']}" for n in names),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
