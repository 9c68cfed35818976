"""From a committed outbox row to WeChat's API: the relay, a real RQ worker on real Redis, the adapter."""

from dataclasses import replace
from datetime import datetime

import pytest
import redis as redis_lib
from rq import Worker
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.worker import delivery, jobs, outage, schedule
from handlers.resident_texts import LOCAL_ZONE
from storage import outbox, roster
from storage.models import OutboxMessage, OutboxStatus, Staff
from tests.support.database import appeal
from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import TICKET, told, with_redis_refusing, work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
# Sent at once: the members who grab; the 网格长's copy waits in their quarter-hour digest (storage.outbox).
GRID_ONE = {ZHANG, LI}


def outbox_rows(database):
    with database.transaction() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_new_appeal_reaches_the_grid_members_and_nobody_else(wechat, worker_runtime, fake_wechat):
    reply = wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    ticket = ticket_of(reply)
    assert fake_wechat.calls(CUSTOM_SEND) == []  # the webhook itself never calls out
    assert work(worker_runtime) == 2
    sent = fake_wechat.calls(CUSTOM_SEND)
    assert {call["body"]["touser"] for call in sent} == GRID_ONE
    assert all(ticket in call["body"]["text"]["content"] for call in sent)
    assert "阳光花园3号楼1单元" in sent[0]["body"]["text"]["content"]
    rows = outbox_rows(worker_runtime.database)
    assert {row.status for row in rows if row.recipient_openid in GRID_ONE} == {OutboxStatus.SENT}
    assert {row.status for row in rows if row.recipient_openid == WANG} == {OutboxStatus.DIGESTED, OutboxStatus.PENDING}
    assert fake_wechat.stats()["token_fetches"] == 1


def test_a_card_sent_on_new_years_eve_says_the_year_of_its_deadline_in_the_next(wechat, worker_runtime, fake_wechat,
                                                                                clock):
    clock.current = datetime(2026, 12, 31, 23, 0, tzinfo=LOCAL_ZONE)
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    work(worker_runtime)

    (card,) = told(fake_wechat, ZHANG)

    assert "办结时限：2027年1月" in card, card


def test_a_delivery_job_that_runs_twice_sends_once(wechat, worker_runtime, fake_wechat):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    schedule.tick(worker_runtime)
    first = outbox_rows(worker_runtime.database)[0].id
    assert jobs.deliver(first) == "sent"
    assert jobs.deliver(first) == "skipped"
    assert len([c for c in fake_wechat.calls(CUSTOM_SEND) if c["body"]["touser"] == ZHANG]) == 1


def test_one_job_delivers_a_round_and_skips_what_another_job_sent(wechat, worker_runtime, fake_wechat):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    schedule.tick(worker_runtime)
    first, *others = [row.id for row in outbox_rows(worker_runtime.database) if row.status == OutboxStatus.QUEUED]
    assert jobs.deliver(first) == "sent"
    assert jobs.deliver_batch([first, *others]) == {"skipped": 1, "sent": 1}
    assert sorted(call["body"]["touser"] for call in fake_wechat.calls(CUSTOM_SEND)) == sorted(GRID_ONE)


def test_the_relay_hands_rows_to_rq_in_batches(wechat, worker_runtime, monkeypatch):
    monkeypatch.setattr(schedule, "DELIVERY_BATCH", 1)
    monkeypatch.setattr(schedule, "MAX_DELIVERY_BATCH", 1)
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    assert schedule.tick(worker_runtime) == 2
    queued = schedule.queue(worker_runtime).get_jobs()
    assert [len(job.args[0]) for job in queued] == [1, 1]


@pytest.mark.parametrize(("workers", "sizes"), [(0, [5, 1]), (1, [5, 1]), (2, [3, 3]), (4, [2, 2, 2])])
def test_a_round_is_shared_by_the_workers_listening_in_batches_between_the_bounds(wechat, worker_runtime, monkeypatch,
                                                                                  workers, sizes):
    monkeypatch.setattr(schedule, "DELIVERY_BATCH", 2)
    monkeypatch.setattr(schedule, "MAX_DELIVERY_BATCH", 5)
    for number in range(workers):
        Worker([schedule.queue(worker_runtime)], connection=worker_runtime.redis, name=f"w{number}").register_birth()
    for where in ("3号楼", "1号楼", "2号楼"):  # her own grid's: 5号楼 would go to 锦绣家园's (storage.said_places)
        wechat.send("o1", f"{where}电梯坏了，物业一直不来修")  # two members' cards each
    assert schedule.tick(worker_runtime) == 6
    assert [len(job.args[0]) for job in schedule.queue(worker_runtime).get_jobs()] == sizes


