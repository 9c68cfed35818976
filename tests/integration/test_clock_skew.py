"""Workers on hosts whose clocks disagree (bench/faults.py's clock skew): each tells time by the database server's
clock (bot.clock.ReferenceClock), so one running minutes ahead takes over no live work of another's. PostgreSQL
only: SQLite is a file on one host, with no other clock to disagree with."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.clock import ReferenceClock
from bot.worker import schedule
from bot.worker.runtime import WorkerRuntime
from storage import notice_planning, notice_sending
from storage.models import BroadcastChunk, ChunkStatus, OutboxMessage, OutboxStatus
from storage.notice_planning import Limits, Request
from storage.notices import StaffNewAppeal
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres


@pytest.fixture
def on_postgresql(worker_runtime: WorkerRuntime) -> None:
    if worker_runtime.database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server clock: one host, one clock")


def on_host(runtime: WorkerRuntime, skew: timedelta) -> WorkerRuntime:
    """The same worker on a host whose wall clock is `skew` off, telling time as production does."""
    return replace(runtime, clock=ReferenceClock(runtime.database.server_time,
                                                 local=lambda: time.time() + skew.total_seconds()))


@pytest.mark.usefixtures("on_postgresql")
def test_a_worker_five_minutes_ahead_leaves_a_chunk_another_worker_is_sending(worker_runtime):
    true_host = on_host(worker_runtime, timedelta(0))
    with true_host.database.transaction() as session:
        planned = notice_planning.plan(session, Request(scope_path="幸福里社区/第一网格", text="本周六消防演练"),
                                       Limits(), true_host.clock())
        notice_planning.store(session, planned, true_host.clock())
        (chunk_id,) = notice_sending.take_due(session, true_host.clock())
        lease = timedelta(seconds=true_host.settings.notice_lease_s)
        assert notice_sending.claim(session, chunk_id, true_host.clock(), lease) is not None
    # Its host clock says the 60 s lease ran out four minutes ago; the database's says it has not.
    assert schedule.relay_notices(on_host(worker_runtime, timedelta(minutes=5))) == 0
    with worker_runtime.database.transaction() as session:
        chunk = session.get_one(BroadcastChunk, chunk_id)
        assert (chunk.status, chunk.attempts) == (ChunkStatus.SENDING, 1)


@pytest.mark.usefixtures("on_postgresql")
def test_a_worker_minutes_behind_has_its_task_cards_left_to_it(worker_runtime, wechat, seeded, clock):
    file_and_dispatch(wechat, seeded, clock)
    behind = on_host(worker_runtime, timedelta(minutes=-11))
    with seeded.transaction() as session:  # the worker behind claims the cards for their send
        session.execute(update(OutboxMessage).where(OutboxMessage.template == StaffNewAppeal.name)
                        .values(status=OutboxStatus.SENDING, sending_at=behind.clock()))
    schedule.relay_once(on_host(worker_runtime, timedelta(0)))  # fails sends cut off 10 min ago, on its clock
    with seeded.transaction() as session:
        statuses = session.scalars(select(OutboxMessage.status)
                                   .where(OutboxMessage.template == StaffNewAppeal.name)).all()
    assert statuses and set(statuses) == {OutboxStatus.SENDING}
