"""Capacity by process count on the namespace topology (issue 16): how throughput grows with web hosts, web
processes and worker hosts, with PostgreSQL, Redis behind Sentinel and nginx over HTTPS in front.

    python bench/capacity.py [--configs 1x1/1 1x2/1 2x2/1 2x2/2] [--rates 20 40 60 80] [--phase 20] [--grids 200]
    python bench/capacity.py --configs 1x1/1 --rates 10 --phase 5       # a smoke run, ~2 min

Root only. A configuration reads WEBHOSTSxPROCESSES/WORKERHOSTS: 2x2/1 is web1 and web2 with two gunicorn
processes each, and one worker host. For each, the topology (bench/topology.py) is brought up, checked with one
appeal, loaded in steps of `--rates` appeals a second for `--phase` seconds each (open loop, every appeal from a
resident who has not written yet, sent as faults.py sends them), and taken down. After each step the bench waits
until every acknowledged appeal's task cards reached the fake API (at most `--drain` s), so that one step's backlog
does not fall into the next. Per step:
- ack/s: acknowledged appeals over the time from the first request to the last answer;
- reply p50 / p95 / p99 (acknowledged ones), later than 5 s, no answer (no HTTP 200), asked to resend;
- message → first task card p50 / p95 (the fake API's record of calls, as faults.py counts them);
- CPU per acknowledged appeal, from /proc, from the step's start until its cards were all in: gridbot (every web
  and worker process of the topology) and PostgreSQL + Redis (servers, replica, Sentinels; the bench's own queries
  while it waits for the cards are in there too); and the machine's busy cores while the step sent (everything);
- sustained: every message acknowledged within WeChat's 5 s, every card delivered, first-card p95 <= 1 s.
GRIDBOT_DIGEST_AFTER is high by default (as in faults.py), so that every card travels on its own and is timed: at
80 appeals a second each of 200 grids gets a member's sixth card of a minute within 15 s, and production's 5 would
fold most cards into digests — a lighter load than a real city's, whose 4,327 grids see about one appeal a minute
each at that rate.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import cards
import faults
import fixture
import servers
import topology

WECHAT_WAIT_S = faults.WECHAT_WAIT_S
CARD_P95_GOAL_S = 1.0
MAX_WEB_PROCESSES = 8
MAX_RATE = 500.0
MAX_PHASE_S = 300.0
MAX_CONFIGS, MAX_STEPS = 8, 10
_CONFIG = re.compile(r"(?P<web_hosts>\d)x(?P<web_processes>\d{1,2})/(?P<worker_hosts>\d)", re.ASCII)
_STATE_PREFIXES = ("postgres", "redis-", "sentinel-")


@dataclass(frozen=True)
class Config:
    """How many web hosts run gridbot serve, with how many gunicorn processes each, and how many worker hosts."""

    web_hosts: int
    web_processes: int
    worker_hosts: int

    @property
    def label(self) -> str:
        return f"{self.web_hosts}x{self.web_processes}/{self.worker_hosts}"


def parse_config(text: str) -> Config:
    """`2x2/1` as Config(2, 2, 1); hosts 1-2 each (the topology's), processes 1-MAX_WEB_PROCESSES."""
    match = _CONFIG.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not WEBHOSTSxPROCESSES/WORKERHOSTS, e.g. 2x2/1")
    config = Config(*(int(match[name]) for name in ("web_hosts", "web_processes", "worker_hosts")))
    if not (1 <= config.web_hosts <= len(topology.WEB_HOSTS) and 1 <= config.worker_hosts <= len(topology.WORKER_HOSTS)
            and 1 <= config.web_processes <= MAX_WEB_PROCESSES):
        raise argparse.ArgumentTypeError(f"{text!r}: 1-{len(topology.WEB_HOSTS)} web hosts, 1-{MAX_WEB_PROCESSES} "
                                         f"processes each, 1-{len(topology.WORKER_HOSTS)} worker hosts")
    return config


def _bounded(low: float, high: float, kind: type[int] | type[float] = float) -> Callable[[str], float]:
    """An argparse type: a number of `kind` within low-high."""
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value:g} is not within {low:g}-{high:g}")
        return value
    return parse