def test_a_burst_is_dispatched_in_chunks_each_queued_before_the_next(wechat, worker_runtime, monkeypatch):
    monkeypatch.setattr(schedule, "DISPATCH_CHUNK", 2)
    monkeypatch.setattr(schedule, "DISPATCH_CHUNKS_PER_TICK", 2)
    for where in ("1栋门口", "2栋门口", "3栋门口", "4栋门口", "5栋门口"):
        wechat.send("o2", f"{where}路灯坏了，晚上很黑")  # a grid with one member: one card each
    assert schedule.tick(worker_runtime) == 4  # two chunks this round, the fifth appeal the next
    assert [len(job.args[0]) for job in schedule.queue(worker_runtime).get_jobs()] == [2, 2]
    assert schedule.tick(worker_runtime) == 1
    assert schedule.tick(worker_runtime) == 0


def test_the_relay_never_queues_a_row_twice(wechat, worker_runtime):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    assert schedule.tick(worker_runtime) == 2
    assert schedule.tick(worker_runtime) == 0


def test_a_transient_error_is_retried_later_with_backoff(wechat, worker_runtime, fake_wechat, clock):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")  # grid with one member: one notice
    fake_wechat.fail(CUSTOM_SEND, -1, times=1)
    work(worker_runtime)
    (row,) = outbox_rows(worker_runtime.database)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "-1" in row.last_error
    assert work(worker_runtime) == 0  # not due yet
    clock.advance(seconds=31)
    work(worker_runtime)
    (row,) = outbox_rows(worker_runtime.database)
    assert row.status == OutboxStatus.SENT and row.attempts == 2


def test_a_permanent_error_fails_the_row_without_retrying(wechat, worker_runtime, fake_wechat, clock):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    fake_wechat.fail(CUSTOM_SEND, 45015, times=1)
    work(worker_runtime)
    (row,) = outbox_rows(worker_runtime.database)
    assert row.status == OutboxStatus.FAILED and "45015" in row.last_error
    clock.advance(hours=1)
    assert work(worker_runtime) == 0
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def test_rows_whose_jobs_were_lost_with_redis_are_queued_again(wechat, worker_runtime, fake_wechat, clock):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    assert schedule.tick(worker_runtime) == 1
    worker_runtime.redis.flushdb()  # Redis lost its data before any worker ran the job
    assert schedule.tick(worker_runtime) == 0
    clock.advance(minutes=6)
    work(worker_runtime)
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def test_rows_queued_long_ago_are_not_queued_again_while_rq_still_holds_a_backlog(wechat, worker_runtime, fake_wechat,
                                                                                   clock):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    assert schedule.tick(worker_runtime) == 1  # its job waits in RQ: the workers are behind
    clock.advance(minutes=6)
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    assert schedule.tick(worker_runtime) == 2  # only the new appeal's cards: the old row's job is still queued
    assert len(schedule.queue(worker_runtime).get_jobs()) == 2
    work(worker_runtime)
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 3


def test_rows_redis_refused_go_back_at_once_and_are_sent_at_the_next_round(wechat, worker_runtime, fake_wechat):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    assert schedule.dispatch_once(worker_runtime) == 1
    with pytest.raises(redis_lib.ConnectionError):  # the round's error, for its log line
        schedule.relay_once(with_redis_refusing(worker_runtime))
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.PENDING]
    work(worker_runtime)  # Redis is back: the very next round, not the lost-job sweep five minutes on
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def test_rows_handed_back_although_their_job_reached_redis_are_sent_once(wechat, worker_runtime, fake_wechat, clock):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    schedule.dispatch_once(worker_runtime)
    assert schedule.relay_once(worker_runtime) == 1  # the job is in Redis, but its answer was lost on the way back
    (row,) = outbox_rows(worker_runtime.database)
    with worker_runtime.database.transaction() as session:
        assert outbox.release_queued(session, [row.id], clock()) == 1
    work(worker_runtime)  # the old job finds nothing to claim; the next round's job sends
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def restarting_database(monkeypatch, failures: int) -> list[str]:
    """The next `failures` claims meet a database that is restarting (as PostgreSQL answers then); the waits."""
    waits: list[str] = []
    claim = outbox.claim

    def claim_meeting_a_restart(session, outbox_ids, now, epoch, **choices):  # type: ignore[no-untyped-def]
        if len(waits) < failures:
            waits.append(f"claim {outbox_ids}")
            raise OperationalError("UPDATE outbox", {}, Exception("the database system is starting up"))
        return claim(session, outbox_ids, now, epoch, **choices)

    monkeypatch.setattr(delivery.outbox, "claim", claim_meeting_a_restart)
    monkeypatch.setattr(outage, "RETRY_DELAYS_S", (0.0, 0.0, 0.0))
    return waits


