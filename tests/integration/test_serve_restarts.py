"""A web process of `gridbot serve` that ends (a stop sent to it, gunicorn's timeout for a stuck one) is replaced by
the master, and the server goes on answering WeChat: the processes share nothing that one of them takes away."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import requests

from bot.wechat.simulator import WeChatServer
from storage.db import Database
from tests.conftest import TEST_AES_KEY, TEST_APPID, TEST_TOKEN
from tests.integration.test_dedup_processes import ServerProcess, start_server, wait_until_up

pytestmark = pytest.mark.postgres

RESPAWN_TIMEOUT_S = 30


def web_processes(master: int) -> set[int]:
    """The gunicorn workers of `master` (its child processes), from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def both_up(server: ServerProcess, master: int, gone: set[int]) -> set[int]:
    """Wait until the master runs two workers, none of them in `gone`; return them."""
    deadline = time.monotonic() + RESPAWN_TIMEOUT_S
    while len(running := web_processes(master) - gone) < 2:
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.1)
    return running


def test_a_web_process_that_stops_takes_nothing_from_the_others_and_its_replacement_answers(
        seeded: Database, database_url: str, redis_url: str, tmp_path: Path) -> None:
    # The master removed the metrics directory the processes count in when it stopped, from a `finally` that the
    # stopping worker ran too (gunicorn ends a forked worker with sys.exit, through its caller's frames): after
    # one worker was replaced, every message got HTTP 500 from every process, though each was filed.
    server = start_server(database_url, tmp_path, "a", redis_url)
    try:
        wait_until_up(server)
        master = server.process.pid
        stopped = min(both_up(server, master, set()))
        os.kill(stopped, signal.SIGTERM)
        both_up(server, master, {stopped})

        wechat = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
        for round_ in range(6):  # several, so that both processes answer some
            request = wechat.sign(wechat.text("o1", "我的诉求", msg_id=int(time.time() * 1000) * 10 + round_),
                                  encrypted=True)
            response = requests.post(server.url, params=request.params, data=request.body, timeout=15,
                                     headers={"Content-Type": "text/xml"})
            assert response.status_code == 200, server.log_tail()
        assert "Traceback" not in server.log.read_text(errors="replace"), server.log_tail()
    finally:
        server.stop()
