"""Two workers dispatching (or one dispatching while the other sweeps) at once on PostgreSQL: transactions that
share recipients wait for each other, never deadlock (storage.outbox.lock_digests, storage.telling.deferred)."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage import dispatch, outbox, supervision
from storage.models import Appeal, AppealStatus

pytestmark = pytest.mark.postgres

PAUSE_S = 3.0


def test_two_chunks_over_the_same_grids_in_opposite_order_both_dispatch(wechat, seeded, clock, monkeypatch):
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's transactions hold its one write lock: two chunks never interleave")
    monkeypatch.setitem(seeded.session_info, outbox.DIGEST_AFTER_KEY, 0)  # every card into its person's digest
    for resident, text in (("o1", "3号楼电梯坏了，物业一直不来修"), ("o2", "1栋门口路灯坏了，晚上很黑"),
                           ("o2", "1栋楼下的垃圾好几天没人清运了"), ("o1", "3号楼楼道的灯不亮了，晚上看不见")):
        wechat.send(resident, text)  # chunk one: 幸福里·第一网格 then 和平·第一网格; chunk two the other way round
    first_done, both_halfway = threading.Event(), threading.Barrier(2, timeout=PAUSE_S)
    halfway = threading.local()
    original = dispatch._dispatch

    def dispatch_then_meet(*args, **kwargs):  # type: ignore[no-untyped-def]
        original(*args, **kwargs)
        if not getattr(halfway, "met", False):
            halfway.met = True
            first_done.set()
            try:  # both chunks run at once; without the digest locks they deadlocked writing their cards
                both_halfway.wait()
            except threading.BrokenBarrierError:
                pass  # the other chunk waits for this one to commit, as it should
    monkeypatch.setattr(dispatch, "_dispatch", dispatch_then_meet)

    errors: list[BaseException] = []
    dispatched: list[list[int]] = []

    def chunk() -> None:
        try:
            with seeded.transaction() as session:
                dispatched.append(dispatch.dispatch_pending(session, clock(), frozenset(), limit=2))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    one = threading.Thread(target=chunk)
    one.start()
    assert first_done.wait(PAUSE_S)
    two = threading.Thread(target=chunk)
    two.start()
    one.join(30)
    two.join(30)
    assert errors == []
    assert sorted(len(ids) for ids in dispatched) == [2, 2]
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).where(Appeal.status == AppealStatus.SUBMITTED)) == 0


def test_a_sweep_and_a_dispatch_chunk_telling_the_same_members_in_opposite_order_both_finish(wechat, seeded, clock,
                                                                                             monkeypatch):
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's transactions hold its one write lock: two never interleave")
    monkeypatch.setitem(seeded.session_info, outbox.DIGEST_AFTER_KEY, 0)  # every card into its person's digest
    wechat.send("o1", "3号楼门口路灯坏了，晚上很黑")  # 幸福里·第一网格
    wechat.send("o2", "1栋门口路灯坏了，晚上很黑")  # 和平·第一网格
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), frozenset())
        due = max(session.scalars(select(Appeal.response_due_at)))
    clock.current = clock() + (due - clock()) * supervision.REMIND_AT  # the sweep reminds both grids, first one first
    wechat.send("o2", "1栋楼下的垃圾好几天没人清运了")
    wechat.send("o1", "3号楼楼道的灯不亮了，晚上看不见")  # the chunk tells the members the other way round
    sweep_wrote_one, chunk_started = threading.Event(), threading.Event()
    original = outbox._Digests.write

    def write_then_pause(digests, session):  # type: ignore[no-untyped-def]
        original(digests, session)
        if threading.current_thread().name == "sweep" and not sweep_wrote_one.is_set():
            sweep_wrote_one.set()
            chunk_started.wait(PAUSE_S)
            time.sleep(1.0)  # the chunk meets the rows this one holds (before the fix: after taking the other grid's)
    monkeypatch.setattr(outbox._Digests, "write", write_then_pause)

    errors: list[BaseException] = []
    results: dict[str, object] = {}

    def in_transaction(name: str, work) -> None:  # type: ignore[no-untyped-def]
        try:
            with seeded.transaction() as session:
                results[name] = work(session)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    no_escalations = timedelta(hours=5)
    sweeping = threading.Thread(target=in_transaction, name="sweep", args=(
        "sweep", lambda session: supervision.sweep(session, clock(), no_escalations)))
    sweeping.start()
    assert sweep_wrote_one.wait(PAUSE_S)
    chunk = threading.Thread(target=in_transaction, name="chunk",
                             args=("chunk", lambda session: dispatch.dispatch_pending(session, clock(), frozenset())))
    chunk.start()
    chunk_started.set()
    sweeping.join(30)
    chunk.join(30)
    assert errors == []
    assert results["sweep"] == supervision.SweepReport(reminders=2, escalations=0)
    assert len(results["chunk"]) == 2  # type: ignore[arg-type]