@dataclass
class Step:
    """One rate on one configuration: what the residents saw, how fast the cards came, what it cost."""

    config: str
    rate: float
    sent: int
    acknowledged: int
    acknowledged_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    late: int
    no_answer: int
    asked_to_resend: int
    card_p50_s: float
    card_p95_s: float
    lost: int  # acknowledged appeals whose cards had not all arrived when the wait ended
    drained_s: float
    gridbot_cpu_ms: float  # per acknowledged appeal
    state_cpu_ms: float  # PostgreSQL and Redis, per acknowledged appeal
    busy_cores: float
    cpu_s: dict[str, float]
    instead: dict[str, int]  # what the messages not acknowledged got: nginx's status, the first line of a reply

    @property
    def sustained(self) -> bool:
        return (self.acknowledged == self.sent and self.late == 0 and self.lost == 0
                and self.card_p95_s <= CARD_P95_GOAL_S)


def residents_needed(rates: list[float], phase_s: float) -> int:
    """Residents one configuration's topology must seed: one per appeal of every step, plus smoke's reserve."""
    return sum(int(rate * phase_s) for rate in rates) + topology.SMOKE_RESERVE


def service_cpu(deployment: topology.Deployment) -> dict[str, float]:
    """CPU seconds so far of each of the deployment's services: its process and all it started."""
    by_root = servers.cpu_of_trees([service.pid for service in deployment.services.values()])
    return {name: by_root[service.pid] for name, service in deployment.services.items()}


def run_step(deployment: topology.Deployment, config: Config, rate: float, phase_s: float, residents: list[str],
             drain_s: float, since: int) -> Step:
    """`rate` appeals a second for `phase_s` seconds, then wait for their cards (calls after `since` at the fake);
    measure both."""
    cpu_before, machine_before, wall_before = service_cpu(deployment), servers.machine_cpu_seconds(), time.monotonic()
    phase = faults.run_phase(deployment, faults.FAULTS[0], deployment.wechat(), rate, phase_s, residents)
    machine_after, wall_after = servers.machine_cpu_seconds(), time.monotonic()
    outcome = faults.settle(deployment, [phase], drain_s=drain_s, since=since)
    cpu_after = service_cpu(deployment)
    used = {name: round(cpu_after[name] - cpu_before.get(name, 0.0), 3) for name in cpu_after}
    gridbot = sum(seconds for name, seconds in used.items() if name in topology.WEB_HOSTS + topology.WORKER_HOSTS)
    state = sum(seconds for name, seconds in used.items() if name.startswith(_STATE_PREFIXES))
    per_appeal = 1000 / max(phase.acknowledged, 1)
    busy = ((machine_after[0] - machine_before[0]) / (wall_after - wall_before)
            if machine_before and machine_after else 0.0)
    key = phase.fault
    return Step(config.label, rate, phase.sent, phase.acknowledged,
                round(phase.acknowledged / phase.span_s, 1) if phase.span_s else 0.0, phase.p50_ms, phase.p95_ms,
                phase.p99_ms, phase.late, phase.no_answer, phase.asked_to_resend, outcome.card_p50_s_by_phase[key],
                outcome.card_p95_s_by_phase[key], outcome.lost, outcome.drained_s, round(gridbot * per_appeal, 1),
                round(state * per_appeal, 1), round(busy, 2), used, dict(phase.other_replies))


def run_config(config: Config, options: argparse.Namespace) -> list[Step]:
    """Bring the topology up as `config` says, load it step by step, take it down."""
    with faults.deployed(options.dir, residents_needed(options.rates, options.phase), options.digest_after,
                         keep=False, web_hosts=config.web_hosts, web_processes=config.web_processes,
                         worker_hosts=config.worker_hosts, grids=options.grids) as deployment:
        residents = deployment.fresh_residents()
        steps, since = [], 0
        for rate in options.rates:
            _, since = cards.fetch_cards(deployment.api_url, since)  # the calls so far: smoke's, earlier steps'
            topology.say(f"capacity: {config.label}, {rate:g} appeals/s for {options.phase:g} s")
            steps.append(run_step(deployment, config, rate, options.phase, residents, options.drain, since))
    return steps


