"""A mixed load like a real account's on the namespace topology (issue 16): 70 % residents' text appeals, 10 % events,
10 % staff commands, 10 % media, as a steady background, plus a burst from one building (`--burst` neighbours
reporting the same broken lift within `--burst-within` seconds). Run once with no fault and once during a fault of
bench/faults.py (`--fault`, default: a web host killed).

    python bench/mixed_load.py [--rate 10] [--phase 60] [--burst 50] [--burst-within 45] [--fault "web host killed"]

Root only; builds the topology like faults.py. The kinds, each message from a person who is who they claim to be:
- text: a resident who has not written yet, with a text of their own (as in faults.py);
- event: in turn subscribe (someone new), SCAN of a building's QR code (someone new: bound in one step), a menu
  CLICK (我的诉求, from a resident) and unsubscribe (a resident who otherwise stays silent);
- staff: 接单, 进展 and 办结 by the grid member who got the task card, on appeals filed before the timed phases
  (each ticket's three commands a third of the phase apart, in that order);
- media: half images (from a resident whose appeal was filed before: the photo is added to it and downloaded from
  the fake API by a worker), half voice messages with WeChat's recognition (a new appeal);
- burst: the neighbours' reports, each a little differently worded; every second one answers the 我也遇到 offer with
  "1" four seconds later (kind "burst: join").
It prints the faults.py columns for both runs (acknowledged, lost, sent twice, recovery, message → first card over the
messages that file an appeal), then p50/p99 reply and errors per kind, then what the load did in the database:
appeals claimed and resolved, photos saved, joins, 聚焦办 cases opened.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import faults
import fixture  # puts the repository on sys.path, before the first-party imports below
import loadgen
import topology
import traffic
from sqlalchemy import func, select

from bot.wechat.simulator import SignedRequest, WeChatServer
from storage.db import Database
from storage.models import (
    Appeal,
    Attachment,
    Building,
    FocusCase,
    OutboxMessage,
    Staff,
    StaffRole,
)
from storage.notices import StaffNewAppeal

KINDS = ("text", "event", "staff", "media")
SHARES = {"text": 7, "event": 1, "staff": 1, "media": 1}  # of every ten background messages
BURST_START_S = 5.0
JOIN_AFTER_S = 4.0
FILES_AN_APPEAL = ("text", "media: voice", "burst")
BUSY = "抱歉，系统有点忙"
# The neighbours' reports: one fault, worded as people do.
LIFT_REPORTS = ("{building}的电梯又坏了，一直停在一楼不动", "{building}电梯坏了，老人上不了楼", "{building}电梯不动了，按钮按了没反应",
                "我们{building}电梯故障，已经停了半天", "{building}的电梯坏了，物业快来修一下")
STAFF_NOTES = {"接单": "", "进展": "已联系维修师傅，明天上门", "办结": "已修好，居民确认"}


@dataclass
class Message:
    kind: str
    offset_s: float
    request: SignedRequest
    openid: str


@dataclass
class Prepared:
    """What the timed runs draw on: appeals filed beforehand with the member who got each card, residents' homes."""

    tasks: list[tuple[str, str]]  # (ticket, member openid) of grid members' task cards
    filers: list[str]  # residents who filed those appeals (they send the images)
    scene_keys: list[str]
    buildings: list[str]  # building names, in fixture.seed's order
    building_ids: list[int]
    burst_buildings: list[int]  # indexes into `buildings`: one per run, none of the filers' homes

    def building_of(self, openid: str) -> int:
        """The building fixture.seed bound a bench resident to (round-robin over the buildings)."""
        return int(openid.removeprefix(fixture.OPENID_PREFIX)) % len(self.buildings)


@dataclass
class Run:
    phase: faults.Phase
    by_kind: dict[str, list[loadgen.Sent]] = field(default_factory=lambda: defaultdict(list))
    replies: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    burst_building: str = ""


