"""Task cards as the fake WeChat API recorded them, and what the database says about each card's way there.

The fake stamps every call with its arrival time (`at`, ISO, UTC, milliseconds); the webhook, the relay and
the job stamp the appeal and its outbox row with the same machine's wall clock. So every time here is epoch
seconds from one clock, and differences between them are latencies.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Collection, Iterable

import fixture  # noqa: F401 - puts the repository on sys.path, before the first-party imports below
import requests
from loadgen import percentile
from sqlalchemy import func, select

from bot.wechat.fake import CUSTOM_SEND_PATH
from storage.db import Database
from storage.models import Appeal, AppealStatus, OutboxMessage, OutboxStatus
from storage.notices import StaffNewAppeal

TASK_CARD_PREFIX = "【新诉求】"
STAGES = ("webhook: sent -> appeal filed", "relay: filed -> dispatched (outbox row)", "relay: dispatched -> in RQ",
          "RQ: queued -> job claims the row", "job: claimed -> card at the fake API")
TICKET = re.compile(r"G\d{10}")


@dataclass(frozen=True)
class Card:
    """One task card the worker sent to the fake's customer-service endpoint."""

    ticket: str
    recipient: str
    at: float  # when the fake received the call, epoch seconds
    seq: int
    ok: bool | None  # errcode 0; None if the fake had not answered yet when it was read


@dataclass(frozen=True)
class Row:
    """A task card's outbox row and its appeal, times in epoch seconds (None: the step never happened)."""

    ticket: str
    recipient: str
    filed: float  # appeal created by the webhook
    dispatched: float  # outbox row written by the relay's dispatch step
    queued: float | None  # handed to RQ by the relay
    claimed: float | None  # claimed by the delivery job with the rest of its batch (queued -> sending)
    sent: float | None  # marked sent by the job's one write-down, after all its lanes' calls
    status: str


def fetch_cards(base_url: str, since: int = 0) -> tuple[list[Card], int]:
    """The task cards the fake recorded after call `since`, and the highest call number seen."""
    response = requests.get(f"{base_url}/_fake/calls", params={"path": CUSTOM_SEND_PATH, "since": since}, timeout=10)
    response.raise_for_status()
    cards, last = [], since
    for call in response.json():
        last = max(last, int(call["seq"]))
        card = _card(call)
        if card is not None:
            cards.append(card)
    return cards, last


def _card(call: dict) -> Card | None:
    """The call as a task card, or None if it is another message."""
    body = call.get("body")
    if not isinstance(body, dict) or body.get("msgtype") != "text":
        return None
    content = (body.get("text") or {}).get("content") or ""
    match = TICKET.search(content) if content.startswith(TASK_CARD_PREFIX) else None
    if match is None:
        return None
    answer = call.get("response")
    ok = answer.get("errcode") == 0 if isinstance(answer, dict) else None
    return Card(match.group(), str(body.get("touser")), datetime.fromisoformat(call["at"]).timestamp(),
                int(call["seq"]), ok)


def token_fetches(base_url: str) -> int:
    """How many access tokens the fake handed out."""
    response = requests.get(f"{base_url}/_fake/stats", timeout=10)
    response.raise_for_status()
    return int(response.json()["token_fetches"])


