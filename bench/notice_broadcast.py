"""Broadcast notices at street scale: `gridbot notice send --yes` to a street of bound residents, to the fake API.

    python bench/notice_broadcast.py [--residents 100000] [--building 300] [--json]

A throwaway environment (SQLite, the demo street, `--residents` residents bulk-inserted round-robin over its
buildings, one extra building of `--building` residents), an embedded Redis, the fake WeChat API and gridbot workers
(`python -m bot worker`), all on 127.0.0.1. Three runs, each timed from the start of `gridbot notice send … --yes`:
1. the street, ordinary notice: every mass-send chunk handed to the API, every recipient's status recorded, the
   worker's peak RSS;
2. the same with the worker SIGKILLed halfway (after half the chunks) and a second worker finishing: the same
   times, and whether anybody got it twice (the fake counts deliveries; a 45065 answer delivers nothing);
3. an urgent notice (template messages) to the building: the first and the last template call.
Baseline, in the same run: the same API calls (the same bodies) posted straight to the fake API from one process,
no gridbot in between. Nothing is asserted; the goals are printed next to the figures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import fixture  # puts the repository on sys.path, before the first-party imports below
import requests
import servers
from sqlalchemy import func, insert, select
from webhook_load import exit_cleanly_on_signals, machine_facts, say

from bot.demo import street
from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.settings import Settings
from storage import notice_planning, org
from storage.db import Database, upgrade
from storage.models import (
    Broadcast,
    BroadcastChunk,
    BroadcastRecipient,
    Building,
    RecipientStatus,
    Resident,
    ResidentStatus,
)

MASS_SEND = "/cgi-bin/message/mass/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
TEMPLATE_ID = "BENCH_NOTICE"
GOALS = {"street_handed_off_s": 60.0, "urgent_first_s": 1.0, "urgent_all_s": 10.0}
TIMEOUT_S = 300.0
POLL_S = 0.05
LEASE_S = 3  # how soon the second worker takes over the killed one's chunk


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100_000, help="bound residents of the street")
    parser.add_argument("--building", type=int, default=300, help="residents of the urgent notice's building")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--tmp-dir", type=Path, default=None)
    return parser.parse_args(argv)


def build(residents: int, building_size: int, parent: Path | None) -> tuple[fixture.BenchEnv, str]:
    """The database with the demo street, `residents` residents over its buildings and one building of
    `building_size`; returns the environment and the building's scope path."""
    directory = Path(tempfile.mkdtemp(prefix="gridbot-bench-notice-", dir=parent))
    url = f"sqlite:///{directory / 'bench.db'}"
    settings = Settings(wechat_token="bench" + secrets.token_hex(8), wechat_appid=fixture.BENCH_APPID,
                                wechat_secret="x", database_url=url, data_dir=directory, log_level="WARNING",
                                secret_key=secrets.token_urlsafe(32))
    try:
        upgrade(url)
        path = _seed(url, residents, building_size)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return fixture.BenchEnv(directory, settings, ()), path


def _seed(url: str, residents: int, building_size: int) -> str:
    now = datetime.now(timezone.utc)
    database = Database(url)
    try:
        with database.transaction() as session:
            street.seed(session, now)
            buildings = session.scalars(select(Building).order_by(Building.id)).all()
            first = buildings[0]
            extra = Building(grid_id=first.grid_id, compound=first.compound, name="300号楼",
                             scene_key=secrets.token_hex(8))
            session.add(extra)
            session.flush()
            rows = [{"openid": f"bench_{n:06d}", "status": ResidentStatus.ACTIVE, "grid_id": b.grid_id,
                     "building_id": b.id, "created_at": now}
                    for n, b in ((n, buildings[n % len(buildings)]) for n in range(residents))]
            rows += [{"openid": f"bench_b{n:04d}", "status": ResidentStatus.ACTIVE, "grid_id": extra.grid_id,
                      "building_id": extra.id, "created_at": now} for n in range(building_size)]
            for start in range(0, len(rows), 20_000):
                session.execute(insert(Resident), rows[start:start + 20_000])
            grid = org.grid_label(session, first.grid_id).replace("·", "/")
            return f"{grid}/{first.compound}/300号楼" if first.compound else f"{grid}/300号楼"
    finally:
        database.dispose()