def prepare(deployment: topology.Deployment, server: WeChatServer, fresh: list[str], count: int,
            runs: int) -> Prepared:
    """File `count` appeals now (at 10 a second) and wait until each has its task cards in the outbox."""
    database = Database(deployment.database_url)
    try:
        with database.transaction() as session:
            buildings = session.execute(select(Building.id, Building.name, Building.scene_key)
                                        .order_by(Building.id)).all()
        prepared = Prepared([], [], [key for _id, _name, key in buildings], [name for _id, name, _key in buildings],
                            [building_id for building_id, _name, _key in buildings], [])
        homes = Counter(prepared.building_of(openid) for openid in fresh)
        prepared.burst_buildings = [building for building, _ in homes.most_common(runs)]
        filers = [openid for openid in fresh if prepared.building_of(openid) not in prepared.burst_buildings][:count]
        for openid in filers:
            fresh.remove(openid)
        messages = [Message("text", index / 10, _text(server, openid, index), openid)
                    for index, openid in enumerate(filers)]
        sent = _send(deployment, messages)
        tickets = {}
        for message, one in zip(messages, sent, strict=True):
            match = faults.ACKNOWLEDGED.search(_reply(server, one, message.request) or "")
            if match:
                tickets[match.group(1)] = message.openid
        deadline = time.monotonic() + 60
        while True:
            with database.transaction() as session:
                rows = session.execute(
                    select(Appeal.ticket, OutboxMessage.recipient_openid)
                    .join(OutboxMessage, OutboxMessage.appeal_id == Appeal.id)
                    .join(Staff, Staff.openid == OutboxMessage.recipient_openid)
                    .where(Appeal.ticket.in_(tickets), OutboxMessage.template == StaffNewAppeal.name,
                           Staff.role == StaffRole.GRID_MEMBER)).all()
            member_of = dict(rows)  # one member per ticket is enough: the first to 接单 gets it
            if len(member_of) == len(tickets) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        database.dispose()
    prepared.tasks = sorted(member_of.items())
    prepared.filers = [tickets[ticket] for ticket in sorted(member_of)]
    return prepared