def test_a_claim_that_meets_a_database_restart_waits_for_it_and_the_card_goes(wechat, worker_runtime, fake_wechat,
                                                                              monkeypatch, caplog):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    waits = restarting_database(monkeypatch, failures=2)
    work(worker_runtime)
    assert len(waits) == 2 and "database unavailable (the database system is starting up)" in caplog.text
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def test_a_batch_is_written_down_even_when_its_record_meets_a_dropped_connection(wechat, worker_runtime,
                                                                               fake_wechat, monkeypatch):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")  # two members: one batch of two rows
    schedule.tick(worker_runtime)
    first, second = [row.id for row in outbox_rows(worker_runtime.database) if row.status == OutboxStatus.QUEUED]
    dropped = []
    mark_all_sent = outbox.mark_all_sent

    def mark_all_sent_once_dropped(session, sends, now):  # type: ignore[no-untyped-def]
        if not dropped:
            # The transaction writing both sends down fails after the first, and is tried again.
            dropped.append([outbox_id for outbox_id, _msgid in sends])
            mark_all_sent(session, sends[:1], now)
            raise OperationalError("UPDATE outbox", {}, Exception("terminating connection"))
        mark_all_sent(session, sends, now)

    monkeypatch.setattr(delivery.outbox, "mark_all_sent", mark_all_sent_once_dropped)
    monkeypatch.setattr(outage, "RETRY_DELAYS_S", (0.0,))
    assert jobs.deliver_batch([first, second]) == {"sent": 2}
    assert dropped == [[first, second]]
    assert [row.status for row in outbox_rows(worker_runtime.database)
            if row.id in (first, second)] == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 2


def test_a_database_gone_for_longer_fails_the_job_and_leaves_the_row_to_the_sweep(wechat, worker_runtime,
                                                                                 fake_wechat, monkeypatch):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    schedule.tick(worker_runtime)
    (row,) = outbox_rows(worker_runtime.database)
    restarting_database(monkeypatch, failures=10)
    with pytest.raises(OperationalError):
        jobs.deliver_batch([row.id])
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.QUEUED]
    assert fake_wechat.calls(CUSTOM_SEND) == []


def test_a_send_stopped_by_redis_before_the_call_is_tried_again_later_not_failed(wechat, worker_runtime, fake_wechat,
                                                                                clock, monkeypatch):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    send_text = worker_runtime.api.send_text

    def redis_gone(openid, content):  # type: ignore[no-untyped-def]
        raise redis_lib.ConnectionError("Error 111 connecting to 10.0.0.32:6379. Connection refused.")

    monkeypatch.setattr(worker_runtime.api, "send_text", redis_gone)  # the token is read from Redis first
    work(worker_runtime)
    (row,) = outbox_rows(worker_runtime.database)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "Redis unavailable" in row.last_error
    monkeypatch.setattr(worker_runtime.api, "send_text", send_text)
    clock.advance(seconds=31)
    work(worker_runtime)
    assert [row.status for row in outbox_rows(worker_runtime.database)] == [OutboxStatus.SENT]
    assert len(fake_wechat.calls(CUSTOM_SEND)) == 1


def test_old_message_keys_are_purged(wechat, worker_runtime, clock):
    wechat.send("o1", "你好")
    clock.advance(days=2)
    assert schedule.purge_dedup(worker_runtime) == 1


def test_messages_sent_more_than_the_keep_days_ago_are_forgotten_once_their_appeal_is_done(wechat, worker_runtime,
                                                                                          clock, monkeypatch):
    done = ticket_of(wechat.send("o1", "3号楼电梯坏了，物业一直不来修"))
    still_open = ticket_of(wechat.send("o2", "5号楼楼道灯坏了好几天"))
    work(worker_runtime)
    wechat.dialog(ZHANG, [(f"接单 {done}", "接单成功"), (f"办结 {done} 已修好", "已办结")])
    clock.advance(minutes=20)  # the 网格长's quarter-hour digest is due
    work(worker_runtime)
    before = outbox_rows(worker_runtime.database)
    assert before and all(row.status in outbox.FINISHED for row in before)
    clock.advance(days=364)
    assert schedule.forget_old_messages(worker_runtime) == 0  # not a year yet
    clock.advance(days=2)
    monkeypatch.setattr(outbox, "FORGET_BATCH", 2)  # a batch at a time: the schedule comes back for the rest
    assert schedule.forget_old_messages(worker_runtime) == 2
    monkeypatch.setattr(outbox, "FORGET_BATCH", 1000)
    assert schedule.forget_old_messages(worker_runtime) > 0
    kept = outbox_rows(worker_runtime.database)
    assert kept and {row.appeal_id for row in kept} == {appeal(worker_runtime.database, still_open).id}
    assert {row.id for row in kept} == {row.id for row in before if row.appeal_id == kept[0].appeal_id}


