"""Faults during steady load on the namespace topology (issue 16): for each, acknowledged appeals lost, task cards
sent twice, replies later than WeChat's 5 s, and how long until every reply is an acknowledgement again.

    python bench/faults.py [--rate 10] [--phase 20] [--residents 4000] [--only NAME ...] [--json]

Root only. Builds the topology (bench/topology.py), sends `--rate` appeals a second (each from a resident who has
not written yet, with a text of its own) through nginx (TLS) for `--phase` seconds per fault, injects the
fault 2 s into its phase and heals it as operations would (systemd restarts a killed process after 5 s; Sentinel
replaces a dead Redis primary by itself; the WeChat API's trouble passes; a host whose clock was off, by
skewed_clock.c, is restarted on the true clock). One fault comes before its phase's load instead: PostgreSQL
restarted while no message came, as at night, so that the load meets the connections the restart ended and not
the outage. After the last phase it waits for every
acknowledged appeal's task cards, then counts, from the database and the fake API's record of calls:
- lost: an appeal whose ticket a resident was given that is not in the database, or whose cards never arrived;
- twice: a task card that reached the same grid member twice for one ticket;
- late: replies that took longer than 5 s (WeChat would have given up and retried);
- recovery: from the fault to the last message of its phase not acknowledged within 5 s;
- message → first card: for appeals whose cards went out on their own (a member's sixth card in a minute is
  folded into that minute's digest, by design, and is not timed here).
"No answer" is a request that got no HTTP answer at all (WeChat would retry it three times).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import cards
import fixture  # puts the repository on sys.path, before the first-party imports below
import loadgen
import requests
import topology
import traffic

from bot.wechat.fake import CUSTOM_SEND_PATH
from bot.wechat.simulator import SignedRequest, WeChatServer

WECHAT_WAIT_S = 5.0
FAULT_AT_S = 2.0
RESTART_AFTER_S = 5.0  # systemd's RestartSec in deploy/
# Network namespaces share the kernel's clock: a host's clock is skewed by preloading skewed_clock.c into its
# gridbot process (gunicorn's workers inherit it), which moves the wall clock only, as on a VM without NTP.
SKEWED_CLOCK_SOURCE = Path(__file__).with_name("skewed_clock.c")
SKEWED_FOR_S = 12.0
# Longer than the sweeps: a job Redis lost in a failover (enqueued on the old primary, never replicated) is queued
# again after storage.outbox.REQUEUE_AFTER (5 min), and the batch of a killed worker is settled by its call marks
# after ABANDONED_AFTER (10 min): late but not lost.
DRAIN_S = 630.0
ACKNOWLEDGED = re.compile(r"已受理您的诉求\n编号：(G\d{10})")


@dataclass
class Fault:
    name: str
    inject: Callable[[topology.Deployment], None]
    heal: Callable[[topology.Deployment], None] | None = None
    heal_after_s: float = RESTART_AFTER_S
    # Injected and healed before the phase's load starts: the processes meet what the fault left behind (connections
    # the server ended), not the outage itself, as after a restart at night.
    before_load: bool = False


@dataclass
class Phase:
    fault: str
    sent: int = 0
    acknowledged: int = 0
    asked_to_resend: int = 0
    no_answer: int = 0
    late: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    span_s: float = 0.0  # from the first request's start to the last answer
    recovery_s: float = 0.0
    other_replies: Counter[str] = field(default_factory=Counter)  # what residents were told instead, by first line
    tickets: list[str] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)


def _kill(service: str) -> Callable[[topology.Deployment], None]:
    return lambda deployment: deployment.services[service].signal()


def _restart(service: str, answering: bool = False) -> Callable[[topology.Deployment], None]:
    """Start `service` again; `answering` (PostgreSQL): and wait until it answers queries."""
    def heal(deployment: topology.Deployment) -> None:
        deployment.add(topology.restart(Path(deployment.directory), deployment.services[service]))
        if answering:
            topology.wait_for_queries()
    return heal


def _primary(deployment: topology.Deployment) -> str:
    """The service name of the Redis primary the Sentinels name now."""
    import redis

    sentinel = redis.Redis(host=topology.HOSTS["redis3"], port=topology.SENTINEL_PORT, decode_responses=True)
    host, _port = sentinel.sentinel_get_master_addr_by_name(topology.SENTINEL_SERVICE)
    name = next(name for name, address in topology.HOSTS.items() if address == host)
    return f"redis-{name}"


def _api_trouble(errcode: int | str, times: int) -> Callable[[topology.Deployment], None]:
    def inject(deployment: topology.Deployment) -> None:
        failure = {"path": CUSTOM_SEND_PATH, "errcode": errcode, "times": times, "delay": 6}
        requests.post(f"{deployment.api_url}/_fake/fail", timeout=5, json=failure).raise_for_status()
    return inject


def _clear_api_trouble(deployment: topology.Deployment) -> None:
    requests.delete(f"{deployment.api_url}/_fake/fail", timeout=5).raise_for_status()


class _PrimaryFailover:
    """Kill whichever Redis server is the primary now; later bring it back, for the Sentinels to make a replica of."""

    def __init__(self) -> None:
        self.killed = ""

    def inject(self, deployment: topology.Deployment) -> None:
        self.killed = _primary(deployment)
        deployment.services[self.killed].signal()

    def heal(self, deployment: topology.Deployment) -> None:
        _restart(self.killed)(deployment)


class _SkewedClocks:
    """Restart hosts' gridbot processes with their clocks `offsets` seconds off (a VM whose NTP is off), stopping
    each gracefully first so that only the clock is the fault; the heal restarts them on the true clock."""

    def __init__(self, offsets: dict[str, int]) -> None:
        self.offsets = offsets
        self.true_environment: dict[str, dict[str, str]] = {}

    def inject(self, deployment: topology.Deployment) -> None:
        library = _skewed_clock_library(Path(deployment.directory))
        for name, offset in self.offsets.items():
            service = deployment.services[name]
            self.true_environment[name] = dict(service.environment)
            skewed = {**service.environment, "LD_PRELOAD": str(library), "GRIDBOT_BENCH_CLOCK_SKEW_S": str(offset)}
            _restart_gracefully(deployment, service, skewed)

    def heal(self, deployment: topology.Deployment) -> None:
        for name in self.offsets:
            _restart_gracefully(deployment, deployment.services[name], self.true_environment[name])


def _skewed_clock_library(directory: Path) -> Path:
    """skewed_clock.c built into the topology's directory (once)."""
    library = directory / "skewed_clock.so"
    if not library.exists():
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(library), str(SKEWED_CLOCK_SOURCE), "-ldl"],
                       check=True, capture_output=True, timeout=60)
    return library


