"""Drive the webhook under load and compare it with a bare wechatpy echo handler in the same run.

    python bench/webhook_load.py [--seconds 10] [--concurrency 8] [--workers 1] [--json]
    python bench/webhook_load.py --profile [--messages 2000]     (in-process per-step breakdown)

Both servers run the same way (gunicorn sync workers on 127.0.0.1, started as subprocesses) against a
throwaway SQLite database; the numbers are measured and printed, never asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any, Callable

import fixture  # puts the repository on sys.path, before the first-party imports below
import loadgen
import servers
import traffic

from bot.wechat.simulator import WeChatServer
from handlers.resident_texts import SYSTEM_BUSY

TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
WARMUP_POOL_PER_S = 5000  # requests built for each warm-up second: more than either server can take
POOL_MARGIN = 2.0  # the timed phase gets this many times the requests the warm-up rate says it needs
# Residents enough that every message of a few rounds is filed: none over the hourly limit (bench/traffic.py).
RESIDENTS = 5000
GENERATOR_BUSY = 0.9  # above this share of a core the load generator may be what limits throughput
# Messages are signed when a phase's batch is built, and the webhook accepts a timestamp for 300 s.
MAX_PHASE_S = 240.0


@dataclass
class Options:
    """Command-line parameters."""

    seconds: float
    concurrency: int
    workers: int
    rounds: int
    warmup: float
    residents: int
    safe: bool
    json: bool
    tmp_dir: Path | None
    profile: bool
    messages: int


@dataclass
class Tally:
    """One server's results, summed over the rounds."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    generator_cpu: float = 0.0
    server_cpu: tuple[float, float] | None = (0.0, 0.0)  # user, system seconds
    exhausted: bool = False
    ok_including_warmup: int = 0
    warmup_errors: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: loadgen.Outcome, server_cpu: tuple[float, float] | None) -> None:
        """Fold one timed phase in."""
        self.latencies.extend(outcome.latencies)
        for kind, count in outcome.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + count
        self.elapsed += outcome.elapsed
        self.generator_cpu += outcome.cpu
        if server_cpu is None or self.server_cpu is None:
            self.server_cpu = None
        else:
            self.server_cpu = (self.server_cpu[0] + server_cpu[0], self.server_cpu[1] + server_cpu[1])
        self.exhausted |= outcome.exhausted

    def summary(self) -> dict[str, Any]:
        """The figures the report prints (latencies in ms)."""
        ordered = sorted(self.latencies)
        ok = len(ordered)
        return {
            "requests": ok + sum(self.errors.values()),
            "ok": ok,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "seconds": round(self.elapsed, 3),
            "throughput_rps": round(ok / self.elapsed, 1) if self.elapsed else 0.0,
            "latency_ms": {name: round(value * 1000, 2) for name, value in (
                ("mean", sum(ordered) / ok if ok else 0.0), ("p50", loadgen.percentile(ordered, 50)),
                ("p90", loadgen.percentile(ordered, 90)), ("p99", loadgen.percentile(ordered, 99)),
                ("max", ordered[-1] if ordered else 0.0))},
            "server_cpu_ms_per_request": _per_request(self.server_cpu, ok),
            "server_cpu_share": round(sum(self.server_cpu) / self.elapsed, 3) if self.server_cpu and self.elapsed
            else None,
            "generator_cpu_share": round(self.generator_cpu / self.elapsed, 3) if self.elapsed else 0.0,
            "ran_out_of_requests": self.exhausted,
            "warmup_errors": dict(self.warmup_errors),
        }


def _per_request(cpu: tuple[float, float] | None, ok: int) -> dict[str, float] | None:
    """Server CPU milliseconds per successful request: user, system and their total."""
    if cpu is None or not ok:
        return None
    user, system = cpu
    return {"user": round(user * 1000 / ok, 3), "system": round(system * 1000 / ok, 3),
            "total": round((user + system) * 1000 / ok, 3)}


@dataclass
class Target:
    """A server under test and how to judge its answers."""

    server: servers.Server
    failure_marker: bytes | None
    tally: Tally


