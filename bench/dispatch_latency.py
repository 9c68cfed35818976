"""Time from a resident's message to the task card reaching the (fake) WeChat API, at a steady rate of appeals.

    python bench/dispatch_latency.py [--rate 50] [--seconds 20] [--json] [--outbox-poll-ms 200] [--send-lanes 4]
        [--grids 200] [--database sqlite|postgres] [--workers N] [--worker-processes 1]

A throwaway environment like webhook_load.py's (SQLite, demo street, bound residents), an embedded Redis, the
fake WeChat API, `--worker-processes` gridbot workers and the webhook (`python -m bot serve --workers N`, N by
default serve's own for the database: 1 on SQLite, 2 on PostgreSQL), all on 127.0.0.1. With `--grids`, the
residents live in a street of that many grids (two members and a leader each) so that the cards spread over many
people, as a city's do; `--database postgres` runs a throwaway PostgreSQL cluster. Open loop: appeal i leaves at
i / rate seconds whatever the answers do. Nothing is asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import cards
import fixture  # puts the repository on sys.path, before the first-party imports below
import loadgen
import redis
import servers
import traffic
from rq import Queue
from webhook_load import ignore_signals, machine_facts, run_until_interrupted, say

from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.web.server import default_workers
from bot.wechat.api import SharedAccessToken
from bot.wechat.simulator import WeChatServer
from bot.worker.schedule import QUEUE_NAME
from storage.db import Database
from tests.pgcluster import throwaway_cluster

TARGET_P95_MS = 1000.0
SMOKE_TIMEOUT_S = 60.0
MAX_SECONDS = 240.0  # messages are signed before the run, and the webhook accepts a timestamp for 300 s
REPLY_TICKET = re.compile(rb"G\d{10}")


@dataclass
class Options:
    """Command-line parameters."""

    rate: float
    seconds: float
    residents: int
    workers: int | None
    worker_processes: int
    grids: int
    database: str
    outbox_poll_ms: int | None
    send_lanes: int | None
    grace: float
    poll_ms: int
    json: bool
    tmp_dir: Path | None


def parse_args(argv: list[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="appeals per second, open loop")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send")
    parser.add_argument("--residents", type=int, default=None, help="bound residents the messages come from "
                        "(default: someone in every building of --grids, none filing more than GRIDBOT_APPEALS_PER_HOUR, "
                        "at least 500)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers of the webhook (default: "
                        "`gridbot serve`'s for the database)")
    parser.add_argument("--worker-processes", type=int, default=1, help="`gridbot worker` processes")
    parser.add_argument("--grids", type=int, default=0,
                        help="residents in a street of this many grids (0: the demo street's four)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--outbox-poll-ms", type=int, default=None, help="GRIDBOT_OUTBOX_POLL_MS for the worker "
                        "(default: unset, the project's 200 ms)")
    parser.add_argument("--send-lanes", type=int, default=None, help="GRIDBOT_SEND_LANES for the workers "
                        "(default: unset, the project's 4)")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to wait for cards after the last send")
    parser.add_argument("--poll-ms", type=int, default=50, help="how often the fake's recorded calls are read")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the throwaway database goes")
    args = parser.parse_args(argv)
    for name in ("rate", "seconds", "residents", "workers", "worker_processes", "grace", "poll_ms", "outbox_poll_ms",
                 "send_lanes"):
        if getattr(args, name) is not None and getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.seconds > MAX_SECONDS:
        parser.error(f"--seconds can be at most {MAX_SECONDS:g} (signatures expire after 300 s)")
    if args.residents is None:
        args.residents = max(500, traffic.residents_for(round(args.rate * args.seconds) + 1),  # + the smoke appeal
                             fixture.residents_to_cover(args.grids))
    return Options(**vars(args))


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 0 when it ran (whatever the figures), 130 on Ctrl-C."""
    options = parse_args(argv)
    return run_until_interrupted(lambda: _bench(options))


def _bench(options: Options) -> int:
    """Set up, start Redis, the fake, the worker and the webhook, send, collect, stop everything, report."""
    facts = machine_facts(options.tmp_dir)
    with ExitStack() as cluster:
        url = cluster.enter_context(throwaway_cluster()) if options.database == "postgres" else None
        say(f"bench: setting up {options.residents} residents in a throwaway {options.database} database")
        env = fixture.create(options.residents, False, options.tmp_dir, grids=options.grids, database_url=url)
        # `gridbot serve`'s own default for the database, named in the report's parameters.
        return _bench_in(replace(options, workers=options.workers or default_workers(env.settings)), env, facts)