class Rss:
    """Peak resident set size of a process, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0

    def sample(self) -> None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except OSError:
            pass


def gridbot(env: fixture.BenchEnv, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """One `python -m bot …` with the bench's variables."""
    variables = {**servers.gridbot_variables(env, extra)}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=fixture.ROOT, env=variables,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def calls(fake: servers.Server, path: str) -> list[dict[str, Any]]:
    """What the fake API was asked on `path`."""
    answer = requests.get(f"http://{servers.HOST}:{fake.port}/_fake/calls", params={"path": path}, timeout=30)
    answer.raise_for_status()
    return answer.json()


def chunks_accepted(url: str, number: str) -> int:
    """Chunks of a notice WeChat (the fake) accepted: gridbot recorded their msg_id."""
    database = Database(url)
    try:
        with database.transaction() as session:
            return int(session.scalar(
                select(func.count()).select_from(BroadcastChunk).join(Broadcast, Broadcast.id == BroadcastChunk.broadcast_id)
                .where(Broadcast.number == number, BroadcastChunk.msg_id.is_not(None))) or 0)
    finally:
        database.dispose()


def counts(url: str, number: str) -> tuple[int, int]:
    """(recipients, still pending or sending) of a notice."""
    database = Database(url)
    try:
        with database.transaction() as session:
            broadcast_id = session.scalar(select(Broadcast.id).where(Broadcast.number == number))
            rows = dict(session.execute(select(BroadcastRecipient.status, func.count())
                                        .where(BroadcastRecipient.broadcast_id == broadcast_id)
                                        .group_by(BroadcastRecipient.status)).all())
    finally:
        database.dispose()
    total = sum(rows.values())
    return total, rows.get(RecipientStatus.PENDING, 0) + rows.get(RecipientStatus.SENDING, 0)


def street_run(env: fixture.BenchEnv, extra: dict[str, str], fake: servers.Server, kill_halfway: bool,
               chunks_before: int) -> dict[str, Any]:
    """Send a notice to the street with one worker (killed halfway, and a second finishing, if asked)."""
    worker = servers.start_worker(env, extra)
    rss = Rss(worker.process.pid)
    time.sleep(2.0)  # the worker's start-up (imports, model) is not the notice's time
    started = time.monotonic()
    sent = gridbot(env, extra, "notice", "send", "--scope", street.STREET, "--text",
                   f"本月接诉即办情况通报（{'kill' if kill_halfway else 'plain'}）：详见社区公告栏", "--yes")
    stored_s = time.monotonic() - started
    if sent.returncode != 0:
        raise RuntimeError(f"notice send failed: {sent.stderr}")
    number = sent.stdout.split()[0]
    total, _ = counts(env.database_url, number)
    expected = math.ceil(total / notice_planning.MASS_MAX)
    handed = recorded = None
    killed_at = None
    successor = None
    try:
        while time.monotonic() - started < TIMEOUT_S:
            rss.sample()
            # Progress from the database: the fake's call list carries every OpenID, too heavy to poll.
            done = chunks_accepted(env.database_url, number)
            if kill_halfway and killed_at is None and done >= expected // 2:
                worker.process.kill()
                worker.process.wait()
                killed_at = time.monotonic() - started
                successor = servers.start_worker(env, extra)
                rss = _keep(rss, successor.process.pid)
            if handed is None and done >= expected:
                handed = time.monotonic() - started
            if handed is not None and counts(env.database_url, number)[1] == 0:
                recorded = time.monotonic() - started
                break
            time.sleep(POLL_S)
    finally:
        for process in (worker, successor):
            if process is not None:
                servers.stop(process)
    mine = calls(fake, MASS_SEND)[chunks_before:]
    deliveries = Counter(openid for call in mine if call["response"].get("errcode") == 0
                         for openid in call["body"]["touser"])
    return {"number": number, "recipients": total, "chunks": expected, "calls": len(mine),
            "stored_s": round(stored_s, 2), "handed_off_s": _round(handed), "recorded_s": _round(recorded),
            "killed_at_s": _round(killed_at), "peak_worker_rss_mb": round(rss.peak_kb / 1024, 1),
            "got_it_twice": sum(1 for n in deliveries.values() if n > 1), "reached": len(deliveries)}


