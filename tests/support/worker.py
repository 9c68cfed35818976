"""Driving the worker side in a test: the schedule's rounds and a real RQ worker, and what the fake API was asked."""

from __future__ import annotations

import re
from dataclasses import replace

import redis as redis_lib
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.worker import schedule
from bot.worker.rq_worker import GridbotWorker
from bot.worker.runtime import WorkerRuntime
from storage import dispatch
from storage.db import Database
from tests.fakes import Fake
from tests.support.personas import RESIDENT
from tests.support.ports import free_port_run

CUSTOM_SEND = "/cgi-bin/message/custom/send"
LIFT = "3号楼电梯坏了，物业一直不来修"  # the appeal most tests file: o1 lives in 3号楼
TICKET = re.compile(r"G\d{10}")


def with_redis_refusing(runtime: WorkerRuntime) -> WorkerRuntime:
    """The same worker, its Redis gone (down, or a primary Sentinel has not replaced yet): every command refused."""
    gone = redis_lib.Redis(port=free_port_run(1), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    return replace(runtime, redis=gone)


def work(runtime: WorkerRuntime, rounds: int = 1) -> int:
    """Dispatch and relay what is due, then let a real RQ worker run the jobs until the queue is empty, `rounds`
    times; returns how many jobs were queued."""
    queued = 0
    for _ in range(rounds):
        queued += schedule.tick(runtime)
        GridbotWorker([schedule.queue(runtime)], connection=runtime.redis).work(burst=True)
    return queued


def told(fake: Fake, openid: str) -> list[str]:
    """What the fake WeChat API was asked to tell `openid` by customer service message, oldest first."""
    return [call["body"]["text"]["content"] for call in fake.calls(CUSTOM_SEND) if call["body"]["touser"] == openid]


def dispatch_filed(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    """The worker's dispatch round over what was filed, without delivering: the cards wait in the outbox."""
    with database.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])


def file_and_dispatch(wechat, database: Database, clock, text: str = LIFT,  # type: ignore[no-untyped-def]
                      openid: str = RESIDENT) -> str:
    """`openid` sends `text`, the worker dispatches it; its ticket."""
    ticket = TICKET.search(wechat.send(openid, text)).group(0)
    dispatch_filed(database, clock)
    return ticket
