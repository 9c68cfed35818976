"""Driving the worker side in a test: the schedule's rounds and a real RQ worker, and what the fake API was asked."""

from __future__ import annotations

from rq import SimpleWorker

from bot.worker import schedule
from bot.worker.runtime import WorkerRuntime
from tests.fakes import Fake

CUSTOM_SEND = "/cgi-bin/message/custom/send"


def work(runtime: WorkerRuntime, rounds: int = 1) -> int:
    """Dispatch and relay what is due, then let a real RQ worker run the jobs until the queue is empty, `rounds`
    times; returns how many jobs were queued."""
    queued = 0
    for _ in range(rounds):
        queued += schedule.tick(runtime)
        SimpleWorker([schedule.queue(runtime)], connection=runtime.redis).work(burst=True)
    return queued


def told(fake: Fake, openid: str) -> list[str]:
    """What the fake WeChat API was asked to tell `openid` by customer service message, oldest first."""
    return [call["body"]["text"]["content"] for call in fake.calls(CUSTOM_SEND) if call["body"]["touser"] == openid]