@dataclass
class Watcher:
    """Polls the fake every `interval` s in a thread: cards per ticket so far, and the largest RQ backlog seen."""

    base_url: str
    interval: float
    queue_length: Callable[[], int]
    per_ticket: Counter[str] = field(default_factory=Counter)
    max_queue: int = 0
    polls: int = 0
    failures: int = 0
    _since: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin polling."""
        self._thread = threading.Thread(target=self._run, name="fake-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def seen(self, tickets: Iterable[str]) -> tuple[int, int]:
        """Of `tickets`: how many have at least one card, and how many cards they have in all."""
        with self._lock:
            counts = [self.per_ticket.get(ticket, 0) for ticket in tickets]
        return sum(1 for count in counts if count), sum(counts)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                cards, since = fetch_cards(self.base_url, self._since)
                backlog = self.queue_length()
            except (requests.RequestException, OSError):
                self.failures += 1
            else:
                with self._lock:
                    self._since = since
                    self.per_ticket.update(card.ticket for card in cards)
                    self.max_queue = max(self.max_queue, backlog)
                    self.polls += 1
            self._stop.wait(self.interval)


def expected_cards(database: Database, tickets: Collection[str]) -> tuple[int, int, int]:
    """Task-card outbox rows the dispatch step wrote for `tickets` so far, how many of them were folded into their
    recipient's digest (GRIDBOT_DIGEST_AFTER a minute): those never reach the fake as cards of their own, and how
    many of the tickets' appeals the dispatch has not reached yet (whose rows are still to be written)."""
    with database.transaction() as session:
        query = (select(func.count(), func.count().filter(OutboxMessage.status == OutboxStatus.DIGESTED))
                 .select_from(OutboxMessage).join(Appeal, Appeal.id == OutboxMessage.appeal_id)
                 .where(OutboxMessage.template == StaffNewAppeal.name, Appeal.ticket.in_(list(tickets))))
        written, digested = session.execute(query).one()
        undispatched = session.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.ticket.in_(list(tickets)), Appeal.status == AppealStatus.SUBMITTED))
        return int(written or 0), int(digested or 0), int(undispatched or 0)


def read_rows(url: str, tickets: Collection[str]) -> tuple[list[Row], Counter[str]]:
    """Every task-card outbox row of `tickets`, and how many of the tickets' appeals are in each status."""
    wanted = set(tickets)
    database = Database(url)
    try:
        with database.transaction() as session:
            query = (select(Appeal.ticket, OutboxMessage.recipient_openid, Appeal.created_at, OutboxMessage.created_at,
                            OutboxMessage.queued_at, OutboxMessage.sending_at, OutboxMessage.sent_at,
                            OutboxMessage.status)
                     .join(Appeal, Appeal.id == OutboxMessage.appeal_id)
                     .where(OutboxMessage.template == StaffNewAppeal.name))
            rows = [Row(ticket, recipient, filed.timestamp(), dispatched.timestamp(), _epoch(queued), _epoch(claimed),
                        _epoch(sent), str(status))
                    for ticket, recipient, filed, dispatched, queued, claimed, sent, status in session.execute(query)
                    if ticket in wanted]
            statuses = Counter(str(status) for ticket, status in session.execute(select(Appeal.ticket, Appeal.status))
                               if ticket in wanted)
    finally:
        database.dispose()
    return rows, statuses