def _restart_gracefully(deployment: topology.Deployment, service: topology.Service,
                        environment: dict[str, str]) -> None:
    """SIGTERM (gunicorn finishes its requests, a worker its job), SIGKILL after 10 s, then start it again."""
    service.signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    while service.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    service.environment = environment
    deployment.add(topology.restart(Path(deployment.directory), service))


def _expire_token(deployment: topology.Deployment) -> None:
    requests.post(f"{deployment.api_url}/_fake/expire-token", timeout=5).raise_for_status()


_FAILOVER = _PrimaryFailover()
FAULTS: tuple[Fault, ...] = (
    Fault("none (baseline)", lambda deployment: None),
    Fault("web host killed", _kill("web1"), _restart("web1")),
    Fault("worker host killed mid-batch", _kill("work1"), _restart("work1")),
    Fault("Redis primary killed", _FAILOVER.inject, _FAILOVER.heal, 10.0),
    Fault("PostgreSQL killed and restarted", _kill("postgres"), _restart("postgres"), 3.0),
    Fault("PostgreSQL restarted while no message came", _kill("postgres"), _restart("postgres", answering=True), 3.0,
          before_load=True),
    Fault("WeChat API: HTTP 500", _api_trouble("http500", 40), _clear_api_trouble, 10.0),
    Fault("WeChat API: -1 system busy", _api_trouble(-1, 40), _clear_api_trouble, 10.0),
    Fault("WeChat API: timeouts", _api_trouble("timeout", 6), _clear_api_trouble, 10.0),
    Fault("WeChat API: 40001 token expired", _expire_token),
    Fault("clock skew: a web host 5 min ahead", (_WEB_SKEW := _SkewedClocks({"web1": 300})).inject, _WEB_SKEW.heal,
          SKEWED_FOR_S),
    Fault("clock skew: workers 5 min ahead and 3 min behind",
          (_WORKER_SKEW := _SkewedClocks({"work1": 300, "work2": -180})).inject, _WORKER_SKEW.heal, SKEWED_FOR_S),
)


