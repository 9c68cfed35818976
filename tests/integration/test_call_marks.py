"""A worker that stops in the middle of a batch: the relay settles its rows by their call marks in Redis
(bot/worker/call_marks.py) — sends the rows it never called, records those it sent, fails only the one it was calling."""

import threading

import pytest
import redis as redis_lib
from sqlalchemy import select

from bot.wechat.api import WeChatAPIError
from bot.worker import delivery, jobs, schedule
from bot.worker.call_marks import CallMarks
from storage import outbox
from storage.models import AppealEvent, OutboxMessage, OutboxStatus
from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import with_redis_refusing, work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
PAST_THE_SWEEP_MIN = outbox.ABANDONED_AFTER.total_seconds() / 60 + 1


def claimed_batch(wechat, runtime, epoch=None):
    """Two appeals in o1's grid, their four task cards claimed as one delivery job claims them; the marks' client."""
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    wechat.send("o1", "3号楼楼道的灯不亮了，晚上看不见")
    schedule.dispatch_once(runtime)
    with runtime.database.transaction() as session:
        ids = outbox.take_due(session, runtime.clock())
    marks = CallMarks(runtime.redis)
    with runtime.database.transaction() as session:
        batch = outbox.claim(session, ids, runtime.clock(), epoch or marks.epoch())
    assert {delivery.recipient_openid for delivery in batch} == {ZHANG, LI}
    return marks, batch


def statuses(runtime):
    with runtime.database.transaction() as session:
        return dict(session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())


def test_a_batch_cut_off_during_its_second_call_fails_that_one_and_sends_the_rest_once(wechat, worker_runtime,
                                                                                       fake_wechat, clock):
    marks, (first, second, third, fourth) = claimed_batch(wechat, worker_runtime)
    assert marks.calling(first)
    marks.sent(first, None)
    assert marks.calling(second)  # the worker dies during this call: the first's send is noted, never written down
    clock.advance(minutes=PAST_THE_SWEEP_MIN - 2)
    work(worker_runtime)
    assert statuses(worker_runtime)[first.id] == OutboxStatus.SENDING  # not yet: the worker may only be slow
    clock.advance(minutes=2)
    work(worker_runtime)
    rows = statuses(worker_runtime)
    assert [rows[d.id] for d in (first, second, third, fourth)] == [
        OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENT, OutboxStatus.SENT]
    sent = sorted(call["body"]["touser"] for call in fake_wechat.calls(CUSTOM_SEND) if call["body"]["touser"] != WANG)
    assert sent == sorted([third.recipient_openid, fourth.recipient_openid])  # the never-called two, once each
    with worker_runtime.database.transaction() as session:
        lost = session.scalars(select(AppealEvent.note).where(AppealEvent.action == "card_lost")).all()
        leader = session.scalars(select(OutboxMessage.template).where(OutboxMessage.recipient_openid == WANG,
                                                                      OutboxMessage.template == "staff_card_lost")).all()
    assert lost == ["张伟" if second.recipient_openid == ZHANG else "李娜"] and len(leader) == 1


@pytest.mark.parametrize("epoch, minutes", [
    ("another-redis-server", PAST_THE_SWEEP_MIN),  # Redis restarted or failed over since: its marks may be lost
    (None, 13 * 60),  # claimed so long ago that the marks may have expired
])
def test_marks_that_cannot_be_trusted_leave_every_abandoned_row_outcome_unknown(wechat, worker_runtime, fake_wechat,
                                                                               clock, epoch, minutes):
    marks, batch = claimed_batch(wechat, worker_runtime, epoch)
    assert marks.calling(batch[0])
    clock.advance(minutes=minutes)
    work(worker_runtime)
    rows = statuses(worker_runtime)
    assert [rows[d.id] for d in batch] == [OutboxStatus.FAILED] * 4
    assert {call["body"]["touser"] for call in fake_wechat.calls(CUSTOM_SEND)} == {WANG}  # told of lost cards


def test_a_sweep_that_cannot_read_the_marks_sends_nothing_again(wechat, worker_runtime, fake_wechat, clock):
    _marks, batch = claimed_batch(wechat, worker_runtime)
    clock.advance(minutes=PAST_THE_SWEEP_MIN)
    with pytest.raises(redis_lib.ConnectionError):  # the round's error: the 网格长's notices could not be queued
        schedule.relay_once(with_redis_refusing(worker_runtime))  # Redis down: no mark can be read
    rows = statuses(worker_runtime)
    assert [rows[d.id] for d in batch] == [OutboxStatus.FAILED] * 4
    work(worker_runtime)  # failed as outcome unknown: nobody sends them again
    assert {call["body"]["touser"] for call in fake_wechat.calls(CUSTOM_SEND)} == {WANG}  # told of lost cards