def test_with_the_keep_days_off_every_sent_message_stays(wechat, worker_runtime, clock):
    done = ticket_of(wechat.send("o1", "3号楼电梯坏了，物业一直不来修"))
    work(worker_runtime)
    wechat.dialog(ZHANG, [(f"接单 {done}", "接单成功"), (f"办结 {done} 已修好", "已办结")])
    work(worker_runtime)
    clock.advance(days=3650)
    off = replace(worker_runtime, settings=worker_runtime.settings.with_(outbox_keep_days=None))
    assert schedule.forget_old_messages(off) == 0
    assert schedule.forget_old_messages(worker_runtime) > 0


def ticket_of(reply: str) -> str:
    """The ticket number a receipt gives."""
    return TICKET.search(reply).group(0)  # type: ignore[union-attr]


def test_after_dispatch_the_resident_sees_it_with_the_grid(wechat, worker_runtime):
    reply = wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    ticket = ticket_of(reply)
    work(worker_runtime)
    timeline = wechat.send("o1", f"查询 {ticket}")
    assert "状态：已转交网格员" in timeline and "已转交网格员办理" in timeline


def test_dispatch_follows_filing_without_a_second_message(wechat, worker_runtime, seeded):
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")
    assert schedule.dispatch_once(worker_runtime) == 1
    assert schedule.dispatch_once(worker_runtime) == 0


def test_a_slow_call_to_one_member_does_not_hold_up_the_card_of_another(wechat, worker_runtime, fake_wechat):
    wechat.send("o1", "3号楼电梯坏了，物业一直不来修")  # two members: one job, two lanes
    fake_wechat.fail(CUSTOM_SEND, "timeout", delay=2.0)  # the first call is answered, two seconds late
    assert work(worker_runtime) == 2
    first, second = fake_wechat.calls(CUSTOM_SEND)
    assert {first["body"]["touser"], second["body"]["touser"]} == GRID_ONE
    started = [datetime.fromisoformat(call["at"]) for call in (first, second)]
    assert (started[1] - started[0]).total_seconds() < 1.0  # sent one after the other, it would wait the 2 s
    assert {row.status for row in outbox_rows(worker_runtime.database) if row.recipient_openid in GRID_ONE} == {
        OutboxStatus.SENT}


def test_each_persons_rows_keep_their_order_in_one_lane(worker_runtime):
    rows = [outbox.Delivery(row_id, openid, "staff_taken", {}, 1, None)
            for row_id, openid in enumerate(["a", "b", "a", "c", "d", "a", "b", "e"], start=1)]
    lanes = delivery._lanes(replace(worker_runtime, settings=worker_runtime.settings.with_(send_lanes=3)), rows)
    assert [[(row.id, row.recipient_openid) for row in lane.claimed] for lane in lanes] == [
        [(1, "a"), (3, "a"), (6, "a")], [(2, "b"), (5, "d"), (7, "b")], [(4, "c"), (8, "e")]]
    assert [len(lane.claimed) for lane in delivery._lanes(worker_runtime, rows[:1])] == [1]


def test_a_member_disabled_before_their_queued_cards_went_out_is_sent_none_of_them(wechat, worker_runtime,
                                                                                    fake_wechat):
    # A worker behind (a burst, a restart) still holds the cards when the member leaves: the appeal's words and
    # address must not reach someone who no longer works there.
    ticket = ticket_of(wechat.send("o1", "3号楼电梯坏了，物业一直不来修"))
    schedule.tick(worker_runtime)  # the cards are queued, their jobs not run yet
    with worker_runtime.database.transaction() as session:
        leaver = session.scalars(select(Staff).where(Staff.openid == ZHANG)).one()
        roster.disable(session, leaver, None, worker_runtime.clock(), ())
    work(worker_runtime, rounds=2)
    assert not [text for text in told(fake_wechat, ZHANG) if ticket in text]
    assert [text for text in told(fake_wechat, LI) if ticket in text]
    assert not [row for row in outbox_rows(worker_runtime.database) if row.recipient_openid == ZHANG]