def run_phase(deployment: topology.Deployment, fault: Fault, server: WeChatServer, rate: float, seconds: float,
              residents: list[str]) -> Phase:
    """`rate` appeals a second for `seconds`, half to each web host; the fault injected FAULT_AT_S in."""
    phase = Phase(fault.name)
    count = int(rate * seconds)
    mine = [residents.pop() for _ in range(count)]
    now = int(time.time())
    signed = [server.sign(server.text(openid, f"{traffic.APPEALS[index % len(traffic.APPEALS)]}（{openid[-6:]}）",
                                      create_time=now), encrypted=True, timestamp=now)
              for index, openid in enumerate(mine)]
    address, tls = deployment.entry, deployment.tls()
    results: list[loadgen.Sent] = []

    def send() -> None:
        results.extend(loadgen.run_open_loop([traffic.http_request(request, *address) for request in signed], address,
                                             rate, timeout=WECHAT_WAIT_S * 3, tls=tls))

    injected = fault_during(deployment, fault, threading.Thread(target=send))
    latencies, last_bad = [], injected
    for one in results:
        request = signed[one.index]
        phase.sent += 1
        reply = _reply(server, one, request)
        match = ACKNOWLEDGED.search(reply or "")
        good = match is not None and one.latency <= WECHAT_WAIT_S
        if match:
            phase.acknowledged += 1
            phase.tickets.append(match.group(1))
            phase.sent_at[match.group(1)] = one.started_wall
            latencies.append(one.latency)
        elif reply:
            phase.asked_to_resend += 1
            phase.other_replies[reply.splitlines()[0][:30]] += 1
        else:
            phase.no_answer += 1
            phase.other_replies[f"HTTP {one.answer.status} (nginx)" if one.answer else f"no answer: {one.error}"] += 1
        phase.late += one.latency > WECHAT_WAIT_S
        if not good and one.started_wall >= injected:
            last_bad = max(last_bad, one.started_wall)
    latencies.sort()
    if results:
        phase.span_s = round(max(one.started_wall + one.latency for one in results)
                             - min(one.started_wall for one in results), 2)
    if latencies:
        phase.p50_ms = round(loadgen.percentile(latencies, 50) * 1000, 1)
        phase.p95_ms = round(loadgen.percentile(latencies, 95) * 1000, 1)
        phase.p99_ms = round(loadgen.percentile(latencies, 99) * 1000, 1)
    phase.recovery_s = round(last_bad - injected, 1) if fault.name != FAULTS[0].name else 0.0
    return phase


def fault_during(deployment: topology.Deployment, fault: Fault, sender: threading.Thread) -> float:
    """Start the load (`sender`), inject the fault FAULT_AT_S in, heal it as operations would, wait for the load to
    end; returns when the fault was injected (time.time). A fault `before_load` is injected and healed first, and
    counted from the load's start."""
    if fault.before_load:
        _inject_and_heal(deployment, fault)
        injected = time.time()
        sender.start()
    else:
        sender.start()
        time.sleep(FAULT_AT_S)
        injected = time.time()
        _inject_and_heal(deployment, fault)
    sender.join()
    return injected