def parse_args(argv: list[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per server and round")
    parser.add_argument("--concurrency", type=int, default=8, help="clients in the closed loop")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers per server")
    parser.add_argument("--rounds", type=int, default=1, help="alternate echo/full this many times (noise)")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds before each timed phase")
    parser.add_argument("--residents", type=int, default=RESIDENTS, help="bound residents the messages come from "
                        "(each files at most GRIDBOT_APPEALS_PER_HOUR an hour; more are refused)")
    parser.add_argument("--safe", action="store_true", help="safe mode: AES-encrypted messages for both servers")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the throwaway database goes")
    parser.add_argument("--profile", action="store_true", help="in-process per-step breakdown instead (no servers)")
    parser.add_argument("--messages", type=int, default=2000, help="messages for --profile")
    args = parser.parse_args(argv)
    for name in ("seconds", "concurrency", "workers", "rounds", "residents", "messages"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name} must be positive")
    if args.seconds > MAX_PHASE_S or args.warmup > MAX_PHASE_S:
        parser.error(f"a phase can last at most {MAX_PHASE_S:g} s (signatures expire after 300 s): use --rounds")
    return Options(**vars(args))


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 0 when it ran and the full path stored one appeal per successful request."""
    options = parse_args(argv)
    if options.profile:
        import breakdown

        return breakdown.run(breakdown.Options(messages=options.messages, safe=options.safe, json=options.json,
                                               tmp_dir=options.tmp_dir, residents=options.residents))
    return run_until_interrupted(lambda: _bench(options))


def _bench(options: Options) -> int:
    """Set up, start both servers, measure every round, stop, check the database, print the report."""
    facts = machine_facts(options.tmp_dir)
    say(f"bench: setting up {options.residents} residents in a throwaway SQLite database")
    env = fixture.create(options.residents, options.safe, options.tmp_dir)
    started: list[servers.Server] = []
    try:
        facts["database_filesystem"] = filesystem_of(env.directory)
        echo = _launch(started, servers.start_echo, env, options.workers)
        full = _launch(started, servers.start_full, env, options.workers)
        servers.wait_ready(echo, traffic.verify_request(env.settings.wechat_token, servers.HOST, echo.port))
        servers.wait_ready(full, traffic.get_request("/healthz", servers.HOST, full.port))
        simulator = WeChatServer(env.settings.wechat_token, env.settings.wechat_appid, env.settings.wechat_aes_key)
        messages = traffic.Traffic(simulator, env.openids, encrypted=options.safe)
        marker = None if options.safe else SYSTEM_BUSY.encode()
        targets = [Target(echo, None, Tally("echo")), Target(full, marker, Tally("full"))]
        for target in targets:
            _smoke(target, messages, simulator)
        for round_number in range(1, options.rounds + 1):
            for target in targets:
                _measure(target, messages, options, round_number)
        for server in started:
            servers.stop(server)
        report = _report(options, facts, targets, fixture.work_done(env.database_url))
        _print_server_logs(targets)
    finally:
        ignore_signals()  # a second Ctrl-C must not cut the clean-up short
        for server in started:
            servers.stop(server)
        fixture.remove(env)
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else render_table(report))
    return 0 if report["work_check"]["ok"] else 1


def _launch(started: list[servers.Server], start: Callable[[fixture.BenchEnv, int], servers.Server],
            env: fixture.BenchEnv, workers: int) -> servers.Server:
    """Start a server and remember it for the clean-up before anything can fail."""
    server = start(env, workers)
    started.append(server)
    return server


def _smoke(target: Target, messages: traffic.Traffic, simulator: WeChatServer) -> None:
    """One request before any timing: the server must answer it properly, or the bench stops here."""
    server = target.server
    signed = messages.signed(1)[0]
    answer = loadgen.request_once(traffic.http_request(signed, servers.HOST, server.port), server.address)
    text = simulator.open_reply(answer.body.decode(), signed) if answer.status == 200 else None
    if not text or (target.failure_marker and target.failure_marker in answer.body):
        raise RuntimeError(f"the {server.name} server answered HTTP {answer.status}: {answer.body[:300]!r}\n"
                           f"{servers.log_tail(server)}")
    target.tally.ok_including_warmup += 1
    say(f"bench: {server.name} answers: {text.splitlines()[0]}")


def _measure(target: Target, messages: traffic.Traffic, options: Options, round_number: int) -> None:
    """Warm up (which also sizes the request pool), then one timed phase."""
    server, tally = target.server, target.tally
    host, port = servers.HOST, server.port
    warm = loadgen.run_phase(messages.http(math.ceil(WARMUP_POOL_PER_S * options.warmup), host, port),
                             server.address, options.concurrency, options.warmup, target.failure_marker)
    tally.ok_including_warmup += warm.ok
    for kind, count in warm.errors.items():
        tally.warmup_errors[kind] = tally.warmup_errors.get(kind, 0) + count
    size = math.ceil(max(warm.throughput, 100.0) * options.seconds * POOL_MARGIN) + 500
    requests = messages.http(size, host, port)
    say(f"bench: round {round_number}, {server.name}: warm-up {warm.throughput:.0f} req/s, "
        f"timing {options.seconds:g} s with {len(requests)} requests ready")
    cpu_before = servers.group_cpu_seconds(server)
    outcome = loadgen.run_phase(requests, server.address, options.concurrency, options.seconds, target.failure_marker)
    cpu_after = servers.group_cpu_seconds(server)
    tally.ok_including_warmup += outcome.ok
    used = None if cpu_before is None or cpu_after is None else \
        (cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1])
    tally.add(outcome, used)


def _report(options: Options, facts: dict[str, Any], targets: list[Target], work: fixture.WorkDone) -> dict[str, Any]:
    """Everything the table and the JSON show."""
    echo, full = (target.tally.summary() for target in targets)
    ratio = full["throughput_rps"] / echo["throughput_rps"] if echo["throughput_rps"] else 0.0
    successful = targets[1].tally.ok_including_warmup
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": facts,
        "parameters": {"seconds": options.seconds, "concurrency": options.concurrency, "workers": options.workers,
                       "rounds": options.rounds, "warmup_s": options.warmup, "residents": options.residents,
                       "mode": "safe (AES)" if options.safe else "plaintext"},
        "echo": echo,
        "full": full,
        "ratio_full_to_echo": round(ratio, 3),
        "targets": {"ratio_min": TARGET_RATIO, "ratio_met": ratio >= TARGET_RATIO,
                    "p99_max_ms": TARGET_P99_MS, "p99_met": full["latency_ms"]["p99"] <= TARGET_P99_MS},
        "work_check": {"successful_full_requests": successful, "appeals": work.appeals,
                       "appeal_events": work.appeal_events, "outbox_rows": work.outbox_rows,
                       "processed_messages": work.processed_messages,
                       # Every answered message was handled once, with its dedup key: an appeal, or (a resident
                       # sending the same words again) folded into their open appeal.
                       "ok": work.processed_messages == successful},
    }


def render_table(report: dict[str, Any]) -> str:
    """The human-readable report."""
    machine, params = report["machine"], report["parameters"]
    lines = [
        f"gridbot webhook bench, {report['when']}",
        f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"{machine['platform']}, load average before {machine['load_average_before']}, "
        f"database on {machine.get('database_filesystem', '?')}",
        f"code: {machine['code']}",
        "parameters: " + ", ".join(f"{key}={value}" for key, value in params.items()),
        "",
        f"{'server':<6} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'srv CPU ms/req (usr+sys)':>24} {'srv busy':>8} {'gen CPU':>7}",
    ]
    for name in ("echo", "full"):
        row, latency = report[name], report[name]["latency_ms"]
        cpu = row["server_cpu_ms_per_request"]
        cpu_text = f"{cpu['total']:.2f} ({cpu['user']:.2f}+{cpu['system']:.2f})" if cpu else "-"
        lines.append(f"{name:<6} {row['requests']:>8} {row['errors']:>6} {row['throughput_rps']:>8.1f} "
                     f"{latency['p50']:>7.2f} {latency['p90']:>7.2f} {latency['p99']:>7.2f} {latency['max']:>7.2f} "
                     f"{cpu_text:>24} {_share(row['server_cpu_share']):>8} {row['generator_cpu_share']:>7.0%}")
    targets, work = report["targets"], report["work_check"]
    filed = ("one per request" if work["appeals"] == work["successful_full_requests"]
             else "the rest were repeats or over a resident's hourly limit")
    lines += [
        "",
        f"full/echo throughput: {report['ratio_full_to_echo']:.2f} "
        f"(target >= {targets['ratio_min']}: {'met' if targets['ratio_met'] else 'MISSED'})",
        f"full p99: {report['full']['latency_ms']['p99']:.1f} ms "
        f"(target <= {targets['p99_max_ms']:g} ms: {'met' if targets['p99_met'] else 'MISSED'})",
        f"work check: {work['successful_full_requests']} successful full-path requests (warm-up included), "
        f"{work['processed_messages']} dedup keys: {'ok' if work['ok'] else 'MISMATCH'}; {work['appeals']} appeals "
        f"filed ({filed}), {work['appeal_events']} appeal events, {work['outbox_rows']} outbox rows",
    ]
    lines += _notes(report)
    return "\n".join(lines)


def _share(value: float | None) -> str:
    """A share as a percentage, or '-' when unknown."""
    return "-" if value is None else f"{value:.0%}"


def _notes(report: dict[str, Any]) -> list[str]:
    """Warnings that change how the figures read: errors, short phases, a saturated generator."""
    notes = []
    for name in ("echo", "full"):
        row = report[name]
        if row["errors"]:
            notes.append(f"note: {name} errors: {row['error_kinds']}")
        if row["warmup_errors"]:
            notes.append(f"note: {name} errors during warm-up (not in the table): {row['warmup_errors']}")
        if row["ran_out_of_requests"]:
            notes.append(f"note: {name} ran out of pre-built requests before the deadline (shorter phase)")
        if row["generator_cpu_share"] >= GENERATOR_BUSY:
            notes.append(f"note: the load generator used {row['generator_cpu_share']:.0%} of a core during {name}: "
                         "it may be what limits that throughput")
    return notes


def _print_server_logs(targets: list[Target]) -> None:
    """Show the tail of a server's log on stderr when it produced errors."""
    for target in targets:
        if target.tally.errors or target.tally.warmup_errors:
            print(f"--- last lines of the {target.server.name} server's log ---\n{servers.log_tail(target.server)}",
                  file=sys.stderr)


def machine_facts(tmp_dir: Path | None) -> dict[str, Any]:
    """CPU count and model, Python, OS and load: what the figures depend on."""
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load_average_before": [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "code": fixture.code_version(),
    }


def filesystem_of(path: Path) -> str:
    """The mount point and filesystem type holding `path` (commits fsync there), from /proc/mounts."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    best = max((m for m in mounts if resolved == m[0] or resolved.startswith(m[0].rstrip("/") + "/")),
               key=lambda m: len(m[0]), default=None)
    return f"{best[1]} ({best[0]})" if best else "unknown"


def _cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or what platform knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the report (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def run_until_interrupted(bench: Callable[[], int]) -> int:
    """Run a bench whose clean-up must happen on Ctrl-C and on SIGTERM/SIGHUP too; its code, or 130 if stopped."""
    exit_cleanly_on_signals()
    try:
        return bench()
    except KeyboardInterrupt:
        say("bench: interrupted")
        return 130


def exit_cleanly_on_signals() -> None:
    """SIGINT, SIGTERM and SIGHUP unwind like Ctrl-C, so the servers are stopped and the temp dir removed.

    SIGINT is set explicitly because a shell starts background jobs with it ignored.
    """
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)


def ignore_signals() -> None:
    """Ignore SIGINT, SIGTERM and SIGHUP from now on."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


if __name__ == "__main__":
    started_at = time.monotonic()
    code = main()
    say(f"bench: done in {time.monotonic() - started_at:.0f} s")
    sys.exit(code)