def _keep(rss: Rss, pid: int) -> Rss:
    """Sample another process, keeping the peak seen so far."""
    follower = Rss(pid)
    follower.peak_kb = rss.peak_kb
    return follower


def urgent_run(env: fixture.BenchEnv, extra: dict[str, str], fake: servers.Server, path: str) -> dict[str, Any]:
    """An urgent notice to the building: first and last template call after `notice send` starts."""
    worker = servers.start_worker(env, extra)
    time.sleep(2.0)
    before = len(calls(fake, TEMPLATE_SEND))
    started_wall = time.time()
    started = time.monotonic()
    sent = gridbot(env, extra, "notice", "send", "--scope", path, "--text", "今晚20点至24点停水检修，请提前储水",
                   "--urgent", "--kind", "停水", "--yes")
    stored_s = time.monotonic() - started
    try:
        if sent.returncode != 0:
            raise RuntimeError(f"notice send failed: {sent.stderr}")
        number = sent.stdout.split()[0]
        total, _ = counts(env.database_url, number)
        while time.monotonic() - started < TIMEOUT_S and counts(env.database_url, number)[1]:
            time.sleep(POLL_S)
    finally:
        servers.stop(worker)
    mine = calls(fake, TEMPLATE_SEND)[before:]
    stamps = sorted(datetime.fromisoformat(call["at"]).timestamp() for call in mine)
    planned = _created_at(env.database_url, number)  # the CLI's clock when it began to plan
    return {"number": number, "recipients": total, "calls": len(mine), "stored_s": round(stored_s, 2),
            "first_call_s": _round(stamps[0] - started_wall if stamps else None),
            "last_call_s": _round(stamps[-1] - started_wall if stamps else None),
            "cli_start_to_planning_s": round(planned - started_wall, 2),
            "first_call_after_planning_s": _round(stamps[0] - planned if stamps else None),
            "last_call_after_planning_s": _round(stamps[-1] - planned if stamps else None)}


def _created_at(url: str, number: str) -> float:
    database = Database(url)
    try:
        with database.transaction() as session:
            return session.scalars(select(Broadcast.created_at).where(Broadcast.number == number)).one().timestamp()
    finally:
        database.dispose()