def _bench_in(options: Options, env: fixture.BenchEnv, facts: dict[str, Any]) -> int:
    """Everything after the database is ready (it outlives this: a PostgreSQL cluster stops after)."""
    started: list[servers.Server] = []
    try:
        redis_url = ensure_embedded_redis(env.directory)
        fake = _launch(started, servers.start_fake_wechat(env))
        servers.wait_ready(fake, traffic.get_request("/_fake/stats", servers.HOST, fake.port))
        api = f"http://{servers.HOST}:{fake.port}"
        common = {"GRIDBOT_REDIS_URL": redis_url, "WECHAT_API_BASE_URL": api}
        tuning = {"GRIDBOT_OUTBOX_POLL_MS": options.outbox_poll_ms, "GRIDBOT_SEND_LANES": options.send_lanes}
        worker_env = common | {name: str(value) for name, value in tuning.items() if value is not None}
        worker = _launch(started, servers.start_worker(env, worker_env))
        for number in range(2, options.worker_processes + 1):
            _launch(started, servers.start_worker(env, worker_env, f"worker{number}"))
        server = _launch(started, servers.start_full(env, options.workers, common))
        servers.wait_ready(server, traffic.get_request("/healthz", servers.HOST, server.port))
        messages = traffic.Traffic(WeChatServer(env.settings.wechat_token, env.settings.wechat_appid, None),
                                   env.openids, encrypted=False)
        _smoke(messages, server, worker, api)
        run = _run(options, messages, started, server, api, redis_url, env)
        run.figures["memory_kib"] = _memory(started, env)
        for process in reversed(started):  # webhook, workers, then the fake the workers talk to
            servers.stop(process)
        rows, statuses = cards.read_rows(env.database_url, run.tickets)
        sent_at = {ticket: one.started_wall for one in run.sent if (ticket := _ticket(one))}
        last_send = max(one.started_wall for one in run.sent)
        figures = (_sent_figures(run.sent) | run.figures | {"appeal_statuses": dict(statuses)}
                   | cards.analyse(sent_at, run.cards, rows, last_send))
    finally:
        ignore_signals()  # a second Ctrl-C must not cut the clean-up short
        try:
            for process in reversed(started):
                servers.stop(process)
            stop_embedded_redis(env.directory)
        finally:
            fixture.remove(env)
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": facts,
              "parameters": {key: value for key, value in vars(options).items() if key not in ("json", "tmp_dir")},
              **figures}
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else render(report))
    return 0


@dataclass
class Run:
    """What the timed part collected: the sends, the cards at the fake, the tickets filed, other figures."""

    sent: list[loadgen.Sent]
    cards: list[cards.Card]
    tickets: set[str]
    figures: dict[str, Any]


def _launch(started: list[servers.Server], process: servers.Server) -> servers.Server:
    """Remember a started process for the clean-up."""
    started.append(process)
    return process


def _smoke(messages: traffic.Traffic, server: servers.Server, worker: servers.Server, api: str) -> None:
    """One appeal through the whole chain before timing (the worker's readiness, and its token fetch)."""
    answer = loadgen.request_once(traffic.http_request(messages.signed(1)[0], servers.HOST, server.port),
                                  server.address)
    match = REPLY_TICKET.search(answer.body)
    if answer.status != 200 or match is None:
        raise RuntimeError(f"the webhook answered HTTP {answer.status}: {answer.body[:300]!r}\n"
                           f"{servers.log_tail(server)}")
    ticket, deadline = match.group().decode(), time.monotonic() + SMOKE_TIMEOUT_S
    while not any(card.ticket == ticket for card in cards.fetch_cards(api)[0]):
        if worker.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no task card for {ticket} at the fake API:\n{servers.log_tail(worker)}")
        time.sleep(0.1)
    say(f"bench: smoke appeal {ticket} reached the fake API")