def test_a_stalled_worker_skips_the_rows_the_sweep_took_back_and_each_goes_once(wechat, worker_runtime, fake_wechat,
                                                                               clock):
    marks, batch = claimed_batch(wechat, worker_runtime)
    clock.advance(minutes=PAST_THE_SWEEP_MIN)
    assert schedule.relay_once(worker_runtime) == 4  # none was called: all four go out again
    assert not marks.calling(batch[0])  # the stalled worker wakes up: the row is no longer its to call
    work(worker_runtime)
    assert sorted(call["body"]["touser"] for call in fake_wechat.calls(CUSTOM_SEND)) == sorted([ZHANG, LI] * 2)
    assert set(statuses(worker_runtime)[d.id] for d in batch) == {OutboxStatus.SENT}


def test_a_finished_batch_leaves_no_marks(wechat, worker_runtime, fake_wechat):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    schedule.tick(worker_runtime)
    queued = [row_id for row_id, status in statuses(worker_runtime).items() if status == OutboxStatus.QUEUED]
    assert jobs.deliver_batch(queued) == {"sent": 2}
    assert worker_runtime.redis.keys("gridbot:outbox:call:*") == []


def test_a_job_that_dies_before_writing_its_sends_down_leaves_them_to_the_sweep_as_sent(wechat, worker_runtime,
                                                                                        fake_wechat, clock,
                                                                                        monkeypatch):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    schedule.tick(worker_runtime)
    queued = [row_id for row_id, status in statuses(worker_runtime).items() if status == OutboxStatus.QUEUED]

    def dies(_runtime, _sends):  # type: ignore[no-untyped-def]
        raise RuntimeError("the worker stops before its write-down")

    monkeypatch.setattr(delivery, "_record", dies)
    with pytest.raises(RuntimeError):
        jobs.deliver_batch(queued)
    assert {statuses(worker_runtime)[row_id] for row_id in queued} == {OutboxStatus.SENDING}
    monkeypatch.undo()
    clock.advance(minutes=PAST_THE_SWEEP_MIN)
    work(worker_runtime)
    assert {statuses(worker_runtime)[row_id] for row_id in queued} == {OutboxStatus.SENT}
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 2  # each lane's last send was noted: none is sent again



def test_a_relay_slow_to_settle_an_abandoned_row_leaves_it_to_the_worker_that_claimed_it_again_meanwhile(
        wechat, worker_runtime, clock):
    # Two worker processes run the relay at once. While one read the abandoned rows and waited for their marks
    # (Redis slow), the other settled them, queued them and a worker claimed them again for a live send: the slow
    # relay's settling then matched the new claim (`sending` again) and put it back to pending, to be sent twice.
    if worker_runtime.database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's transactions hold its one write lock: two relays never interleave")
    _marks, batch = claimed_batch(wechat, worker_runtime)
    clock.advance(minutes=PAST_THE_SWEEP_MIN)
    never_called = {delivery.id: (outbox.CallState.NOT_CALLED, None) for delivery in batch}
    claimed_again = []

    def the_other_relay_and_a_worker():
        with worker_runtime.database.transaction() as session:
            outbox.settle_abandoned(session, clock(), lambda claims: never_called)
        with worker_runtime.database.transaction() as session:
            ids = outbox.take_due(session, clock())
        with worker_runtime.database.transaction() as session:
            claimed_again.extend(outbox.claim(session, ids, clock(), "epoch"))

    def slow_marks(claims):
        thread = threading.Thread(target=the_other_relay_and_a_worker)
        thread.start()
        thread.join()
        return never_called

    with worker_runtime.database.transaction() as session:
        outbox.settle_abandoned(session, clock(), slow_marks)
    assert sorted(delivery.id for delivery in claimed_again) == sorted(delivery.id for delivery in batch)
    rows = statuses(worker_runtime)
    assert [rows[delivery.id] for delivery in batch] == [OutboxStatus.SENDING] * 4  # still the live claim's


def test_a_stalled_worker_meeting_an_error_after_its_row_was_claimed_again_leaves_the_new_claim_alone(
        wechat, worker_runtime, clock):
    # A worker stalled before its call (its row swept back, queued and claimed by another worker), then met an error
    # (Redis failing at its mark, WeChat's -1): it put the row back to pending under the live claim, sent twice.
    _marks, batch = claimed_batch(wechat, worker_runtime)
    stalled = batch[0]
    clock.advance(minutes=PAST_THE_SWEEP_MIN)
    with worker_runtime.database.transaction() as session:  # the relay: no mark, so never called; sent later
        outbox.settle_abandoned(session, clock(), lambda claims: {
            claim.id: (outbox.CallState.NOT_CALLED, None) for claim in claims})
        ids = outbox.take_due(session, clock())
    with worker_runtime.database.transaction() as session:
        (again,) = [row for row in outbox.claim(session, ids, clock(), "epoch") if row.id == stalled.id]
    assert again.attempts == stalled.attempts + 1
    transient = WeChatAPIError("system busy", errcode=-1, transient=True)
    assert delivery._after_failure(worker_runtime, stalled.id, stalled.attempts, transient) == "retry"
    assert statuses(worker_runtime)[stalled.id] == OutboxStatus.SENDING  # still the live claim's
    delivery._fail(worker_runtime, stalled.id, "RuntimeError: boom", stalled.attempts)
    assert statuses(worker_runtime)[stalled.id] == OutboxStatus.SENDING