def highest_sustained(steps: list[Step]) -> float | None:
    """The highest rate of the configuration's steps that was sustained (None: none was)."""
    return max((step.rate for step in steps if step.sustained), default=None)


def render(results: dict[str, list[Step]], header: str) -> str:
    lines = [header, "",
             "| config | rate asked | sent | ack/s | reply p50 / p95 / p99 | later than 5 s | no answer | "
             "asked to resend | first card p50 / p95 | cards lost | drained after | gridbot CPU / appeal | "
             "PostgreSQL + Redis CPU / appeal | busy cores | sustained |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for steps in results.values():
        for step in steps:
            lines.append(
                f"| {step.config} | {step.rate:g} | {step.sent} | {step.acknowledged_per_s:g} | "
                f"{step.p50_ms:.0f} / {step.p95_ms:.0f} / {step.p99_ms:.0f} ms | {step.late} | {step.no_answer} | "
                f"{step.asked_to_resend} | {step.card_p50_s:.2f} / {step.card_p95_s:.2f} s | {step.lost} | "
                f"{step.drained_s:g} s | {step.gridbot_cpu_ms:.1f} ms | {step.state_cpu_ms:.1f} ms | "
                f"{step.busy_cores:.2f} | {'yes' if step.sustained else 'no'} |")
    refused = [f"{step.config} {step.rate:g}/s: " + ", ".join(f"{what} ×{count}" for what, count in step.instead.items())
               for steps in results.values() for step in steps if step.instead]
    lines += ["", "not acknowledged: " + ("; ".join(refused) or "none")]
    lines += ["", "highest sustained rate: " + "; ".join(
        f"{label} {_rate(highest_sustained(steps))}" for label, steps in results.items())]
    return "\n".join(lines)


def _rate(rate: float | None) -> str:
    return "none" if rate is None else f"{rate:g}/s"


def _load() -> str:
    """The machine's load averages (1, 5, 15 minutes), as `uptime` prints them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", nargs="+", type=parse_config,
                        default=[parse_config(text) for text in ("1x1/1", "1x2/1", "2x2/1", "2x2/2")],
                        help="WEBHOSTSxPROCESSES/WORKERHOSTS each")
    parser.add_argument("--rates", nargs="+", type=_bounded(1, MAX_RATE), default=[20.0, 40.0, 60.0, 80.0],
                        help="appeals a second, one step each, in this order")
    parser.add_argument("--phase", type=_bounded(1, MAX_PHASE_S), default=20.0, help="seconds per step")
    parser.add_argument("--grids", type=_bounded(0, topology.MAX_GRIDS, int), default=200, metavar="N",
                        help="residents live in a street of N grids (0: the demo street)")
    parser.add_argument("--drain", type=_bounded(1, faults.DRAIN_S), default=180.0,
                        help="seconds to wait after a step for its cards")
    parser.add_argument("--digest-after", type=_bounded(1, 100_000, int), default=1000,
                        help="GRIDBOT_DIGEST_AFTER (production: 5); high, so that every card travels and is timed")
    parser.add_argument("--dir", type=Path, default=topology.DEFAULT_DIR)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    if len(options.configs) > MAX_CONFIGS or len(options.rates) > MAX_STEPS:
        parser.error(f"at most {MAX_CONFIGS} configurations and {MAX_STEPS} rates")
    started, load_before, code = datetime.now().astimezone(), _load(), fixture.code_version()
    results = {config.label: run_config(config, options) for config in options.configs}
    header = (f"capacity on the namespace topology (PostgreSQL, Redis + Sentinel, nginx, HTTPS), {options.grids} "
              f"grids, {options.phase:g} s a step, GRIDBOT_DIGEST_AFTER={options.digest_after}, code {code}; "
              f"{started:%Y-%m-%d %H:%M}–{datetime.now():%H:%M}, load {load_before} → "
              f"{_load()}")
    if options.json:
        print(json.dumps({"header": header, "configs": {
            label: {"steps": [asdict(step) | {"sustained": step.sustained} for step in steps],
                    "highest_sustained": highest_sustained(steps)} for label, steps in results.items()}},
            ensure_ascii=False))
    else:
        print(render(results, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