def _run(options: Options, messages: traffic.Traffic, started: list[servers.Server], server: servers.Server,
         api: str, redis_url: str, env: fixture.BenchEnv) -> Run:
    """The timed part: open-loop sends, then wait for the cards; CPU and token counts around it."""
    requests = messages.http(max(1, round(options.rate * options.seconds)), servers.HOST, server.port)
    client = redis.Redis.from_url(redis_url)
    queue = Queue(QUEUE_NAME, connection=client)
    watcher = cards.Watcher(api, options.poll_ms / 1000, lambda: queue.count)
    worker = next(process for process in started if process.name == "worker")
    daemons = {"redis": int((env.directory / "redis.pid").read_text())}
    daemons |= {f"postgres {pid}": pid for pid in servers.named_pids("postgres")}
    meter = servers.CpuMeter(started, daemons, worker.process.pid)
    say(f"bench: sending {len(requests)} appeals at {options.rate:g}/s, open loop")
    meter.start()
    wall_start = time.time()
    watcher.start()
    try:
        sent = loadgen.run_open_loop(requests, server.address, options.rate)
        tickets = {ticket for one in sent if (ticket := _ticket(one))}
        last_send = max(one.started_wall for one in sent)
        say(f"bench: sent; waiting up to {options.grace:g} s for the cards")
        drained = _drain(watcher, tickets, env.database_url, last_send + options.grace)
    finally:
        watcher.stop()
    window = time.time() - wall_start
    cpu, threads = meter.stop()  # the worker's main thread runs RQ's SimpleWorker, the relay runs in another
    postgres = [name for name in cpu if name.startswith("postgres ")]
    if postgres:
        cpu["postgres"] = round(sum(cpu.pop(name) for name in postgres), 3)
    fetch_key = SharedAccessToken(client, env.settings.wechat_appid, lambda: ("", 0), 1.0).fetches_key
    tokens = {"fake_api": cards.token_fetches(api), "gridbot_redis_counter": int(client.get(fetch_key) or 0)}
    client.close()
    return Run(sent, cards.fetch_cards(api)[0], tickets, {
        "all_cards_arrived": drained, "worker_threads_cpu_s": threads, "window_s": round(window, 3), "cpu_s": cpu,
        "max_rq_backlog": watcher.max_queue, "fake_polls": watcher.polls, "token_fetches": tokens})


def _memory(started: list[servers.Server], env: fixture.BenchEnv) -> dict[str, dict[str, int]]:
    """Each gridbot process's memory at the end of the load (KiB; gunicorn's master and workers apart), and
    the embedded Redis's; the fake API is WeChat's side and left out."""
    pids = {process.name if number == 0 else f"{process.name} process {number}": pid
            for process in started if process.name != "fake-wechat"
            for number, pid in enumerate(servers.group_pids(process))}
    pids["redis"] = int((env.directory / "redis.pid").read_text())
    measured = {name: servers.memory_of(pid) for name, pid in pids.items()}
    return {name: asdict(memory) for name, memory in measured.items() if memory is not None}  # None: gone meanwhile


def _ticket(sent: loadgen.Sent) -> str | None:
    """The ticket in the webhook's reply, if it filed the appeal."""
    match = REPLY_TICKET.search(sent.answer.body) if sent.answer and sent.answer.status == 200 else None
    return match.group().decode() if match else None


def _drain(watcher: cards.Watcher, tickets: set[str], url: str, deadline: float) -> bool:
    """Wait until every ticket has all its cards (True) or until the deadline (False). The cards written so far are
    not all: the worker may not have reached the last appeals yet, whose latency would then go unmeasured."""
    database = Database(url)
    try:
        while time.time() < deadline:
            _, total = watcher.seen(tickets)
            written, digested, undispatched = cards.expected_cards(database, tickets)
            if written and not undispatched and total + digested >= written:
                return True
            time.sleep(0.25)
        return False
    finally:
        database.dispose()


def _sent_figures(sent: list[loadgen.Sent]) -> dict[str, Any]:
    """The load itself: the rate achieved, how late sends started, the webhook's own reply time."""
    starts = sorted(one.started_wall for one in sent)
    span = starts[-1] - starts[0] if starts else 0.0
    return {"appeals_sent": len(sent), "achieved_rate": round((len(sent) - 1) / span, 2) if span > 0 else None,
            "send_lag_ms": cards.stats([one.lag for one in sent]),
            "webhook_reply_ms": cards.stats([one.latency for one in sent if one.answer is not None]),
            "webhook_errors": sum(1 for one in sent if _ticket(one) is None)}


