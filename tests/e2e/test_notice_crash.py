"""A worker SIGKILLed in the middle of a broadcast, a second worker finishing it: everyone gets the notice, nobody
twice (WeChat's client_msg_id makes the resumed in-flight calls repeats it does not deliver)."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.clock import now_utc
from storage import notice_planning, notice_records
from storage.models import BroadcastRecipient, RecipientStatus, Resident, ResidentStatus
from storage.notice_planning import Limits, Request
from tests.e2e.test_delivery_crash import start_worker, stop, worker_env
from tests.support.personas import RESIDENT

pytestmark = pytest.mark.postgres

TEMPLATE_SEND = "/cgi-bin/message/template/send"
BUILDING_3 = "幸福里社区/第一网格/阳光花园/3号楼"
NEIGHBOURS = 300
WAIT_S = 60


def add_neighbours(database, count: int) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        home = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        session.execute(insert(Resident), [
            {"openid": f"o_n{index:04d}", "status": ResidentStatus.ACTIVE, "grid_id": home.grid_id,
             "building_id": home.building_id, "unit_id": home.unit_id, "created_at": now_utc()}
            for index in range(count)])


def wait_until(check, log: Path, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {WAIT_S} s; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def state(database, number: str) -> str:  # type: ignore[no-untyped-def]
    with database.transaction() as session:
        return notice_records.find(session, number).state


def test_a_worker_killed_mid_broadcast_and_a_second_one_reach_everyone_once(
        worker_runtime, fake_wechat, clock, redis_url, tmp_path):
    database, log = worker_runtime.database, tmp_path / "worker.log"
    env = worker_env(worker_runtime.settings, fake_wechat.url, redis_url, tmp_path)
    env.update(GRIDBOT_NOTICE_TEMPLATE_ID="tmpl-notice", GRIDBOT_NOTICE_LEASE_S="2",
               GRIDBOT_TEMPLATES_PER_SECOND="100")
    clock.current = now_utc()
    add_neighbours(database, NEIGHBOURS)
    with database.transaction() as session:
        request = Request(BUILDING_3, "3号楼今晚20点至24点停电检修，请提前做好准备", urgent=True, kind="停电")
        planned = notice_planning.plan(session, request, Limits(template_id="tmpl-notice"), clock())
        number = notice_planning.store(session, planned, clock()).number
    everyone = NEIGHBOURS + 4  # o1, o5, o6 and 赵阿姨, their 楼长

    doomed = start_worker(env, log)
    try:
        wait_until(lambda: len(fake_wechat.calls(TEMPLATE_SEND)) >= 60, log, "the first worker's sends")
        doomed.kill()  # SIGKILL: no chance to record what it had in flight
        doomed.wait(timeout=10)
    finally:
        stop(doomed)
    assert state(database, number) == "sending"
    successor = start_worker(env, log)
    try:
        wait_until(lambda: state(database, number) == "done", log, "the second worker finishing the notice")
    finally:
        stop(successor)

    msgids: dict[str, set[int]] = defaultdict(set)
    for call in fake_wechat.calls(TEMPLATE_SEND):
        msgids[call["body"]["touser"]].add(call["response"]["msgid"])
    assert len(msgids) == everyone
    assert [openid for openid, ids in msgids.items() if len(ids) != 1] == []  # a repeat answers the first msgid
    with database.transaction() as session:
        statuses = session.scalars(select(BroadcastRecipient.status)).all()
        shown = notice_records.progress(session, notice_records.find(session, number))
    assert set(statuses) == {RecipientStatus.SENT} and shown.sent == everyone