def _inject_and_heal(deployment: topology.Deployment, fault: Fault) -> None:
    fault.inject(deployment)
    if fault.heal:
        time.sleep(fault.heal_after_s)
        fault.heal(deployment)


def _reply(server: WeChatServer, sent: loadgen.Sent, request: SignedRequest) -> str | None:
    """What the resident would read, or None when gridbot gave no reply (no answer, or the proxy's error page)."""
    if sent.answer is None or sent.answer.status != 200:
        return None
    return server.open_reply(sent.answer.body.decode("utf-8", "replace"), request)


@dataclass
class Outcome:
    lost: int
    cards_expected: int
    cards_seen: int
    sent_twice: int
    twice_by_phase: dict[str, int]
    lost_by_phase: dict[str, int]
    card_p95_s_by_phase: dict[str, float]
    drained_s: float  # after the last phase, until every awaited card had arrived (or the wait's bound)
    card_p50_s_by_phase: dict[str, float] = field(default_factory=dict)
    drained: bool = True  # every acknowledged appeal dispatched and its awaited cards delivered


def settle(deployment: topology.Deployment, phases: list[Phase], drain_s: float = DRAIN_S,
           since: int = 0) -> Outcome:
    """Wait for every acknowledged appeal's cards (or `drain_s`), then count what was lost and what came twice.
    `since`: the fake API's last call number before the phases (their cards all come after it)."""
    tickets = [ticket for phase in phases for ticket in phase.tickets]
    ours = set(tickets)
    started = time.monotonic()
    deadline = started + drain_s
    while True:
        rows, _statuses = cards.read_rows(deployment.database_url, tickets)
        # Calls the fake refused (HTTP 500, -1, a stale token) delivered nothing: only answered ones count.
        seen = [card for card in cards.fetch_cards(deployment.api_url, since)[0] if card.ok and card.ticket in ours]
        delivered = {(card.ticket, card.recipient) for card in seen}
        awaited = {(row.ticket, row.recipient) for row in rows if row.status != "digested"}
        # An appeal acknowledged in the last moments may not be dispatched yet: it has no rows to await so far.
        dispatched = {row.ticket for row in rows}
        drained = ours <= dispatched and awaited <= delivered
        if drained or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    drained_s = round(time.monotonic() - started, 1)
    per_pair = Counter((card.ticket, card.recipient) for card in seen)
    first_card = {}
    for card in seen:
        first_card[card.ticket] = min(first_card.get(card.ticket, card.at), card.at)
    in_database = {row.ticket for row in rows}
    twice_by_phase, lost_by_phase, p95_by_phase, p50_by_phase = {}, {}, {}, {}
    for phase in phases:
        mine = set(phase.tickets)
        twice_by_phase[phase.fault] = sum(count - 1 for (ticket, _), count in per_pair.items() if ticket in mine)
        undelivered = {ticket for ticket, recipient in awaited if ticket in mine and not per_pair[(ticket, recipient)]}
        lost_by_phase[phase.fault] = len(mine - in_database) + len(undelivered)
        # Only cards of their own: a card folded into its member's digest of the minute waits for the minute.
        carded = {ticket for ticket, _ in awaited if ticket in mine and ticket in first_card}
        delays = sorted(first_card[ticket] - phase.sent_at[ticket] for ticket in carded)
        p95_by_phase[phase.fault] = round(loadgen.percentile(delays, 95), 2) if delays else 0.0
        p50_by_phase[phase.fault] = round(loadgen.percentile(delays, 50), 2) if delays else 0.0
    return Outcome(sum(lost_by_phase.values()), len(awaited), len(per_pair), sum(twice_by_phase.values()),
                   twice_by_phase, lost_by_phase, p95_by_phase, drained_s, p50_by_phase, drained)