def _epoch(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def analyse(sent_at: dict[str, float], seen: list[Card], rows: list[Row], last_send: float) -> dict[str, Any]:
    """Message -> first card and -> all cards per ticket, where the first card's time went, what is missing."""
    by_ticket: dict[str, list[Card]] = defaultdict(list)
    for card in seen:
        if card.ticket in sent_at:
            by_ticket[card.ticket].append(card)
    expected = Counter(row.ticket for row in rows)
    row_of = {(row.ticket, row.recipient): row for row in rows}
    first = {ticket: min(found, key=lambda card: card.at) for ticket, found in by_ticket.items()}
    complete = [t for t, found in by_ticket.items() if len({c.recipient for c in found}) >= expected[t] > 0]
    stages: list[list[float]] = [[] for _ in STAGES]
    for ticket, card in first.items():
        row = row_of.get((ticket, card.recipient))
        if row and row.queued is not None and row.claimed is not None:
            points = (sent_at[ticket], row.filed, row.dispatched, row.queued, row.claimed, card.at)
            for index, stage in enumerate(stages):
                stage.append(points[index + 1] - points[index])
    digested = Counter(row.ticket for row in rows if row.status == OutboxStatus.DIGESTED and row.ticket in sent_at)
    missing = sorted(set(sent_at) - set(first))
    unaccounted = sorted(set(missing) - set(digested))
    received = sum(map(len, by_ticket.values()))
    batches = Counter(row.dispatched for row in rows if row.ticket in sent_at)
    return {
        "tickets_filed": len(sent_at), "cards_expected": sum(expected.values()), "cards_received": received,
        "cards_digested": sum(digested.values()),
        # Neither a card of its own nor a row folded into a digest: a task nobody heard of.
        "tickets_unaccounted_count": len(unaccounted), "tickets_unaccounted": unaccounted[:20],
        "cards_failed": sum(1 for found in by_ticket.values() for card in found if card.ok is False),
        "tickets_without_card_count": len(missing), "tickets_without_card": missing[:20],
        "tickets_with_all_cards": len(complete),
        "last_card_after_last_send_s": round(max(c.at for f in by_ticket.values() for c in f) - last_send, 3)
        if received else None,
        "message_to_first_card_ms": stats([first[t].at - sent_at[t] for t in first]),
        "message_to_all_cards_ms": stats([max(c.at for c in by_ticket[t]) - sent_at[t] for t in complete]),
        "stages_of_first_card_ms": {name: stats(values) for name, values in zip(STAGES, stages, strict=True)},
        "dispatch_rounds_with_work": len(batches),
        "cards_per_dispatch_round": {"mean": round(sum(batches.values()) / len(batches), 1) if batches else 0,
                                     "max": max(batches.values(), default=0)},
        "deliveries_back_to_back_ms": _deliveries([row for row in rows if row.ticket in sent_at],
                                                     {(c.ticket, c.recipient): c.at for c in seen}, last_send),
    }


def _deliveries(rows: list[Row], at_of: dict[tuple[str, str], float], last_send: float) -> dict[str, dict[str, Any]]:
    """The worker's delivery jobs, one after the other while the next was already queued (no idle time in between).

    A job claims its rows in one transaction (they share the claim time), sends them on its lanes, and writes the
    sends down in one more. cycle = claim to the next job's claim, split into: claim -> last card at the fake (the
    calls, several at once), last card -> marked sent (the write-down transaction, with the wait for the write lock),
    and marked sent -> next claim (RQ's bookkeeping of both jobs, the next job's Redis epoch read and its claim).
    """
    jobs: dict[float, list[Row]] = {}
    for row in rows:
        if row.claimed is not None and row.sent is not None and (row.ticket, row.recipient) in at_of:
            jobs.setdefault(row.claimed, []).append(row)
    ordered = sorted(jobs.items())
    phases: dict[str, list[list[float]]] = {"during the load": [[] for _ in range(5)],
                                            "after the last send": [[] for _ in range(5)]}
    for (claimed, job), (following, next_job) in zip(ordered, ordered[1:], strict=False):
        written = max(row.sent or 0.0 for row in job)
        if min(row.queued or following for row in next_job) > written:
            continue  # the worker may have waited for work
        last_card = max(at_of[row.ticket, row.recipient] for row in job)
        parts = phases["during the load" if following <= last_send else "after the last send"]
        for index, value in enumerate((following - claimed, last_card - claimed, written - last_card,
                                       following - written, float(len(job)))):
            parts[index].append(value)
    return {phase: {"per_s": round(sum(parts[4]) / sum(parts[0]), 1) if parts[0] else None,
                    "rows per job": round(sum(parts[4]) / len(parts[4]), 1) if parts[4] else None,
                    "cycle (claim -> next job's claim)": stats(parts[0]),
                    "claim -> last card at the fake": stats(parts[1]),
                    "last card -> marked sent": stats(parts[2]), "marked sent -> next claim": stats(parts[3])}
            for phase, parts in phases.items()}


def stats(seconds: list[float]) -> dict[str, float]:
    """n, mean and percentiles of durations given in seconds, in milliseconds."""
    ordered = sorted(seconds)
    figures = {"mean": sum(ordered) / len(ordered) if ordered else 0.0, "p50": percentile(ordered, 50),
               "p95": percentile(ordered, 95), "p99": percentile(ordered, 99), "max": ordered[-1] if ordered else 0.0}
    return {"n": len(ordered), **{name: round(value * 1000, 1) for name, value in figures.items()}}
