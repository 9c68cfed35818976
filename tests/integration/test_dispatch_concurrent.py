"""Two workers dispatching at once on PostgreSQL: chunks that share recipients wait for each other, never deadlock
(storage.outbox.lock_digests)."""

import threading

import pytest
from sqlalchemy import func, select

from storage import dispatch, outbox
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
            try:  # each chunk holds its first grid's digests here; before the fix both went on and deadlocked
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