def baseline(fake: servers.Server, mass_bodies: list[dict[str, Any]], template_bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """The same calls straight to the fake API from one process: the floor gridbot's figures stand on."""
    base = f"http://{servers.HOST}:{fake.port}/cgi-bin"
    token = requests.get(f"{base}/token", params={"grant_type": "client_credential"}, timeout=10).json()["access_token"]
    session = requests.Session()
    started = time.monotonic()
    for body in mass_bodies:
        session.post(f"{base}/message/mass/send", params={"access_token": token},
                     json={**body, "clientmsgid": "base-" + secrets.token_hex(6)}, timeout=60)
    mass_s = time.monotonic() - started
    started = time.monotonic()
    for body in template_bodies:
        session.post(f"{base}/message/template/send", params={"access_token": token},
                     json={**body, "client_msg_id": "base-" + secrets.token_hex(6)}, timeout=60)
    return {"mass_calls": len(mass_bodies), "mass_s": round(mass_s, 2), "template_calls": len(template_bodies),
            "template_s": round(time.monotonic() - started, 2)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report(figures: dict[str, Any]) -> str:
    """The figures as a few readable lines."""
    plain, killed, urgent, base = figures["street"], figures["street_killed"], figures["urgent"], figures["baseline"]
    lines = [
        f"machine: {figures['machine']['cpus_usable']} CPUs, load before {figures['machine']['load_average_before']}, "
        f"code {figures['machine']['code']}",
        f"street: {plain['recipients']} recipients in {plain['chunks']} mass chunks",
        f"  baseline  {base['mass_calls']} mass calls straight to the fake API: {base['mass_s']} s",
        f"  gridbot   stored {plain['stored_s']} s, all handed off {plain['handed_off_s']} s, all recorded "
        f"{plain['recorded_s']} s (goal: handed off within {GOALS['street_handed_off_s']:.0f} s), "
        f"peak worker RSS {plain['peak_worker_rss_mb']} MB, twice: {plain['got_it_twice']}",
        f"  killed    worker SIGKILLed at {killed['killed_at_s']} s: handed off {killed['handed_off_s']} s, recorded "
        f"{killed['recorded_s']} s, {killed['calls']} calls for {killed['chunks']} chunks, reached {killed['reached']}, "
        f"twice: {killed['got_it_twice']}",
        f"urgent: {urgent['recipients']} recipients of one building by template message",
        f"  baseline  {base['template_calls']} template calls straight to the fake API: {base['template_s']} s",
        f"  gridbot   stored {urgent['stored_s']} s, first call {urgent['first_call_s']} s (goal {GOALS['urgent_first_s']:.0f} s),"
        f" last call {urgent['last_call_s']} s (goal {GOALS['urgent_all_s']:.0f} s)",
        f"            of which the CLI's start-up until it planned: {urgent['cli_start_to_planning_s']} s; from planning: "
        f"first call {urgent['first_call_after_planning_s']} s, last {urgent['last_call_after_planning_s']} s",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build, run the three scenarios and the baseline, print, clean up."""
    options = parse_args(argv)
    exit_cleanly_on_signals()
    machine = machine_facts(options.tmp_dir)
    say(f"bench: building {options.residents} residents …")
    env, building_path = build(options.residents, options.building, options.tmp_dir)
    fake = None
    try:
        redis_url = ensure_embedded_redis(env.directory)
        fake = servers.start_fake_wechat(env)
        servers.wait_ready(fake, f"GET /_fake/stats HTTP/1.1\r\nHost: {servers.HOST}\r\n\r\n".encode())
        extra = {"GRIDBOT_REDIS_URL": redis_url, "WECHAT_API_BASE_URL": f"http://{servers.HOST}:{fake.port}",
                 "GRIDBOT_NOTICE_TEMPLATE_ID": TEMPLATE_ID, "GRIDBOT_NOTICE_LEASE_S": str(LEASE_S)}
        say("bench: street notice, one worker …")
        plain = street_run(env, extra, fake, False, 0)
        say("bench: street notice, worker killed halfway …")
        killed = street_run(env, extra, fake, True, len(calls(fake, MASS_SEND)))
        say("bench: urgent notice to one building …")
        urgent = urgent_run(env, extra, fake, building_path)
        say("bench: baseline …")
        mass_bodies = [call["body"] for call in calls(fake, MASS_SEND)][:plain["chunks"]]
        template_bodies = [call["body"] for call in calls(fake, TEMPLATE_SEND)][:urgent["recipients"]]
        base = baseline(fake, mass_bodies, template_bodies)
    finally:
        if fake is not None:
            servers.stop(fake)
        stop_embedded_redis(env.directory)
        fixture.remove(env)
    figures = {"machine": machine, "goals": GOALS, "street": plain, "street_killed": killed, "urgent": urgent,
               "baseline": base}
    print(json.dumps(figures, ensure_ascii=False, indent=2) if options.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
