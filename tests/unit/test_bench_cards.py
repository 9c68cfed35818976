"""bench/cards.py's view of the delivery jobs: rows claimed together are one job, timed from claim to write-down."""

import pytest

from tests.support.bench import bench_modules
from tests.support.worker import TICKET, dispatch_filed, file_and_dispatch


@pytest.fixture(scope="module")
def cards():
    with bench_modules("cards") as (module,):
        yield module


def test_jobs_back_to_back_are_timed_by_their_claims_cards_and_write_downs(cards):
    def row(ticket, claimed, sent, queued=0.0):
        return cards.Row(ticket, "m", filed=0.0, dispatched=0.0, queued=queued, claimed=claimed, sent=sent,
                         status="sent")

    rows = [row("A", 1.0, 1.2), row("B", 1.0, 1.2),  # one job: claimed at 1.0, written down at 1.2
            row("C", 1.3, 1.5, queued=1.1),  # queued before the first job's write-down: back to back
            row("D", 5.0, 5.1, queued=4.0)]  # queued after the second job's: the worker was idle, not counted
    at_of = {("A", "m"): 1.05, ("B", "m"): 1.1, ("C", "m"): 1.4, ("D", "m"): 5.05}
    report = cards._deliveries(rows, at_of, last_send=2.0)
    during = report["during the load"]
    assert during["rows per job"] == 2.0 and during["per_s"] == pytest.approx(2 / 0.3, abs=0.1)
    assert during["cycle (claim -> next job's claim)"]["n"] == 1
    assert during["cycle (claim -> next job's claim)"]["mean"] == pytest.approx(300.0)
    assert during["claim -> last card at the fake"]["mean"] == pytest.approx(100.0)
    assert during["last card -> marked sent"]["mean"] == pytest.approx(100.0)
    assert during["marked sent -> next claim"]["mean"] == pytest.approx(100.0)
    assert report["after the last send"]["per_s"] is None


def test_cards_are_awaited_until_the_dispatch_has_reached_every_ticket(cards, wechat, seeded, clock):
    """Before, the bench stopped waiting once the cards written so far had arrived: the last appeals, which the worker
    had not dispatched yet, had no card and were left out of the latency figures (1,973 of 2,000 measured)."""
    dispatched = file_and_dispatch(wechat, seeded, clock)
    waiting = TICKET.search(wechat.send("o7", "2号楼楼道灯坏了好几天")).group(0)
    written, _digested, undispatched = cards.expected_cards(seeded, [dispatched, waiting])
    assert written > 0 and undispatched == 1
    dispatch_filed(seeded, clock)
    assert cards.expected_cards(seeded, [dispatched, waiting])[2] == 0