def render(report: dict[str, Any]) -> str:
    """The human-readable report."""
    machine, params = report["machine"], report["parameters"]
    tokens, window = report["token_fetches"], report["window_s"]
    first, batch = report["message_to_first_card_ms"], report["cards_per_dispatch_round"]
    jobs_cpu, relay_cpu = report["worker_threads_cpu_s"]["main"], report["worker_threads_cpu_s"]["others"]
    head = f"{'':<42} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'mean':>8}"

    def line(name: str, row: dict[str, float]) -> str:
        return (f"{name:<42} {row['n']:>5} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['p99']:>8.1f} "
                f"{row['max']:>8.1f} {row['mean']:>8.1f}")

    lines = [
        f"gridbot dispatch-latency bench, {report['when']}",
        f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"{machine['platform']}, load average before {machine['load_average_before']}",
        f"code: {machine['code']}",
        "parameters: " + ", ".join(f"{key}={value}" for key, value in params.items()),
        "",
        f"sent {report['appeals_sent']} appeals at {report['achieved_rate']}/s (asked {params['rate']:g}/s); "
        f"webhook errors {report['webhook_errors']}; send lag p99 {report['send_lag_ms']['p99']:.1f} ms",
        f"task cards: {report['cards_received']} received and {report['cards_digested']} folded into digests "
        f"(GRIDBOT_DIGEST_AFTER) of {report['cards_expected']} written to the outbox; "
        f"{report['tickets_unaccounted_count']} tickets with neither; "
        f"{report['tickets_with_all_cards']}/{report['tickets_filed']} tickets complete, "
        f"{report['tickets_without_card_count']} without any card, {report['cards_failed']} failed sends; "
        f"last card {report['last_card_after_last_send_s']} s after the last send"
        + ("" if report["all_cards_arrived"] else f" (gave up waiting after {params['grace']:g} s)"),
        f"appeal statuses: {report['appeal_statuses']}",
        "",
        head + "   (ms)",
        line("webhook reply (connect -> last byte)", report["webhook_reply_ms"]),
        line("message -> first task card", first),
        line("message -> all task cards of the ticket", report["message_to_all_cards_ms"]),
        f"p95 message -> first card: {first['p95']:.0f} ms "
        f"(target <= {TARGET_P95_MS:.0f} ms: {'met' if first['n'] and first['p95'] <= TARGET_P95_MS else 'MISSED'})",
        "",
        "where the first card's time went:",
        *(line("  " + name, row) for name, row in report["stages_of_first_card_ms"].items()),
        f"dispatch rounds with work: {report['dispatch_rounds_with_work']} ({batch['mean']} cards per round, max "
        f"{batch['max']}); largest RQ backlog seen: {report['max_rq_backlog']} jobs ({report['fake_polls']} polls)",
        "",
        "delivery jobs back to back (the next job's rows already queued; a job claims a relay round's rows at once and "
        "sends them on its lanes):",
        *(row for phase, parts in report["deliveries_back_to_back_ms"].items() for row in (
            f"  {phase}: {parts['per_s'] or '-'} sends/s, {parts['rows per job'] or '-'} rows per job",
            *(line("    " + name, figures) for name, figures in parts.items() if name not in ("per_s", "rows per job")))),
        "",
        f"token fetches: {tokens['fake_api']} at the fake API, {tokens['gridbot_redis_counter']} counted by gridbot "
        "in Redis (target: 1 per expiry, shared by all processes)",
        f"CPU over {window:.1f} s (first send to last card; % of one CPU): " + ", ".join(
            f"{name} {seconds:.2f} s ({seconds / window:.0%})" for name, seconds in report["cpu_s"].items()),
        "memory at the end (MiB: resident / peak / proportional share): " + ", ".join(
            f"{name} {row['rss'] / 1024:.0f} / {row['peak'] / 1024:.0f} / {row['pss'] / 1024:.0f}"
            for name, row in report["memory_kib"].items())
        + f"; all together {sum(row['pss'] for row in report['memory_kib'].values()) / 1024:.0f} MiB (shares)",
        f"CPU per appeal filed (gridbot's processes and its Redis{' and PostgreSQL' if 'postgres' in report['cpu_s'] else ''}): "
        f"{_cpu_per_appeal(report):.1f} ms",
        f"worker threads (the first worker process): main (RQ's SimpleWorker, each job's claim and write-down) "
        f"{jobs_cpu:.2f} s; others (the outbox relay: dispatch, queueing, sweeps, checkpoints; and the send lanes) "
        f"{relay_cpu:.2f} s; together {(jobs_cpu + relay_cpu) * 1000 / max(report['tickets_filed'], 1):.1f} ms per "
        "appeal",
    ]
    return "\n".join(lines)


def _cpu_per_appeal(report: dict[str, Any]) -> float:
    """CPU of everything that is gridbot's (webhook, workers, Redis, PostgreSQL) per appeal filed, in ms."""
    ours = sum(seconds for name, seconds in report["cpu_s"].items()
               if name not in ("fake-wechat", "bench itself", "other processes", "stolen by the host"))
    return ours * 1000 / max(report["tickets_filed"], 1)


if __name__ == "__main__":
    started_at = time.monotonic()
    code = main()
    say(f"bench: done in {time.monotonic() - started_at:.0f} s")
    sys.exit(code)
