"""A worker process killed while WeChat has its call: the notice is never sent again, and ends as "outcome unknown";
a task card that ends so is reported to the grid leader, once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import now_utc
from bot.worker import schedule
from bot.worker.rq_worker import GridbotWorker
from handlers import staff_texts
from storage import dispatch, outbox
from storage.models import AppealEvent, DeliveryChannel, DispatchMode, Grid, OutboxMessage, OutboxStatus, Staff
from storage.notices import ResidentProgress, ResidentResumed
from tests.support.database import add_notice, outbox_row
from tests.support.personas import LI, RESIDENT, WANG, ZHANG

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
CUSTOM_SEND = "/cgi-bin/message/custom/send"
FIRST_NOTE = "已联系物业，明天上午维修电梯"
WAIT_S = 30
MEMBERS, LEADER = (ZHANG, LI), WANG  # o1's grid
TICKET = re.compile(r"G\d{10}")


def worker_env(settings, fake_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """The test's configuration, as a worker process reads it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "GRIDBOT_"))}
    env.update(WECHAT_TOKEN=settings.wechat_token, WECHAT_APPID=settings.wechat_appid,
               WECHAT_SECRET=settings.wechat_secret, WECHAT_API_BASE_URL=fake_url,
               GRIDBOT_SECRET_KEY=settings.secret_key, GRIDBOT_DATABASE_URL=settings.database_url, GRIDBOT_REDIS_URL=redis_url,
               GRIDBOT_DATA_DIR=str(data_dir), GRIDBOT_OUTBOX_POLL_MS="50",
               # The worker runs on the real clock: a morning's 每日简报 would join the sends these tests count.
               GRIDBOT_SUMMARY_HOUR="off")
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def texts_to_resident(fake_wechat, openid: str = RESIDENT) -> list[str]:
    return [call["body"]["text"]["content"] for call in fake_wechat.calls(CUSTOM_SEND)
            if call["body"]["touser"] == openid]


def kill_during_first_send(env: dict[str, str], log: Path, fake_wechat) -> None:
    """Start a worker, let WeChat hold its first customer-service call, and SIGKILL the worker meanwhile."""
    fake_wechat.fail(CUSTOM_SEND, "timeout", times=1, delay=10)  # WeChat holds the call; the client waits 5 s
    doomed = start_worker(env, log)
    try:
        wait_until(lambda: fake_wechat.calls(CUSTOM_SEND), log, "the first worker's call")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stop(doomed)


def wait_until(check, log: Path, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {WAIT_S} s; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


def test_a_worker_killed_mid_send_delivers_once_and_the_next_worker_does_not_send_it_again(
        wechat, worker_runtime, fake_wechat, clock, redis_url, tmp_path):
    database, log = worker_runtime.database, tmp_path / "worker.log"
    env = worker_env(worker_runtime.settings, fake_wechat.url, redis_url, tmp_path)
    clock.current = now_utc()  # the worker processes run on the real clock
    wechat.send(RESIDENT, "你好")
    first = add_notice(database, "crash", ResidentProgress(ticket="G2611220001", note=FIRST_NOTE), clock())

    kill_during_first_send(env, log, fake_wechat)
    killed = outbox_row(database, first)
    assert (killed.status, killed.channel) == (OutboxStatus.SENDING, DeliveryChannel.CUSTOMER_SERVICE)

    second = add_notice(database, "after-crash", ResidentResumed(ticket="G2611220001"), now_utc())
    successor = start_worker(env, log)
    try:
        wait_until(lambda: len(texts_to_resident(fake_wechat)) >= 2, log, "the second worker's send")
        time.sleep(1)  # twenty relay rounds in which the killed row could wrongly go out again
    finally:
        stop(successor)
    texts = texts_to_resident(fake_wechat)
    assert len([text for text in texts if FIRST_NOTE in text]) == 1, texts
    assert len(texts) == 2 and outbox_row(database, second).status == OutboxStatus.SENT
    assert outbox_row(database, first).status == OutboxStatus.SENDING

    clock.current = killed.sending_at + outbox.ABANDONED_AFTER + timedelta(seconds=1)
    assert schedule.tick(worker_runtime) == 0
    abandoned = outbox_row(database, first)
    assert (abandoned.status, abandoned.last_error) == (OutboxStatus.FAILED, outbox.OUTCOME_UNKNOWN)
    assert len(texts_to_resident(fake_wechat)) == 2


def test_a_task_card_cut_off_by_a_crash_is_reported_to_the_grid_leader_once(
        wechat, worker_runtime, fake_wechat, clock, redis_url, tmp_path):
    database, log = worker_runtime.database, tmp_path / "worker.log"
    env = worker_env(worker_runtime.settings, fake_wechat.url, redis_url, tmp_path)
    clock.current = now_utc()
    with database.transaction() as session:
        grid = session.scalars(select(Grid).join(Staff, Staff.grid_id == Grid.id).where(Staff.openid == LEADER)).one()
        dispatch.set_mode(session, grid, DispatchMode.ASSIGN)  # 派单: one card, to one member
    ticket = TICKET.search(wechat.send(RESIDENT, "3号楼电梯坏了，物业一直不来修")).group(0)

    kill_during_first_send(env, log, fake_wechat)  # the worker dispatches and dies sending the only card
    with database.transaction() as session:
        (card,) = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_new_appeal")).all()
    assert card.status == OutboxStatus.SENDING and card.recipient_openid in MEMBERS
    holder = worker_staff_name(database, card.recipient_openid)

    clock.current = card.sending_at + outbox.ABANDONED_AFTER + timedelta(seconds=1)
    schedule.tick(worker_runtime)
    schedule.tick(worker_runtime)  # a second relay round (or a second relay) reports nothing more
    GridbotWorker([schedule.queue(worker_runtime)], connection=worker_runtime.redis).work(burst=True)

    assert outbox_row(database, card.id).status == OutboxStatus.FAILED
    with database.transaction() as session:
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "staff_card_lost")).all()
        events = session.scalars(select(AppealEvent).where(AppealEvent.action == "card_lost")).all()
    assert [(n.recipient_openid, n.status) for n in notices] == [(LEADER, OutboxStatus.SENT)]
    assert [(e.note, e.internal, e.actor_kind) for e in events] == [(holder, True, "system")]
    (told,) = texts_to_resident(fake_wechat, LEADER)
    assert ticket in told and holder in told and "可能没有收到" in told
    assert staff_texts.EVENT_NAMES["card_lost"] in wechat.send(LEADER, f"查询 {ticket}")


def worker_staff_name(database, openid: str) -> str:
    with database.transaction() as session:
        return session.scalars(select(Staff.name).where(Staff.openid == openid)).one()