def build(server: WeChatServer, prepared: Prepared, fresh: list[str], rate: float, seconds: float, burst: int,
          burst_within: float, burst_building: int, tag: str) -> list[Message]:
    """One run's messages in the order they leave: the background's kinds shuffled in tens, the burst laid over it."""
    draw = random.Random(tag)
    count = int(rate * seconds)
    pattern: list[str] = []
    while len(pattern) < count:
        ten = [kind for kind in KINDS for _ in range(SHARES[kind])]
        draw.shuffle(ten)
        pattern += ten
    pattern = pattern[:count]
    staff_slots = [index for index, kind in enumerate(pattern) if kind == "staff"]
    tickets = min(len(staff_slots) // 3, len(prepared.tasks))
    # Staff take tickets from the front, images come from the back: a photo for an appeal closed just before is kept
    # waiting for the resident's next appeal instead, which would measure something else.
    tasks, prepared.tasks = prepared.tasks[:tickets], prepared.tasks[tickets:]
    prepared.filers = prepared.filers[tickets:]
    images = (pattern.count("media") + 1) // 2
    cut = max(0, len(prepared.filers) - images)
    filers, prepared.filers = prepared.filers[cut:], prepared.filers[:cut]
    prepared.tasks = prepared.tasks[:len(prepared.filers)]
    others = [openid for openid in fresh if prepared.building_of(openid) not in prepared.burst_buildings]
    neighbours = [openid for openid in fresh if prepared.building_of(openid) == burst_building][:burst]
    for openid in neighbours:
        fresh.remove(openid)
    now = int(time.time())
    messages, events, media = [], 0, 0

    def resident() -> str:
        openid = others.pop()
        fresh.remove(openid)
        return openid

    for index, kind in enumerate(pattern):
        offset = index / rate
        if kind == "text":
            openid = resident()
            messages.append(Message(kind, offset, _text(server, openid, index, now), openid))
        elif kind == "event":
            messages.append(_event(server, events, prepared, resident, offset, now, tag))
            events += 1
        elif kind == "staff":
            slot = staff_slots.index(index)
            verb = ("接单", "进展", "办结")[slot // tickets] if slot < 3 * tickets else "接单"
            ticket, member = tasks[slot % tickets] if tickets else ("G0000000000", "none")
            text = f"{verb} {ticket} {STAFF_NOTES[verb]}".strip()
            messages.append(Message("staff", offset, server.sign(server.text(member, text, create_time=now),
                                                                 encrypted=True, timestamp=now), member))
        else:
            if media % 2 == 0 and filers:
                openid = filers.pop()
                xml = server.image(openid, f"http://mmbiz.qpic.cn/bench/{tag}-{index}.jpg", create_time=now)
                messages.append(Message("media: image", offset, server.sign(xml, encrypted=True, timestamp=now),
                                        openid))
            else:
                openid = resident()
                spoken = f"{traffic.APPEALS[index % len(traffic.APPEALS)]}（语音{openid[-6:]}）"
                xml = server.voice(openid, spoken, create_time=now)
                messages.append(Message("media: voice", offset, server.sign(xml, encrypted=True, timestamp=now),
                                        openid))
            media += 1
    name = f"{prepared.buildings[burst_building]}"
    for number, openid in enumerate(neighbours):
        offset = BURST_START_S + burst_within * number / max(1, burst)
        text = LIFT_REPORTS[number % len(LIFT_REPORTS)].format(building=name)
        messages.append(Message("burst", offset, server.sign(server.text(openid, text, create_time=now),
                                                             encrypted=True, timestamp=now), openid))
        if number % 2:
            answer = server.text(openid, "1", create_time=now + 1)
            messages.append(Message("burst: join", offset + JOIN_AFTER_S,
                                    server.sign(answer, encrypted=True, timestamp=now), openid))
    return sorted(messages, key=lambda message: message.offset_s)


def _text(server: WeChatServer, openid: str, index: int, now: int | None = None) -> SignedRequest:
    now = now or int(time.time())
    content = f"{traffic.APPEALS[index % len(traffic.APPEALS)]}（{openid[-6:]}）"
    return server.sign(server.text(openid, content, create_time=now), encrypted=True, timestamp=now)


def _event(server: WeChatServer, number: int, prepared: Prepared, resident, offset: float, now: int,  # type: ignore[no-untyped-def]
           tag: str) -> Message:
    """subscribe, SCAN, CLICK, unsubscribe in turn; the new followers' openids are this run's own."""
    turn = number % 4
    if turn in (0, 1):
        openid = f"mix_{tag}_{number:05d}"
        xml = (server.event(openid, "subscribe", create_time=now) if turn == 0 else
               server.event(openid, "SCAN", prepared.scene_keys[number % len(prepared.scene_keys)], create_time=now))
        return Message("event: subscribe" if turn == 0 else "event: scan", offset,
                       server.sign(xml, encrypted=True, timestamp=now), openid)
    openid = resident()
    xml = (server.event(openid, "CLICK", "我的诉求", create_time=now) if turn == 2 else
           server.event(openid, "unsubscribe", create_time=now))
    return Message("event: click" if turn == 2 else "event: unsubscribe", offset,
                   server.sign(xml, encrypted=True, timestamp=now), openid)


def _send(deployment: topology.Deployment, messages: list[Message]) -> list[loadgen.Sent]:
    address = deployment.entry
    sent = loadgen.run_open_loop([traffic.http_request(message.request, *address) for message in messages], address,
                                 1.0, timeout=faults.WECHAT_WAIT_S * 3, tls=deployment.tls(),
                                 offsets=[message.offset_s for message in messages])
    return sorted(sent, key=lambda one: one.index)


def _reply(server: WeChatServer, sent: loadgen.Sent, request: SignedRequest) -> str | None:
    if sent.answer is None or sent.answer.status != 200:
        return None
    body = sent.answer.body.decode("utf-8", "replace")
    if not body.strip() or body.strip() == "success":
        return ""  # acknowledged without a reply (unsubscribe)
    return server.open_reply(body, request)


def run(deployment: topology.Deployment, server: WeChatServer, fault: faults.Fault, messages: list[Message],
        burst_building: str) -> Run:
    """Send `messages` on their schedule, `fault` injected faults.FAULT_AT_S in and healed as faults.py does."""
    result = Run(faults.Phase(fault.name), burst_building=burst_building)
    sent: list[loadgen.Sent] = []
    injected = faults.fault_during(deployment, fault,
                                   threading.Thread(target=lambda: sent.extend(_send(deployment, messages))))
    phase, latencies, last_bad = result.phase, [], injected
    for one in sent:
        message = messages[one.index]
        result.by_kind[message.kind].append(one)
        reply = _reply(server, one, message.request)
        phase.sent += 1
        phase.late += one.latency > faults.WECHAT_WAIT_S
        if reply is None:
            phase.no_answer += 1
            label = f"HTTP {one.answer.status}" if one.answer else f"no answer: {one.error}"
            phase.other_replies[label] += 1
            result.replies[message.kind][label] += 1
        else:
            result.replies[message.kind][_gist(reply)] += 1
            latencies.append(one.latency)
        busy = reply is not None and reply.startswith(BUSY)
        phase.asked_to_resend += busy
        match = faults.ACKNOWLEDGED.search(reply or "")
        if match and message.kind in FILES_AN_APPEAL:
            phase.acknowledged += 1
            phase.tickets.append(match.group(1))
            phase.sent_at[match.group(1)] = one.started_wall
        if (reply is None or busy or one.latency > faults.WECHAT_WAIT_S) and one.started_wall >= injected:
            last_bad = max(last_bad, one.started_wall)
    latencies.sort()
    phase.p50_ms = round(loadgen.percentile(latencies, 50) * 1000, 1)
    phase.p99_ms = round(loadgen.percentile(latencies, 99) * 1000, 1)
    phase.recovery_s = round(last_bad - injected, 1) if fault.name != faults.FAULTS[0].name else 0.0
    return result


def _gist(reply: str) -> str:
    """A reply's first line with its numbers blanked, to count replies of one kind together."""
    if not reply:
        return "(empty: acknowledged)"
    return re.sub(r"G\d{10}|J\d{10}|\d+", "#", reply.splitlines()[0])[:24]


def outcomes(deployment: topology.Deployment, prepared: Prepared, started: float) -> dict[str, int]:
    """What the load did, read from the database: appeals claimed and resolved, photos saved, joins, focus cases."""
    from datetime import datetime, timezone

    since = datetime.fromtimestamp(started, timezone.utc)
    database = Database(deployment.database_url)
    try:
        with database.transaction() as session:
            def count(query) -> int:  # type: ignore[no-untyped-def]
                return int(session.scalar(query) or 0)

            return {
                "appeals claimed (接单)": count(select(func.count(Appeal.id)).where(Appeal.accepted_at >= since)),
                "appeals resolved (办结)": count(select(func.count(Appeal.id)).where(Appeal.resolved_at >= since)),
                "images received": count(select(func.count(Attachment.id)).where(
                    Attachment.kind == "image", Attachment.created_at >= since)),
                "images saved": count(select(func.count(Attachment.id)).where(
                    Attachment.kind == "image", Attachment.created_at >= since, Attachment.downloaded_at.is_not(None))),
                "appeals joined to a neighbour's (我也遇到)": count(select(func.count(Appeal.id)).where(
                    Appeal.created_at >= since, Appeal.merged_into_id.is_not(None))),
                "聚焦办 cases opened": count(select(func.count(FocusCase.id)).where(FocusCase.opened_at >= since)),
                "of them at the burst buildings": count(select(func.count(FocusCase.id)).where(
                    FocusCase.opened_at >= since, FocusCase.scope_ref.in_(
                        [f"building:{prepared.building_ids[b]}" for b in prepared.burst_buildings]))),
            }
    finally:
        database.dispose()


def render(runs: list[Run], outcome: faults.Outcome, numbers: dict[str, int], options: argparse.Namespace) -> str:
    lines = [faults.render([run.phase for run in runs], outcome, options.rate, options.phase).replace(
        "faults under load:", "mixed load:", 1), "",
        f"per message kind (burst: {options.burst} neighbours of one building within {options.burst_within:g} s)", "",
        "| run | kind | sent | no answer | busy | later than 5 s | p50 / p99 reply | replies (first line) |",
        "|---|---|---:|---:|---:|---:|---:|---|"]
    for run in runs:
        for kind in sorted(run.by_kind):
            sent = run.by_kind[kind]
            answered = sorted(one.latency for one in sent if one.answer is not None and one.answer.status == 200)
            unanswered = len(sent) - len(answered)
            busy = sum(count for gist, count in run.replies[kind].items() if gist.startswith(BUSY[:8]))
            late = sum(one.latency > faults.WECHAT_WAIT_S for one in sent)
            gists = "; ".join(f"{gist} ×{count}" for gist, count in run.replies[kind].most_common(3))
            lines.append(f"| {run.phase.fault} | {kind} | {len(sent)} | {unanswered} | {busy} | {late} | "
                         f"{loadgen.percentile(answered, 50) * 1000:.0f} / "
                         f"{loadgen.percentile(answered, 99) * 1000:.0f} ms | {gists} |")
    lines += ["", "what the load did (both runs): " + "; ".join(f"{name} {value}" for name, value in numbers.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=10.0, help="background messages a second")
    parser.add_argument("--phase", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--burst", type=int, default=50, help="neighbours of one building reporting the same lift")
    parser.add_argument("--burst-within", type=float, default=45.0, help="seconds the burst is spread over")
    parser.add_argument("--fault", default="web host killed", help="a fault of bench/faults.py (name prefix); "
                        "'none' runs the baseline only")
    parser.add_argument("--residents", type=int, default=4000)
    parser.add_argument("--digest-after", type=int, default=1000, help="as in faults.py")
    parser.add_argument("--dir", type=Path, default=topology.DEFAULT_DIR)
    parser.add_argument("--keep", action="store_true", help="leave the topology running afterwards")
    options = parser.parse_args(argv)
    chosen = [faults.FAULTS[0]] + [fault for fault in faults.FAULTS[1:] if fault.name.startswith(options.fault)][:1]
    if options.fault != "none" and len(chosen) == 1:
        parser.error(f"no fault named {options.fault!r} in bench/faults.py")
    per_run = int(options.rate * options.phase)
    with faults.deployed(options.dir, options.residents, options.digest_after, options.keep) as deployment:
        server = deployment.wechat()
        fresh = deployment.fresh_residents()
        staff_per_run = per_run * SHARES["staff"] // 10
        images_per_run = per_run * SHARES["media"] // 10 // 2 + 1
        topology.say("mixed: filing the appeals staff and images will refer to")
        prepared = prepare(deployment, server, fresh, len(chosen) * (staff_per_run // 3 + 1 + images_per_run),
                           len(chosen))
        started = time.time()
        runs = []
        for number, fault in enumerate(chosen):
            topology.say(f"mixed: {fault.name}")
            building = prepared.burst_buildings[number]
            messages = build(server, prepared, fresh, options.rate, options.phase, options.burst,
                             options.burst_within, building, f"run{number}")
            runs.append(run(deployment, server, fault, messages, prepared.buildings[building]))
        topology.say("mixed: waiting for every acknowledged appeal's task cards")
        outcome = faults.settle(deployment, [run.phase for run in runs])
        numbers = outcomes(deployment, prepared, started)
    print(render(runs, outcome, numbers, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