def render(phases: list[Phase], outcome: Outcome, rate: float, seconds: float) -> str:
    lines = [f"faults under load: {rate:g} appeals/s through nginx to two web hosts, {seconds:g} s per fault, code "
             f"{fixture.code_version()}", "",
             "| fault | sent | acknowledged | asked to resend | no answer | later than 5 s | p50 / p99 reply | "
             "acknowledged appeals lost | cards sent twice | message → first card p95 | recovered after |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for phase in phases:
        lines.append(f"| {phase.fault} | {phase.sent} | {phase.acknowledged} | {phase.asked_to_resend} | "
                     f"{phase.no_answer} | {phase.late} | {phase.p50_ms:.0f} / {phase.p99_ms:.0f} ms | "
                     f"{outcome.lost_by_phase[phase.fault]} | {outcome.twice_by_phase[phase.fault]} | "
                     f"{outcome.card_p95_s_by_phase[phase.fault]:.2f} s | {phase.recovery_s:g} s |")
    others = Counter()
    for phase in phases:
        others.update(phase.other_replies)
    lines += ["", "instead of an acknowledgement: " + ("; ".join(f"{text} ×{count}" for text, count in
                                                              others.most_common()) or "nothing else")]
    lines += ["", f"cards awaited {outcome.cards_expected}, distinct cards seen {outcome.cards_seen} "
              f"({outcome.drained_s:g} s after the last phase); "
              f"acknowledged appeals lost {outcome.lost}; cards sent twice {outcome.sent_twice}"]
    return "\n".join(lines)


@contextmanager
def deployed(directory: Path, residents: int, digest_after: int, keep: bool, *, web_hosts: int = 2,
             web_processes: int = 2, worker_hosts: int = 2, grids: int = 0) -> Iterator[topology.Deployment]:
    """The topology a load runs on (by default two web hosts of two processes each and two worker hosts,
    GRIDBOT_DIGEST_AFTER=`digest_after`), checked with one appeal; taken down afterwards unless `keep`."""
    try:
        deployment = topology.up(directory, residents, web_processes,
                                 extra={"GRIDBOT_DIGEST_AFTER": str(digest_after)}, web_hosts=web_hosts,
                                 worker_hosts=worker_hosts, grids=grids)
        topology.smoke(deployment)
        yield deployment
    finally:
        if not keep:
            topology.network_down()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--phase", type=float, default=20.0)
    parser.add_argument("--residents", type=int, default=4000)
    parser.add_argument("--only", nargs="*", help="run only faults whose name starts with one of these")
    parser.add_argument("--digest-after", type=int, default=1000,
                        help="GRIDBOT_DIGEST_AFTER (production: 5); high, so that every card travels and is counted")
    parser.add_argument("--dir", type=Path, default=topology.DEFAULT_DIR)
    parser.add_argument("--keep", action="store_true", help="leave the topology running afterwards")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    faults = [fault for fault in FAULTS if not options.only or fault.name.startswith(tuple(options.only))]
    needed = int(options.rate * options.phase) * len(faults) + topology.SMOKE_RESERVE
    if needed > options.residents:
        parser.error(f"--residents must be at least {needed}: each appeal comes from a resident who has not written")
    with deployed(options.dir, options.residents, options.digest_after, options.keep) as deployment:
        server = deployment.wechat()
        residents = deployment.fresh_residents()
        phases = []
        for fault in faults:
            topology.say(f"faults: {fault.name}")
            phases.append(run_phase(deployment, fault, server, options.rate, options.phase, residents))
        topology.say("faults: waiting for every acknowledged appeal's task cards")
        outcome = settle(deployment, phases)
    if options.json:
        print(json.dumps({"phases": [{k: v for k, v in asdict(p).items() if k not in ("tickets", "sent_at")}
                                     for p in phases], "outcome": asdict(outcome)}, ensure_ascii=False))
    else:
        print(render(phases, outcome, options.rate, options.phase))
    return 0


if __name__ == "__main__":
    sys.exit(main())
